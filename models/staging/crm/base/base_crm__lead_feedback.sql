with

source as (
    {{ raw_table('lead_feedback') }}
),

typed as (
    select
        -- ids
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('rep_id') }} as rep_id,

        -- strings
        {{ snake_case(clean_text('verdict')) }} as verdict_as_given,
        {{ clean_text('reason') }} as reason,

        -- timestamps
        {{ parse_timestamp('given_at') }} as given_at,
        {{ clean_text('given_at') }} as given_at_as_given,

        -- typed values that could not be read (null on this row), listed
        {{ unreadable_values('lead_feedback') }} as unreadable_values,
        -- whether the export gave each optional column a value
        {{ values_given('lead_feedback') }} as values_given,

        {{ row_hash(['lead_id', 'rep_id', 'given_at', 'verdict',
            'reason']) }} as raw_row_hash,
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
            case when given_at_as_given is null then 'missing given_at' end,
            case when given_at is null then 'unreadable given_at' end,
            case
                when given_at > current_timestamp
                    then 'given_at in the future'
            end,
            case
                when
                    verdict_as_given is null
                    or verdict_as_given not in (
                        'accepted', 'rejected', 'no_response'
                    )
                    then 'unknown verdict (accepted, rejected, no_response)'
            end
        ) as rejection_reason
    from typed
)

select
    * exclude (raw_row),
    case when rejection_reason is not null then to_json(raw_row) end
        as raw_record,
    -- exact re-exports of the same verdict are one verdict
    rejection_reason is null
    and row_number() over (
        partition by raw_row_hash, rejection_reason is null
        order by raw_row_hash
    ) > 1 as is_duplicate
from checked
