{#- What the closed weeks are built from, as keys. activity_key, of
    int_lead_activity_weekly: the daily activity rows up to
    int_score_date.week_end_date (their count and an order-free hash sum:
    bit_xor of row hashes), the settings that shape the weekly aggregates
    and the model's code. behaviour_key, of int_lead_behaviour's weekly
    rows: activity_key, each lead's span of closed weeks (from its
    creation to its exit, what the grid is built on), the weekly as-of
    dates and that model's code. With calendar weeks (var week_ends_on a
    weekday) both tables keep their closed weeks' rows while their key is
    unchanged, as on every day of a week that brings no late activity and
    no exit dated in a closed week (macros/keep_closed_weeks.sql): a build
    a day later does not recompute them. With weeks counted back from the
    score date (the default) nothing is kept, and the rows are not
    fingerprinted. -#}
{%- set fingerprint = 'false' if var('week_ends_on') == 'score_date'
    else 'true' -%}
{%- set settings = [
    'week_ends_on=' ~ var('week_ends_on'),
    'windows=' ~ behaviour_windows() | join(','),
    'counts=' ~ behaviour_count_columns() | join(','),
    'recency=' ~ behaviour_recency_columns() | join(','),
    'edges=' ~ behaviour_edge_days() | join(','),
    'oldest_week=' ~ behaviour_oldest_week(),
    'half_life=' ~ var('engagement_half_life_days'),
] -%}
{#- the code of the kept models: a new version rebuilds them -#}
{%- set behaviour_code = [] -%}
{%- if execute -%}
    {%- set node = graph.nodes.get(
        'model.' ~ project_name ~ '.int_lead_activity_weekly') -%}
    {%- do settings.append('code=' ~ local_md5(
        node.raw_code if node else '')) -%}
    {%- set behaviour = graph.nodes.get(
        'model.' ~ project_name ~ '.int_lead_behaviour') -%}
    {%- do behaviour_code.append(local_md5(
        behaviour.raw_code if behaviour else '')) -%}
{%- endif %}
with

score_date as (
    select week_end_date from {{ ref('int_score_date') }}
),

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

weekly_dates as (
    select
        coalesce(string_agg(
            cast(as_of_date as varchar), ',' order by as_of_date
        ), '') as dates
    from {{ ref('int_as_of_dates') }}
    where is_week_end
),

closed_days as (
    select daily.*
    from {{ ref('int_lead_activity_daily') }} as daily
    cross join score_date
    where daily.activity_date <= score_date.week_end_date
),

days_key as (
    select
        count(*) as n_rows,
        coalesce(bit_xor(hash(closed_days)), 0) as rows_hash
    from closed_days
    where {{ fingerprint }}
),

lead_spans as (
    {{ behaviour_lead_spans() | indent(4) }}
),

spans_key as (
    select
        count(*) as n_leads,
        coalesce(bit_xor(hash(lead_spans)), 0) as spans_hash
    from lead_spans
    where {{ fingerprint }}
),

activity as (
    select
        score_date.week_end_date,
        md5(concat_ws(
            '|',
            '{{ settings | join("|") }}',
            score_date.week_end_date,
            days_key.n_rows,
            days_key.rows_hash
        )) as activity_key
    from score_date
    cross join days_key
)

select
    activity.week_end_date,
    activity.activity_key,
    md5(concat_ws(
        '|',
        activity.activity_key,
        'code={{ behaviour_code | join(",") }}',
        weekly_dates.dates,
        spans_key.n_leads,
        spans_key.spans_hash
    )) as behaviour_key
from activity
cross join weekly_dates
cross join spans_key
