{#- The rows the champion is backtested on: every lead open at each of the
    latest var health_backtest_weeks labelled weekly as-of dates and at the
    later as-of dates (horizon still open, up to the score date), at most
    var health_backtest_max_rows_per_date leads per date (a seeded sample by
    lead_id), with the label, the points score and, when the champion
    scored the lead that day, what lead_score_history recorded (those rows
    are not replayed). -#}
{%- set max_rows = var('health_backtest_max_rows_per_date') -%}
{#- what a row's fingerprint leaves out: not features, or the build's key -#}
{%- set not_hashed = ['label', 'is_score_date', '_feature_key'] -%}
with

-- the weekly as-of dates (creation rows are for training only)
-- not materialized: DuckDB would otherwise keep the whole wide panel
-- (lead_features, 17M rows x 180 columns at 1M leads) as a temporary
-- table for the several references below, and spill tens of GB to disk
features as not materialized (
    select * from {{ ref('lead_features') }}
    where not is_at_creation
),

points as (
    select
        lead_id,
        as_of_date,
        points_score
    from {{ ref('lead_points_scores') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
    where scoring_method = 'model'
),

-- the champion (ml_champion)
champion as (
    select version_id
    from {{ ref('ml_champion') }}
    where champion_rank = 1
),

labelled_dates as (
    select distinct as_of_date
    from features
    where label is not null
),

backtest_dates as (
    select as_of_date
    from labelled_dates
    order by 1 desc
    limit {{ var('health_backtest_weeks') }}
),

-- a seeded sample of the leads of each as-of date
sampled_keys as (
    select
        lead_id,
        as_of_date
    from (
        select
            features.lead_id,
            features.as_of_date,
            row_number() over (
                partition by features.as_of_date
                order by {{ dbt.hash(
                    "features.lead_id || '-" ~ var('health_seed') ~ "'"
                ) }}, features.lead_id
            ) as sample_rank
        from features
        where features.as_of_date >= (
            select min(backtest_dates.as_of_date) from backtest_dates
        )
    ) as ranked
    where sample_rank <= {{ max_rows if max_rows is not none else 2147483647 }}
)

select
    features.*,
    -- the features as a hash (not the label, which arrives later): a replay
    -- of the same model on the same features is reused (ml_backtest_scores)
    {{ feature_fingerprint('features', not_hashed) }}
        as feature_fingerprint,
    points.points_score,
    history.probability as history_probability,
    history.score as history_score,
    history.model_version as history_model_version
from features
inner join sampled_keys
    on
        features.lead_id = sampled_keys.lead_id
        and features.as_of_date = sampled_keys.as_of_date
inner join points
    on
        features.lead_id = points.lead_id
        and features.as_of_date = points.as_of_date
left join history
    on
        features.lead_id = history.lead_id
        and features.as_of_date = history.score_date
        and history.model_version = (select champion.version_id from champion)
