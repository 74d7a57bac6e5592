with

source as (
    {{ raw_table('sales_reps') }}
),

typed as (
    select
        -- ids
        {{ clean_text('rep_id') }} as rep_id,

        -- strings
        {{ clean_text('name') }} as rep_name,
        {{ clean_email('email') }} as email,
        {{ snake_case(clean_text('segment')) }} as segment,
        {{ snake_case(clean_text('region')) }} as region,

        -- numerics
        -- read as the contract reads integers (64-bit): as a 32-bit integer,
        -- 3000000000 was null without being counted unreadable
        {{ parse_number('daily_capacity', 'bigint') }} as daily_capacity,

        -- booleans
        {{ parse_boolean('is_active') }} as is_active,

        -- typed values that could not be read (null on this row), listed
        {{ unreadable_values('sales_reps') }} as unreadable_values,
        -- whether the export gave each optional column a value
        {{ values_given('sales_reps') }} as values_given,

        {{ row_hash(['rep_id', 'name', 'email', 'segment', 'region',
            'daily_capacity', 'is_active']) }} as raw_row_hash,
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
            {{ missing_reason('rep_id') }}
        ) as rejection_reason
    from typed
)

select
    * exclude (raw_row),
    case when rejection_reason is not null then to_json(raw_row) end
        as raw_record,
    rejection_reason is null
    and row_number() over (
        partition by rep_id, rejection_reason is null
        order by raw_row_hash
    ) > 1 as is_duplicate
from checked
