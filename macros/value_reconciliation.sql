{#-
    Value reconciliation (marts.raw_value_reconciliation). On the rows
    staging keeps, every non-empty value of an optional contract column is
    kept by staging, counted as unreadable (macros/unreadable_values.sql), or
    cleared by one of staging's rules listed here; and every value staging
    holds is one it kept or one it filled in by a rule listed here (a
    default). A staging rule that turns a value into null without an entry
    here breaks the count and fails the build: no value vanishes silently.
-#}


{#- In a base model (over raw_table's columns): for each optional column of
    the contract table, whether the export gave it a value (not empty, not a
    placeholder), as a struct of booleans. -#}
{% macro values_given(table_name) -%}
    {
    {%- for column in leadscore.contract_tables()[table_name].columns
        if not column[2] %}
        '{{ column[0] }}': {{ leadscore.clean_text(column[0]) }} is not null
        {{- "," if not loop.last }}
    {%- endfor %}
    }
{%- endmacro %}
