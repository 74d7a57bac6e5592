{#- Leads whose tier changed since the previous score date in
    lead_score_history: one row per such lead at the current score date,
    with what moved it (move_cause, from lead_scores_compared). Only a
    lead that did something new (move_cause behaviour) and reached a
    hotter tier escalated; a hotter tier from a new model version or from
    time alone is 'raised', not an escalation; a colder tier dropped,
    whatever the cause. Leads new since then (no previous row) and leads
    that left (converted, disqualified) are not alerts. Empty on the first
    score date. -#}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

compared as (
    select * from {{ ref('lead_scores_compared') }}
),

scores as (
    select * from {{ ref('lead_scores') }}
),

assignments as (
    select * from {{ ref('lead_assignments') }}
    where score_date = (select score_date.score_date from score_date)
),

now_and_then as (
    select
        lead_id,
        score_date,
        previous_score_date,
        previous_tier as from_tier,
        tier as to_tier,
        previous_score,
        score,
        move_cause,
        reason_1,
        reason_2,
        reason_3
    from compared
    where tier != previous_tier
),

-- sales_now above nurture above awareness
tier_ranks as (
    select
        lead_id,
        case from_tier
            when 'sales_now' then 3
            when 'nurture' then 2
            else 1
        end as from_rank,
        case to_tier
            when 'sales_now' then 3
            when 'nurture' then 2
            else 1
        end as to_rank
    from now_and_then
),

alerts as (
    select
        -- keys
        now_and_then.lead_id,
        now_and_then.score_date,
        scores.email,

        -- the change
        now_and_then.previous_score_date,
        now_and_then.from_tier,
        now_and_then.to_tier,
        case
            when tier_ranks.to_rank < tier_ranks.from_rank then 'dropped'
            -- hotter: an escalation only when the lead did something new
            when now_and_then.move_cause = 'behaviour' then 'escalated'
            else 'raised'
        end as direction,
        now_and_then.previous_score,
        now_and_then.score,
        now_and_then.score - now_and_then.previous_score as score_change,
        now_and_then.move_cause,

        -- why, now
        now_and_then.reason_1,
        now_and_then.reason_2,
        now_and_then.reason_3,

        -- who works it
        scores.action,
        assignments.assigned_rep_id
    from now_and_then
    inner join tier_ranks on now_and_then.lead_id = tier_ranks.lead_id
    left join scores on now_and_then.lead_id = scores.lead_id
    left join assignments on now_and_then.lead_id = assignments.lead_id
)

select * from alerts
