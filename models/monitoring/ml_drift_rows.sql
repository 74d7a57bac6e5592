{#- The two populations drift compares: the rows of the champion's training
    window (lead_features as-of dates train_start..train_end; at most var
    health_drift_max_reference_rows of them, a seeded sample) as
    'reference', and the rows scored now (the score date) as 'current'.
    Empty reference while there is no champion. -#}
{%- set max_rows = var('health_drift_max_reference_rows') -%}
{#- what a row's fingerprint leaves out: not features, or the build's key -#}
{%- set not_hashed = ['label', 'is_score_date', '_feature_key'] -%}
with

-- not materialized: DuckDB would otherwise keep the whole wide panel
-- (lead_features, 17M rows x 180 columns at 1M leads) as a temporary
-- table for the several references below, and spill tens of GB to disk
features as not materialized (
    select * from {{ ref('lead_features') }}
),

-- the champion (ml_champion)
champion as (
    select
        train_start,
        train_end
    from {{ ref('ml_champion') }}
    where champion_rank = 1
),

-- a seeded sample of the training window's lead-dates
sampled_keys as (
    select
        lead_id,
        as_of_date
    from (
        select
            features.lead_id,
            features.as_of_date,
            row_number() over (
                order by {{ dbt.hash(
                    "features.lead_id || '-' || cast(features.as_of_date as "
                    ~ dbt.type_string() ~ ") || '-" ~ var('health_seed') ~ "'"
                ) }}, features.lead_id, features.as_of_date
            ) as sample_rank
        from features
        inner join champion
            on
                features.as_of_date >= champion.train_start
                and features.as_of_date <= champion.train_end
    ) as ranked
    where sample_rank <= {{ max_rows if max_rows is not none else 2147483647 }}
),

reference as (
    select
        'reference' as population,
        features.*,
        -- the reference's rows as hashes: the same champion on the same rows
        -- is not measured again (ml_drift)
        {{ feature_fingerprint('features', not_hashed) }}
            as feature_fingerprint
    from features
    inner join sampled_keys
        on
            features.lead_id = sampled_keys.lead_id
            and features.as_of_date = sampled_keys.as_of_date
),

current_rows as (
    select
        'current' as population,
        features.*,
        {{ feature_fingerprint('features', not_hashed) }}
            as feature_fingerprint
    from features
    where features.is_score_date
)

select * from reference
union all
select * from current_rows
