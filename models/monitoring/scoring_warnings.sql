{#- What a user must know about the scores of this build, one row per
    warning: the training run's warning (no model, a failed training, a
    model that lost to the rules score) and scores that are the same for
    nearly every open lead. Empty when all is well. The build prints every
    row as a warning at its end (macro log_scoring_warnings) and the model
    report shows them at the top. -#}
{%- set constant_share = var('constant_score_warn_share') -%}
with

runs as (
    select * from {{ ref('ml_training_runs') }}
),

scores as (
    select * from {{ ref('lead_scores') }}
),

latest_run as (
    select
        score_date,
        warning
    from runs
    qualify row_number() over (order by ran_at desc, run_id desc) = 1
),

score_counts as (
    select
        score,
        scoring_method,
        count(*) as leads
    from scores
    group by 1, 2
),

most_common as (
    select
        score,
        scoring_method,
        leads,
        sum(leads) over () as total_leads
    from score_counts
    qualify
        row_number() over (order by leads desc, score asc) = 1
),

training_warnings as (
    select
        'training' as warning_kind,
        warning as message
    from latest_run
    where warning is not null
),

constant_warnings as (
    select
        'constant_scores' as warning_kind,
        cast(round(100.0 * leads / total_leads) as integer) || '% of the '
        || total_leads || ' open leads have the same score (' || score
        || ', scoring_method ' || scoring_method || '): the scores cannot '
        || 'tell these leads apart. '
        || case
            when scoring_method = 'rules'
                then
                    'The points rules (seeds/points_rules.csv) see nothing '
                    || 'that differs between them: add activities, or rules '
                    || 'on the fields your export has (lead_source, '
                    || 'custom_<name> of var custom_properties), until there '
                    || 'are enough outcomes for the model.'
            else
                'The model found nothing that separates them: check that '
                || 'the export carries the columns the model can use '
                || '(var column_map, var custom_properties).'
        end as message
    from most_common
    where
        total_leads >= 20
        and leads >= {{ constant_share }} * total_leads
)

select
    warning_kind,
    message
from training_warnings
union all
select
    warning_kind,
    message
from constant_warnings
