{#- Closed weeks kept while what they are built from is unchanged.

    With calendar weeks (var week_ends_on a weekday) int_lead_activity_weekly
    is incremental: the pre-hook clear_changed_weeks() empties the table
    when its key (a column of every row, from int_closed_weeks_key) differs
    from the current one, and says in the log whether it kept or rebuilt
    the table; the model then adds its rows only when the table is empty
    (only_when_cleared()). So a build later in the same week, with no late
    activity in the closed weeks, keeps the table as it is, and anything
    else (a new week, a late activity, a changed setting or a new version)
    rebuilds it whole. Weeks counted back from the score date (the
    default) move every day: it is a plain table then. int_lead_behaviour
    keeps its weekly rows the same way (key behaviour_key); its rows
    without a key (the score date's and the creation days') are deleted
    and built again on every build. -#}
{#- The config of the kept closed-week table, whose rows carry key_column. -#}
{% macro closed_weeks_config(key_column) -%}
    {{ return({
        'materialized': 'table' if var('week_ends_on') == 'score_date'
            else 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'sync_all_columns',
        'pre_hook': "{{ clear_changed_weeks('" ~ key_column ~ "') }}",
    }) }}
{%- endmacro %}


{% macro clear_changed_weeks(key_column) -%}
    {%- if execute and is_incremental() -%}
        {%- set key_model = ref('int_closed_weeks_key') -%}
        {%- set columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list -%}
        {%- if key_column not in columns -%}
            {%- set why = "it was built by a version without its key" -%}
        {%- else -%}
            {%- set found = run_query(
                "select count(*), any_value(" ~ key_column ~ ") is not distinct"
                ~ " from (select " ~ key_column ~ " from " ~ key_model ~ ") from "
                ~ this).rows[0] -%}
            {%- set why = none if found[0] > 0 and found[1]
                else "what the closed weeks are built from changed (a new"
                    ~ " week, late data in a closed week, a setting or a new"
                    ~ " version)" if found[0] > 0
                else "it holds no rows (no activity yet, or a build stopped"
                    ~ " while rebuilding it)" -%}
        {%- endif -%}
        {%- if why is none -%}
            {{ log("leadscore: " ~ this.identifier ~ " kept: the closed weeks"
                ~ " and what they are built from are unchanged", info=true) }}
            {#- rows without the key are the build's own (the score date's):
                built again every time -#}
            delete from {{ this }} where {{ key_column }} is null
        {%- else -%}
            {{ log("leadscore: " ~ this.identifier ~ " rebuilt: " ~ why,
                info=true) }}
            delete from {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- A condition for the model's first rows: true on a full build, and on
    an incremental one only when the pre-hook emptied the table. -#}
{% macro only_when_cleared() -%}
    {%- if is_incremental() -%}
        not exists (select 1 from {{ this }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
