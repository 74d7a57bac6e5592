{#-
    Unreadable values: a non-empty value of a typed contract column
    (timestamp, integer, double, boolean) that cannot be read as its type,
    e.g. '31/12/2025' for a timestamp, '50-100' for an integer, 'maybe' for
    a boolean. Read as it is, it would silently become null.

    - When most of a column's values cannot be read, the column is in a
      format the project does not read: raw_table stops the build with a
      contract error (check_unreadable_values), like a missing column.
    - Otherwise the value is null on its row, the row is kept, and the base
      model lists it in its column unreadable_values; marts.unreadable_values
      counts them per table and column, and the build prints a warning
      (log_unreadable_values, on-run-end).

    Required typed columns (leads.created_at, activities.occurred_at) are
    checked for the stop too; a single unreadable value there already
    rejects its row (marts.rejected_rows, 'unreadable <column>').
-#}


{#- The typed columns of a contract table, as [name, type, required]. -#}
{% macro contract_typed_columns(table_name, include_required=true) %}
    {%- set typed = [] -%}
    {%- for column in leadscore.contract_tables()[table_name].columns
        if column[1] != 'text' and (include_required or not column[2]) -%}
        {%- do typed.append(column) -%}
    {%- endfor -%}
    {{ return(typed) }}
{% endmacro %}


{#- var unreadable_values_stop, checked: {share, min_values}. -#}
{% macro unreadable_values_stop() %}
    {%- set stop = var('unreadable_values_stop') -%}
    {%- if stop is not mapping or 'share' not in stop or 'min_values' not in stop
        or (stop.share is not none and (stop.share is not number
            or stop.share < 0 or stop.share > 1))
        or stop.min_values is not number or stop.min_values < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var unreadable_values_stop must be {share: <0..1, or null to never"
            ~ " stop>, min_values: <1 or more>}, e.g. {share: 0.5, min_values:"
            ~ " 5}; got " ~ stop ~ ".") }}
    {%- endif -%}
    {{ return(stop) }}
{% endmacro %}


{#- How to export values of a contract type so that they can be read. -#}
{% macro unreadable_fix(contract_type) %}
    {%- set fixes = {
        "timestamp": "Export it as ISO-8601 text (2025-12-31, 2025-12-31"
            ~ " 09:30:00 or 2025-12-31T09:30:00Z; UTC unless an offset is"
            ~ " given) or as a timestamp column",
        "integer": "Export it as whole numbers (1200 or 1,200; no ranges"
            ~ " such as 50-100, no units)",
        "double": "Export it as numbers (50000000, 50,000,000.00 or"
            ~ " $50000000; no units such as 50M)",
        "boolean": "Export it as true/false (or yes/no, y/n, t/f, 1/0)",
    } -%}
    {{ return(fixes[contract_type]) }}
{% endmacro %}


{#- A value list as the messages quote it: 'a', 'b'. -#}
{% macro quoted_examples(values) %}
    {%- set quoted = [] -%}
    {%- for value in values if value is not none and value not in quoted -%}
        {%- do quoted.append(value) -%}
    {%- endfor -%}
    {%- set shown = [] -%}
    {%- for value in quoted -%}
        {%- do shown.append("'" ~ value ~ "'") -%}
    {%- endfor -%}
    {{ return(shown | join(', ')) }}
{% endmacro %}


{#- Stops the build when a typed column of the export is (nearly) all
    unreadable: one aggregate query over (at most the first million rows
    of) the raw table, before any model reads it. columns: [[contract
    name, contract type, required, the export's column name, whether var
    column_map renamed it]]. -#}
{% macro check_unreadable_values(table_name, columns, located) %}
    {%- set stop = leadscore.unreadable_values_stop() -%}
    {%- if not columns or stop.share is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set given = [] -%}
    {%- set measures = [] -%}
    {%- for column in columns -%}
        {%- set alias = 'value_' ~ loop.index -%}
        {%- do given.append("cast(" ~ leadscore.quote_identifier(column[3])
            ~ " as varchar) as " ~ alias) -%}
        {%- set unreadable = leadscore.is_unreadable(alias, column[1]) -%}
        {%- do measures.append(
            "count(*) filter (where " ~ unreadable ~ "), "
            ~ "count(" ~ leadscore.clean_text(alias) ~ "), "
            ~ "min(" ~ alias ~ ") filter (where " ~ unreadable ~ "), "
            ~ "max(" ~ alias ~ ") filter (where " ~ unreadable ~ ")") -%}
    {%- endfor -%}
    {#- A format problem shows in any million rows: reading at most that
        many keeps the check to about a second on very large tables. -#}
    {%- set row_cap = 1000000 -%}
    {%- set counts = run_query(
        "select " ~ measures | join(", ") ~ ", count(*)"
        ~ " from (select " ~ given | join(", ") ~ " from " ~ located["from"]
        ~ " limit " ~ row_cap ~ ") as given").rows[0] -%}
    {%- set scope = " in the first " ~ "{:,}".format(row_cap) ~ " rows"
        if counts[-1] | int >= row_cap else "" -%}
    {%- for column in columns -%}
        {%- set name, contract_type, required, theirs, renamed = column -%}
        {%- set unreadable = counts[4 * loop.index0] | int -%}
        {%- set non_empty = counts[4 * loop.index0 + 1] | int -%}
        {%- if unreadable >= stop.min_values
            and unreadable > stop.share * non_empty -%}
            {%- set read_as = ", read as '" ~ name ~ "'," if renamed else "" -%}
            {%- if required -%}
                {%- set consequence = "Every row with such a value would be"
                    ~ " rejected. " ~ leadscore.unreadable_fix(contract_type)
                    ~ " (the contract requires it)." -%}
            {%- elif renamed -%}
                {%- set consequence = "They would silently become null. "
                    ~ leadscore.unreadable_fix(contract_type)
                    ~ "; or remove '" ~ theirs ~ "' from var column_map."
                    ~ table_name ~ " (it is then kept, as text, as the custom"
                    ~ " property " ~ leadscore.custom_column_name(theirs)
                    ~ ", and " ~ name ~ " is read as all null)." -%}
            {%- else -%}
                {%- set consequence = "They would silently become null. "
                    ~ leadscore.unreadable_fix(contract_type)
                    ~ "; or drop the column from the export (" ~ name
                    ~ " is then read as all null), or map another column of"
                    ~ " yours to it with var column_map." -%}
            {%- endif -%}
            {{ exceptions.raise_compiler_error(
                "Input contract: column '" ~ theirs ~ "' of table '" ~ table_name
                ~ "' (" ~ located["where"] ~ ")" ~ read_as ~ " cannot be read as "
                ~ contract_type ~ ": " ~ "{:,}".format(unreadable) ~ " of its "
                ~ "{:,}".format(non_empty) ~ " non-empty values" ~ scope
                ~ " are unreadable,"
                ~ " e.g. " ~ leadscore.quoted_examples(
                    [counts[4 * loop.index0 + 2], counts[4 * loop.index0 + 3]])
                ~ ". " ~ consequence
                ~ " (The build stops when more than "
                ~ "{:g}".format(stop.share * 100) ~ "% and at least "
                ~ stop.min_values ~ " of a column's non-empty values cannot be"
                ~ " read: var"
                ~ " unreadable_values_stop; README: 'Your own data'.)"
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{#- In a base model (over raw_table's columns): the optional typed values
    of the row that cannot be read, as a list of {column_name,
    value_as_given}; null when every value could be read. -#}
{% macro unreadable_values(table_name) -%}
    {%- set checks = [] -%}
    {%- for column in leadscore.contract_typed_columns(table_name, false) -%}
        {%- do checks.append(
            "case when " ~ leadscore.is_unreadable(column[0], column[1])
            ~ " then [{'column_name': '" ~ column[0] ~ "', 'value_as_given': "
            ~ column[0] ~ "}] else [] end") -%}
    {%- endfor -%}
    {%- if checks -%}
        nullif(list_concat({{ checks | join(",\n        ") }}), [])
    {%- else -%}
        cast(null as struct(column_name varchar, value_as_given varchar)[])
    {%- endif -%}
{%- endmacro %}


{#- on-run-end: print every row of unreadable_values as a warning in the
    dbt log, when this invocation built it. -#}
{% macro log_unreadable_values(results) %}
    {{ return(leadscore.log_model_rows(results, 'unreadable_values',
        "'unreadable values', message", "source_table, column_name")) }}
{% endmacro %}
