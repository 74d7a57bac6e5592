{#-
    raw_table(table_name): a select over one raw CRM table, shaped by the
    input contract (macros/contract.sql), with every column as text.

    Where the data is comes from configuration:
    - var('raw_schema') set: the table <raw_schema>.<table_name>;
    - otherwise a file in var('raw_data_path'): <table_name>.parquet or
      <table_name>.csv (Parquet wins when both are there).

    A missing optional table gives zero rows; a missing optional column is
    all null; columns outside the contract (custom properties) are kept as
    text. A missing required table or column, or a typed column of a type
    that cannot hold the contract's, stops the build with an error naming
    the table, the column and the fix.
-#}
{% macro raw_table(table_name) %}
    {%- set spec = leadscore.contract_tables()[table_name] -%}
    {#- Calling source() records the lineage (and docs) for every table,
        whichever way the data is read. -#}
    {%- set source_relation = source('crm', table_name) -%}
    {%- if leadscore.is_parsing_or_linting() -%}
        {{ leadscore.raw_table_empty(spec) }}
    {%- elif model.resource_type == 'unit_test' -%}
        {#- dbt unit tests mock the source as a CTE (use format: sql fixtures
            that give every contract column). -#}
        select
        {%- for column in spec.columns %}
            cast({{ column[0] }} as varchar) as {{ column[0] }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ source_relation }}
    {%- else -%}
        {%- set located = leadscore.locate_raw_table(table_name, source_relation) -%}
        {%- if located is none -%}
            {%- if spec.required -%}
                {{ exceptions.raise_compiler_error(
                    "Input contract: the required table '" ~ table_name
                    ~ "' was not found (" ~ leadscore.raw_location_text(table_name)
                    ~ "). Put " ~ table_name ~ ".csv or " ~ table_name
                    ~ ".parquet there, or point var raw_data_path / raw_schema"
                    ~ " at your data (README: 'Your own data')."
                ) }}
            {%- endif -%}
            {{ log("leadscore: optional table '" ~ table_name ~ "' not found ("
                ~ leadscore.raw_location_text(table_name) ~ "); treating it as empty.",
                info=true) }}
            {{ leadscore.raw_table_empty(spec) }}
        {%- else -%}
            {{ leadscore.raw_table_select(table_name, spec, located) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro raw_location_text(table_name) %}
    {%- if var('raw_schema') -%}
        {{ return("looked for table " ~ var('raw_schema') ~ "." ~ table_name) }}
    {%- else -%}
        {{ return("looked for " ~ var('raw_data_path') ~ "/" ~ table_name
            ~ ".parquet and .csv") }}
    {%- endif -%}
{% endmacro %}


{#- Zero rows with every contract column, all text. -#}
{% macro raw_table_empty(spec) %}
    select
    {%- for column in spec.columns %}
        cast(null as varchar) as {{ column[0] }}{{ "," if not loop.last }}
    {%- endfor %}
    where false
{% endmacro %}


{#- Find the table: returns {"from": <sql>, "where": <text>,
    "columns": [[name, type], ...]} or none when it does not exist. -#}
{% macro locate_raw_table(table_name, source_relation) %}
    {%- if var('raw_schema') -%}
        {%- set relation = adapter.get_relation(
            database=source_relation.database,
            schema=var('raw_schema'),
            identifier=table_name) -%}
        {%- if relation is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do columns.append([column.name, column.dtype]) -%}
        {%- endfor -%}
        {{ return({"from": relation, "columns": columns,
                   "where": "table " ~ relation}) }}
    {%- else -%}
        {%- set folder = var('raw_data_path') | string -%}
        {%- set folder = folder[:-1] if folder.endswith('/') else folder -%}
        {%- set found = {} -%}
        {%- for extension in ['parquet', 'csv'] if not found -%}
            {%- set path = (folder ~ '/' ~ table_name ~ '.' ~ extension) | replace("'", "''") -%}
            {%- set matches = run_query(
                "select count(*) from glob('" ~ path ~ "')"
            ).columns[0].values()[0] -%}
            {%- if matches > 0 -%}
                {%- if extension == 'parquet' -%}
                    {%- do found.update({"from": "read_parquet('" ~ path ~ "')"}) -%}
                {%- else -%}
                    {%- do found.update({"from": "read_csv('" ~ path
                        ~ "', header = true, all_varchar = true)"}) -%}
                {%- endif -%}
                {%- do found.update({"where": "file " ~ path}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not found -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set described = run_query("describe select * from " ~ found["from"]) -%}
        {%- set columns = [] -%}
        {%- for row in described.rows -%}
            {%- do columns.append([row[0], row[1]]) -%}
        {%- endfor -%}
        {%- do found.update({"columns": columns}) -%}
        {{ return(found) }}
    {%- endif -%}
{% endmacro %}


{#- Which warehouse types can hold each contract type (text always can). -#}
{% macro raw_type_fits(contract_type, actual_type) %}
    {%- set actual = actual_type | upper -%}
    {%- if actual.startswith('VARCHAR') or actual.startswith('TEXT')
        or actual.startswith('STRING') or actual == 'NULL' -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set integers = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
        'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'INT', 'INT64', 'NUMBER'] -%}
    {%- set is_integer = actual in integers -%}
    {%- set is_decimal = actual.startswith('DECIMAL') or actual.startswith('NUMERIC')
        or actual in ['DOUBLE', 'FLOAT', 'REAL', 'FLOAT64'] -%}
    {%- if contract_type == 'text' -%}
        {{ return(true) }}
    {%- elif contract_type == 'timestamp' -%}
        {{ return(actual.startswith('TIMESTAMP') or actual == 'DATE') }}
    {%- elif contract_type in ['integer', 'double'] -%}
        {{ return(is_integer or is_decimal) }}
    {%- elif contract_type == 'boolean' -%}
        {{ return(actual == 'BOOLEAN' or is_integer) }}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}


{% macro raw_table_select(table_name, spec, located) %}
    {%- set actual = {} -%}
    {%- for column in located["columns"] -%}
        {%- do actual.update({column[0] | lower: column}) -%}
    {%- endfor -%}
    {%- set contract_names = [] -%}
    {%- set expressions = [] -%}
    {%- for column in spec.columns -%}
        {%- set name, contract_type, required = column -%}
        {%- do contract_names.append(name) -%}
        {%- if required and name not in actual -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: table '" ~ table_name ~ "' (" ~ located["where"]
                ~ ") has no column '" ~ name ~ "', which the contract requires."
                ~ " Columns found: " ~ (actual.keys() | list | sort | join(', '))
                ~ ". Rename your column to '" ~ name ~ "' (or add it) in the"
                ~ " export or in a view over it (README: 'Your own data')."
            ) }}
        {%- endif -%}
        {%- if name in actual -%}
            {%- if not leadscore.raw_type_fits(contract_type, actual[name][1]) -%}
                {{ exceptions.raise_compiler_error(
                    "Input contract: column '" ~ name ~ "' of table '" ~ table_name
                    ~ "' (" ~ located["where"] ~ ") has type " ~ actual[name][1]
                    ~ ", which cannot hold " ~ contract_type ~ " values. Export it as "
                    ~ contract_type ~ " (or as text in a format the contract describes)."
                ) }}
            {%- endif -%}
            {%- do expressions.append("cast(" ~ adapter.quote(actual[name][0])
                ~ " as varchar) as " ~ name) -%}
        {%- else -%}
            {%- do expressions.append("cast(null as varchar) as " ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- Custom properties: kept, as text, under their lower-case names. -#}
    {%- for column in located["columns"] if (column[0] | lower) not in contract_names -%}
        {%- do expressions.append("cast(" ~ adapter.quote(column[0]) ~ " as varchar) as "
            ~ adapter.quote(column[0] | lower)) -%}
    {%- endfor %}
    select
        {{ expressions | join(",\n        ") }}
    from {{ located["from"] }}
{% endmacro %}


{#- True while dbt parses, or compiles for sqlfluff's 'lint' target (an
    empty in-memory database): macros that look at the data then render a
    typed placeholder instead of running queries. -#}
{% macro is_parsing_or_linting() %}
    {{ return(not execute or target.name == 'lint') }}
{% endmacro %}
