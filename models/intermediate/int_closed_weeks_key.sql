{#- What the closed weeks of int_lead_activity_weekly are built from, as one
    key: the daily activity rows up to int_score_date.week_end_date (their
    count and an order-free hash sum: bit_xor of row hashes), the settings
    that shape the weekly aggregates and the model's code. With calendar
    weeks (var week_ends_on a weekday) that table keeps its rows while the
    key is unchanged, as on every day of a week that brings no late
    activity (macros/keep_closed_weeks.sql): a build a day later does not
    recompute it. With weeks counted back from the score date (the
    default) nothing is kept, and the rows are not fingerprinted. -#}
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
{#- the code of the kept model: a new version rebuilds it -#}
{%- if execute -%}
    {%- set node = graph.nodes.get(
        'model.' ~ project_name ~ '.int_lead_activity_weekly') -%}
    {%- do settings.append('code=' ~ local_md5(
        node.raw_code if node else '')) -%}
{%- endif %}
with

score_date as (
    select week_end_date from {{ ref('int_score_date') }}
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
)

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
