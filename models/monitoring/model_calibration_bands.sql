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
        period_number,
        min(as_of_date) as period_start,
        max(as_of_date) as period_end,
        count(*) as period_weeks
    from date_periods
    group by 1
),

scored as (
    select
        lead_id,
        as_of_date,
        'model' as scorer,
        label,
        model_probability as probability
    from backtest
    where model_probability is not null
    union all
    select
        lead_id,
        as_of_date,
        'points' as scorer,
        label,
        points_score / 100.0 as probability
    from backtest
),

banded as (
    select
        scored.*,
        date_periods.period_number,
        ntile(10) over (
            partition by date_periods.period_number, scored.scorer
            order by scored.probability, scored.lead_id, scored.as_of_date
        ) as decile
    from scored
    inner join date_periods on scored.as_of_date = date_periods.as_of_date
),

bands as (
    select
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
    group by 1, 2, 3
),

evaluation_scored as (
    select
        evaluation_row,
        'model' as scorer,
        label,
        model_probability as probability
    from evaluation
    where model_probability is not null
    union all
    select
        evaluation_row,
        'points' as scorer,
        label,
        points_score / 100.0 as probability
    from evaluation
    where points_score is not null
),

evaluation_banded as (
    select
        *,
        -- ties in order of evaluation_row, as the report reads the rows
        ntile(10) over (
            partition by scorer
            order by probability, evaluation_row
        ) as decile
    from evaluation_scored
),

evaluation_window as (
    select
        min(window_start) as period_start,
        max(window_end) as period_end,
        -- held-out predictions carry no as-of dates
        case
            when count(as_of_date) > 0 then count(distinct as_of_date)
        end as period_weeks
    from evaluation
),

evaluation_bands as (
    select
        scorer,
        decile,
        count(*) as leads,
        sum(label) as converted,
        avg(probability) as predicted_rate,
        avg(label * 1.0) as actual_rate,
        min(probability) as min_probability,
        max(probability) as max_probability
    from evaluation_banded
    group by 1, 2
),

all_bands as (
    select
        'backtest_period' as rows_from,
        periods.period_start,
        bands.scorer,
        bands.decile,
        periods.period_end,
        periods.period_weeks,
        bands.period_number = 0 as is_latest_period,
        bands.leads,
        bands.converted,
        bands.predicted_rate,
        bands.actual_rate,
        bands.min_probability,
        bands.max_probability
    from bands
    inner join periods on bands.period_number = periods.period_number
    union all
    select
        'evaluation' as rows_from,
        evaluation_window.period_start,
        evaluation_bands.scorer,
        evaluation_bands.decile,
        evaluation_window.period_end,
        evaluation_window.period_weeks,
        -- the alerts' window is a backtest period
        null as is_latest_period,
        evaluation_bands.leads,
        evaluation_bands.converted,
        evaluation_bands.predicted_rate,
        evaluation_bands.actual_rate,
        evaluation_bands.min_probability,
        evaluation_bands.max_probability
    from evaluation_bands
    cross join evaluation_window
)

select
    -- keys
    rows_from,
    period_start,
    scorer,
    cast(decile as integer) as decile,

    -- the period
    period_end,
    cast(period_weeks as integer) as period_weeks,
    cast(is_latest_period as boolean) as is_latest_period,

    -- the band
    cast(leads as bigint) as leads,
    cast(converted as bigint) as converted,
    predicted_rate,
    actual_rate,
    min_probability,
    max_probability
from all_bands
