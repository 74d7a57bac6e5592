{#- Sales' verdicts on known leads (base_crm__lead_feedback_checked holds
    the rule). Verdicts on unknown leads are listed in rejected_rows. -#}
with

base as (
    select * from {{ ref('base_crm__lead_feedback_checked') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        raw_row_hash as feedback_id,
        lead_id,
        rep_id,

        -- strings
        verdict_as_given as verdict,
        reason,

        -- timestamps
        given_at
    from base
)

select * from renamed
