{#- One row per lead scored both at the current score date and at the
    previous score date in lead_score_history: both sides' score, tier,
    scoring method, model version and reasons, and what moved the lead
    (move_cause): behaviour when it did something after the previous score
    date (last_behaviour_date, see macros/sync_changes.sql), else model
    when another model version (or scoring method) scores it, else time
    (the same activity aging, day counters). What the tier alerts and the
    "why did it change" mart compare. Empty on the first score date. -#}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
),

previous_score_date as (
    select max(history.score_date) as score_date
    from history
    where history.score_date < (select score_date.score_date from score_date)
),

current_scores as (
    select * from history
    where score_date = (select score_date.score_date from score_date)
),

previous_scores as (
    select * from history
    where
        score_date
        = (select previous_score_date.score_date from previous_score_date)
),

behaviour as (
    {{ leadscore.last_behaviour_dates() | indent(4) }}
),

compared as (
    select
        current_scores.lead_id,
        current_scores.score_date,
        previous_scores.score_date as previous_score_date,
        current_scores.score,
        previous_scores.score as previous_score,
        current_scores.tier,
        previous_scores.tier as previous_tier,
        current_scores.scoring_method,
        previous_scores.scoring_method as previous_scoring_method,
        current_scores.model_version,
        previous_scores.model_version as previous_model_version,
        current_scores.reason_1,
        current_scores.reason_2,
        current_scores.reason_3,
        previous_scores.reason_1 as previous_reason_1,
        previous_scores.reason_2 as previous_reason_2,
        previous_scores.reason_3 as previous_reason_3,
        behaviour.last_behaviour_date,
        -- everything up to the end of the previous score date was known then
        coalesce(
            behaviour.last_behaviour_date > previous_scores.score_date, false
        ) as has_new_behaviour,
        coalesce(
            current_scores.scoring_method != previous_scores.scoring_method
            or not coalesce(
                current_scores.model_version = previous_scores.model_version,
                current_scores.model_version is null
                and previous_scores.model_version is null
            ),
            false
        ) as is_method_changed
    from current_scores
    inner join previous_scores
        on current_scores.lead_id = previous_scores.lead_id
    left join behaviour on current_scores.lead_id = behaviour.lead_id
)

select
    *,
    case
        when has_new_behaviour then 'behaviour'
        when is_method_changed then 'model'
        else 'time'
    end as move_cause
from compared
