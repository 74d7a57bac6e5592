{#- The backtest, one row per lead and as-of date: what the champion said
    (replayed on the features of that day, or read from lead_score_history
    when the champion scored the lead that day) and what the points score
    said, next to what happened (the label, known once the horizon is
    over). -#}
with

backtest_scores as (
    select * from {{ ref('ml_backtest_scores') }}
),

runs as (
    select * from {{ ref('ml_training_runs') }}
),

backtest as (
    select
        -- keys
        backtest_scores.lead_id,
        backtest_scores.as_of_date,

        -- what happened
        backtest_scores.label,
        backtest_scores.label is not null as is_labelled,

        -- the model
        backtest_scores.model_probability,
        backtest_scores.model_score,
        case
            when backtest_scores.model_score is not null
                then {{ score_tier('backtest_scores.model_score') }}
        end as model_tier,
        backtest_scores.model_version,
        backtest_scores.score_source,

        -- the points score
        backtest_scores.points_score,
        {{ score_tier('backtest_scores.points_score') }} as points_tier,

        -- where the as-of date sits in the champion's data
        case
            when runs.run_id is null then null
            -- a refitted champion learned from every as-of date up to refit_end
            when backtest_scores.as_of_date <= runs.refit_end then 'refit'
            when backtest_scores.as_of_date <= runs.train_end then 'training'
            when backtest_scores.as_of_date < runs.validation_start then 'gap'
            when backtest_scores.as_of_date < runs.test_start then 'calibration'
            when backtest_scores.as_of_date <= runs.test_end then 'test'
            else 'after'
        end as champion_window,
        backtest_scores.champion_run_id
    from backtest_scores
    left join runs on backtest_scores.champion_run_id = runs.run_id
)

select * from backtest
