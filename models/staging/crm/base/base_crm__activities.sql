{#- Incremental: a build on yesterday's warehouse stages again only the
    activities that are new, changed, removed or repeated in the export
    (macros/keep_staged_rows.sql); the rows equal a build from scratch. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ keep_staged_rows() }}",
) }}
with

source as (
    {{ raw_table('activities') }}
),

-- each raw row's fingerprint (every column) and identity (its cleaned
-- activity_id; a row without one is its own)
identified as (
    {{ staged_rows_identified('source') }}
),

-- every row on a build from scratch; else the identities the table does
-- not hold (new, or deleted by the pre-hook as changed)
to_stage as (
    select * from identified
    {{ staged_rows_filter() }}
),

activity_types as (
    select activity_type from {{ ref('activity_types') }}
),

typed as (
    select
        -- ids
        to_stage.activity_id,
        to_stage.row_identity,
        to_stage.raw_fingerprint,
        {{ clean_text('source.lead_id') }} as lead_id,

        -- strings
        {{ clean_text('source.activity_type') }} as activity_type_as_given,
        {{ clean_text('source.url') }} as url,
        lower({{ clean_text('source.device_type') }}) as device_type,
        {{ clean_text('source.campaign') }} as campaign,

        -- timestamps
        {{ parse_timestamp('source.occurred_at') }} as occurred_at,
        {{ clean_text('source.occurred_at') }} as occurred_at_as_given,

        {{ row_hash(['source.activity_id', 'source.lead_id',
            'source.occurred_at', 'source.activity_type',
            'source.url']) }} as raw_row_hash,
        -- the raw row, turned into JSON only for rejected rows
        to_stage.source as raw_row,
        to_stage.staging_key
    from to_stage
),

classified as (
    select
        typed.*,
        -- unknown types are kept and counted as 'other'
        coalesce(activity_types.activity_type, 'other') as activity_type,
        case
            when activity_types.activity_type = 'page_view'
                then {{ classify_page('typed.url') }}
        end as page_category
    from typed
    left join activity_types
        on
            {{ snake_case('typed.activity_type_as_given') }}
            = activity_types.activity_type
            and activity_types.activity_type != 'other'
),

checked as (
    select
        *,
        coalesce(
            -- a line of the file that could not be read at all
            struct_extract(raw_row, '_raw_line_problem'),
            {{ missing_reason('activity_id') }},
            {{ missing_reason('lead_id') }},
            case
                when activity_type_as_given is null
                    then 'missing activity_type'
            end,
            case
                when occurred_at_as_given is null then 'missing occurred_at'
            end,
            case when occurred_at is null then 'unreadable occurred_at' end,
            case
                when occurred_at > current_timestamp
                    then 'occurred_at in the future'
            end
        ) as rejection_reason
    from classified
),

-- the raw row as JSON, only for rejected rows, before de-duplication (so
-- the window below does not carry every raw row)
recorded as (
    select
        * exclude (raw_row),
        case when rejection_reason is not null then to_json(raw_row) end
            as raw_record
    from checked
)

select
    *,
    -- the same activity_id is one event: keep its earliest copy
    rejection_reason is null
    and row_number() over (
        partition by activity_id, rejection_reason is null
        order by occurred_at, raw_row_hash
    ) > 1 as is_duplicate
from recorded
