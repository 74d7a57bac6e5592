{#- Behaviour at the weekly as-of dates (int_as_of_dates.is_week_end) of
    every lead that existed then and had not converted or been disqualified
    by the week before: the weekly part of int_lead_behaviour (see there).
    Built on a dense grid of closed weeks per lead (from its creation, or
    the oldest week any window reaches, to its exit or
    int_score_date.week_end_date): running totals down the weeks of a lead,
    and a window count is the difference of two running totals a whole
    number of weeks apart plus the partial days of one week (see
    int_lead_activity_weekly). Only equi-joins and window functions over one
    lead's weeks: no as-of join, whose cost grows with the activity history
    rather than with the rows asked for. With calendar weeks (var
    week_ends_on a weekday) the table is incremental and kept while
    weeks_key is unchanged (macros/keep_closed_weeks.sql). -#}
{{ config(
    materialized=closed_weeks_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ clear_changed_weeks('weeks_key') }}",
) }}
{%- set counts = behaviour_count_columns() -%}
{%- set recency = behaviour_recency_columns() -%}
{%- set oldest_week = behaviour_oldest_week() -%}
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
with

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

score_date as (
    select week_end_date from {{ ref('int_score_date') }}
),

as_of_dates as (
    select as_of_date from {{ ref('int_as_of_dates') }}
    where is_week_end
),

weeks as (
    select * from {{ ref('int_lead_activity_weekly') }}
),

closed_weeks_key as (
    select weeks_key from {{ ref('int_closed_weeks_key') }}
),

-- the closed weeks of each lead, from its creation (or the merged oldest
-- week) to its exit (or week 0); an exit in the open week leaves week 0
lead_spans as (
    select
        outcomes.lead_id,
        greatest(coalesce(
            {{ dbt.datediff(
                'cast(least(outcomes.converted_at, outcomes.disqualified_at)'
                ~ ' as date)',
                'score_date.week_end_date', 'day') }} // 7,
            0
        ), 0) as last_week,
        least(
            {{ dbt.datediff(
                'cast(outcomes.created_at as date)',
                'score_date.week_end_date', 'day') }} // 7,
            {{ oldest_week + 1 }}
        ) as first_week
    from outcomes
    cross join score_date
    where
        cast(outcomes.created_at as date) <= score_date.week_end_date
        -- kept rows are not built again
        and {{ only_when_cleared() }}
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
)

select
    windows.* exclude (week_index),  -- noqa: RF02
    false as is_at_creation,
    closed_weeks_key.weeks_key
from windows
inner join as_of_dates on windows.as_of_date = as_of_dates.as_of_date
cross join closed_weeks_key
