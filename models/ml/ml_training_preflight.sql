{#- How many distinct leads the training panel would label, and how many of
    them convert, for other horizons and look-backs than the configured ones:
    the advice a training run gives when the configured pair cannot learn
    (README, "Learning"). One row per candidate (horizon, look-back).

    Per lead, the same rules as lead_features: as-of points are the weekly
    as-of dates (int_as_of_dates: int_score_date.week_end_date and the
    weeks before it, known before the end of the day) and the lead's
    creation;
    a lead counts at a point where it is open (created, not yet converted or
    disqualified), not older than training_max_lead_age_days, and whose
    horizon has passed by the score date. It is labelled when such a point
    exists, converted when it converts within the horizon after the latest
    one. -#}
{%- set step = var('training_step_days') -%}
{%- set lookback = var('training_lookback_days') -%}
{%- set horizons = var('preflight_horizon_days') | list -%}
{%- if var('horizon_days') not in horizons -%}
    {%- do horizons.append(var('horizon_days')) -%}
{%- endif -%}
{%- set lookbacks = [lookback, 2 * lookback] -%}
with

outcomes as (
    select * from {{ ref('int_lead_outcomes') }}
),

score_date as (
    select
        *,
        -- the end of the latest weekly as-of date
        cast({{ dbt.dateadd('day', 1, 'week_end_date') }} as timestamp)
            as week_cutoff_at
    from {{ ref('int_score_date') }}
),

candidates as (
    select
        horizons.horizon_days,
        lookbacks.lookback_days,
        -- the number of weekly as-of dates before the latest one
        lookbacks.lookback_days // {{ step }} as as_of_weeks
    from
        (
            values {% for h in horizons %}({{ h }}){{ ", " if not loop.last }}
            {%- endfor %}
        ) as horizons (horizon_days)
    cross join
        (
            values {% for l in lookbacks %}({{ l }}){{ ", " if not loop.last }}
            {%- endfor %}
        ) as lookbacks (lookback_days)
),

lead_candidates as (
    select
        outcomes.lead_id,
        outcomes.created_at,
        outcomes.converted_at,
        candidates.horizon_days,
        candidates.lookback_days,
        candidates.as_of_weeks,
        score_date.cutoff_at,
        score_date.week_cutoff_at,
        -- a lead created on a weekly as-of date has that row instead
        {{ dbt.datediff(
            'cast(outcomes.created_at as date)', 'score_date.week_end_date',
            'day'
        ) }} % {{ step }} = 0 as is_created_on_as_of_date,
        -- the earliest weekly point of the look-back
        score_date.week_cutoff_at
        - to_days(candidates.as_of_weeks * {{ step }}) as window_start_at,
        -- the latest moment a point may have: its horizon over by the
        -- score date, the lead still open and young enough
        least(
            score_date.cutoff_at - to_days(candidates.horizon_days),
            outcomes.converted_at,
            outcomes.disqualified_at,
            -- (age in days counted from the creation day, as lead_features)
            cast(cast(outcomes.created_at as date) as timestamp)
            + to_days({{ var('training_max_lead_age_days') }})
        ) as latest_point_limit
    from outcomes
    cross join candidates
    cross join score_date
    {%- if var('training_sample_rate') < 1 %}
    where
        hash(outcomes.lead_id) % 1000
        < {{ (var('training_sample_rate') * 1000) | int }}
    {%- endif %}
),

weekly_points as (
    select
        *,
        -- the latest weekly point at or before the limit
        week_cutoff_at - to_days(
            {{ step }} * greatest(
                0,
                cast(ceil(
                    epoch(week_cutoff_at - latest_point_limit)
                    / (86400 * {{ step }})
                ) as integer)
            )
        ) as latest_weekly_at
    from lead_candidates
),

points as (
    select
        lead_id,
        converted_at,
        horizon_days,
        lookback_days,
        greatest(
            case
                when
                    latest_weekly_at > created_at
                    and latest_weekly_at >= window_start_at
                    then latest_weekly_at
            end,
            case
                when
                    not is_created_on_as_of_date
                    and created_at >= window_start_at - to_days(1)
                    and created_at
                    <= cutoff_at - to_days(horizon_days)
                    and created_at <= latest_point_limit
                    then created_at
            end
        ) as latest_point_at
    from weekly_points
)

select
    horizon_days,
    lookback_days,
    horizon_days = {{ var('horizon_days') }}
    and lookback_days = {{ lookback }} as is_configured,
    count(latest_point_at) as labelled_leads,
    count(
        case
            when
                converted_at
                < latest_point_at + to_days(horizon_days)
                then 1
        end
    ) as converted_leads
from points
group by 1, 2
