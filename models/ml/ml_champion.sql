{#- The one definition of "the champion": the promoted models of the
    registry trained at or before the build's score date, newest promotion
    first, leaving out a model marked unusable (its bundle cannot be loaded:
    action marked_unusable). champion_rank 1 is the champion,
    which scores every lead; the later ranks are the earlier champions,
    in the order scoring falls back to them when a champion's model bundle
    cannot be read. Every model that needs the champion reads this one (SQL
    and Python alike). -#}
with

runs as (
    select * from {{ ref('ml_training_runs') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

-- promoted by the build's score date: a backtest at a past date never
-- scores with a model trained after it
-- models whose bundle could not be loaded (marked by the registry's writer):
-- a mark covers the runs of its version made before it
unusable as (
    select
        version_id,
        max(ran_at) as marked_at
    from runs
    where action = 'marked_unusable'
    group by 1
),

promoted as (
    select runs.* from runs
    left join unusable on runs.version_id = unusable.version_id
    where
        runs.is_promoted
        and runs.score_date <= (select score_date.score_date from score_date)
        and (unusable.marked_at is null or runs.ran_at > unusable.marked_at)
)

select
    promoted.*,
    row_number() over (
        order by promoted.ran_at desc, promoted.run_id desc
    ) as champion_rank
from promoted
