{#- The as-of dates of the feature panel: the score date (scoring rows) and
    every training_step_days before it over training_lookback_days
    (training and backtest rows). -#}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

steps as (
    select range as step
    from range(
        0,
        {{ (var('training_lookback_days') // var('training_step_days')) + 1 }}
    )
),

as_of_dates as (
    select
        cast(
            {{ dbt.dateadd(
                'day',
                '-1 * steps.step * ' ~ var('training_step_days'),
                'score_date.score_date'
            ) }} as date
        ) as as_of_date,
        steps.step = 0 as is_score_date
    from steps
    cross join score_date
)

select
    as_of_date,
    -- everything strictly before this instant was known on the as-of date
    cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as timestamp)
        as known_before,
    is_score_date
from as_of_dates
