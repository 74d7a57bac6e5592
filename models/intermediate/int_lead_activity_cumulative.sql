{#- One row per lead per active day: running totals of every daily count
    since the lead's first activity, the last day each kind happened, and
    running exponentially-weighted sums for decayed engagement. A window
    count at an as-of date is then the difference of two running totals
    (at the as-of date and at the window's start), found by as-of joins
    instead of rescanning events for every date. -#}
{%- set half_life = var('engagement_half_life_days') %}
with

daily as (
    select * from {{ ref('int_lead_activity_daily') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

weighted as (
    select
        daily.*,
        -- 2^(days since the epoch / half-life): decayed sums at any later
        -- date t are running sums times 2^(-(t - epoch) / half-life). The
        -- epoch is recent so the weights stay far from overflow.
        pow(
            2.0,
            {{ dbt.datediff(
                'score_date.score_date', 'daily.activity_date', 'day'
            ) }}
            / {{ half_life }}
        ) as decay_weight
    from daily
    cross join score_date
),

running as (
    select
        lead_id,
        activity_date,
        {%- for kind in activity_kinds() %}
            -- 64-bit: the default 128-bit sums make every feature slower
            cast(sum(n_{{ kind.name }}) over lead_history as bigint)
                as cum_{{ kind.name }},
            max(case when n_{{ kind.name }} > 0 then activity_date end)
                over lead_history as last_{{ kind.name }}_date,
            sum(n_{{ kind.name }} * decay_weight) over lead_history
                as cum_decayed_{{ kind.name }},
        {%- endfor %}
        cast(sum(n_engaged) over lead_history as bigint) as cum_engaged,
        cast(sum(n_engaged_mobile) over lead_history as bigint)
            as cum_engaged_mobile,
        cast(sum(n_engaged_evening) over lead_history as bigint)
            as cum_engaged_evening,
        sum(n_engaged * decay_weight) over lead_history as cum_decayed_engaged,
        cast(count(*) over lead_history as integer) as cum_active_days,
        max(case when n_engaged > 0 then activity_date end)
            over lead_history as last_engaged_date
    from weighted
    window lead_history as (
        partition by lead_id
        order by activity_date
        rows between unbounded preceding and current row
    )
)

select * from running
