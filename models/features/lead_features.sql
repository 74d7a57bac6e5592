{#- The feature table: one row per lead per as-of date, built only from
    what was known at the end of that date. Scoring rows (the score date)
    and training rows (earlier as-of dates) come from this same SQL, so
    training and scoring cannot drift apart. Every feature is described in
    lead_features.yml.

    With calendar weeks (var week_ends_on a weekday) it is incremental: a
    build on yesterday's warehouse builds again only the rows that can have
    changed (the score date's and the creation days', those of leads whose
    profile changed, those whose label became known) and keeps the rest
    (macros/keep_feature_rows.sql, its pre-hook); the rows equal a build
    from scratch. -#}
{{ config(**feature_rows_config()) }}
{%- set windows = feature_windows() -%}
{%- set kinds = activity_kinds() -%}
with

as_of_dates as (
    select * from {{ ref('int_as_of_dates') }}
),

score_date as (
    select * from {{ ref('int_score_date') }}
),

-- what this build adds, from the pre-hook: every row on a build from
-- scratch; on a daily build only the rows it deleted (the rows key, one row;
-- depends_on: {{ ref('int_closed_weeks_key') }})
build as (
    select * from leadscore_feature_build
),

behaviour as (
    select rows.* exclude (behaviour_key)  -- noqa: RF02, RF03
    from {{ ref('int_lead_behaviour') }} as rows
    where
        (select build.build_all from build)
        -- built again on every build: the score date's and creation rows
        or rows.behaviour_key is null
        or rows.as_of_date = (select score_date.score_date from score_date)
        or rows.lead_id in (
            select changed.lead_id from leadscore_feature_leads as changed
        )
        or (
            not rows.is_at_creation
            and rows.as_of_date in (
                select labels.as_of_date from leadscore_feature_dates as labels
            )
        )
),

lead_profiles as (
    select * from {{ ref('int_lead_profiles') }}
),

-- an export without any activity says nothing about inactivity
activity_data as (
    select count(*) > 0 as has_activities
    from {{ ref('int_lead_activity_daily') }}
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
        lead_profiles.* exclude (lead_id, profile_key),  -- noqa: RF02
        hash(build.rows_key, lead_profiles.profile_key) as feature_key
    from behaviour
    cross join build
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
                {{ label_is_open(
                    'panel.known_before', 'score_date.data_ends_at'
                ) }}
                then null
            when
                panel.converted_at
                < panel.known_before + interval {{ var('horizon_days') }} day
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
        labelled.known_before as _known_before,
        -- what the daily build compares (the rows key and the lead's profile)
        labelled.feature_key as _feature_key
    from labelled
    cross join activity_data
)

select * from features
