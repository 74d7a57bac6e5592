{#- The moment the whole build stands at: var score_date, or by default the
    date of the latest activity that is not after today. Data stamped after
    the end of that day is ignored everywhere downstream.

    data_ends_at is where the export ends: the end of the day of the latest
    event it holds before cutoff_at (an activity, a lead created, converted
    or disqualified, an opportunity opened or closed, a sales verdict),
    never after cutoff_at. Nothing after it could have been seen, so a
    label whose horizon passes it is unknown (lead_features), not "did not
    convert": with fresh data it is cutoff_at, with a stale export (or a
    score_date past the data) the weeks before the score date stay
    unlabelled.

    week_end_date ends the latest week of the weekly as-of dates (var
    week_ends_on): the score date itself by default (weeks count back from
    it), or the last given weekday on or before it: calendar weeks, whose
    closed weeks and features at past as-of dates do not change when the
    score date moves on a day (what a daily build can keep). -#}
{#- days after Sunday of the weekday weeks end on; none: the score date -#}
{%- set week_day = {
    'sunday': 0, 'monday': 1, 'tuesday': 2, 'wednesday': 3, 'thursday': 4,
    'friday': 5, 'saturday': 6,
}.get(var('week_ends_on')) -%}
{%- if week_day is none -%}
    {%- set week_end = 'with_cutoff.score_date' -%}
{%- else -%}
    {#- back to that weekday: 1970-01-04 was a Sunday -#}
    {%- set week_end = 'cast(' ~ dbt.dateadd(
        'day',
        '-1 * ((' ~ dbt.datediff(
            "cast('1970-01-04' as date)", 'with_cutoff.score_date', 'day'
        ) ~ ' + ' ~ (7 - week_day) ~ ') % 7)',
        'with_cutoff.score_date'
    ) ~ ' as date)' -%}
{%- endif -%}
with

activities as (
    select occurred_at from {{ ref('stg_crm__activities') }}
),

leads as (
    select
        created_at,
        converted_at,
        disqualified_at
    from {{ ref('stg_crm__leads') }}
),

opportunities as (
    select
        created_at,
        closed_at
    from {{ ref('stg_crm__opportunities') }}
),

feedback as (
    select given_at from {{ ref('stg_crm__lead_feedback') }}
),

latest as (
    select
        coalesce(
            (
                select max(occurred_at) from activities
                where occurred_at <= current_timestamp
            ),
            (select max(created_at) from leads)
        ) as latest_event_at
),

chosen as (
    select
        {% if var('score_date') -%}
            cast('{{ var("score_date") }}' as date)
        {%- else -%}
            cast(latest_event_at as date)
        {%- endif %} as score_date,
        {{ "true" if var('score_date') else "false" }} as is_configured,
        latest_event_at
    from latest
),

with_cutoff as (
    select
        score_date,
        -- exclusive: everything strictly before this instant is known
        cast({{ dbt.dateadd('day', 1, 'score_date') }} as timestamp)
            as cutoff_at,
        is_configured,
        latest_event_at
    from chosen
),

-- the latest event of each kind the build can see
known_events as (
    {%- for relation, column in [
        ('activities', 'occurred_at'),
        ('leads', 'created_at'),
        ('leads', 'converted_at'),
        ('leads', 'disqualified_at'),
        ('opportunities', 'created_at'),
        ('opportunities', 'closed_at'),
        ('feedback', 'given_at'),
    ] %}
        {{ 'union all' if not loop.first }}
        select max({{ relation }}.{{ column }}) as event_at
        from {{ relation }}
        where
            {{ relation }}.{{ column }}
            < (select with_cutoff.cutoff_at from with_cutoff)
    {%- endfor %}
),

data_end as (
    select
        cast(
            {{ dbt.dateadd('day', 1, 'cast(max(event_at) as date)') }}
            as timestamp
        ) as day_after_latest_event_at
    from known_events
)

select
    with_cutoff.score_date,
    -- var week_ends_on: the score date, or the last such weekday on or
    -- before it
    {{ week_end }} as week_end_date,
    with_cutoff.cutoff_at,
    case
        when data_end.day_after_latest_event_at < with_cutoff.cutoff_at
            then data_end.day_after_latest_event_at
        else with_cutoff.cutoff_at
    end as data_ends_at,
    with_cutoff.is_configured,
    with_cutoff.latest_event_at
from with_cutoff
cross join data_end
