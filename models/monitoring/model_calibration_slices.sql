{#- Calibration in the slices sales looks at: for each slice of the rows
    the champion is judged on (model_evaluation_rows: its held-out test
    predictions, or its backtest), the predicted and the actual conversion.
    Slices: tier (of the held-out score), lead source, seniority, company
    size band, has bounced, has unsubscribed, inactive 90 days (the lead's
    lead_features row at that as-of date). A slice of at least var
    health_slice_min_leads leads is judged: it is off when actual and
    predicted differ by more than the larger of var health_slice_min_gap
    (points of conversion) and var health_slice_margin of the prediction,
    and by more than var health_calibration_min_z binomial standard errors
    (so that noise on a small slice is not an alert). model_health_alerts
    raises an alert for every slice that is off; the report shows them all.
    Empty at cold start (no model scores). -#}
with

evaluation as (
    select * from {{ ref('model_evaluation_rows') }}
    where model_probability is not null and lead_id is not null
),

features as (
    select * from {{ ref('lead_features') }}
),

rows_with_features as (
    select
        evaluation.evaluation_window,
        evaluation.window_start,
        evaluation.window_end,
        evaluation.model_version,
        evaluation.lead_id,
        evaluation.label,
        evaluation.model_probability,
        evaluation.model_score,
        {{ score_tier('evaluation.model_score') }} as tier,
        features.lead_source,
        features.seniority,
        features.employee_band,
        features.has_bounced,
        features.has_unsubscribed,
        features.is_inactive_90d
    from evaluation
    inner join features
        on
            evaluation.lead_id = features.lead_id
            and evaluation.as_of_date = features.as_of_date
),

sliced as (
    select
        'tier' as slice,
        tier as slice_value,
        *
    from rows_with_features
    union all
    select
        'lead_source' as slice,
        coalesce(lead_source, 'unknown') as slice_value,
        *
    from rows_with_features
    union all
    select
        'seniority' as slice,
        coalesce(seniority, 'unknown') as slice_value,
        *
    from rows_with_features
    union all
    select
        'company_size' as slice,
        coalesce(employee_band, 'unknown') as slice_value,
        *
    from rows_with_features
    union all
    select
        'has_bounced' as slice,
        cast(has_bounced as {{ dbt.type_string() }}) as slice_value,
        *
    from rows_with_features
    union all
    select
        'has_unsubscribed' as slice,
        cast(has_unsubscribed as {{ dbt.type_string() }}) as slice_value,
        *
    from rows_with_features
    union all
    select
        'inactive_90_days' as slice,
        cast(is_inactive_90d as {{ dbt.type_string() }}) as slice_value,
        *
    from rows_with_features
),

measured as (
    select
        slice,
        coalesce(slice_value, 'unknown') as slice_value,
        min(evaluation_window) as evaluation_window,
        min(window_start) as window_start,
        max(window_end) as window_end,
        min(model_version) as model_version,
        count(distinct lead_id) as leads,
        count(*) as lead_dates,
        avg(model_probability) as predicted_rate,
        avg(label * 1.0) as actual_rate
    from sliced
    group by 1, 2
),

judged as (
    select
        *,
        actual_rate - predicted_rate as gap,
        greatest(
            {{ var('health_slice_min_gap') }},
            {{ var('health_slice_margin') }} * predicted_rate
        ) as tolerance,
        leads >= {{ var('health_slice_min_leads') }} as is_judged
    from measured
)

select
    slice,
    slice_value,
    evaluation_window,
    window_start,
    window_end,
    model_version,
    leads,
    lead_dates,
    predicted_rate,
    actual_rate,
    gap,
    tolerance,
    is_judged,
    coalesce(
        is_judged
        and abs(gap) > tolerance
        and abs(gap)
        > {{ var('health_calibration_min_z') }}
        * sqrt(predicted_rate * (1 - predicted_rate) / lead_dates),
        false
    ) as is_off
from judged
