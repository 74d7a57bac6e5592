{#- One row per trained model: its version, windows, counts, metrics of the
    model and of the points score on the same held-out rows, whether it was
    promoted and why, and whether it is the champion now (the most recently
    promoted model, which scores every lead). -#}
with

runs as (
    select * from {{ ref('ml_training_runs') }}
),

trained as (
    select * from runs
    where action = 'trained'
),

champion as (
    select version_id
    from {{ ref('ml_champion') }}
    where champion_rank = 1
),

-- models whose bundle could not be loaded: never scoring again (a mark
-- covers the runs of its version made before it)
unusable as (
    select
        version_id,
        ran_at as marked_at,
        action_reason as unusable_reason
    from runs
    where action = 'marked_unusable'
    qualify row_number() over (partition by version_id order by ran_at desc) = 1
)

select
    trained.version_id,
    trained.run_id,
    trained.score_date,
    trained.ran_at as trained_at,
    trained.model_kind,
    trained.action_reason as trained_because,
    trained.is_promoted,
    trained.promotion_reason,
    trained.champion_version_id as previous_champion_version_id,
    coalesce(
        trained.version_id = (select champion.version_id from champion), false
    ) as is_champion,
    unusable.version_id is null as is_usable,
    unusable.unusable_reason,
    trained.train_start,
    trained.train_end,
    trained.validation_start,
    trained.validation_end,
    trained.test_start,
    trained.test_end,
    trained.refit_end,
    trained.refit_rows,
    trained.refit_positive,
    trained.refit_reason,
    trained.test_predictions,
    trained.train_rows,
    trained.train_positive,
    trained.validation_rows,
    trained.validation_positive,
    trained.roc_auc,
    trained.pr_auc,
    trained.brier,
    trained.log_loss,
    trained.ece,
    trained.top_decile_lift,
    trained.top_decile_conversion_rate,
    trained.points_roc_auc,
    trained.points_pr_auc,
    trained.points_top_decile_conversion_rate,
    trained.features,
    trained.params,
    trained.metrics,
    trained.importance,
    trained.library_versions,
    trained.model_bundle
from trained
left join unusable
    on
        trained.version_id = unusable.version_id
        and trained.ran_at < unusable.marked_at
