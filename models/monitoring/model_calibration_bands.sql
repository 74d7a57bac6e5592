{#- Predicted against actual conversion per score decile, of two kinds of
    rows (rows_from):
    - backtest_period: the labelled backtest dates are cut into periods of
      var health_recent_weeks weekly as-of dates, counted back from the
      latest (period 0 is the window the alerts look at);
    - evaluation: the rows the champion is judged on (model_evaluation_rows,
      the model report's calibration chart).
    Within each period (or the evaluation rows) and scorer the leads are
    split into ten equal groups by score (decile 10 = the highest scores;
    fewer groups when there are fewer than ten leads). -#}
with

backtest as (
    select * from {{ ref('model_backtest') }}
    where is_labelled
),

evaluation as (
    select * from {{ ref('model_evaluation_rows') }}
),

labelled_dates as (
    select distinct as_of_date from backtest
),

date_periods as (
    select
        as_of_date,
        cast(floor(
            (dense_rank() over (order by as_of_date desc) - 1) * 1.0
            / {{ var('health_recent_weeks') }}
        ) as integer) as period_number
    from labelled_dates
),

periods as (
    select
        'backtest_period' as rows_from,
        period_number,
        min(as_of_date) as period_start,
        max(as_of_date) as period_end,
        count(*) as period_weeks,
        period_number = 0 as is_latest_period
    from date_periods
    group by 1, 2
    union all
    select
        'evaluation' as rows_from,
        0 as period_number,
        min(window_start) as period_start,
        max(window_end) as period_end,
        -- held-out predictions carry no as-of dates
        case
            when count(as_of_date) > 0 then count(distinct as_of_date)
        end as period_weeks,
        -- the alerts' window is a backtest period
        null as is_latest_period
    from evaluation
    having count(*) > 0
),

-- every row to band, with the order that breaks ties of equal scores:
-- lead and as-of date in the backtest, evaluation_row (the order the
-- report reads them in) in the evaluation rows
banded_rows as (
    select
        'backtest_period' as rows_from,
        date_periods.period_number,
        backtest.label,
        backtest.model_probability,
        backtest.points_score,
        row_number() over (
            order by backtest.lead_id, backtest.as_of_date
        ) as tie_order
    from backtest
    inner join date_periods on backtest.as_of_date = date_periods.as_of_date
    union all
    select
        'evaluation' as rows_from,
        0 as period_number,
        label,
        model_probability,
        points_score,
        evaluation_row as tie_order
    from evaluation
),

scored as (
    select
        rows_from,
        period_number,
        tie_order,
        'model' as scorer,
        label,
        model_probability as probability
    from banded_rows
    where model_probability is not null
    union all
    select
        rows_from,
        period_number,
        tie_order,
        'points' as scorer,
        label,
        points_score / 100.0 as probability
    from banded_rows
    where points_score is not null
),

banded as (
    select
        *,
        ntile(10) over (
            partition by rows_from, period_number, scorer
            order by probability, tie_order
        ) as decile
    from scored
),

bands as (
    select
        rows_from,
        period_number,
        scorer,
        decile,
        count(*) as leads,
        sum(label) as converted,
        avg(probability) as predicted_rate,
        avg(label * 1.0) as actual_rate,
        min(probability) as min_probability,
        max(probability) as max_probability
    from banded
    group by 1, 2, 3, 4
)

select
    -- keys
    bands.rows_from,
    periods.period_start,
    bands.scorer,
    cast(bands.decile as integer) as decile,

    -- the period
    periods.period_end,
    cast(periods.period_weeks as integer) as period_weeks,
    cast(periods.is_latest_period as boolean) as is_latest_period,

    -- the band
    cast(bands.leads as bigint) as leads,
    cast(bands.converted as bigint) as converted,
    bands.predicted_rate,
    bands.actual_rate,
    bands.min_probability,
    bands.max_probability
from bands
inner join periods
    on
        bands.rows_from = periods.rows_from
        and bands.period_number = periods.period_number
