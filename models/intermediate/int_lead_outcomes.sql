{#- One row per lead that existed at the score date: when it converted by
    the configured definition (var conversion_definition) and when it was
    disqualified, both ignoring anything stamped after the score date. -#}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

score_date as (
    select * from {{ ref('int_score_date') }}
),

opportunity_milestones as (
    select
        lead_id,
        min(created_at) as first_opportunity_at,
        min(case when is_won then closed_at end) as first_won_at
    from opportunities
    where lead_id is not null
    group by 1
),

outcomes as (
    select
        leads.lead_id,
        leads.created_at,
        {%- set definition = var('conversion_definition') %}
        {%- if definition == 'qualified' %}
            leads.converted_at as conversion_at_any_time,
        {%- elif definition == 'opportunity_created' %}
        opportunity_milestones.first_opportunity_at as conversion_at_any_time,
        {%- elif definition == 'opportunity_won' %}
        opportunity_milestones.first_won_at as conversion_at_any_time,
        {%- else %}
        {{ exceptions.raise_compiler_error(
            "var conversion_definition is '" ~ definition ~ "'; use one of "
            ~ "qualified, opportunity_created, opportunity_won.") }}
        {%- endif %}
        leads.disqualified_at as disqualified_at_any_time,
        score_date.cutoff_at
    from leads
    cross join score_date
    -- used by the opportunity_* conversion definitions
    left join opportunity_milestones  -- noqa: ST11
        on leads.lead_id = opportunity_milestones.lead_id
    where leads.created_at < score_date.cutoff_at
)

select
    lead_id,
    created_at,
    case
        when conversion_at_any_time < cutoff_at then conversion_at_any_time
    end as converted_at,
    case
        when disqualified_at_any_time < cutoff_at
            then disqualified_at_any_time
    end as disqualified_at
from outcomes
