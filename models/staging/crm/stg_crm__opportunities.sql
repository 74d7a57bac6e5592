with

base as (
    select * from {{ ref('base_crm__opportunities') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        opportunity_id,
        lead_id,
        account_id,

        -- numerics
        amount,

        -- booleans
        coalesce(is_won, false) as is_won,
        closed_at is not null as is_closed,

        -- timestamps
        created_at,
        closed_at
    from base
)

select * from renamed
