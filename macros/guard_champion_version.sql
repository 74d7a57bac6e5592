{#- on-run-start: var champion_version pins scoring to one model of the
    registry (ml_champion ranks it first). A pin the registry cannot honour
    stops the build before any model runs, naming what is wrong and what to
    do: no registry yet, no trained model of that version with a bundle (a
    typo, a run that failed or scored with the rules), or a model trained
    after the build's score date (a backtest can never score with a model
    from its future). The registry checked is this build's (in a backtest,
    backtest_ml.ml_training_runs). -#}
{% macro guard_champion_version() %}
    {%- set pinned = var('champion_version') -%}
    {%- if execute and pinned -%}
        {%- set node = graph.nodes.values()
            | selectattr('name', 'equalto', 'ml_training_runs') | first -%}
        {%- set registry = adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- set fix = " Run `python -m leadscore.registry list` for the trained"
            ~ " versions, or unset the pin (champion_version: null). Nothing was"
            ~ " built." -%}
        {%- if registry is none -%}
            {{ exceptions.raise_compiler_error(
                "var champion_version is " ~ pinned ~ ", but this warehouse has no"
                ~ " model registry yet (" ~ node.schema ~ "." ~ node.alias ~ "):"
                ~ " build once without the pin." ~ fix) }}
        {%- endif -%}
        {%- set found = run_query(
            "select count(*), cast(min(score_date) as varchar) from " ~ registry
            ~ " where version_id = '" ~ pinned | replace("'", "''") ~ "'"
            ~ " and action = 'trained' and model_bundle is not null"
        ).rows[0] -%}
        {%- if found[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "var champion_version is " ~ pinned ~ ", but " ~ registry
                ~ " holds no trained model of that version with a model bundle"
                ~ " (a typo, a run that failed, or a build scored by the points"
                ~ " rules)." ~ fix) }}
        {%- endif -%}
        {%- if var('score_date') and found[1] > var('score_date') | string -%}
            {{ exceptions.raise_compiler_error(
                "var champion_version is " ~ pinned ~ ", trained at score date "
                ~ found[1] ~ ", after this build's score date "
                ~ var('score_date') ~ ": a build never scores with a model from"
                ~ " its future." ~ fix) }}
        {%- endif -%}
        {{ log("leadscore: scoring pinned to " ~ pinned ~ " by var"
            ~ " champion_version (trained at score date " ~ found[1]
            ~ "); no model is promoted while the pin is set.", info=true) }}
    {%- endif -%}
{% endmacro %}
