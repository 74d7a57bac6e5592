{#- One row per lead per day with activity, up to the score date: counts by
    kind (activity type and page category), device and time of day. The
    raw events are scanned once here; every window feature is computed
    from this table. -#}
with

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

score_date as (
    select cutoff_at from {{ ref('int_score_date') }}
),

known as (
    select activities.*
    from activities
    cross join score_date
    where activities.occurred_at < score_date.cutoff_at
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
        ) as n_engaged_evening
    from known
    group by 1, 2
)

select * from daily
