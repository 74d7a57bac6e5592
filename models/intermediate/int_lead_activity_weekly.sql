{#- One row per lead per closed week with activity: weeks are counted back
    from the latest week's end, int_score_date.week_end_date (var
    week_ends_on: the score date, or the last given weekday on or before
    it; week_index 0 = that day and the 6 days before it), so every weekly
    as-of date ends a week. The days after it (the calendar week still
    open) are not here: the score date's own row is counted from the daily
    rows (int_lead_behaviour). So with calendar weeks the table stays the
    same while the score date moves on within a week, and a build then
    keeps it (macros/keep_closed_weeks.sql). Per week: counts of every
    kind, active days, the most pricing-page views in a day, the last day
    of each kind, decayed counts (age in whole weeks), and the counts of
    the few most recent (or oldest) days of the week that windows of w days
    need when w is not a whole number of weeks. Weeks older than any window of any as-of
    date reaches are merged into one row per lead (week_index = oldest week
    + 1): their totals, last days and decayed sums are all later weeks need
    of them. -#}
{{ config(**closed_weeks_config('activity_key')) }}
{%- set counts = behaviour_count_columns() -%}
{%- set recency = behaviour_recency_columns() -%}
{%- set oldest_week = behaviour_oldest_week() -%}
{%- set half_life = var('engagement_half_life_days') -%}
{%- set week_aggregates = [] -%}
{%- for column in counts -%}
    {%- do week_aggregates.append('cast(sum(n_' ~ column ~ ') as integer) as n_'
        ~ column) -%}
{%- endfor -%}
{%- for column in recency -%}
    {%- do week_aggregates.append('max(case when n_' ~ column
        ~ ' > 0 then activity_date end) as last_' ~ column ~ '_date') -%}
{%- endfor -%}
{%- do week_aggregates.append(
    'max(n_pricing_view) as max_pricing_views_in_a_day') -%}
{#- decayed counts relative to week 0's end: a recent week's counts times
    its weight; the merged older weeks add up exact decimal weights -#}
{%- set recent_decayed = [] -%}
{%- set older_decayed = [] -%}
{%- for column in recency -%}
    {%- do recent_decayed.append('sum(n_' ~ column ~ ') * pow(2.0, -7.0 * '
        ~ '(days_back // 7) / ' ~ half_life ~ ') as decayed_' ~ column) -%}
    {%- do older_decayed.append('cast(sum(n_' ~ column ~ ' * decay_weight)'
        ~ ' as double) as decayed_' ~ column) -%}
{%- endfor -%}
{#- the days of a week that a window takes in part: the r most recent days
    (r <= 3), else the 7 - r oldest, which are fewer to add up -#}
{%- set edge_conditions = [] -%}
{%- set edge_columns = [] -%}
{%- for r in behaviour_edge_days() -%}
    {%- set in_edge = ('days_back % 7 < ' ~ r) if r <= 3
        else ('days_back % 7 >= ' ~ r) -%}
    {%- do edge_conditions.append(in_edge) -%}
    {%- for column in counts -%}
        {%- do edge_columns.append('cast(coalesce(sum(case when ' ~ in_edge
            ~ ' then n_' ~ column ~ ' end), 0) as integer) as n_' ~ column
            ~ '_edge_' ~ r) -%}
    {%- endfor -%}
    {%- do edge_columns.append('coalesce(max(case when ' ~ in_edge
        ~ ' then n_pricing_view end), 0) as max_pricing_views_in_a_day_edge_'
        ~ r) -%}
{%- endfor -%}
with

daily as (
    select * from {{ ref('int_lead_activity_daily') }}
),

score_date as (
    select week_end_date from {{ ref('int_score_date') }}
),

closed_weeks_key as (
    select activity_key from {{ ref('int_closed_weeks_key') }}
),

dated as (
    select
        daily.*,
        1 as n_active_days,
        {{ dbt.datediff(
            'daily.activity_date', 'score_date.week_end_date', 'day'
        ) }} as days_back
    from daily
    cross join score_date
    -- closed weeks only; kept ones are not counted again
    where
        daily.activity_date <= score_date.week_end_date
        and {{ only_when_cleared() }}
),

-- the same aggregates per recent week, and over all older weeks at once
-- (far fewer groups when the panel is short); a week's decayed sums are
-- its counts times its weight
recent_weeks as (
    select
        lead_id,
        days_back // 7 as week_index,
        {{ (week_aggregates + recent_decayed) | join(",\n        ") }}
    from dated
    where days_back // 7 <= {{ oldest_week }}
    group by 1, 2
),

older_weeks as (
    select
        lead_id,
        {{ oldest_week + 1 }} as week_index,
        {{ (week_aggregates + older_decayed) | join(",\n        ") }}
    from (
        select
            *,
            -- decay counts whole weeks of age: 2^(-7 * weeks / half-life)
            -- relative to week 0's end, times 2^(7k / half-life) at the
            -- as-of date of week k. Exact decimals here: sums over many
            -- weeks that do not depend on the order rows are added in.
            cast(
                pow(2.0, -7.0 * (days_back // 7) / {{ half_life }})
                as decimal(38, 30)
            ) as decay_weight
        from dated
        where days_back // 7 > {{ oldest_week }}
    ) as older_days
    group by 1
),

weeks as (
    select * from recent_weeks
    union all
    select * from older_weeks
),

week_edges as (
    select
        lead_id,
        days_back // 7 as week_index,
        {{ edge_columns | join(",\n        ") }}
    from dated
    where
        days_back // 7 <= {{ oldest_week }}
        and ({{ edge_conditions | join(" or ") }})
    group by 1, 2
)

select
    weeks.*,
    week_edges.* exclude (lead_id, week_index),  -- noqa: RF02
    closed_weeks_key.activity_key
from weeks
cross join closed_weeks_key
left join week_edges
    on
        weeks.lead_id = week_edges.lead_id
        and weeks.week_index = week_edges.week_index
