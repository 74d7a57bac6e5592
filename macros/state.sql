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

{#- dbt-duckdb builds the new rows of an incremental Python model into a table
    <model>__dbt_tmp<timestamp> of schema main and never drops it (a SQL
    model's is a temporary table), so each build would leave one more copy of
    its rows (ml_training_runs: the model bundle too). The post-hook of
    ml_training_runs drops every such table of this model once its rows are
    in. -#}
{% macro drop_python_staging_tables() -%}
    {%- if execute and is_incremental() -%}
        {%- set prefix = this.identifier ~ '__dbt_tmp' -%}
        {%- set leftovers = run_query(
            "select table_name from duckdb_tables()"
            ~ " where database_name = " ~ sql_string(this.database)
            ~ " and schema_name = 'main'"
            ~ " and starts_with(table_name, " ~ sql_string(prefix) ~ ")") -%}
        {%- for name in leftovers.columns[0].values() -%}
            {%- do run_query("drop table if exists "
                ~ adapter.quote(this.database) ~ ".main." ~ adapter.quote(name)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
