{% macro normalize_company_name(company_name) -%}
    {#-
        SQL expression: a company name in the form used to match leads to
        accounts. Lower-case, accents removed, a web suffix dropped
        (salesforce.com -> salesforce), apostrophes and dots removed
        (s.a. -> sa, macy's -> macys), '&' and '+' -> ' and ', every other
        non-alphanumeric -> a space, a leading 'the' dropped, and any run of
        legal-form suffixes from seeds/company_legal_suffixes.csv removed
        from the end ('Acme Holdings Co., Ltd.' -> 'acme holdings'). The
        first word is never removed. Null when nothing is left.
    -#}
    {%- set ns = namespace(
        expression="lower(" ~ leadscore.remove_accents(company_name) ~ ")") -%}
    {%- set steps = [
        ("\\.(com|net|org|io|ai|co)\\b", ""),
        ("['`.]", ""),
        ("[&+]", " and "),
        ("[^a-z0-9]+", " "),
        ("^ +| +$", ""),
        ("^the ", ""),
    ] -%}
    {%- for pattern, replacement in steps -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string(pattern),
            leadscore.sql_string(replacement)) -%}
    {%- endfor -%}
    {%- set suffix_pattern = leadscore.company_legal_suffix_pattern() -%}
    {%- if suffix_pattern is not none -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression, suffix_pattern, "''") -%}
    {%- endif -%}
    nullif({{ ns.expression }}, '')
{%- endmacro %}


{% macro company_legal_suffix_pattern() -%}
    {#-
        SQL for one regex that matches a run of legal-form suffixes at the end
        of a normalised company name: '( (inc|llc|ltd|...))+$', built from
        seeds/company_legal_suffixes.csv. Read when the model compiles and
        returned as a string literal; inside a unit test, a scalar subquery
        over the test's fixture of the seed. None when the seed is not
        loaded yet or holds no suffix.
    -#}
    {%- if leadscore.in_unit_test() -%}
        {%- set suffix_list = dbt.listagg(
            'suffix', "'|'", 'order by suffix') -%}
        {{ return(
            "(select coalesce('( (' || " ~ suffix_list ~ " || '))+$', '$^')"
            ~ " from (" ~ leadscore.company_legal_suffixes_sql(
                ref('company_legal_suffixes'))
            ~ ") as company_legal_suffixes)") }}
    {%- endif -%}
    {%- set suffixes_relation = leadscore.reference_relation(
        'company_legal_suffixes') -%}
    {%- if suffixes_relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set suffixes = run_query(
        leadscore.company_legal_suffixes_sql(suffixes_relation)
        ~ " order by suffix").columns[0].values() -%}
    {%- if suffixes | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(leadscore.sql_string(
        "( (" ~ suffixes | join("|") ~ "))+$")) }}
{%- endmacro %}


{% macro company_legal_suffixes_sql(relation) -%}
    {#-
        A query listing the distinct suffixes of a company_legal_suffixes
        relation, normalised like company names ('S.A.' -> 'sa',
        'GmbH & Co. KG' -> 'gmbh and co kg'), so the seed can hold them in
        any spelling.
    -#}
    {%- set ns = namespace(expression="lower(suffix)") -%}
    {%- for pattern, replacement in [
        ("[&+]", " and "), ("['`.]", ""), ("[^a-z0-9]+", " "),
        ("^ +| +$", "")] -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string(pattern),
            leadscore.sql_string(replacement)) -%}
    {%- endfor -%}
    select distinct suffix
    from (
        select {{ ns.expression }} as suffix
        from {{ relation }}
        where suffix is not null
    ) as normalised_suffixes
    where suffix <> ''
{%- endmacro %}
