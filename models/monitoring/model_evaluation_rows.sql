{#- The labelled rows the champion is judged on: the model report's charts
    and the evaluation deciles of model_calibration_bands read them. One row
    per lead-date (evaluation_row numbers them in the order they are read),
    from the first window that has any:
    - held_out_test: the champion's held-out test predictions
      (ml_champion.test_predictions, JSON lists of equal length). A
      refitted champion learned from its test window, so replaying it there
      would score in sample; these are the predictions of the fit that never
      saw those rows;
    - test_window: the labelled backtest rows of the champion's test window
      that the champion scored (the rows its registry metrics measure);
    - recent_weeks: the latest var health_recent_weeks labelled as-of dates
      of the backtest (also without a champion: the points score alone). -#}
with

champion as (
    select * from {{ ref('ml_champion') }}
    where champion_rank = 1
),

backtest as (
    select * from {{ ref('model_backtest') }}
    where is_labelled
),

held_out_lists as (
    select
        version_id,
        test_start,
        test_end,
        -- the lead-dates (null in runs recorded before they were kept)
        cast(json_extract(test_predictions, '$.lead_id') as varchar[])
            as lead_ids,
        cast(json_extract(test_predictions, '$.as_of_date') as date[])
            as as_of_dates,
        cast(json_extract(test_predictions, '$.label') as integer[])
            as labels,
        cast(json_extract(test_predictions, '$.probability') as double[])
            as probabilities,
        cast(json_extract(test_predictions, '$.score') as integer[])
            as scores,
        -- optional: runs that kept no points score leave it out
        cast(json_extract(test_predictions, '$.points') as double[])
            as points
    from champion
    -- null (or empty) for runs that kept none
    where test_predictions != ''
),

-- the lists side by side: unnest() in one select zips them
held_out as (
    select
        1 as window_priority,
        'held_out_test' as evaluation_window,
        test_start as window_start,
        test_end as window_end,
        version_id as model_version,
        unnest(lead_ids) as lead_id,
        unnest(as_of_dates) as as_of_date,
        unnest(range(1, len(labels) + 1)) as evaluation_row,
        unnest(labels) as label,
        unnest(probabilities) as model_probability,
        unnest(scores) as model_score,
        unnest(points) as points_score
    from held_out_lists
),

test_window as (
    select backtest.*
    from backtest
    inner join champion
        on backtest.as_of_date between champion.test_start and champion.test_end
    where backtest.model_probability is not null
),

recent_dates as (
    select distinct as_of_date
    from backtest
    order by 1 desc
    limit {{ var('health_recent_weeks') }}
),

recent_weeks as (
    select backtest.*
    from backtest
    inner join recent_dates on backtest.as_of_date = recent_dates.as_of_date
),

from_backtest as (
    select
        2 as window_priority,
        'test_window' as evaluation_window,
        *
    from test_window
    union all
    select
        3 as window_priority,
        'recent_weeks' as evaluation_window,
        *
    from recent_weeks
),

backtest_windows as (
    select
        window_priority,
        evaluation_window,
        min(as_of_date) over (partition by window_priority) as window_start,
        max(as_of_date) over (partition by window_priority) as window_end,
        lead_id,
        as_of_date,
        model_version,
        -- the order the backtest is read in (as-of date, lead)
        row_number() over (
            partition by window_priority
            order by as_of_date, lead_id
        ) as evaluation_row,
        label,
        model_probability,
        model_score,
        cast(points_score as double) as points_score
    from from_backtest
),

candidates as (
    select * from held_out
    union all by name
    select * from backtest_windows
),

-- the first window with rows
chosen as (
    select min(window_priority) as window_priority
    from candidates
)

select
    -- key
    cast(candidates.evaluation_row as bigint) as evaluation_row,

    -- which rows
    candidates.evaluation_window,
    candidates.window_start,
    candidates.window_end,
    candidates.lead_id,
    candidates.as_of_date,

    -- what happened and what the scorers said
    cast(candidates.label as integer) as label,
    cast(candidates.model_probability as double) as model_probability,
    cast(candidates.model_score as integer) as model_score,
    candidates.model_version,
    candidates.points_score
from candidates
inner join chosen on candidates.window_priority = chosen.window_priority
