{#- The one definition of "the champion": the promoted models of the
    registry, newest promotion first. champion_rank 1 is the champion,
    which scores every lead; the later ranks are the earlier champions,
    in the order scoring falls back to them when a champion's model bundle
    cannot be read. Every model that needs the champion reads this one (SQL
    and Python alike). -#}
with

runs as (
    select * from {{ ref('ml_training_runs') }}
),

promoted as (
    select * from runs
    where is_promoted
)

select
    promoted.*,
    row_number() over (
        order by promoted.ran_at desc, promoted.run_id desc
    ) as champion_rank
from promoted
