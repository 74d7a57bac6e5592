{#- What the CRM receives: one row per open lead with its score, tier,
    action, owner and reasons (the columns leadscore.sync and reverse-ETL
    tools read). The owner and routing_status come from lead_assignments:
    routing_status is its assignment_status in the CRM's terms, stable from
    one day to the next (assigned: the owner works it; queued: it stays with
    an owner who is over capacity; unassigned: it waits without one; null:
    not sales_now). No column changes from one build to the next unless what
    the CRM should show changed, so sync_hash (an md5 of every other
    column) only moves on real changes. last_behaviour_date (the latest day
    the lead did something) is not sent and not hashed: the sync checkpoint
    records it, so lead_routing_changes can tell a change the lead caused
    from one the model or time caused. -#}
{%- set synced_columns = [
    'lead_id', 'email', 'score', 'tier', 'action', 'assigned_rep_id',
    'routing_status', 'reason_1', 'reason_2', 'reason_3', 'model_version',
    'tier_changed_at',
] -%}
with

scores as (
    select * from {{ ref('lead_scores') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
    where score_date = (select score_date.score_date from score_date)
),

assignments as (
    select * from {{ ref('lead_assignments') }}
    where score_date = (select score_date.score_date from score_date)
),

behaviour as (
    {{ leadscore.last_behaviour_dates() | indent(4) }}
),

routing as (
    select
        scores.lead_id,
        scores.email,
        cast(scores.score as integer) as score,
        scores.tier,
        scores.action,
        assignments.assigned_rep_id,
        case
            when
                assignments.assignment_status in (
                    'current_owner', 'previous_assignment', 'new_assignment',
                    'reassigned'
                )
                then 'assigned'
            when assignments.assignment_status = 'queued' then 'queued'
            when assignments.lead_id is not null then 'unassigned'
        end as routing_status,
        scores.reason_1,
        scores.reason_2,
        scores.reason_3,
        scores.model_version,
        cast(
            coalesce(history.tier_since_date, score_date.score_date)
            as timestamp
        ) as tier_changed_at
    from scores
    cross join score_date
    left join history on scores.lead_id = history.lead_id
    left join assignments on scores.lead_id = assignments.lead_id
)

{%- set text_type = dbt.type_string() %}

select
    routing.*,
    -- each field quoted (or null), so no two rows collide by accident
    md5(
        {%- for column in synced_columns %}
            {{- " || ',' ||" if not loop.first }}
            coalesce(
                '"'
                || replace(
                    cast(routing.{{ column }} as {{ text_type }}), '"', '""'
                )
                || '"',
                'null'
            )
        {%- endfor %}
    ) as sync_hash,
    behaviour.last_behaviour_date
from routing
left join behaviour on routing.lead_id = behaviour.lead_id
