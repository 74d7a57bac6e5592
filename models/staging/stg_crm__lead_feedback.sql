{#- Sales' verdicts on known leads. Verdicts on unknown leads are listed in
    rejected_rows. -#}
with

base as (
    select * from {{ ref('base_crm__lead_feedback') }}
    where rejection_reason is null and not is_duplicate
),

leads as (
    select lead_id from {{ ref('stg_crm__leads') }}
),

renamed as (
    select
        -- ids
        base.raw_row_hash as feedback_id,
        base.lead_id,
        base.rep_id,

        -- strings
        base.verdict_as_given as verdict,
        base.reason,

        -- timestamps
        base.given_at
    from base
    inner join leads on base.lead_id = leads.lead_id
)

select * from renamed
