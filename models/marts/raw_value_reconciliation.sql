{#- One row per contract table and optional column: on the rows staging
    keeps, the values the export gave = the values staging kept + those that
    could not be read (marts.unreadable_values) + those a staging rule
    cleared; the values staging holds = those it kept + those a staging rule
    filled in where none was read. A data test fails the build when a column
    does not add up, so no value can vanish in staging without a trace. The
    rules: macros/value_reconciliation.sql. -#}
{%- set tables = contract_tables().keys() | list -%}
with

unreadable as (
    select
        source_table,
        column_name,
        unreadable_on_kept_rows
    from {{ ref('unreadable_values') }}
),

{%- for table_name in tables %}
    {%- set columns = value_reconciliation_columns(table_name) %}

    -- the kept rows of {{ table_name }}: values given, and what staging's rules
    -- clear and fill in
    given_{{ table_name }} as (
        select
        {%- for column in columns %}
                {{ count_where(column.given) }} as {{ column.name }}__given,
                {{ count_where(column.cleared) }} as {{ column.name }}__cleared,
                {{ count_where(column.filled) }} as {{ column.name }}__filled
                {{- "," if not loop.last }}
        {%- endfor %}
        from {{ checked_base_model(table_name) }}
        where rejection_reason is null and not is_duplicate
    ),

    -- the values stg_crm__{{ table_name }} holds
    staged_{{ table_name }} as (
        select
        {%- for column in columns %}
                count({{ column.staged }}) as {{ column.name }}__staged
                {{- "," if not loop.last }}
        {%- endfor %}
        from {{ ref('stg_crm__' ~ table_name) }}
    ),
{%- endfor %}

counted as (
    {%- for table_name in tables %}
        {%- set table_loop = loop %}
        {%- for column in value_reconciliation_columns(table_name) %}
            select
                '{{ table_name }}' as source_table,
                '{{ column.name }}' as column_name,
                '{{ column.type }}' as contract_type,
                '{{ column.staging_column | replace("'", "''") }}'
                    as staging_column,
                given_{{ table_name }}.{{ column.name }}__given
                    as given_values,
                given_{{ table_name }}.{{ column.name }}__cleared
                    as cleared_values,
                {{ rule_text(column.cleared_rule) }} as cleared_rule,
                staged_{{ table_name }}.{{ column.name }}__staged
                    as staging_values,
                given_{{ table_name }}.{{ column.name }}__filled
                    as filled_values,
                {{ rule_text(column.filled_rule) }} as filled_rule
            from given_{{ table_name }}
            cross join staged_{{ table_name }}
            {{ "union all" if not (loop.last and table_loop.last) }}
        {%- endfor %}
    {%- endfor %}
),

reconciled as (
    select
        counted.source_table,
        counted.column_name,
        counted.contract_type,
        cast(counted.given_values as bigint) as given_values,
        cast(counted.staging_values - counted.filled_values as bigint)
            as kept_values,
        cast(coalesce(unreadable.unreadable_on_kept_rows, 0) as bigint)
            as unreadable_values,
        cast(counted.cleared_values as bigint) as cleared_values,
        counted.cleared_rule,
        counted.staging_column,
        cast(counted.staging_values as bigint) as staging_values,
        cast(counted.filled_values as bigint) as filled_values,
        counted.filled_rule
    from counted
    left join unreadable
        on
            counted.source_table = unreadable.source_table
            and counted.column_name = unreadable.column_name
)

select
    *,
    given_values
    = kept_values + unreadable_values + cleared_values as is_reconciled
from reconciled
