{#- The moment the whole build stands at: var score_date, or by default the
    date of the latest activity that is not after today. Data stamped after
    the end of that day is ignored everywhere downstream. -#}
with

activities as (
    select occurred_at from {{ ref('stg_crm__activities') }}
),

leads as (
    select created_at from {{ ref('stg_crm__leads') }}
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
)

select
    score_date,
    -- exclusive: everything strictly before this instant is known
    cast({{ dbt.dateadd('day', 1, 'score_date') }} as timestamp) as cutoff_at,
    is_configured,
    latest_event_at
from chosen
