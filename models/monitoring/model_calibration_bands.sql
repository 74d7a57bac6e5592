{#- Predicted against actual conversion per score decile: the labelled
    backtest dates are cut into periods of var health_recent_weeks weekly
    as-of dates, counted back from the latest (period 0 is the window the
    alerts look at); within each period and scorer the leads are split
    into ten equal groups by score (decile 10 = the highest scores). -#}
with

backtest as (
    select * from {{ ref('model_backtest') }}
    where is_labelled
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
)

select
    -- keys
    periods.period_start,
    bands.scorer,
    cast(bands.decile as integer) as decile,

    -- the period
    periods.period_end,
    cast(periods.period_weeks as integer) as period_weeks,
    bands.period_number = 0 as is_latest_period,

    -- the band
    cast(bands.leads as bigint) as leads,
    cast(bands.converted as bigint) as converted,
    bands.predicted_rate,
    bands.actual_rate,
    bands.min_probability,
    bands.max_probability
from bands
inner join periods on bands.period_number = periods.period_number
