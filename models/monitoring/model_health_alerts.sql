{#- The monitoring alerts of this build, one row per alert (see
    health_docs.md, health_alerts): calibration and AUC on
    the most recent var health_recent_weeks labelled weekly as-of dates of
    the backtest (pooled) that the champion never learned from, calibration
    in the slices sales looks at (model_calibration_slices), drift from
    model_drift. Raised only while a champion exists. -#}
{%- set psi_drift = var('health_psi_drift') -%}
{%- set top_k = var('health_drift_top_features') -%}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

backtest as (
    select * from {{ ref('model_backtest') }}
),

drift as (
    select * from {{ ref('model_drift') }}
),

slices as (
    select * from {{ ref('model_calibration_slices') }}
),

-- the champion (ml_champion)
champion as (
    select
        run_id,
        version_id
    from {{ ref('ml_champion') }}
    where champion_rank = 1
),

recent_dates as (
    -- out of sample only: weeks a refitted champion learned from say nothing
    select distinct as_of_date
    from backtest
    where
        is_labelled
        and (champion_window is null or champion_window in ('test', 'after'))
    order by 1 desc
    limit {{ var('health_recent_weeks') }}
),

-- the recent labelled rows, one per lead, as-of date and scorer
scored as (
    select
        'model' as scorer,
        backtest.as_of_date,
        backtest.label,
        backtest.model_probability as probability
    from backtest
    inner join recent_dates on backtest.as_of_date = recent_dates.as_of_date
    where backtest.model_probability is not null
    union all
    select
        'points' as scorer,
        backtest.as_of_date,
        backtest.label,
        backtest.points_score / 100.0 as probability
    from backtest
    inner join recent_dates on backtest.as_of_date = recent_dates.as_of_date
),

ranking as (
    {{ ranking_quality('scored', ['scorer']) }}
),

recent_quality as (
    select
        scored.scorer,
        min(scored.as_of_date) as window_start,
        max(scored.as_of_date) as window_end,
        count(*) as leads,
        avg(scored.probability) as predicted_rate,
        avg(scored.label * 1.0) as actual_rate
    from scored
    group by 1
),

model_quality as (
    select
        recent_quality.*,
        ranking.roc_auc
    from recent_quality
    inner join ranking on recent_quality.scorer = ranking.scorer
    where recent_quality.scorer = 'model'
),

points_quality as (
    select ranking.roc_auc
    from ranking
    where ranking.scorer = 'points'
),

calibration_alerts as (
    select
        'calibration' as kind,
        'model' as subject,
        actual_rate as metric_value,
        predicted_rate as threshold,
        window_start,
        window_end,
        'actual conversion '
        || cast(round(100 * actual_rate, 2) as {{ dbt.type_string() }})
        || '% vs predicted '
        || cast(round(100 * predicted_rate, 2) as {{ dbt.type_string() }})
        || '% ('
        || cast(
            round(100 * abs(actual_rate - predicted_rate) / predicted_rate)
            as {{ dbt.type_string() }}
        )
        || '% '
        || case when actual_rate < predicted_rate then 'lower' else 'higher' end
        || ', margin '
        || cast(
            round(100 * {{ var('health_calibration_margin') }})
            as {{ dbt.type_string() }}
        )
        || '%) on '
        || cast(leads as {{ dbt.type_string() }})
        || ' leads of the as-of dates '
        || cast(window_start as {{ dbt.type_string() }})
        || ' to '
        || cast(window_end as {{ dbt.type_string() }}) as reason
    from model_quality
    where
        predicted_rate > 0
        and abs(actual_rate - predicted_rate)
        > {{ var('health_calibration_margin') }} * predicted_rate
        and abs(actual_rate - predicted_rate)
        > {{ var('health_calibration_min_z') }}
        * sqrt(predicted_rate * (1 - predicted_rate) / leads)
),

auc_floor_alerts as (
    select
        'auc_floor' as kind,
        'model' as subject,
        roc_auc as metric_value,
        {{ var('health_auc_floor') }} as threshold,
        window_start,
        window_end,
        'model ROC AUC '
        || cast(round(roc_auc, 3) as {{ dbt.type_string() }})
        || ' is below the floor {{ var("health_auc_floor") }} on the as-of '
        || 'dates '
        || cast(window_start as {{ dbt.type_string() }})
        || ' to '
        || cast(window_end as {{ dbt.type_string() }}) as reason
    from model_quality
    where roc_auc < {{ var('health_auc_floor') }}
),

below_points_alerts as (
    select
        'below_points' as kind,
        'model' as subject,
        model_quality.roc_auc as metric_value,
        points_quality.roc_auc as threshold,
        model_quality.window_start,
        model_quality.window_end,
        'model ROC AUC '
        || cast(round(model_quality.roc_auc, 3) as {{ dbt.type_string() }})
        || ' is below the points score''s '
        || cast(round(points_quality.roc_auc, 3) as {{ dbt.type_string() }})
        || ' on the same leads (as-of dates '
        || cast(model_quality.window_start as {{ dbt.type_string() }})
        || ' to '
        || cast(model_quality.window_end as {{ dbt.type_string() }})
        || ')' as reason
    from model_quality
    cross join points_quality
    where
        model_quality.roc_auc
        < points_quality.roc_auc - {{ var('health_below_points_margin') }}
),

score_drift_alerts as (
    select
        'drift' as kind,
        'model_score' as subject,
        psi as metric_value,
        {{ psi_drift }} as threshold,
        cast(null as date) as window_start,
        cast(null as date) as window_end,
        'score PSI '
        || cast(round(psi, 3) as {{ dbt.type_string() }})
        || ' is above {{ psi_drift }} (training window '
        || cast(reference_start as {{ dbt.type_string() }})
        || ' to '
        || cast(reference_end as {{ dbt.type_string() }})
        || ' vs the leads scored now); largest shift: '
        || largest_shift as reason
    from drift
    where feature_kind = 'score' and psi > {{ psi_drift }}
),

feature_drift as (
    select
        count(*) as features,
        sum(case when status = 'drift' then 1 else 0 end) as drifting,
        sum(case when status = 'drift' then 1 else 0 end) * 1.0 / count(*)
            as drifting_share
    from drift
    where feature_kind != 'score'
),

worst_features as (
    select
        {{ dbt.listagg(
            'feature', "', '", "order by psi desc, feature", 5
        ) }} as features
    from drift
    where feature_kind != 'score' and status = 'drift'
),

feature_share_alerts as (
    select
        'drift' as kind,
        'features' as subject,
        feature_drift.drifting_share as metric_value,
        {{ var('health_drift_feature_share') }} as threshold,
        cast(null as date) as window_start,
        cast(null as date) as window_end,
        cast(feature_drift.drifting as {{ dbt.type_string() }})
        || ' of '
        || cast(feature_drift.features as {{ dbt.type_string() }})
        || ' features drift (PSI above {{ psi_drift }}), more than '
        || cast(
            round(100 * {{ var('health_drift_feature_share') }})
            as {{ dbt.type_string() }}
        )
        || '%; the largest: '
        || worst_features.features as reason
    from feature_drift
    cross join worst_features
    where
        feature_drift.drifting_share > {{ var('health_drift_feature_share') }}
),

top_feature_alerts as (
    select
        'drift' as kind,
        feature as subject,
        psi as metric_value,
        {{ psi_drift }} as threshold,
        cast(null as date) as window_start,
        cast(null as date) as window_end,
        feature
        || ' (importance rank '
        || cast(importance_rank as {{ dbt.type_string() }})
        || ') PSI '
        || cast(round(psi, 3) as {{ dbt.type_string() }})
        || ' is above {{ psi_drift }}; largest shift: '
        || largest_shift as reason
    from drift
    where
        feature_kind != 'score'
        and status = 'drift'
        and importance_rank <= {{ top_k }}
),

-- calibration in the slices sales looks at (model_calibration_slices)
slice_calibration_alerts as (
    select
        'slice_calibration' as kind,
        slice || '=' || slice_value as subject,
        actual_rate as metric_value,
        predicted_rate as threshold,
        window_start,
        window_end,
        'leads with '
        || slice
        || ' '
        || slice_value
        || ': actual conversion '
        || cast(round(100 * actual_rate, 1) as {{ dbt.type_string() }})
        || '% vs predicted '
        || cast(round(100 * predicted_rate, 1) as {{ dbt.type_string() }})
        || '% (tolerance '
        || cast(round(100 * tolerance, 1) as {{ dbt.type_string() }})
        || ' points) on '
        || cast(leads as {{ dbt.type_string() }})
        || ' leads of the as-of dates '
        || cast(window_start as {{ dbt.type_string() }})
        || ' to '
        || cast(window_end as {{ dbt.type_string() }}) as reason
    from slices
    where is_off
),

alerts as (
    select * from calibration_alerts
    union all
    select * from slice_calibration_alerts
    union all
    select * from auc_floor_alerts
    union all
    select * from below_points_alerts
    union all
    select * from score_drift_alerts
    union all
    select * from feature_share_alerts
    union all
    select * from top_feature_alerts
)

select
    -- keys
    score_date.score_date,
    alerts.kind,
    alerts.subject,

    -- the alert
    alerts.reason,
    cast(alerts.metric_value as double) as metric_value,
    cast(alerts.threshold as double) as threshold,
    alerts.window_start,
    alerts.window_end,

    -- the model it concerns
    champion.run_id as champion_run_id,
    champion.version_id as model_version,

    -- timestamps
    cast(current_timestamp as timestamp) as raised_at
from alerts
cross join score_date
cross join champion
