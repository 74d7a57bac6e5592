{#- The leads to score: every lead open at the score date, with its features
    and the points score (the fallback when there is no model), also on the
    0-100 score scale (rules_score, lead_points_scale). -#}
with

features as (
    select * from {{ ref('lead_features') }}
    where is_score_date
),

points as (
    select * from {{ ref('lead_points_scores') }}
),

rules_scale as (
    select * from {{ ref('lead_points_scale') }}
)

select
    features.*,
    points.points_score,
    points.fit_score,
    points.engagement_score,
    points.points_reason_1,
    points.points_reason_2,
    points.points_reason_3,
    -- the score while the rules score (cold start)
    rules_scale.score as rules_score,
    rules_scale.uses_scale as rules_uses_scale,
    rules_scale.unscaled_reason as rules_unscaled_reason,
    rules_scale.reference_rows as rules_reference_rows,
    rules_scale.sales_now_points as rules_sales_now_points,
    rules_scale.nurture_points as rules_nurture_points
from features
inner join points
    on
        features.lead_id = points.lead_id
        and features.as_of_date = points.as_of_date
inner join rules_scale on points.points_score = rules_scale.points_score
