{#- Behaviour at every as-of date of every lead that existed then and had
    not converted or been disqualified by the week before: counts over the
    feature windows, lifetime totals, the last day of each kind, decayed
    sums and the most pricing-page views in a day.

    At the weekly as-of dates (int_as_of_dates): built on a dense grid of
    closed weeks per lead (from its creation, or the oldest week any
    window reaches, to its exit or int_score_date.week_end_date): running
    totals down the weeks of a lead, and a window count is the difference
    of two running totals a whole number of weeks apart plus the partial
    days of one week (see int_lead_activity_weekly). At a score date that
    ends no week (calendar weeks, var week_ends_on): counted straight from
    the daily rows, one group per lead (the week still open is in no closed
    week). Plus one row per lead at its creation
    (is_at_creation, behaviour all zero) for the training panel. Only
    equi-joins and window functions over
    one lead's weeks: no as-of join, whose cost grows with the activity
    history rather than with the rows asked for. With calendar weeks it is
    incremental: the weekly rows are kept while int_closed_weeks_key's
    behaviour_key is unchanged, and only the score date's and creation
    rows (no key) are built again (macros/keep_closed_weeks.sql). -#}
{{ config(**closed_weeks_config('behaviour_key')) }}
{%- set counts = behaviour_count_columns() -%}
{%- set recency = behaviour_recency_columns() -%}
{%- set half_life = var('engagement_half_life_days') -%}
{#- pass 1: running totals, last days and decayed sums down the weeks -#}
{%- set running_columns = [] -%}
{%- for column in counts -%}
    {%- do running_columns.append('coalesce(n_' ~ column ~ ', 0) as week_'
        ~ column) -%}
    {%- do running_columns.append('coalesce(sum(n_' ~ column
        ~ ') over lead_history, 0) as total_' ~ column) -%}
    {%- for r in behaviour_edge_days() -%}
        {%- do running_columns.append('coalesce(n_' ~ column ~ '_edge_' ~ r
            ~ ', 0) as edge_' ~ r ~ '_' ~ column) -%}
    {%- endfor -%}
{%- endfor -%}
{%- for column in recency -%}
    {#- the latest week's last day: days only grow down the weeks -#}
    {%- do running_columns.append('last_value(last_' ~ column
        ~ '_date ignore nulls) over lead_history as last_' ~ column
        ~ '_date') -%}
    {%- do running_columns.append('coalesce(sum(decayed_' ~ column
        ~ ') over lead_history, 0) as decayed_' ~ column) -%}
{%- endfor -%}
{#- the most pricing views in a day over 30 days: the full weeks, then the
    partial week -#}
{%- set pricing_weeks = 30 // 7 -%}
{%- set pricing_edge = 30 % 7 -%}
{%- do running_columns.append('max(max_pricing_views_in_a_day) over ('
    ~ 'partition by lead_id order by week_index desc rows between '
    ~ (pricing_weeks - 1) ~ ' preceding and current row)'
    ~ ' as max_pricing_views_full_weeks_30d') -%}
{%- do running_columns.append('coalesce(max_pricing_views_in_a_day_edge_'
    ~ pricing_edge ~ ', 0) as max_pricing_edge') -%}
{#- pass 2: window counts from running totals weeks apart -#}
{%- set window_columns = [] -%}
{%- for column in counts -%}
    {%- for days in feature_windows() -%}
        {%- do window_columns.append('cast('
            ~ behaviour_window_count(column, days)
            ~ ' as integer) as n_' ~ column ~ '_' ~ days ~ 'd') -%}
    {%- endfor -%}
{%- endfor -%}
{%- for days in behaviour_windows() if days not in feature_windows() -%}
    {%- do window_columns.append('cast('
        ~ behaviour_window_count('engaged', days)
        ~ ' as integer) as n_engaged_' ~ days ~ 'd') -%}
{%- endfor -%}
{#- the same columns at a lead's creation: nothing done yet -#}
{%- set creation_columns = ['0 as max_pricing_views_per_day_30d'] -%}
{%- for column in counts -%}
    {%- for days in feature_windows() -%}
        {%- do creation_columns.append(
            '0 as n_' ~ column ~ '_' ~ days ~ 'd') -%}
    {%- endfor -%}
    {%- do creation_columns.append('0 as total_' ~ column) -%}
{%- endfor -%}
{%- for days in behaviour_windows() if days not in feature_windows() -%}
    {%- do creation_columns.append('0 as n_engaged_' ~ days ~ 'd') -%}
{%- endfor -%}
{%- for column in recency -%}
    {%- do creation_columns.append('cast(null as date) as last_' ~ column
        ~ '_date') -%}
    {%- do creation_columns.append('0.0 as decayed_' ~ column) -%}
{%- endfor -%}
{#- the score date's row, straight from the daily rows: the window counts
    over the recent days only; totals, last days and decayed sums over all
    days, in one group per lead (exact decimal decay weights, so the sums do
    not depend on the order rows are added in; summing per week of age
    first cost more than the multiplications it saved) -#}
{%- set recent_columns = [] -%}
{%- set band_columns = [] -%}
{%- set lifetime_columns = [] -%}
{%- set current_outputs = [] -%}
{%- for column in counts -%}
    {%- do band_columns.append('sum(n_' ~ column ~ ') as n_' ~ column) -%}
    {%- for days in feature_windows() -%}
        {%- do recent_columns.append('sum(n_' ~ column ~ ') filter (where'
            ~ ' band <= ' ~ days ~ ') as n_' ~ column ~ '_' ~ days ~ 'd') -%}
        {%- do current_outputs.append('cast(coalesce(recent_behaviour.n_'
            ~ column ~ '_' ~ days ~ 'd, 0) as integer) as n_' ~ column ~ '_'
            ~ days ~ 'd') -%}
    {%- endfor -%}
    {%- do lifetime_columns.append('sum(n_' ~ column ~ ') as total_'
        ~ column) -%}
    {%- do current_outputs.append('coalesce(lifetime_behaviour.total_'
        ~ column ~ ', 0) as total_' ~ column) -%}
{%- endfor -%}
{%- for days in behaviour_windows() if days not in feature_windows() -%}
    {%- do recent_columns.append('sum(n_engaged) filter (where band <= '
        ~ days ~ ') as n_engaged_' ~ days ~ 'd') -%}
    {%- do current_outputs.append('cast(coalesce(recent_behaviour.n_engaged_'
        ~ days ~ 'd, 0) as integer) as n_engaged_' ~ days ~ 'd') -%}
{%- endfor -%}
{%- do band_columns.append('max(n_pricing_view) as max_pricing_views') -%}
{%- do recent_columns.append('max(max_pricing_views) filter (where band <= '
    ~ '30) as max_pricing_views_per_day_30d') -%}
{#- the days back each window reaches, as bands: a day is in the band of the
    shortest window that reaches it -#}
{%- set bands = (behaviour_windows() + [30]) | unique | sort | list -%}
{%- do current_outputs.append('cast(coalesce(recent_behaviour.'
    ~ 'max_pricing_views_per_day_30d, 0) as integer) as '
    ~ 'max_pricing_views_per_day_30d') -%}
{%- for column in recency -%}
    {%- do lifetime_columns.append('max(activity_date) filter (where n_'
        ~ column ~ ' > 0) as last_' ~ column ~ '_date') -%}
    {%- do current_outputs.append('lifetime_behaviour.last_' ~ column
        ~ '_date') -%}
    {%- do lifetime_columns.append('cast(sum(n_' ~ column
        ~ ' * decay_weight) as double) as decayed_' ~ column) -%}
    {%- do current_outputs.append('coalesce(lifetime_behaviour.decayed_'
        ~ column ~ ', 0.0) as decayed_' ~ column) -%}
{%- endfor -%}
with

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

score_date as (
    select
        score_date,
        week_end_date
    from {{ ref('int_score_date') }}
),

as_of_dates as (
    select
        as_of_date,
        is_week_end
    from {{ ref('int_as_of_dates') }}
),

daily as (
    select * from {{ ref('int_lead_activity_daily') }}
),

weeks as (
    select * from {{ ref('int_lead_activity_weekly') }}
),

closed_weeks_key as (
    select behaviour_key from {{ ref('int_closed_weeks_key') }}
),

-- the closed weeks of each lead, from its creation (or the merged oldest
-- week) to its exit (or week 0); an exit in the open week leaves week 0
lead_spans as (
    {{ behaviour_lead_spans(only_when_rebuilt=true) | indent(4) }}
),

grid as (
    select
        lead_weeks.lead_id,
        lead_weeks.week_index,
        weeks.* exclude (lead_id, week_index, activity_key)  -- noqa: RF02
    from (
        select
            lead_id,
            unnest(range(last_week, first_week + 1)) as week_index
        from lead_spans
    ) as lead_weeks
    left join weeks
        on
            lead_weeks.lead_id = weeks.lead_id
            and lead_weeks.week_index = weeks.week_index
),

running as (
    select
        lead_id,
        week_index,
        {{ running_columns | join(",\n        ") }}
    from grid
    window lead_history as (
        partition by lead_id
        order by week_index desc
        rows between unbounded preceding and current row
    )
),

windows as (
    select
        running.lead_id,
        cast(
            {{ dbt.dateadd(
                'day', '-7 * running.week_index', 'score_date.week_end_date'
            ) }} as date
        ) as as_of_date,
        {{ window_columns | join(",\n        ") }},
        cast(greatest(
            running.max_pricing_views_full_weeks_30d,
            {{ behaviour_weeks_back(
                'running.max_pricing_edge', pricing_weeks
            ) }}
        ) as integer) as max_pricing_views_per_day_30d,
        {%- for column in recency %}
            running.last_{{ column }}_date,
            running.decayed_{{ column }}
            * pow(2.0, 7.0 * running.week_index / {{ half_life }})
                as decayed_{{ column }},
        {%- endfor %}
        {%- for column in counts %}
            running.total_{{ column }},
        {%- endfor %}
        running.week_index
    from running
    cross join score_date
    window lead_weeks as (
        partition by running.lead_id
        order by running.week_index desc
    )
),

-- one row per lead at the moment it was created (as-of date: its creation
-- day), for the training panel: a lead that converts days after creation,
-- before any weekly as-of date comes, still teaches the model. Leads created
-- on a weekly as-of date have that row instead.
creation_rows as (
    select
        outcomes.lead_id,
        cast(outcomes.created_at as date) as as_of_date,
        {{ creation_columns | join(",\n        ") }},
        true as is_at_creation,
        cast(null as varchar) as behaviour_key
    from outcomes
    cross join score_date
    where
        cast(outcomes.created_at as date) < score_date.score_date
        and cast(outcomes.created_at as date)
        >= (select min(as_of_dates.as_of_date) from as_of_dates)
        and cast(outcomes.created_at as date) not in (
            select as_of_dates.as_of_date from as_of_dates
        )
),

weekly_rows as (
    select
        windows.* exclude (week_index),  -- noqa: RF02
        false as is_at_creation,
        closed_weeks_key.behaviour_key
    from windows
    inner join as_of_dates on windows.as_of_date = as_of_dates.as_of_date
    cross join closed_weeks_key
    where as_of_dates.is_week_end
),

-- a score date that ends no week: the leads open then (as the grid: created
-- by then, and not converted or disqualified more than 6 days before),
-- counted over their daily rows
current_leads as (
    select outcomes.lead_id
    from outcomes
    cross join score_date
    where
        score_date.score_date != score_date.week_end_date
        and cast(outcomes.created_at as date) <= score_date.score_date
        and coalesce(
            {{ dbt.datediff(
                'cast(least(outcomes.converted_at, outcomes.disqualified_at)'
                ~ ' as date)',
                'score_date.score_date', 'day') }} < 7,
            true
        )
),

current_days as (
    select
        daily.*,
        1 as n_active_days,
        {{ dbt.datediff(
            'daily.activity_date', 'score_date.score_date', 'day'
        ) }} as days_back
    from daily
    cross join score_date
    where
        score_date.score_date != score_date.week_end_date
        and daily.activity_date <= score_date.score_date
        and daily.lead_id in (select current_leads.lead_id from current_leads)
),

-- the window counts: only the days the longest window reaches, summed per
-- band of days first (a few rows per lead), then per window over the bands
recent_bands as (
    select
        lead_id,
        case
            {%- for days in bands %}
                when days_back < {{ days }} then {{ days }}
            {%- endfor %}
        end as band,
        {{ band_columns | join(",\n        ") }}
    from current_days
    where days_back < {{ bands | max }}
    group by 1, 2
),

recent_behaviour as (
    select
        lead_id,
        {{ recent_columns | join(",\n        ") }}
    from recent_bands
    group by 1
),

lifetime_behaviour as (
    select
        lead_id,
        {{ lifetime_columns | join(",\n        ") }}
    from (
        select
            *,
            -- decayed by whole weeks of age
            cast(
                pow(2.0, -7.0 * (days_back // 7) / {{ half_life }})
                as decimal(38, 30)
            ) as decay_weight
        from current_days
    ) as weighted_days
    group by 1
),

current_rows as (
    select
        current_leads.lead_id,
        score_date.score_date as as_of_date,
        {{ current_outputs | join(",\n        ") }},
        false as is_at_creation,
        cast(null as varchar) as behaviour_key
    from current_leads
    cross join score_date
    left join recent_behaviour
        on current_leads.lead_id = recent_behaviour.lead_id
    left join lifetime_behaviour
        on current_leads.lead_id = lifetime_behaviour.lead_id
)

-- the three have the same columns, in other orders
select * from weekly_rows  -- noqa: AM07
union all by name
select * from current_rows
union all by name
select * from creation_rows
