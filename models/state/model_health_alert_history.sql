{#- Every build's alerts, kept: model_health_alerts appended per score date.
    A rebuild for the same score date replaces that date's alerts (the
    pre-hook clears the date first, so an alert that is gone leaves too);
    full_refresh is off, so `--full-refresh` keeps the history. The next
    build's ml_training_runs reads it (by name) to retrain on alerts. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['score_date', 'kind', 'subject'],
    on_schema_change='append_new_columns',
    full_refresh=false,
    pre_hook="
        {%- if is_incremental() -%}
        delete from {{ this }}
        where score_date = (select score_date from {{ ref('int_score_date') }})
        {%- endif -%}
    ",
) }}

-- the pre-hook reads the score date
-- depends_on: {{ ref('int_score_date') }}
select * from {{ ref('model_health_alerts') }}
