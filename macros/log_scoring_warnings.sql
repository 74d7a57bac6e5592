{#- on-run-end: print every row of scoring_warnings as a warning in the dbt
    log, so a build that could not learn, or whose scores are nearly
    constant, says so where people look. Only when scoring_warnings was
    built by this invocation (a dbt run of other models stays quiet). -#}
{% macro log_scoring_warnings(results) %}
    {{ return(leadscore.log_model_rows(results, 'scoring_warnings',
        "warning_kind, message", "warning_kind")) }}
{% endmacro %}


{#- Print each row of a model (its columns kind, message) as a warning
    "leadscore (<kind>): <message>", when this invocation built the model. -#}
{% macro log_model_rows(results, model_name, kind_and_message, order_by) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set built = [] -%}
    {%- for result in results
        if result.node.name == model_name and result.status == 'success' -%}
        {%- do built.append(result.node) -%}
    {%- endfor -%}
    {%- if built -%}
        {%- set relation = adapter.get_relation(
            database=built[0].database, schema=built[0].schema,
            identifier=built[0].alias) -%}
        {%- if relation is not none -%}
            {%- set rows = run_query(
                "select " ~ kind_and_message ~ " from " ~ relation
                ~ " order by " ~ order_by).rows -%}
            {%- for row in rows -%}
                {%- do exceptions.warn("leadscore (" ~ row[0] ~ "): " ~ row[1]) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
