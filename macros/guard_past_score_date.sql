{#- on-run-start: a production build (var mode: production) at a score_date
    before the latest score date lead_score_history already holds would
    overwrite what production reads with the past (marts, exports, the
    report) and add past rows to the state: it stops before any model runs
    and says how to run it as a backtest instead. -#}
{% macro guard_past_score_date() %}
    {%- if execute and var('mode') == 'backtest' -%}
        {{ log("leadscore: BACKTEST" ~ (" at score date " ~ var('score_date')
            if var('score_date') else "") ~ ": every table goes into backtest_*"
            ~ " schemas, the export files into " ~ var('export_path') ~ "/backtest/ and"
            ~ " the report into a backtest/ folder; nothing production reads is"
            ~ " written.", info=true) }}
    {%- endif -%}
    {%- if execute and var('mode') == 'production' and var('score_date') -%}
        {%- set node = graph.nodes.values()
            | selectattr('name', 'equalto', 'lead_score_history') | first -%}
        {%- set history = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- if history is not none -%}
            {%- set latest = run_query(
                "select cast(max(score_date) as varchar) from " ~ history
            ).columns[0].values()[0] -%}
            {%- if latest and (var('score_date') | string) < latest -%}
                {{ exceptions.raise_compiler_error(
                    "score_date " ~ var('score_date') ~ " is before the latest score date"
                    ~ " this warehouse has built (" ~ latest ~ ", in " ~ history ~ "): a"
                    ~ " production build there would replace today's scores, exports and"
                    ~ " report with the past. Run it as a backtest, which builds into"
                    ~ " backtest_* schemas and writes nothing production reads: --vars"
                    ~ " '{score_date: " ~ var('score_date') ~ ", mode: backtest}'."
                    ~ " Nothing was built."
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
