{#- Custom schemas are used as-is (staging, marts, ...), not prefixed with the
    target schema, so BI and reverse-ETL tools read stable names. A backtest
    (var mode: backtest) builds into backtest_<schema> instead, so it never
    touches what production reads. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set schema = target.schema if custom_schema_name is none
        else custom_schema_name | trim -%}
    {{ ('backtest_' if var('mode', 'production') == 'backtest' else '') ~ schema }}
{%- endmacro %}
