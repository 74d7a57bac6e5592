{#- Every build's alerts, kept: model_health_alerts appended per score date.
    A rebuild for the same score date replaces that date's alerts (the
    pre-hook clears the date first, so an alert that is gone leaves too);
    full_refresh is off, so `--full-refresh` keeps the history. The next
    build's ml_training_runs reads it (as the source previous_build) to
    retrain on alerts. -#}
{{ config(
    unique_key=['score_date', 'kind', 'subject'],
    pre_hook="{{ clear_score_date() }}",
) }}

-- the pre-hook reads the score date
-- depends_on: {{ ref('int_score_date') }}
select * from {{ ref('model_health_alerts') }}
