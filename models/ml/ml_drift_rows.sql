{#- The two populations drift compares: the rows of the champion's training
    window (lead_features as-of dates train_start..train_end; at most var
    health_drift_max_reference_rows of them, a seeded sample) as
    'reference', and the rows scored now (the score date) as 'current'.
    Empty reference while there is no champion. -#}
{%- set max_rows = var('health_drift_max_reference_rows') -%}
with

features as (
    select * from {{ ref('lead_features') }}
),

runs as (
    select * from {{ ref('ml_training_runs') }}
),

-- the latest promoted model
champion as (
    select
        train_start,
        train_end
    from runs
    where is_promoted
    order by ran_at desc, run_id desc
    limit 1
),

training_window as (
    select
        features.*,
        row_number() over (
            order by {{ dbt.hash(
                "features.lead_id || '-' || cast(features.as_of_date as "
                ~ dbt.type_string() ~ ") || '-" ~ var('health_seed') ~ "'"
            ) }}, features.lead_id, features.as_of_date
        ) as sample_rank
    from features
    inner join champion
        on features.as_of_date between champion.train_start and champion.train_end
),

reference as (
    select
        'reference' as population,
        training_window.* exclude (sample_rank)
    from training_window
    {%- if max_rows is not none %}
    where training_window.sample_rank <= {{ max_rows }}
    {%- endif %}
),

current_rows as (
    select
        'current' as population,
        features.*
    from features
    where features.is_score_date
)

select * from reference
union all
select * from current_rows
