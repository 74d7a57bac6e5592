{#- Every raw feedback row of base_crm__lead_feedback, with the check that
    needs the leads added to rejection_reason: a verdict on no usable lead
    is 'unknown lead_id'. The one place of that rule:
    stg_crm__lead_feedback keeps the usable rows, rejected_rows lists the
    rest. The check judges the copy de-duplication keeps; exact re-exports
    of it stay duplicates, as base_crm__lead_feedback marks them. -#}
with

base_lead_feedback as (
    select * from {{ ref('base_crm__lead_feedback') }}
),

-- the leads stg_crm__leads keeps: usable, the winning copy of each lead_id
leads as (
    select lead_id from {{ ref('base_crm__leads') }}
    where rejection_reason is null and not is_duplicate
),

checked as (
    select
        base_lead_feedback.* replace (
            coalesce(
                base_lead_feedback.rejection_reason,
                case
                    when base_lead_feedback.is_duplicate then null
                    when leads.lead_id is null then 'unknown lead_id'
                end
            ) as rejection_reason
        )
    from base_lead_feedback
    left join leads on base_lead_feedback.lead_id = leads.lead_id
),

-- rows rejected here have no raw_record from base_crm__lead_feedback (it
-- keeps one only for its own rejects): record the fields that identify them
recorded as (
    select
        * replace (
            coalesce(
                raw_record,
                case
                    when rejection_reason is not null
                        then json_object(
                            'lead_id', lead_id,
                            'rep_id', rep_id,
                            'given_at', given_at,
                            'verdict', verdict_as_given
                        )
                end
            ) as raw_record
        )
    from checked
)

select * from recorded
