with

base as (
    select * from {{ ref('base_crm__sales_reps') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        rep_id,

        -- strings
        rep_name,
        email,
        segment,
        region,

        -- numerics
        greatest(coalesce(daily_capacity, 0), 0) as daily_capacity,

        -- booleans
        coalesce(is_active, true) as is_active
    from base
)

select * from renamed
