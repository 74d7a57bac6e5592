{#- The as-of dates of the feature panel: the score date (scoring rows) and
    the weekly as-of dates (training and backtest rows): the end of the
    latest week (int_score_date.week_end_date, var week_ends_on) and every
    training_step_days before it over training_lookback_days. With
    calendar weeks (week_ends_on a weekday) the weekly dates are fixed in
    the calendar: a build a day later has the same ones (plus a new one
    each week), so their features need not change. -#}
with

score_date as (
    select
        score_date,
        week_end_date
    from {{ ref('int_score_date') }}
),

steps as (
    select range as step
    from range(
        0,
        {{ (var('training_lookback_days') // var('training_step_days')) + 1 }}
    )
),

weekly as (
    select
        cast(
            {{ dbt.dateadd(
                'day',
                '-1 * steps.step * ' ~ var('training_step_days'),
                'score_date.week_end_date'
            ) }} as date
        ) as as_of_date
    from steps
    cross join score_date
),

as_of_dates as (
    select as_of_date from weekly
    union
    select score_date as as_of_date from score_date
)

select
    as_of_dates.as_of_date,
    -- everything strictly before this instant was known on the as-of date
    cast({{ dbt.dateadd('day', 1, 'as_of_dates.as_of_date') }} as timestamp)
        as known_before,
    as_of_dates.as_of_date = score_date.score_date as is_score_date,
    as_of_dates.as_of_date in (select weekly.as_of_date from weekly)
        as is_week_end
from as_of_dates
cross join score_date
