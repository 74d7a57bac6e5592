{#- The leads to score: every lead open at the score date, with its features
    and the points score (the fallback when there is no model). -#}
with

features as (
    select * from {{ ref('lead_features') }}
    where is_score_date
),

points as (
    select * from {{ ref('lead_points_scores') }}
)

select
    features.*,
    points.points_score,
    points.fit_score,
    points.engagement_score,
    points.points_reason_1,
    points.points_reason_2,
    points.points_reason_3
from features
inner join points
    on
        features.lead_id = points.lead_id
        and features.as_of_date = points.as_of_date
