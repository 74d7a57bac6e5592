{#- The feature table: one row per lead per as-of date, built only from
    what was known at the end of that date. Scoring rows (the score date)
    and training rows (earlier as-of dates) come from this same SQL, so
    training and scoring cannot drift apart. Every feature is described in
    lead_features.yml. -#}
{%- set windows = feature_windows() -%}
{%- set kinds = activity_kinds() -%}
{%- set horizon = var('horizon_days') -%}
with

as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

score_date as (
    select * from {{ ref('int_score_date') }}
),

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

leads as (
    select * from {{ ref('int_leads_enriched') }}
),

behaviour as (
    select * exclude (behaviour_key)  -- noqa: RF02
    from {{ ref('int_lead_behaviour') }}
),

feedback as (
    select * from {{ ref('stg_crm__lead_feedback') }}
),

-- an export without any activity says nothing about inactivity
activity_data as (
    select count(*) > 0 as has_activities
    from {{ ref('int_lead_activity_daily') }}
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

-- everything known of a lead that does not change with the as-of date, one
-- row per lead, which the panel meets in a single join. DuckDB builds a
-- join's hash table from the side it estimates smaller, and it estimates the
-- filtered panel at a few thousand rows (there are millions): joined to the
-- per-lead tables one by one, the whole panel became the hash table of two
-- joins and ran out of memory. Materialized, so the optimizer keeps it whole.
lead_profiles as materialized (
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
),

-- one row per lead and as-of date: the weekly as-of dates (known: up to the
-- end of the day) and each lead's creation (known: what came before the
-- moment it was created). Driven by the behaviour rows, joined only to
-- tables of one row per lead or per date, so memory stays bounded whatever
-- the panel's size.
candidates as (
    select
        behaviour.*,
        coalesce(as_of_dates.known_before, lead_profiles.created_at)
            as known_before,
        coalesce(as_of_dates.is_score_date, false) as is_score_date,
        lead_profiles.* exclude (lead_id)  -- noqa: RF02
    from behaviour
    left join as_of_dates
        on
            behaviour.as_of_date = as_of_dates.as_of_date
            and not behaviour.is_at_creation
    inner join lead_profiles on behaviour.lead_id = lead_profiles.lead_id
),

-- the leads open at each as-of date: created before it (or at it, for the
-- creation rows), not converted or disqualified by then
panel as (
    select * exclude (disqualified_at)
    from candidates
    where
        (is_at_creation or created_at < known_before)
        and (converted_at is null or converted_at >= known_before)
        and (disqualified_at is null or disqualified_at >= known_before)
        and (
            is_score_date
            or (
                {{ dbt.datediff('created_at', 'known_before', 'day') }}
                <= {{ var('training_max_lead_age_days') }}
                {%- if var('training_sample_rate') < 1 %}
                and hash(lead_id) % 1000
                < {{ (var('training_sample_rate') * 1000) | int }}
                {%- endif %}
            )
        )
),

labelled as (
    select
        panel.*,
        case
            when panel.is_score_date then null
            -- the horizon is not over where the data ends (the score
            -- date, or earlier for a stale export): unknown
            when
                panel.known_before
                + interval {{ horizon }} day > score_date.data_ends_at
                then null
            when
                panel.converted_at
                < panel.known_before + interval {{ horizon }} day
                then 1
            else 0
        end as label
    from panel
    cross join score_date
),

features as (
    select
        -- keys
        labelled.lead_id,
        labelled.as_of_date,
        labelled.is_score_date,
        labelled.is_at_creation,
        labelled.email,

        -- label: converted within the horizon after the as-of date
        labelled.label,

        -- fit
        labelled.employee_band,
        labelled.revenue_band,
        labelled.industry,
        labelled.region,
        labelled.country_code,
        labelled.seniority,
        labelled.job_function,
        labelled.lead_source,
        labelled.is_free_email,
        labelled.is_target_industry,
        labelled.is_target_size,
        labelled.has_partner_tech,
        labelled.has_competitor_tech,
        {{ dbt.datediff('labelled.created_at', 'labelled.as_of_date', 'day') }}
            as days_since_created,
        {%- for property in var('custom_properties') %}
        labelled.{{ custom_column_name(property.name) }},
        {%- endfor %}

        -- behaviour: counts over windows
        {%- for window in windows %}
            {%- for kind in kinds %}
                labelled.n_{{ kind.name }}_{{ window }}d,
            {%- endfor %}
            labelled.n_active_days_{{ window }}d as active_days_{{ window }}d,
        {%- endfor %}
        labelled.max_pricing_views_per_day_30d,

        -- behaviour: recency
        {%- for kind in kinds %}
            {{ dbt.datediff(
                'labelled.last_' ~ kind.name ~ '_date', 'labelled.as_of_date', 'day'
            ) }}
                as days_since_last_{{ kind.name }},
        {%- endfor %}
        {{ dbt.datediff(
            'labelled.last_engaged_date', 'labelled.as_of_date', 'day'
        ) }}
            as days_since_last_activity,

        -- behaviour: intensity, decayed by age
        labelled.decayed_engaged as engagement_decayed,
        labelled.n_engaged_7d / 7.0
        / (
            (labelled.n_engaged_37d - labelled.n_engaged_7d) / 30.0
            + 1.0 / 30.0
        )
            as trend_7d_vs_30d,
        labelled.n_email_open_90d
        / nullif(labelled.n_email_delivered_90d, 0) as email_open_rate_90d,
        labelled.n_email_click_90d
        / nullif(labelled.n_email_delivered_90d, 0) as email_click_rate_90d,
        labelled.n_engaged_mobile_90d
        / nullif(labelled.n_engaged_90d, 0) as mobile_share_90d,
        labelled.n_engaged_evening_90d
        / nullif(labelled.n_engaged_90d, 0) as evening_share_90d,

        -- negative signals
        labelled.total_email_bounce > 0 as has_bounced,
        labelled.total_email_unsubscribe > 0 as has_unsubscribed,
        case
            when activity_data.has_activities then labelled.n_engaged_90d = 0
        end as is_inactive_90d,
        coalesce(
            labelled.first_rejected_at < labelled.known_before, false
        ) as was_rejected_by_sales,

        -- decayed counts per kind, for the points score (not features)
        -- (sqlfluff misreads the indentation of this templated loop)
        -- noqa: disable=LT02
        {%- for kind in kinds %}
        labelled.decayed_{{ kind.name }} as _decayed_{{ kind.name }},
        {%- endfor %}
        -- noqa: enable=LT02
        labelled.known_before as _known_before
    from labelled
    cross join activity_data
)

select * from features
