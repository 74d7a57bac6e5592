{% macro reference_relation(seed_name) -%}
    {#-
        The loaded table of a reference seed, for macros that read the seed's
        rows while compiling (run_query) and turn them into SQL.

        Calling ref() here makes every model that uses the macro depend on
        the seed, so `dbt build` loads the seed first. Returns none while
        parsing, and when the seed has not been loaded yet: `dbt compile`,
        `dbt show` or sqlfluff on an empty database then get a neutral
        expression from the caller, while `dbt run`, `build` and `test` stop
        with an error that says to run `dbt seed`. Inside a unit test, where
        ref() names the test's fixture, callers read the fixture instead
        (see in_unit_test).
    -#}
    {%- set seed_ref = ref(seed_name) -%}
    {%- if not execute or leadscore.in_unit_test() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set seed_nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', seed_name)
        | list -%}
    {%- if seed_nodes | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Seed '" ~ seed_name ~ "' is missing from the project: restore "
            ~ "seeds/" ~ seed_name ~ ".csv.") }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(
        database=seed_nodes[0].database,
        schema=seed_nodes[0].schema,
        identifier=seed_nodes[0].alias) -%}
    {%- if relation is none and flags.WHICH in ('run', 'build', 'test') -%}
        {{ exceptions.raise_compiler_error(
            "Seed '" ~ seed_name ~ "' has not been loaded into "
            ~ seed_nodes[0].schema ~ "." ~ seed_nodes[0].alias
            ~ ": run `dbt seed` (or `dbt build`, which loads seeds first).") }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}


{% macro in_unit_test() -%}
    {#- True while dbt compiles a unit test, where ref() names fixtures. -#}
    {{ return(model is defined and model is mapping
        and model.get('resource_type') == 'unit_test') }}
{%- endmacro %}
