with

source as (
    {{ raw_table('accounts') }}
),

typed as (
    select
        -- ids
        {{ clean_text('account_id') }} as account_id,

        -- strings
        {{ clean_text('company_name') }} as company_name,
        nullif(regexp_replace(
            lower({{ clean_text('domain') }}),
            '^(https?://)?(www\.)?|/.*$', '', 'g'
        ), '') as domain,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('country') }} as country,
        {{ clean_text('technologies') }} as technologies,

        -- numerics
        {{ parse_number('employee_count', 'bigint') }} as employee_count,
        {{ parse_number('annual_revenue', 'double') }} as annual_revenue,

        -- typed values that could not be read (null on this row), listed
        {{ unreadable_values('accounts') }} as unreadable_values,
        -- whether the export gave each optional column a value
        {{ values_given('accounts') }} as values_given,

        {{ row_hash(['account_id', 'company_name', 'domain', 'industry',
            'employee_count', 'annual_revenue', 'country',
            'technologies']) }} as raw_row_hash,
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
            {{ missing_reason('account_id') }}
        ) as rejection_reason
    from typed
)

select
    * exclude (raw_row),
    case when rejection_reason is not null then to_json(raw_row) end
        as raw_record,
    rejection_reason is null
    and row_number() over (
        partition by account_id, rejection_reason is null
        order by raw_row_hash
    ) > 1 as is_duplicate
from checked
