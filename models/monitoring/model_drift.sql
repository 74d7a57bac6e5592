{#- Drift at the score date: the population stability index of every
    feature of the champion and of its score, between the champion's
    training window and the leads scored now (see ml_drift). Empty while
    there is no champion. -#}
with

drift as (
    select * from {{ ref('ml_drift') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
)

select
    -- keys
    score_date.score_date,
    drift.feature,

    -- the measure
    drift.feature_kind,
    drift.psi,
    drift.status,
    cast(drift.n_bins as integer) as n_bins,
    drift.largest_shift,
    cast(drift.importance_rank as integer) as importance_rank,

    -- what was compared
    drift.reference_start,
    drift.reference_end,
    cast(drift.reference_rows as bigint) as reference_rows,
    cast(drift.current_rows as bigint) as current_rows,
    drift.model_version,
    drift.champion_run_id
from drift
cross join score_date
