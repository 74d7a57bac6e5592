{#- on-run-end: write-audit-publish. The marts and monitoring models build
    into <schema>_audit (marts_audit), where the build's data tests check
    them; BI tools, reverse-ETL and the sync read <schema> (marts), which
    holds copies published here, all in one transaction, only when every
    model and test of this invocation passed (warnings publish). A failed
    build publishes nothing: marts keeps the previous complete build, and
    the log says why. The state tables (score history, assignments, alert
    history) are logs written in place, as before.

    Only the models this invocation built are published, so `dbt run -s
    <model>` publishes that model alone. -#}
{% macro publish_marts(results) %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set suffix = '_audit' -%}
    {%- set failed = [] -%}
    {%- set built = [] -%}
    {%- for result in results -%}
        {%- if result.status in ['error', 'fail', 'partial success'] -%}
            {%- do failed.append(result.node.name) -%}
        {%- elif result.node.resource_type == 'model'
            and result.status == 'success'
            and result.node.schema.endswith(suffix) -%}
            {%- do built.append(result.node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if failed -%}
        {%- set kept = (
            "the " ~ built | length ~ " marts it built stay in " ~ built[0].schema
            ~ " and " ~ built[0].schema[:-(suffix | length)] ~ " still holds"
            if built else "no mart was built, and the published marts still hold") -%}
        {%- do exceptions.warn(
            "leadscore: NOT PUBLISHED. " ~ failed | length ~ " model(s) or test(s) of this"
            ~ " build failed (" ~ (failed[:5] | join(', '))
            ~ (", ..." if failed | length > 5 else "") ~ "), so " ~ kept
            ~ " the previous complete build. Fix the failure and build again.") -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not built -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- for schema in built | map(attribute='schema') | unique -%}
        {%- do statements.append("create schema if not exists "
            ~ adapter.quote(schema[:-(suffix | length)])) -%}
    {%- endfor -%}
    {%- do statements.append("begin transaction") -%}
    {%- for node in built -%}
        {%- set published = api.Relation.create(
            database=node.database, schema=node.schema[:-(suffix | length)],
            identifier=node.alias, type='table') -%}
        {%- set audited = api.Relation.create(
            database=node.database, schema=node.schema,
            identifier=node.alias) -%}
        {%- do statements.append("create or replace table " ~ published
            ~ " as select * from " ~ audited) -%}
    {%- endfor -%}
    {%- do statements.append("commit") -%}
    {%- do run_query(statements | join(";\n")) -%}
    {{ log("leadscore: published " ~ built | length ~ " marts from "
        ~ built[0].schema ~ " to " ~ built[0].schema[:-(suffix | length)]
        ~ " (every model and test passed)", info=true) }}
    {{ return('') }}
{% endmacro %}
