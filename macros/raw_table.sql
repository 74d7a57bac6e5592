{#-
    raw_table(table_name): a select over one raw CRM table, shaped by the
    input contract (macros/contract.sql), with every column as text.

    Where the data is comes from configuration:
    - var('raw_schema') set: the table <raw_schema>.<table_name>;
    - otherwise a file in var('raw_data_path'): <table_name>.parquet or
      <table_name>.csv (Parquet wins when both are there).

    A missing optional table gives zero rows; a missing optional column is
    all null; columns outside the contract (custom properties) are kept as
    text. A missing required table or column, a typed column of a type
    that cannot hold the contract's, or a typed column whose values are
    (nearly) all unreadable (var unreadable_values_stop), stops the build
    with an error naming the table, the column and the fix.
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
            cast({{ column[0] }} as varchar) as {{ column[0] }},
        {%- endfor %}
            {{ leadscore.raw_line_columns() }}
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
        {%- elif not leadscore.raw_table_has_rows(located) -%}
            {#- a header-only or 0-byte export: say so, instead of failing
                later on a missing column or an empty score date -#}
            {%- set what = "is empty (no header, no rows)"
                if (located["columns"] | map(attribute=0) | list) == ["column0"]
                else "has a header but no rows" -%}
            {%- if spec.required -%}
                {{ exceptions.raise_compiler_error(
                    "Input contract: the required table '" ~ table_name ~ "' ("
                    ~ located["where"] ~ ") " ~ what ~ ": there is nothing to score."
                    ~ " Export it with a header row and at least one "
                    ~ table_name[:-1] ~ " (README: 'Your own data')."
                ) }}
            {%- endif -%}
            {{ log("leadscore: optional table '" ~ table_name ~ "' (" ~ located["where"]
                ~ ") " ~ what ~ "; treating it as empty.", info=true) }}
            {{ leadscore.raw_table_empty(spec) }}
        {%- else -%}
            {{ leadscore.raw_table_select(table_name, spec, located) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}


{% macro raw_location_text(table_name) %}
    {%- if var('raw_schema') -%}
        {{ return("looked for table " ~ var('raw_schema') ~ "."
            ~ leadscore.raw_table_identifier(table_name)) }}
    {%- else -%}
        {{ return("looked for " ~ var('raw_data_path') ~ "/"
            ~ leadscore.raw_table_identifier(table_name) ~ ".parquet and .csv") }}
    {%- endif -%}
{% endmacro %}


{#- Zero rows with every contract column, all text. -#}
{% macro raw_table_empty(spec) %}
    select
    {%- for column in spec.columns %}
        cast(null as varchar) as {{ column[0] }},
    {%- endfor %}
        {{ leadscore.raw_line_columns() }}
    where false
{% endmacro %}


{#- The two columns every raw table ends with: _raw_line_problem (why a line
    of a CSV file could not be read, e.g. bytes that are not UTF-8; null on
    every readable row) and _raw_line_text (that line as read). The base
    models reject such a row with _raw_line_problem as its reason. -#}
{% macro raw_line_columns(problem='null', text='null') %}
    {{ return("cast(" ~ problem ~ " as varchar) as _raw_line_problem, cast("
        ~ text ~ " as varchar) as _raw_line_text") }}
{% endmacro %}


{#- var raw_encodings for one table: utf-8 (default), utf-16 or latin-1,
    the encodings DuckDB reads without an extension. -#}
{% macro raw_encoding(table_name) %}
    {%- set encodings = var('raw_encodings') or {} -%}
    {%- do leadscore.check_table_keyed_var('raw_encodings', encodings) -%}
    {%- set encoding = (encodings.get(table_name) or 'utf-8') | string | lower -%}
    {%- set known = ['utf-8', 'utf-16', 'latin-1'] -%}
    {%- if encoding not in known -%}
        {{ exceptions.raise_compiler_error(
            "var raw_encodings." ~ table_name ~ " is '" ~ encoding ~ "'; use one of "
            ~ known | join(', ') ~ " (or re-export the file as UTF-8).") }}
    {%- endif -%}
    {{ return(encoding) }}
{% endmacro %}


{#- The lines of a CSV file DuckDB cannot read with the table's options
    (bytes not in the file's encoding, too many or too few columns, ...):
    [[line number, problem, line text], ...], from a scan with
    store_rejects. When they are more than var unreadable_values_stop.share
    of the lines (and at least min_values of them), or more than 1,000, the
    file is in a form the project does not read: the build stops, naming
    the file, a line and the fix. -#}
{% macro raw_unreadable_lines(table_name, path, options) %}
    {%- set counted = run_query(
        "select count(*), max(length(concat_ws(',', *columns(*)))) from read_csv('"
        ~ path ~ "', " ~ options ~ ", store_rejects = true,"
        ~ " rejects_table = 'leadscore_csv_rejects',"
        ~ " rejects_scan = 'leadscore_csv_scans')") -%}
    {%- set read_rows = counted.columns[0].values()[0] -%}
    {%- set found = run_query(
        "select line, error_type, csv_line from leadscore_csv_rejects"
        ~ " where scan_id = (select max(scan_id) from leadscore_csv_scans)"
        ~ " order by line, error_type limit 1001") -%}
    {%- set lines = [] -%}
    {%- set seen = [] -%}
    {%- for row in found.rows if row[0] not in seen -%}
        {%- do seen.append(row[0]) -%}
        {%- set problem = "unreadable line (not "
            ~ leadscore.raw_encoding(table_name) ~ "; var raw_encodings)"
            if row[1] == 'INVALID ENCODING'
            else "unreadable line (" ~ row[1] | lower ~ ")" -%}
        {%- do lines.append([row[0], problem, row[2]]) -%}
    {%- endfor -%}
    {%- set stop = var('unreadable_values_stop') or {} -%}
    {%- set share = stop.get('share') -%}
    {%- set too_many = lines | length > 1000 or (share is not none
        and lines | length >= stop.get('min_values', 1)
        and lines | length > share * (read_rows + lines | length)) -%}
    {%- if too_many -%}
        {{ exceptions.raise_compiler_error(
            "Input contract: " ~ (lines | length if lines | length <= 1000
                else "more than 1,000") ~ " lines of " ~ path ~ " ('" ~ table_name
            ~ "') cannot be read, e.g. line " ~ lines[0][0] ~ ": " ~ lines[0][1]
            ~ ": '" ~ lines[0][2][:120] ~ "'. If the file is not UTF-8, set its"
            ~ " encoding (--vars '{raw_encodings: {" ~ table_name
            ~ ": latin-1}}'; utf-16 and latin-1 are read), or re-export it as"
            ~ " UTF-8 CSV with one header row (README: 'Your own data')."
        ) }}
    {%- endif -%}
    {{ return(lines) }}
{% endmacro %}


{#- Find the table: returns {"from": <sql>, "where": <text>,
    "columns": [[name, type], ...]} or none when it does not exist. -#}
{% macro locate_raw_table(table_name, source_relation) %}
    {%- if var('raw_schema') -%}
        {%- set relation = adapter.get_relation(
            database=source_relation.database,
            schema=var('raw_schema'),
            identifier=leadscore.raw_table_identifier(table_name)) -%}
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
            {%- set path = (folder ~ '/' ~ leadscore.raw_table_identifier(table_name)
                ~ '.' ~ extension) | replace("'", "''") -%}
            {%- set matches = run_query(
                "select count(*) from glob('" ~ path ~ "')"
            ).columns[0].values()[0] -%}
            {%- if matches > 0 -%}
                {%- if extension == 'parquet' -%}
                    {%- do found.update({"from": "read_parquet('" ~ path ~ "')"}) -%}
                {%- else -%}
                    {%- set options = "header = true, all_varchar = true, encoding = '"
                        ~ leadscore.raw_encoding(table_name) ~ "'" -%}
                    {%- set bad_lines = leadscore.raw_unreadable_lines(
                        table_name, path, options) -%}
                    {#- the unreadable lines are left out of the read and come
                        back as rejected rows (raw_table_select) -#}
                    {%- do found.update({"from": "read_csv('" ~ path ~ "', " ~ options
                        ~ (", ignore_errors = true" if bad_lines else "") ~ ")",
                        "bad_lines": bad_lines}) -%}
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


{#- Whether a located raw table holds at least one row (reads one). -#}
{% macro raw_table_has_rows(located) %}
    {%- set probe = run_query(
        "select count(*) from (select 1 from " ~ located["from"] ~ " limit 1) as probe"
    ) -%}
    {{ return(probe.columns[0].values()[0] > 0) }}
{% endmacro %}


{#- Which warehouse types can hold each contract type (text always can). -#}
{% macro raw_type_fits(contract_type, actual_type) %}
    {#- DuckDB spells the type of an all-null Parquet column "NULL", quoted -#}
    {%- set actual = actual_type | upper | replace('"', '') -%}
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


{#- The export's columns resolved against the contract: for every contract
    column the export's column that holds it (var column_map renames, else
    the same name), and every other column as a custom property. Stops with
    a contract error naming the table, the column and the fix. -#}
{% macro raw_table_select(table_name, spec, located) %}
    {%- set actual = {} -%}
    {%- for column in located["columns"] -%}
        {%- do actual.update({column[0] | lower: column}) -%}
    {%- endfor -%}
    {%- set found_text = actual.keys() | list | sort | join(', ') -%}
    {%- set contract_names = spec.columns | map(attribute=0) | list -%}
    {%- set renames = leadscore.raw_column_map(table_name, contract_names) -%}
    {%- set defaults = leadscore.raw_column_defaults(table_name, contract_names) -%}
    {#- contract name -> the export's column (lower-case name) -#}
    {%- set holder = {} -%}
    {%- for theirs, ours in renames.items() -%}
        {%- if theirs not in actual -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: var column_map." ~ table_name ~ " maps '" ~ theirs
                ~ "' to '" ~ ours ~ "', but table '" ~ table_name ~ "' ("
                ~ located["where"] ~ ") has no column '" ~ theirs
                ~ "'. Columns found: " ~ found_text
                ~ ". Fix the name in column_map (README: 'Your own data')."
            ) }}
        {%- endif -%}
        {%- if ours in holder -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: var column_map." ~ table_name ~ " maps both '"
                ~ holder[ours] ~ "' and '" ~ theirs ~ "' to '" ~ ours
                ~ "'. Map one column to each contract column."
            ) }}
        {%- endif -%}
        {%- do holder.update({ours: theirs}) -%}
    {%- endfor -%}
    {%- for name in contract_names -%}
        {%- if name in actual and name not in renames -%}
            {%- if name in holder -%}
                {{ exceptions.raise_compiler_error(
                    "Input contract: table '" ~ table_name ~ "' (" ~ located["where"]
                    ~ ") has a column '" ~ name ~ "' and var column_map."
                    ~ table_name ~ " maps '" ~ holder[name] ~ "' to '" ~ name
                    ~ "' too. Map the export's own '" ~ name
                    ~ "' to another contract column, or remove the mapping."
                ) }}
            {%- endif -%}
            {%- do holder.update({name: name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set expressions = [] -%}
    {%- set names = [] -%}
    {%- for column in spec.columns -%}
        {%- set name, contract_type, required = column -%}
        {%- if required and name not in holder and name not in defaults -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: table '" ~ table_name ~ "' (" ~ located["where"]
                ~ ") has no column '" ~ name ~ "', which the contract requires."
                ~ " Columns found: " ~ found_text
                ~ ". Map your column to it with var column_map (e.g. --vars"
                ~ " '{\"column_map\": {\"" ~ table_name ~ "\": {\"your_column\": \""
                ~ name ~ "\"}}}'), or rename it in the export"
                ~ " (README: 'Your own data')."
            ) }}
        {%- endif -%}
        {%- if name in holder -%}
            {%- set given = actual[holder[name]] -%}
            {%- if not leadscore.raw_type_fits(contract_type, given[1]) -%}
                {{ exceptions.raise_compiler_error(
                    "Input contract: column '" ~ given[0] ~ "' of table '" ~ table_name
                    ~ "' (" ~ located["where"] ~ "), read as '" ~ name ~ "', has type "
                    ~ given[1] ~ ", which cannot hold " ~ contract_type
                    ~ " values. Export it as " ~ contract_type
                    ~ " (or as text in a format the contract describes)."
                ) }}
            {%- endif -%}
            {%- set value = "cast(" ~ leadscore.quote_identifier(given[0])
                ~ " as varchar)" -%}
            {%- if name in defaults -%}
                {%- set value = "coalesce(" ~ value ~ ", "
                    ~ leadscore.quote_literal(defaults[name]) ~ ")" -%}
            {%- endif -%}
            {%- do expressions.append(value ~ " as " ~ name) -%}
        {%- elif name in defaults -%}
            {%- do expressions.append("cast(" ~ leadscore.quote_literal(defaults[name])
                ~ " as varchar) as " ~ name) -%}
        {%- else -%}
            {%- do expressions.append("cast(null as varchar) as " ~ name) -%}
        {%- endif -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {#- A typed column whose values are (nearly) all unreadable stops here:
        a format the project does not read (macros/unreadable_values.sql). -#}
    {%- set typed = [] -%}
    {%- for column in leadscore.contract_typed_columns(table_name)
        if column[0] in holder -%}
        {%- do typed.append(column + [actual[holder[column[0]]][0],
            column[0] in renames.values()]) -%}
    {%- endfor -%}
    {%- do leadscore.check_unreadable_values(table_name, typed, located) -%}
    {#- Custom properties: kept, as text, as custom_<snake_case name>, so a
        custom column may carry any name, even one the project derives. -#}
    {%- set used = holder.values() | list -%}
    {%- set custom = {} -%}
    {%- for column in located["columns"] if (column[0] | lower) not in used -%}
        {%- set alias = leadscore.custom_column_name(column[0]) -%}
        {%- if alias in custom -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: table '" ~ table_name ~ "' (" ~ located["where"]
                ~ ") has columns '" ~ custom[alias] ~ "' and '" ~ column[0]
                ~ "', which both become custom property " ~ alias
                ~ ". Rename one of them in the export."
            ) }}
        {%- endif -%}
        {%- do custom.update({alias: column[0]}) -%}
        {%- do expressions.append("cast(" ~ leadscore.quote_identifier(column[0])
            ~ " as varchar) as " ~ alias) -%}
        {%- do names.append(alias) -%}
    {%- endfor %}
    {%- if table_name == 'leads' -%}
        {%- do leadscore.check_custom_properties(custom, located["where"]) -%}
        {%- if 'is_converted' in holder and 'converted_at' not in holder
            and 'updated_at' not in holder -%}
            {{ log("leadscore: WARNING leads (" ~ located["where"] ~ ") has"
                ~ " is_converted but neither converted_at nor updated_at: a"
                ~ " converted lead counts as converted when it was created, so"
                ~ " the model can learn only from who converted, not when. Map a"
                ~ " date column to converted_at or updated_at with var column_map.",
                info=true) }}
        {%- endif -%}
    {%- endif %}
    select
        {{ expressions | join(",\n        ") }},
        {{ leadscore.raw_line_columns() }}
    from {{ located["from"] }}
    {%- set bad_lines = located.get("bad_lines") or [] -%}
    {%- if bad_lines %}
    -- the lines the file's reader could not read, as rows to reject
    union all
    select
        {%- for name in names %}
        cast(null as varchar) as {{ name }},
        {%- endfor %}
        {{ leadscore.raw_line_columns('bad_lines.problem', 'bad_lines.line_text') }}
    from (values
        {%- for line in bad_lines %}
        ({{ leadscore.quote_literal(line[1]) }}, {{ leadscore.quote_literal(
            "line " ~ line[0] ~ ": " ~ line[2]) }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as bad_lines (problem, line_text)
    {%- endif %}
{% endmacro %}


{#- var column_map for one table ({their column: contract column}), with
    lower-case keys, checked against the contract. -#}
{% macro raw_column_map(table_name, contract_names) %}
    {%- set all_maps = var('column_map') or {} -%}
    {%- do leadscore.check_table_keyed_var('column_map', all_maps) -%}
    {%- set renames = {} -%}
    {%- for theirs, ours in (all_maps.get(table_name) or {}).items() -%}
        {%- if ours not in contract_names -%}
            {{ exceptions.raise_compiler_error(
                "var column_map." ~ table_name ~ " maps '" ~ theirs ~ "' to '" ~ ours
                ~ "', which is not a column of the contract's " ~ table_name
                ~ " table. Contract columns: " ~ contract_names | join(', ')
                ~ " (shared/CONTRACT.md)."
            ) }}
        {%- endif -%}
        {%- do renames.update({theirs | string | lower: ours}) -%}
    {%- endfor -%}
    {{ return(renames) }}
{% endmacro %}


{#- var column_defaults for one table ({contract column: constant}): the
    value of a contract column the export lacks (or leaves null). -#}
{% macro raw_column_defaults(table_name, contract_names) %}
    {%- set all_defaults = var('column_defaults') or {} -%}
    {%- do leadscore.check_table_keyed_var('column_defaults', all_defaults) -%}
    {%- set defaults = all_defaults.get(table_name) or {} -%}
    {%- for name in defaults if name not in contract_names -%}
        {{ exceptions.raise_compiler_error(
            "var column_defaults." ~ table_name ~ " sets '" ~ name
            ~ "', which is not a column of the contract's " ~ table_name
            ~ " table. Contract columns: " ~ contract_names | join(', ') ~ "."
        ) }}
    {%- endfor -%}
    {{ return(defaults) }}
{% endmacro %}


{#- The file or table name a contract table is read from (var raw_tables,
    default: the contract's name). -#}
{% macro raw_table_identifier(table_name) %}
    {%- set names = var('raw_tables') or {} -%}
    {%- do leadscore.check_table_keyed_var('raw_tables', names) -%}
    {%- set name = (names.get(table_name) or table_name) | string -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9_][A-Za-z0-9_.-]*', name) -%}
        {{ exceptions.raise_compiler_error(
            "var raw_tables." ~ table_name ~ " is '" ~ name ~ "'; a file or table"
            ~ " name may hold only letters, digits, '_', '.' and '-'. Rename the"
            ~ " file (without its .csv/.parquet extension)."
        ) }}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}


{#- A var keyed by contract table names (raw_tables, column_map,
    column_defaults) must name only contract tables. -#}
{% macro check_table_keyed_var(var_name, value) %}
    {%- if value is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " must be a mapping keyed by contract table"
            ~ " (e.g. {leads: ...}); got " ~ value ~ ".") }}
    {%- endif -%}
    {%- set tables = leadscore.contract_tables().keys() | list -%}
    {%- for key in value if key not in tables -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " names table '" ~ key ~ "', which is not a"
            ~ " contract table. Use one of: " ~ tables | join(', ') ~ ".") }}
    {%- endfor -%}
{% endmacro %}


{#- The column name a custom property gets: custom_ and its name in
    snake_case (any other character becomes _), so a custom column never
    collides with a contract or derived column and needs no quoting. -#}
{% macro custom_column_name(name) %}
    {%- set snake = modules.re.sub('[^a-z0-9]+', '_', name | string | lower) -%}
    {{ return('custom_' ~ (snake.strip('_') or 'unnamed')) }}
{% endmacro %}


{#- var custom_properties must name custom columns of the leads table, each
    with a known type. -#}
{% macro check_custom_properties(custom, where) %}
    {%- set properties = var('custom_properties') or [] -%}
    {%- if properties is string or properties is mapping -%}
        {{ exceptions.raise_compiler_error(
            "var custom_properties must be a list of {name: <column>, type:"
            ~ " numeric|categorical}; got " ~ properties ~ ".") }}
    {%- endif -%}
    {%- set available = custom.values() | list | sort | join(', ') or 'none' -%}
    {%- for property in properties -%}
        {%- if property is not mapping or 'name' not in property -%}
            {{ exceptions.raise_compiler_error(
                "var custom_properties: entry " ~ property ~ " needs a name and a"
                ~ " type, e.g. {name: landing_page_id, type: categorical}.") }}
        {%- endif -%}
        {%- if property.get('type') not in ['numeric', 'categorical'] -%}
            {{ exceptions.raise_compiler_error(
                "var custom_properties: property '" ~ property.name ~ "' has type '"
                ~ property.get('type') ~ "'; use numeric or categorical.") }}
        {%- endif -%}
        {%- if leadscore.custom_column_name(property.name) not in custom -%}
            {{ exceptions.raise_compiler_error(
                "var custom_properties: property '" ~ property.name ~ "' is not a"
                ~ " custom column of table 'leads' (" ~ where ~ "). Custom columns"
                ~ " found: " ~ available ~ ". Fix the name, or add the column to"
                ~ " the export (a contract column or one renamed by column_map"
                ~ " is not a custom property).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- An identifier, double-quoted with embedded quotes doubled: a column
    name from a file header can never change the SQL. -#}
{% macro quote_identifier(name) %}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{% endmacro %}


{#- A text literal, single-quoted with embedded quotes doubled. -#}
{% macro quote_literal(value) %}
    {%- set text = value | string -%}
    {%- if value is sameas true or value is sameas false -%}
        {%- set text = text | lower -%}
    {%- endif -%}
    {{ return("'" ~ (text | replace("'", "''")) ~ "'") }}
{% endmacro %}


{#- True while dbt parses, or compiles for sqlfluff's 'lint' target (an
    empty in-memory database): macros that look at the data then render a
    typed placeholder instead of running queries. -#}
{% macro is_parsing_or_linting() %}
    {{ return(not execute or target.name == 'lint') }}
{% endmacro %}
