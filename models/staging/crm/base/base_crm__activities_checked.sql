{#- Every raw activity row of base_crm__activities, with the checks that
    need the leads added to rejection_reason: an activity of no usable lead
    ('unknown lead_id') or from before its lead was created ('occurred
    before the lead was created'). The one place of that rule:
    stg_crm__activities keeps the usable rows, rejected_rows lists the
    rest. The checks judge the copy that de-duplication keeps; its repeated
    copies stay duplicates, as base_crm__activities marks them. -#}
with

base_activities as (
    select * from {{ ref('base_crm__activities') }}
),

-- the leads stg_crm__leads keeps: usable, the winning copy of each lead_id
leads as (
    select
        lead_id,
        created_at
    from {{ ref('base_crm__leads') }}
    where rejection_reason is null and not is_duplicate
),

checked as (
    select
        base_activities.* replace (
            coalesce(
                base_activities.rejection_reason,
                case
                    when base_activities.is_duplicate then null
                    when leads.lead_id is null then 'unknown lead_id'
                    when base_activities.occurred_at < leads.created_at
                        then 'occurred before the lead was created'
                end
            ) as rejection_reason
        )
    from base_activities
    left join leads on base_activities.lead_id = leads.lead_id
),

-- rows rejected here have no raw_record from base_crm__activities (it keeps
-- one only for its own rejects): record the fields that identify them
recorded as (
    select
        * replace (
            coalesce(
                raw_record,
                case
                    when rejection_reason is not null
                        then json_object(
                            'activity_id', activity_id,
                            'lead_id', lead_id,
                            'occurred_at', occurred_at,
                            'activity_type', activity_type_as_given,
                            'url', url
                        )
                end
            ) as raw_record
        )
    from checked
)

select * from recorded
