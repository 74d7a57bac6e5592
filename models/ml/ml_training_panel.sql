{#- The labelled training rows: features, label and the points score (the
    baseline every model is compared with on the same rows). -#}
with

features as (
    select * from {{ ref('lead_features') }}
    where label is not null
),

points as (
    select
        lead_id,
        as_of_date,
        points_score
    from {{ ref('lead_points_scores') }}
)

select
    features.*,
    points.points_score
from features
inner join points
    on
        features.lead_id = points.lead_id
        and features.as_of_date = points.as_of_date
