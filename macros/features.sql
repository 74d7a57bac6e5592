{#- The kinds of activity the features count: every activity type of the
    contract's vocabulary, and page views by page category. Each kind is a
    column n_<kind> of the daily activity table, and the features count it
    over windows (n_<kind>_<w>d) and time since its last occurrence. -#}
{% macro activity_kinds() %}
    {%- set kinds = [] -%}
    {%- for activity_type in [
        'page_view', 'email_delivered', 'email_open', 'email_click',
        'email_reply', 'email_bounce', 'email_unsubscribe', 'form_submit',
        'content_download', 'webinar_registered', 'webinar_attended',
        'video_view', 'demo_request', 'contact_sales', 'trial_signup',
        'social_engagement', 'meeting_booked', 'other'] -%}
        {%- do kinds.append({"name": activity_type,
            "condition": "activity_type = '" ~ activity_type ~ "'"}) -%}
    {%- endfor -%}
    {%- for category in ['pricing', 'product', 'comparison', 'docs', 'blog',
                         'careers'] -%}
        {%- do kinds.append({"name": category ~ "_view",
            "condition": "page_category = '" ~ category ~ "'"}) -%}
    {%- endfor -%}
    {{ return(kinds) }}
{% endmacro %}


{#- The windows (days back from the as-of date, inclusive of it) over which
    behaviour is counted. -#}
{% macro feature_windows() %}
    {{ return([1, 7, 30, 90]) }}
{% endmacro %}


{#- Activity that counts towards engagement: everything but what the lead
    did not do (deliveries, bounces) or that signals disinterest. -#}
{% macro engagement_condition() -%}
    activity_type not in ('email_delivered', 'email_bounce', 'email_unsubscribe')
{%- endmacro %}


{#- Behaviour is aggregated per lead per week, weeks counted back from
    int_score_date.week_end_date (var week_ends_on: the score date, or the
    last given weekday on or before it; week 0 = that day and the 6 days
    before it), so every weekly as-of date (that day minus whole weeks, var
    training_step_days) ends a week; the score date's own row is counted
    from the daily rows. A window of w days back from the as-of date of
    week k is
    weeks k .. k + w // 7 - 1, plus the w % 7 most recent days of week
    k + w // 7. The windows every count is taken over: the feature windows
    and 37 days (for the trend: the 30 days before the last 7). -#}
{% macro behaviour_windows() %}
    {%- set windows = feature_windows() + [37] -%}
    {%- if var('training_step_days') % 7 != 0 or var('training_step_days') < 7 -%}
        {{ exceptions.raise_compiler_error(
            "var training_step_days is " ~ var('training_step_days')
            ~ "; it must be a whole number of weeks (7, 14, ...): behaviour is"
            ~ " aggregated per week (var week_ends_on).") }}
    {%- endif -%}
    {{ return(windows) }}
{% endmacro %}


{#- The partial-week day counts (w % 7) that some window needs. Counts of
    the r most recent days of a week are kept as "head" sums when r <= 3,
    else as "tail" sums of the other 7 - r days (fewer days to add up). -#}
{% macro behaviour_edge_days() %}
    {%- set edges = [] -%}
    {%- for window in behaviour_windows() if window % 7 != 0 and (window % 7) not in edges -%}
        {%- do edges.append(window % 7) -%}
    {%- endfor -%}
    {{ return(edges | sort) }}
{% endmacro %}


{#- How many weeks before an as-of date the windows reach: weeks older than
    the last as-of date minus this are merged into one row per lead. -#}
{% macro behaviour_oldest_week() %}
    {%- set reach = (behaviour_windows() | max) // 7 + 1 -%}
    {{ return(var('training_lookback_days') // 7 + reach) }}
{% endmacro %}


{#- The daily counts that are aggregated per week and over windows. -#}
{% macro behaviour_count_columns() %}
    {{ return(behaviour_recency_columns()
        + ['engaged_mobile', 'engaged_evening', 'active_days']) }}
{% endmacro %}


{#- The kinds whose last day and decayed sum are kept: every activity kind
    and engaged activity as a whole. -#}
{% macro behaviour_recency_columns() %}
    {%- set columns = [] -%}
    {%- for kind in activity_kinds() -%}
        {%- do columns.append(kind.name) -%}
    {%- endfor -%}
    {%- do columns.append('engaged') -%}
    {{ return(columns) }}
{% endmacro %}


{#- The value of an expression the given number of weeks before, in the
    window lead_weeks (rows are a lead's consecutive weeks, oldest first);
    0 before the lead's first week. -#}
{% macro behaviour_weeks_back(expression, weeks) -%}
    {%- if weeks == 0 -%}
        {{ expression }}
    {%- else -%}
        coalesce(lag({{ expression }}, {{ weeks }}) over lead_weeks, 0)
    {%- endif -%}
{%- endmacro %}

{#- The count of a column over the w days back from the as-of date of a
    week, from running totals (see behaviour_windows). -#}
{% macro behaviour_window_count(column, days) -%}
    {%- set whole = days // 7 -%}
    {%- set r = days % 7 -%}
    {%- if r == 0 and whole == 1 -%}
        week_{{ column }}
    {%- elif whole == 0 and r <= 3 -%}
        edge_{{ r }}_{{ column }}
    {%- elif r == 0 -%}
        total_{{ column }} - {{ behaviour_weeks_back('total_' ~ column, whole) }}
    {%- elif r <= 3 -%}
        total_{{ column }} - {{ behaviour_weeks_back('total_' ~ column, whole) }}
        + {{ behaviour_weeks_back('edge_' ~ r ~ '_' ~ column, whole) }}
    {%- else -%}
        total_{{ column }} - {{ behaviour_weeks_back('total_' ~ column, whole + 1) }}
        - {{ behaviour_weeks_back('edge_' ~ r ~ '_' ~ column, whole) }}
    {%- endif -%}
{%- endmacro %}


{#- The closed weeks of each lead created by int_score_date.week_end_date,
    as week indexes (week 0 ends that day): from its creation, or the
    merged oldest week, to its exit, or week 0 (an exit in the open week
    leaves week 0). A select over the CTEs outcomes (int_lead_outcomes) and
    score_date (with week_end_date); int_lead_behaviour builds its grid
    from it, and int_closed_weeks_key fingerprints it. only_when_rebuilt:
    no rows when the kept table's weekly rows are kept (only_when_cleared()
    in macros/keep_closed_weeks.sql), so they are not computed again. -#}
{% macro behaviour_lead_spans(only_when_rebuilt=false) -%}
    select
        outcomes.lead_id,
        greatest(coalesce(
            {{ dbt.datediff(
                'cast(least(outcomes.converted_at, outcomes.disqualified_at)'
                ~ ' as date)',
                'score_date.week_end_date', 'day') }} // 7,
            0
        ), 0) as last_week,
        least(
            {{ dbt.datediff(
                'cast(outcomes.created_at as date)',
                'score_date.week_end_date', 'day') }} // 7,
            {{ behaviour_oldest_week() + 1 }}
        ) as first_week
    from outcomes
    cross join score_date
    where
        cast(outcomes.created_at as date) <= score_date.week_end_date
        {%- if only_when_rebuilt %}
            and {{ only_when_cleared() }}
        {%- endif %}
{%- endmacro %}
