{#- No label is known past the end of the data: a row of lead_features whose
    horizon (var horizon_days after its as-of date) passes
    int_score_date.data_ends_at has a null label, since nobody could have
    seen a conversion after the export's latest event. -#}
select
    lead_features.lead_id,
    lead_features.as_of_date,
    lead_features.label
from {{ ref('lead_features') }} as lead_features
cross join {{ ref('int_score_date') }} as score_date
where
    lead_features.label is not null
    and lead_features._known_before + interval {{ var('horizon_days') }} day
    > score_date.data_ends_at
