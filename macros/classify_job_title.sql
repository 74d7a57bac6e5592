{% macro classify_job_title(normalized_job_title, rule_type) -%}
    {#-
        SQL expression: the seniority (rule_type='seniority') or the job
        function (rule_type='function') of a job title already normalised by
        normalize_job_title(). The first rule of seeds/job_title_rules.csv by
        priority whose regex matches wins; no match gives 'other'.

        The rules are read when the model compiles and turned into one CASE
        of constant regexes: ~50x faster than joining titles to the rules
        table, where the pattern is a column and is recompiled for every
        row. Inside a unit test the same choice is made by a subquery over
        the test's fixture of the seed (its given rows, or the seed file).
    -#}
    {%- if rule_type not in ('seniority', 'function') -%}
        {{ exceptions.raise_compiler_error(
            "classify_job_title: rule_type must be 'seniority' or 'function', "
            ~ "got '" ~ rule_type ~ "'.") }}
    {%- endif -%}
    {%- if leadscore.in_unit_test() -%}
        coalesce((
            select job_title_rules.value
            from {{ ref('job_title_rules') }} as job_title_rules
            where
                job_title_rules.rule_type = {{ leadscore.sql_string(rule_type) }}
                and {{ leadscore.regexp_contains(
                    normalized_job_title, 'job_title_rules.pattern') }}
            order by job_title_rules.priority, job_title_rules.pattern
            limit 1
        ), 'other')
    {%- else -%}
        {%- set rules_relation = leadscore.reference_relation(
            'job_title_rules') -%}
        {%- set rules = [] if rules_relation is none else run_query(
            "select pattern, value from " ~ rules_relation
            ~ " where rule_type = " ~ leadscore.sql_string(rule_type)
            ~ " and pattern is not null and value is not null"
            ~ " order by priority, pattern").rows -%}
        {%- if rules | length == 0 -%}
            'other'
        {%- else -%}
            case
            {%- for rule in rules %}
                when {{ leadscore.regexp_contains(
                    normalized_job_title, leadscore.sql_string(rule[0])) }}
                    then {{ leadscore.sql_string(rule[1]) }}
            {%- endfor %}
                else 'other'
            end
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
