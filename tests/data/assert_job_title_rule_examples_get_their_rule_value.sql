-- Every rule in seeds/job_title_rules.csv carries an example title. Run
-- through the whole rule chain, the example must get that rule's value: a
-- rule shadowed by an earlier one, or a regex that does not match its own
-- example, fails here. Returns the offending rules.

with

job_title_rules as (

    select * from {{ ref('job_title_rules') }}

),

examples_normalized as (

    select
        rule_type,
        priority,
        value,
        example,
        {{ normalize_job_title('example') }} as example_normalized
    from job_title_rules

),

examples_classified as (

    select
        rule_type,
        priority,
        value,
        example,
        example_normalized,
        case rule_type
            when 'seniority'
                then
                    {{ classify_job_title('example_normalized', 'seniority') }}
            when 'function'
                then
                    {{ classify_job_title('example_normalized', 'function') }}
        end as example_value
    from examples_normalized

)

select *
from examples_classified
where example_value is distinct from value
