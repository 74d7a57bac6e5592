with

source as (
    {{ raw_table('opportunities') }}
),

typed as (
    select
        -- ids
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('account_id') }} as account_id,

        -- numerics
        {{ parse_number('amount', 'double') }} as amount,

        -- booleans
        {{ parse_boolean('is_won') }} as is_won,

        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('closed_at') }} as closed_at,

        -- typed values that could not be read (null on this row), listed
        {{ unreadable_values('opportunities') }} as unreadable_values,
        -- whether the export gave each optional column a value
        {{ values_given('opportunities') }} as values_given,

        {{ row_hash(['opportunity_id', 'lead_id', 'account_id', 'created_at',
            'closed_at', 'is_won', 'amount']) }} as raw_row_hash,
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
            {{ missing_reason('opportunity_id') }},
            case
                when created_at > current_timestamp
                    then 'created_at in the future'
            end
        ) as rejection_reason
    from typed
)

select
    * exclude (raw_row),
    case when rejection_reason is not null then to_json(raw_row) end
        as raw_record,
    rejection_reason is null
    and row_number() over (
        partition by opportunity_id, rejection_reason is null
        order by closed_at desc nulls last, created_at desc, raw_row_hash asc
    ) > 1 as is_duplicate
from checked
