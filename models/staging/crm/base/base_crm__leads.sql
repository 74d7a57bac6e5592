{#- Every raw lead row, typed and cleaned, with why it cannot be used (if
    so) and whether it is an older copy of a lead. stg_crm__leads keeps the
    usable latest copies; rejected_rows lists the rest. -#}
with

source as (
    {{ raw_table('leads') }}
),

typed as (
    select
        -- ids
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_id') }} as owner_id,

        -- strings
        {{ clean_email('email') }} as email,
        {{ clean_text('email') }} as email_as_given,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('job_title') }} as job_title,
        {{ clean_text('company_name') }} as company_name,
        {{ clean_text('country') }} as country,
        {{ clean_text('lead_source') }} as lead_source,

        -- booleans
        {{ parse_boolean('is_disqualified') }} as is_disqualified_flag,
        {{ parse_boolean('is_converted') }} as is_converted_flag,
        {{ parse_boolean('email_opt_out') }} as email_opt_out_flag,

        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_timestamp('converted_at') }} as converted_at,
        {{ parse_timestamp('disqualified_at') }} as disqualified_at_given,
        {{ clean_text('created_at') }} as created_at_as_given,

        -- custom properties (custom_<name>), kept as text
        source.* exclude (
            {%- for column in contract_tables()['leads'].columns
                + [['_raw_line_problem'], ['_raw_line_text']] -%}
                {{ column[0] }}{{ ", " if not loop.last }}
            {%- endfor -%}
        ),

        -- typed values that could not be read (null on this row), listed
        {{ unreadable_values('leads') }} as unreadable_values,
        -- whether the export gave each optional column a value
        {{ values_given('leads') }} as values_given,

        {{ row_hash(['lead_id', 'email', 'created_at', 'updated_at',
            'job_title', 'company_name', 'converted_at']) }} as raw_row_hash,
        -- the raw row, turned into JSON only for rejected rows
        source as raw_row
    from source
),

checked as (
    select
        *,
        coalesce(
            -- a line of the file that could not be read at all
            struct_extract(raw_row, '_raw_line_problem'),
            {{ missing_reason('lead_id') }},
            case when created_at_as_given is null then 'missing created_at' end,
            case
                when created_at is null then 'unreadable created_at'
            end,
            case
                when created_at > current_timestamp
                    then 'created_at in the future'
            end
        ) as rejection_reason
    from typed
),

ranked as (
    select
        * exclude (raw_row),
        case when rejection_reason is not null then to_json(raw_row) end
            as raw_record,
        rejection_reason is null
        and row_number() over (
            partition by lead_id, rejection_reason is null
            order by
                updated_at desc nulls last, created_at desc, raw_row_hash asc
        ) > 1 as is_duplicate
    from checked
)

select * from ranked
