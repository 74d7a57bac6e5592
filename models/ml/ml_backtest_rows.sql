{#- The rows the champion is backtested on: every lead open at each of the
    latest var health_backtest_weeks labelled weekly as-of dates and at the
    later as-of dates (horizon still open, up to the score date), at most
    var health_backtest_max_rows_per_date leads per date (a seeded sample by
    lead_id), with the label, the points score and, when the champion
    scored the lead that day, what lead_score_history recorded (those rows
    are not replayed). -#}
{%- set max_rows = var('health_backtest_max_rows_per_date') -%}
with

features as (
    select * from {{ ref('lead_features') }}
),

points as (
    select
        lead_id,
        as_of_date,
        points_score
    from {{ ref('lead_points_scores') }}
),

runs as (
    select * from {{ ref('ml_training_runs') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
    where scoring_method = 'model'
),

-- the latest promoted model
champion as (
    select version_id
    from runs
    where is_promoted
    order by ran_at desc, run_id desc
    limit 1
),

labelled_dates as (
    select distinct as_of_date
    from features
    where label is not null
),

backtest_dates as (
    select as_of_date
    from labelled_dates
    order by as_of_date desc
    limit {{ var('health_backtest_weeks') }}
),

sampled as (
    select
        features.*,
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
)

select
    sampled.* exclude (sample_rank),
    points.points_score,
    history.probability as history_probability,
    history.score as history_score,
    history.model_version as history_model_version
from sampled
inner join points
    on
        sampled.lead_id = points.lead_id
        and sampled.as_of_date = points.as_of_date
left join history
    on
        sampled.lead_id = history.lead_id
        and sampled.as_of_date = history.score_date
        and history.model_version = (select champion.version_id from champion)
{%- if max_rows is not none %}
where sampled.sample_rank <= {{ max_rows }}
{%- endif %}
