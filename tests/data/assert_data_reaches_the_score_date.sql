{#- The export reaches the date the build stands at. When its latest
    activity (or lead creation, without activities) is more than var
    stale_data_warn_days before the score date, the last days would read as
    "nothing happened": a stale export, or a score_date past the end of the
    data. A warning by default (the build still scores); var
    stale_data_severity: error stops the build instead. -#}
{{ config(severity=var('stale_data_severity')) }}
select
    score_date,
    latest_event_at
from {{ ref('int_score_date') }}
where
    latest_event_at
    < {{ dbt.dateadd('day', -var('stale_data_warn_days'), 'cutoff_at') }}
