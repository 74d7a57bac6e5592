{#- Usable, de-duplicated activities of known leads, not before the lead
    was created (base_crm__activities_checked holds the rule). The other
    rows are listed in rejected_rows. -#}
with

base as (
    select * from {{ ref('base_crm__activities_checked') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        activity_id,
        lead_id,

        -- strings
        activity_type,
        activity_type_as_given,
        page_category,
        url,
        case
            when device_type in ('desktop', 'mobile', 'tablet')
                then device_type
            when device_type in ('phone', 'smartphone') then 'mobile'
            when device_type in ('pc', 'laptop', 'computer') then 'desktop'
        end as device_type,
        campaign,

        -- timestamps
        occurred_at
    from base
)

select * from renamed
