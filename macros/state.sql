{#- The state layer's one rule for per-score-date tables (models/state):
    a rebuild for the same score date replaces that date's rows. Used as
    the pre-hook of lead_score_history, lead_assignments and
    model_health_alert_history (their other settings are the state
    folder's, in dbt_project.yml). -#}
{% macro clear_score_date() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where score_date = (select score_date from {{ ref('int_score_date') }})
    {%- endif -%}
{%- endmacro %}
