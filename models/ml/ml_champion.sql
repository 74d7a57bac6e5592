{#- The one definition of "the champion", the model that scores: the
    promoted models of the registry trained at or before the build's score
    date, newest promotion first, leaving out a model marked unusable (its
    bundle cannot be loaded: action marked_unusable). champion_rank 1 is the
    champion,
    which scores every lead; the later ranks are the earlier champions,
    in the order scoring falls back to them when a champion's model bundle
    cannot be read. Var champion_version pins scoring to one trained model
    of the registry: it takes rank 1 whatever was promoted since (the
    promoted models follow it as fallbacks), and training promotes nothing
    while the pin is set (macros/guard_champion_version.sql refuses a pin
    the registry cannot honour). Every model that needs the champion reads
    this one (SQL and Python alike). -#}
{%- set pinned = var('champion_version') -%}
with

runs as (
    select * from {{ ref('ml_training_runs') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

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

-- promoted by the build's score date: a backtest at a past date never
-- scores with a model trained after it
promoted as (
    select runs.* from runs
    left join unusable on runs.version_id = unusable.version_id
    where
        runs.is_promoted
        and runs.score_date <= (select score_date.score_date from score_date)
        and (unusable.marked_at is null or runs.ran_at > unusable.marked_at)
),

-- var champion_version: the trained model it names (none when unset)
pinned as (
    select runs.* from runs
    left join unusable on runs.version_id = unusable.version_id
    where
        {% if pinned -%}
            runs.version_id = '{{ pinned | replace("'", "''") }}'
        {%- else -%}
            false
        {%- endif %}
        and runs.action = 'trained'
        and runs.model_bundle is not null
        and (unusable.marked_at is null or runs.ran_at > unusable.marked_at)
        and runs.score_date <= (select score_date.score_date from score_date)
    qualify
        row_number() over (order by runs.ran_at desc, runs.run_id desc) = 1
),

candidates as (
    select * from pinned
    union all
    select promoted.* from promoted
    where promoted.run_id not in (select pinned.run_id from pinned)
)

select
    candidates.*,
    row_number() over (
        order by
            case
                when
                    candidates.run_id in (select pinned.run_id from pinned)
                    then 0
                else 1
            end,
            candidates.ran_at desc,
            candidates.run_id desc
    ) as champion_rank
from candidates
