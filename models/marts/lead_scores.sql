{#- One row per lead open at the score date: the score people and
    thresholds use, the calibrated probability, the tier and its action,
    the fit / engagement split and three reasons. -#}
with

model_scores as (
    select * from {{ ref('ml_lead_scores') }}
),

scoring_rows as (
    select * from {{ ref('ml_scoring_rows') }}
),

scored as (
    select
        -- ids
        scoring_rows.lead_id,
        scoring_rows.email,

        -- scores
        model_scores.score,
        model_scores.probability,
        model_scores.percentile,
        -- the champion's split of its own score (the points rules' while the
        -- rules score), and the points rules' split always
        coalesce(model_scores.fit_score, scoring_rows.fit_score) as fit_score,
        coalesce(
            model_scores.engagement_score, scoring_rows.engagement_score
        ) as engagement_score,
        scoring_rows.points_score,
        scoring_rows.fit_score as points_fit_score,
        scoring_rows.engagement_score as points_engagement_score,

        -- how it was scored
        model_scores.scoring_method,
        model_scores.scoring_method_reason,
        model_scores.model_version,

        -- why
        model_scores.reason_1,
        model_scores.reason_2,
        model_scores.reason_3,
        model_scores.contributions as score_factors,

        -- dates
        scoring_rows.as_of_date as features_as_of
    from scoring_rows
    inner join model_scores on scoring_rows.lead_id = model_scores.lead_id
),

tiered as (
    select
        *,
        {{ score_tier('score') }} as tier
    from scored
)

select
    lead_id,
    email,
    cast(score as integer) as score,
    probability,
    percentile,
    tier,
    {{ tier_action('tier') }} as action,
    cast(fit_score as integer) as fit_score,
    cast(engagement_score as integer) as engagement_score,
    cast(points_score as integer) as points_score,
    cast(points_fit_score as integer) as points_fit_score,
    cast(points_engagement_score as integer) as points_engagement_score,
    scoring_method,
    scoring_method_reason,
    model_version,
    reason_1,
    reason_2,
    reason_3,
    score_factors,
    features_as_of,
    -- when this build scored (the only column that changes on every run)
    cast(current_timestamp as timestamp) as scored_at
from tiered
