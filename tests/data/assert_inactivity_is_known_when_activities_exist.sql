{#- lead_features.is_inactive_90d is null only when the export holds no
    activities at all: with activity data, every row knows whether its lead
    was active in the last 90 days. -#}
select
    lead_id,
    as_of_date
from {{ ref('lead_features') }}
where
    is_inactive_90d is null
    and exists (select 1 from {{ ref('int_lead_activity_daily') }})
