{#- Everything known of a lead that does not change with the as-of date, one
    row per lead: its dates (created, converted, disqualified), its fit
    (bands, industry, region, title, source, the ICP and technology seeds'
    verdicts, custom properties) and its first rejection by sales.
    lead_features meets its panel with this table in a single join. DuckDB
    builds a join's hash table from the side it estimates smaller, and it
    estimated the filtered panel at a few thousand rows (there are
    millions): joined to the per-lead tables one by one, the whole panel
    became the hash table of two joins and ran out of memory. A table, so
    the optimizer keeps it whole.

    profile_key, a hash of the row, is what lead_features' daily build
    compares: a lead whose key changed (a new title, an outcome, a verdict,
    a seed) has its feature rows built again (macros/keep_feature_rows.sql). -#}
with

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

feedback as (
    select * from {{ ref('stg_crm__lead_feedback') }}
),

target_industries as (
    select industry from {{ ref('icp_industries') }}
    where is_target
),

target_sizes as (
    select employee_band from {{ ref('icp_company_sizes') }}
    where is_target
),

technology_fit as (
    select * from {{ ref('technology_fit') }}
),

first_rejection as (
    select
        lead_id,
        min(given_at) as first_rejected_at
    from feedback
    where verdict = 'rejected'
    group by 1
),

lead_technologies as (
    select
        leads.lead_id,
        bool_or(technology_fit.fit = 'partner') as has_partner_tech,
        bool_or(technology_fit.fit = 'competitor') as has_competitor_tech
    from leads
    cross join
        unnest(string_split(lower(leads.technologies), ';'))
            as technologies (technology)
    inner join technology_fit
        on trim(technologies.technology) = lower(technology_fit.technology)
    group by 1
),

fit as (
    select
        leads.lead_id,
        leads.email,
        case
            when leads.employee_count is null then 'unknown'
            when leads.employee_count <= 10 then '1-10'
            when leads.employee_count <= 50 then '11-50'
            when leads.employee_count <= 200 then '51-200'
            when leads.employee_count <= 1000 then '201-1000'
            when leads.employee_count <= 5000 then '1001-5000'
            else '5000+'
        end as employee_band,
        case
            when leads.annual_revenue is null then 'unknown'
            when leads.annual_revenue < 1e6 then '<1m'
            when leads.annual_revenue < 1e7 then '1m-10m'
            when leads.annual_revenue < 1e8 then '10m-100m'
            when leads.annual_revenue < 1e9 then '100m-1b'
            else '1b+'
        end as revenue_band,
        coalesce({{ snake_case('leads.industry') }}, 'unknown') as industry,
        coalesce(leads.region, 'unknown') as region,
        coalesce(leads.country_code, 'unknown') as country_code,
        coalesce(leads.seniority, 'other') as seniority,
        coalesce(leads.job_function, 'other') as job_function,
        coalesce({{ snake_case('leads.lead_source') }}, 'unknown')
            as lead_source,
        coalesce(leads.is_free_email, false) as is_free_email
    {%- for property in var('custom_properties') %},
        {%- set column = custom_column_name(property.name) %}
        {%- if property.type == 'numeric' %}
        {{ parse_number('leads.' ~ column, 'double') }} as {{ column }}
        {%- else %}
        {{ clean_text('leads.' ~ column) }} as {{ column }}
        {%- endif %}
        {%- endfor %}
    from leads
),

profiles as (
    select
        outcomes.lead_id,
        outcomes.created_at,
        outcomes.converted_at,
        outcomes.disqualified_at,
        fit.* exclude (lead_id),  -- noqa: RF02
        fit.industry in (
            select target_industries.industry from target_industries
        )
            as is_target_industry,
        fit.employee_band in (
            select target_sizes.employee_band from target_sizes
        )
            as is_target_size,
        coalesce(lead_technologies.has_partner_tech, false)
            as has_partner_tech,
        coalesce(lead_technologies.has_competitor_tech, false)
            as has_competitor_tech,
        first_rejection.first_rejected_at
    from outcomes
    inner join fit on outcomes.lead_id = fit.lead_id
    left join first_rejection on outcomes.lead_id = first_rejection.lead_id
    left join lead_technologies
        on outcomes.lead_id = lead_technologies.lead_id
)

select
    profiles.*,
    hash(profiles) as profile_key
from profiles
