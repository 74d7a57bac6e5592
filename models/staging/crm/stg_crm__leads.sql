with

base as (
    select * from {{ ref('base_crm__leads') }}
    where rejection_reason is null and not is_duplicate
),

renamed as (
    select
        -- ids
        lead_id,
        account_id,
        owner_id,

        -- strings
        email,
        split_part(email, '@', 2) as email_domain,
        first_name,
        last_name,
        job_title,
        company_name,
        country,
        lead_source,

        -- booleans
        email_as_given is null or email is not null as is_email_valid,
        coalesce(is_disqualified_flag, false)
        or disqualified_at_given is not null as is_disqualified,
        coalesce(email_opt_out_flag, false) as has_email_opt_out,

        -- timestamps
        created_at,
        coalesce(updated_at, created_at) as updated_at,
        -- An export with only a converted flag: updated_at stands in for
        -- when (created_at when there is no updated_at either).
        coalesce(
            converted_at,
            case
                when is_converted_flag then coalesce(updated_at, created_at)
            end
        ) as converted_at,
        -- An export with only the flag: updated_at stands in for when.
        coalesce(
            disqualified_at_given,
            case
                when is_disqualified_flag
                    then coalesce(updated_at, created_at)
            end
        ) as disqualified_at,

        -- custom properties (columns beyond the contract), as text, named
        -- custom_<name>
        * exclude (
            lead_id, account_id, owner_id, email, email_as_given, first_name,
            last_name, job_title, company_name, country, lead_source,
            is_disqualified_flag, is_converted_flag, email_opt_out_flag,
            created_at, updated_at, converted_at, disqualified_at_given,
            created_at_as_given,
            raw_row_hash, raw_record, rejection_reason, is_duplicate,
            unreadable_values, values_given
        )
    from base
)

select * from renamed
