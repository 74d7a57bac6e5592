-- seeds/job_title_rules.csv: rule_type is seniority or function, the value
-- is allowed for that rule_type, and no two rules of a type share a
-- priority (the order would be ambiguous). Returns the offending rules.

with

job_title_rules as (

    select * from {{ ref('job_title_rules') }}

),

rules_checked as (

    select
        rule_type,
        priority,
        value,
        pattern,
        count(*) over (partition by rule_type, priority) as rules_at_priority,
        case rule_type
            when 'seniority'
                then value in (
                    'c_level', 'vp', 'director', 'manager',
                    'individual_contributor', 'student', 'other'
                )
            when 'function'
                then value in (
                    'engineering', 'it', 'data', 'sales', 'marketing',
                    'finance', 'operations', 'hr', 'executive', 'other'
                )
            else false
        end as is_value_allowed
    from job_title_rules

)

select *
from rules_checked
where
    rules_at_priority > 1
    or not coalesce(is_value_allowed, false)
    or pattern is null
    or priority is null
