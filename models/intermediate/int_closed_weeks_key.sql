{#- What the closed weeks are built from, as two keys: activity_key for
    int_lead_activity_weekly (the daily activity rows up to
    int_score_date.week_end_date, and the settings and code that aggregate
    them), weeks_key for int_lead_behaviour_weekly (that, and each lead's
    creation day and exit day up to week_end_date). With calendar weeks
    (var week_ends_on a weekday) those two tables keep their rows while
    their key is unchanged, as on every day of a week that brings no late
    data (macros/keep_closed_weeks.sql): a build a day later does not
    recompute them. Rows are fingerprinted by an order-free hash sum
    (bit_xor of row hashes) and their count.
    With weeks counted back from the score date (the default) nothing is
    kept, and the rows are not fingerprinted. -#}
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
    'lookback=' ~ var('training_lookback_days'),
    'step=' ~ var('training_step_days'),
] -%}
{#- the SQL the window macros write -#}
{%- for days in behaviour_windows() -%}
    {%- do settings.append(behaviour_window_count('x', days) | trim) -%}
{%- endfor -%}
{#- the code of the two kept models: a new version rebuilds them -#}
{%- if execute -%}
    {%- set kept = ['int_lead_activity_weekly', 'int_lead_behaviour_weekly'] -%}
    {%- for name in kept -%}
        {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ name) -%}
        {%- do settings.append(name ~ '=' ~ local_md5(
            node.raw_code if node else '')) -%}
    {%- endfor -%}
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
),

exits as (
    select
        outcomes.lead_id,
        cast(outcomes.created_at as date) as created_date,
        cast(
            least(outcomes.converted_at, outcomes.disqualified_at) as date
        ) as exit_date
    from {{ ref('int_lead_outcomes') }} as outcomes
),

-- what the weekly rows see of a lead: its creation, and an exit in the
-- closed weeks (a later one leaves them as they are)
lead_spans as (
    select
        exits.lead_id,
        exits.created_date,
        case
            when exits.exit_date <= score_date.week_end_date
                then exits.exit_date
        end as exit_date
    from exits
    cross join score_date
    where exits.created_date <= score_date.week_end_date
),

spans_key as (
    select
        count(*) as n_rows,
        coalesce(bit_xor(hash(lead_spans)), 0) as rows_hash
    from lead_spans
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
    )) as activity_key,
    md5(concat_ws(
        '|',
        '{{ settings | join("|") }}',
        score_date.week_end_date,
        days_key.n_rows,
        days_key.rows_hash,
        spans_key.n_rows,
        spans_key.rows_hash
    )) as weeks_key
from score_date
cross join days_key
cross join spans_key
