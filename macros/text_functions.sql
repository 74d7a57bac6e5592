{#- Small cross-database text helpers. The default implementations use the
    DuckDB / Postgres spelling; add `<adapter>__` versions for other
    warehouses (dbt's adapter.dispatch picks them up). -#}

{% macro regexp_contains(value, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'leadscore')(value, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(value, pattern) -%}
    regexp_matches({{ value }}, {{ pattern }})
{%- endmacro %}


{% macro regexp_replace_all(value, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'leadscore')(value, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(value, pattern, replacement) -%}
    regexp_replace({{ value }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}


{% macro remove_accents(value) -%}
    {{ return(adapter.dispatch('remove_accents', 'leadscore')(value)) }}
{%- endmacro %}

{% macro default__remove_accents(value) -%}
    {{ value }}
{%- endmacro %}

{% macro duckdb__remove_accents(value) -%}
    strip_accents({{ value }})
{%- endmacro %}


{% macro sql_string(value) -%}
    {#- A SQL string literal holding `value` (single quotes doubled). -#}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{% macro replace_words(value, replacements) -%}
    {#- `value` (words separated by single spaces) with every word that is a
        key of the `replacements` dict replaced by its value. -#}
    {{ return(adapter.dispatch('replace_words', 'leadscore')(
        value, replacements)) }}
{%- endmacro %}

{% macro default__replace_words(value, replacements) -%}
    {%- set ns = namespace(expression=value) -%}
    {%- for word in replacements | sort -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string("\\b" ~ word ~ "\\b"),
            leadscore.sql_string(replacements[word])) -%}
    {%- endfor -%}
    {{ ns.expression }}
{%- endmacro %}

{% macro duckdb__replace_words(value, replacements) -%}
    {#- One pass over the words with a constant map: flat SQL, however many
        replacements (nested regexp_replace calls would be one per word). -#}
    array_to_string(
        list_transform(
            string_split({{ value }}, ' '),
            lambda word: coalesce(
                map {
                {%- for word in replacements | sort %}
                    {{ leadscore.sql_string(word) }}: {{
                        leadscore.sql_string(replacements[word]) }}
                    {%- if not loop.last %},{% endif %}
                {%- endfor %}
                }[word],
                word
            )
        ),
        ' '
    )
{%- endmacro %}
