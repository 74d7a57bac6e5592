with

base as (
    select * from {{ ref('base_crm__accounts') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        account_id,

        -- strings
        company_name,
        domain,
        industry,
        country,
        technologies,

        -- numerics
        case when employee_count >= 0 then employee_count end
            as employee_count,
        case when annual_revenue >= 0 then annual_revenue end
            as annual_revenue
    from base
)

select * from renamed
