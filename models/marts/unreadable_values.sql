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

{% for table_name in tables %}
base_{{ table_name }} as (
    select * from {{ ref('base_crm__' ~ table_name) }}
),

{% endfor -%}

-- one row per unreadable value, with whether its row is kept (not a
-- duplicate, not rejected)
unreadable as (
    {%- for table_name in tables %}
        select
            '{{ table_name }}' as source_table,
            rejection_reason is null and not is_duplicate as is_kept_row,
            unnest(unreadable_values) as unreadable
        from base_{{ table_name }}
        where unreadable_values is not null
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

counted as (
    select
        source_table,
        unreadable.column_name,
        count(*) as unreadable_values,
        count(*) filter (where is_kept_row) as unreadable_on_kept_rows,
        min(unreadable.value_as_given) as first_example,
        max(unreadable.value_as_given) as last_example
    from unreadable
    group by 1, 2
),

-- the contract type and how to export it, per typed column
contract_columns as (
    select * from (
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
)

select
    counted.source_table,
    counted.column_name,
    contract_columns.contract_type,
    counted.unreadable_values,
    counted.unreadable_on_kept_rows,
    '''' || counted.first_example || ''''
    || case
        when counted.last_example != counted.first_example
            then ', ''' || counted.last_example || ''''
        else ''
    end as examples,
    counted.source_table || '.' || counted.column_name || ': '
    || counted.unreadable_values || ' value'
    || case when counted.unreadable_values > 1 then 's' else '' end
    || ' could not be read as ' || contract_columns.contract_type
    || ' and ' || case
        when counted.unreadable_values > 1 then 'are' else 'is'
    end || ' null instead ('
    || counted.unreadable_on_kept_rows || ' on rows kept), e.g. '''
    || counted.first_example || ''''
    || case
        when counted.last_example != counted.first_example
            then ', ''' || counted.last_example || ''''
        else ''
    end
    || '. ' || contract_columns.fix
    || ' (marts.unreadable_values).' as message
from counted
inner join contract_columns
    on
        counted.source_table = contract_columns.source_table
        and counted.column_name = contract_columns.column_name
