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


{#- The optional columns of a contract table as the reconciliation counts
    them, each a mapping:
    - name, type: the contract column and its type;
    - given: true on a base row whose export gave a value (default: from
      the base model's values_given);
    - staged, staging_column: the expression over the staging model that
      holds the value (default: the column of that name), and its name;
    - cleared, cleared_rule: true on a base row whose value was read but
      that staging sets to null, and the rule in words (none: null);
    - filled, filled_rule: true on a base row where staging holds a value
      though none was read (a default), and the rule in words.
    The expressions are over the base model's columns (cleared and filled
    restate staging's rules: if staging changes and this does not, the
    count fails). -#}
{% macro value_reconciliation_columns(table_name) %}
    {%- set malformed_email = "a malformed email is null" -%}
    {%- set no_letters = "no letter or digit (a-z, 0-9) in it: '' (empty)" -%}
    {%- set devices = ['desktop', 'mobile', 'tablet', 'phone', 'smartphone',
        'pc', 'laptop', 'computer'] -%}
    {%- set rules = {
        "leads": {
            "email": {
                "cleared": "email_as_given is not null and email is null",
                "cleared_rule": malformed_email ~ " (is_email_valid false)",
            },
            "updated_at": {
                "filled": "updated_at is null",
                "filled_rule": "none read: created_at",
            },
            "converted_at": {
                "filled": "converted_at is null and is_converted_flag",
                "filled_rule": "none read, is_converted true: updated_at"
                    ~ " (else created_at)",
            },
            "disqualified_at": {
                "filled": "disqualified_at_given is null"
                    ~ " and is_disqualified_flag",
                "filled_rule": "none read, is_disqualified true: updated_at"
                    ~ " (else created_at)",
            },
            "is_disqualified": {
                "filled": "is_disqualified_flag is null",
                "filled_rule": "none read: whether disqualified_at is given",
            },
            "is_converted": {
                "staged": "converted_at is not null",
                "staging_column": "converted_at is not null",
                "filled": "is_converted_flag is null",
                "filled_rule": "none read: whether converted_at is given",
            },
            "email_opt_out": {
                "staged": "has_email_opt_out",
                "staging_column": "has_email_opt_out",
                "filled": "email_opt_out_flag is null",
                "filled_rule": "none read: false",
            },
        },
        "accounts": {
            "domain": {
                "cleared": "values_given['domain'] and domain is null",
                "cleared_rule": "nothing left without the scheme, www. and"
                    ~ " path ('https://'): null",
            },
            "employee_count": {
                "cleared": "employee_count < 0",
                "cleared_rule": "a negative employee count is null",
            },
            "annual_revenue": {
                "cleared": "annual_revenue < 0",
                "cleared_rule": "a negative revenue is null",
            },
        },
        "activities": {
            "url": {"given": "url is not null"},
            "device_type": {
                "given": "device_type is not null",
                "cleared": "device_type not in ('" ~ devices | join("', '")
                    ~ "')",
                "cleared_rule": "not " ~ devices | join(', ') ~ ": null",
            },
            "campaign": {"given": "campaign is not null"},
        },
        "opportunities": {
            "is_won": {
                "filled": "is_won is null",
                "filled_rule": "none read: false",
            },
        },
        "sales_reps": {
            "name": {"staged": "rep_name", "staging_column": "rep_name"},
            "email": {
                "cleared": "values_given['email'] and email is null",
                "cleared_rule": malformed_email,
            },
            "segment": {
                "staged": "nullif(segment, '')",
                "cleared": "segment = ''",
                "cleared_rule": no_letters,
            },
            "region": {
                "staged": "nullif(region, '')",
                "cleared": "region = ''",
                "cleared_rule": no_letters,
            },
            "daily_capacity": {
                "filled": "daily_capacity is null",
                "filled_rule": "none read: 0",
            },
            "is_active": {
                "filled": "is_active is null",
                "filled_rule": "none read: true",
            },
        },
        "lead_feedback": {},
    } -%}
    {%- set columns = [] -%}
    {%- for column in leadscore.contract_tables()[table_name].columns
        if not column[2] -%}
        {%- set rule = rules[table_name].get(column[0], {}) -%}
        {%- do columns.append({
            "name": column[0],
            "type": column[1],
            "given": rule.get("given",
                "values_given['" ~ column[0] ~ "']"),
            "staged": rule.get("staged", column[0]),
            "staging_column": rule.get("staging_column", column[0]),
            "cleared": rule.get("cleared"),
            "cleared_rule": rule.get("cleared_rule"),
            "filled": rule.get("filled"),
            "filled_rule": rule.get("filled_rule"),
        }) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{#- The rows where a condition holds, or 0 with no condition. -#}
{% macro count_where(condition) -%}
    {%- if condition -%}
        count(*) filter (where {{ condition }})
    {%- else -%}
        0
    {%- endif -%}
{%- endmacro %}


{#- A rule in words as a text literal, or a typed null with no rule. -#}
{% macro rule_text(rule) -%}
    {%- if rule -%}
        {{ leadscore.quote_literal(rule) }}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}
