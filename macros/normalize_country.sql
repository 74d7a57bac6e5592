{% macro normalize_country(country) -%}
    {#-
        SQL expression: a free-text country (name, alias or ISO code) as the
        key looked up in seeds/country_codes.csv. Lower-case, accents
        removed, dots and apostrophes removed (u.s.a. -> usa), every other
        non-letter -> a space, whitespace trimmed. Null when empty.
    -#}
    {%- set ns = namespace(
        expression="lower(" ~ leadscore.remove_accents(country) ~ ")") -%}
    {%- for pattern, replacement in [
        ("['`.]", ""), ("[^a-z]+", " "), ("^ +| +$", "")] -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string(pattern),
            leadscore.sql_string(replacement)) -%}
    {%- endfor -%}
    nullif({{ ns.expression }}, '')
{%- endmacro %}
