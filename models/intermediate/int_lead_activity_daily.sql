{#- One row per lead per day with activity, up to the score date: counts by
    kind (activity type and page category), device and time of day. The
    raw events are scanned once here; every window feature is computed
    from this table.

    Incremental: a build on yesterday's warehouse counts again only the
    days whose activities changed (macros/keep_activity_days.sql, its
    pre-hook); the rows equal a build from scratch. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ keep_activity_days() }}",
) }}
with

known as (
    {{ known_activities() }}
),

-- the days to count (every day on a build from scratch) and their keys
days as (
    select
        activity_date,
        day_key
    from leadscore_activity_days
    where is_changed
),

to_count as (
    select
        known.*,
        days.day_key
    from known
    inner join days
        on cast(known.occurred_at as date) = days.activity_date
),

daily as (
    select
        lead_id,
        cast(occurred_at as date) as activity_date,
        {%- for kind in activity_kinds() %}
            count(*) filter (where {{ kind.condition }}) as n_{{ kind.name }},
        {%- endfor %}
        count(*) filter (where {{ engagement_condition() }}) as n_engaged,
        count(*) filter (
            where {{ engagement_condition() }} and device_type = 'mobile'
        ) as n_engaged_mobile,
        count(*) filter (
            where
            {{ engagement_condition() }}
            and (hour(occurred_at) >= 18 or hour(occurred_at) < 6)
        ) as n_engaged_evening,
        -- the day's key, carried through the counting (one value per day):
        -- joining the counted rows to the days again cost 6 s at 200k
        any_value(day_key) as day_key
    from to_count
    group by 1, 2
)

select * from daily
