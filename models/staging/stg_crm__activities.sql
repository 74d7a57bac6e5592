{#- Usable, de-duplicated activities of known leads, not before the lead
    was created. Rows for unknown leads or from before the lead existed are
    listed in rejected_rows (see int_activities_rejected). -#}
with

base as (
    select * from {{ ref('base_crm__activities') }}
    where rejection_reason is null and not is_duplicate
),

leads as (
    select
        lead_id,
        created_at
    from {{ ref('stg_crm__leads') }}
),

renamed as (
    select
        -- ids
        base.activity_id,
        base.lead_id,

        -- strings
        base.activity_type,
        base.activity_type_as_given,
        base.page_category,
        base.url,
        case
            when base.device_type in ('desktop', 'mobile', 'tablet')
                then base.device_type
            when base.device_type in ('phone', 'smartphone') then 'mobile'
            when base.device_type in ('pc', 'laptop', 'computer')
                then 'desktop'
        end as device_type,
        base.campaign,

        -- timestamps
        base.occurred_at
    from base
    inner join leads
        on
            base.lead_id = leads.lead_id
            and base.occurred_at >= leads.created_at
)

select * from renamed
