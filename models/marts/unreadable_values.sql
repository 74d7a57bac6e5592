{#- Values of the export that could not be read as their contract type and
    are null on their row instead, counted per table and column, with two
    examples and the fix. Empty when every value could be read. A column
    whose values are (nearly) all unreadable never gets here: the build
    stops first (var unreadable_values_stop, macros/unreadable_values.sql).
    The build prints each row as a warning at its end. -#}
{%- set tables = [] -%}
{%- for table_name in contract_tables()
    if contract_typed_columns(table_name, false) -%}
    {%- do tables.append(table_name) -%}
{%- endfor -%}
with

-- one row per unreadable value, with whether its row is kept (not a
-- duplicate, not rejected, after the check against the leads)
unreadable as (
    {%- for table_name in tables %}
        select
            '{{ table_name }}' as source_table,
            rejection_reason is null and not is_duplicate as is_kept_row,
            unnest(unreadable_values) as unreadable_value
        from {{ checked_base_model(table_name) }}
        where unreadable_values is not null
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

counted as (
    select
        source_table,
        unreadable_value['column_name'] as column_name,
        count(*) as unreadable_values,
        count(*) filter (where is_kept_row) as unreadable_on_kept_rows,
        min(unreadable_value['value_as_given']) as first_example,
        max(unreadable_value['value_as_given']) as last_example
    from unreadable
    group by 1, 2
),

-- the contract type and how to export it, per typed column
contract_columns as (
    select
        contract_column.source_table,
        contract_column.column_name,
        contract_column.contract_type,
        contract_column.fix
    from (
        values
        {%- for table_name in tables %}
            {%- set table_loop = loop %}
            {%- for column in contract_typed_columns(table_name, false) %}
                (
                    '{{ table_name }}', '{{ column[0] }}', '{{ column[1] }}',
                    '{{ unreadable_fix(column[1]) | replace("'", "''") }}'
                ){{ "," if not (loop.last and table_loop.last) }}
            {%- endfor %}
        {%- endfor %}
    ) as contract_column (source_table, column_name, contract_type, fix)
),

-- up to two of the values as given, quoted: '31/01/2025', 'yesterday'
described as (
    select
        counted.source_table,
        counted.column_name,
        contract_columns.contract_type,
        contract_columns.fix,
        counted.unreadable_values,
        counted.unreadable_on_kept_rows,
        '''' || counted.first_example || ''''
        || case
            when counted.last_example != counted.first_example
                then ', ''' || counted.last_example || ''''
            else ''
        end as examples
    from counted
    inner join contract_columns
        on
            counted.source_table = contract_columns.source_table
            and counted.column_name = contract_columns.column_name
)

select
    source_table,
    column_name,
    contract_type,
    unreadable_values,
    unreadable_on_kept_rows,
    examples,
    source_table || '.' || column_name || ': ' || unreadable_values
    || case
        when unreadable_values > 1 then ' values could not be read as '
        else ' value could not be read as '
    end
    || contract_type
    || case
        when unreadable_values > 1 then ' and are null instead ('
        else ' and is null instead ('
    end
    || unreadable_on_kept_rows || ' on rows kept), e.g. ' || examples || '. '
    || fix || ' (marts.unreadable_values).' as message
from described
