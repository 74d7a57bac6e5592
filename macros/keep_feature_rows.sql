{#- lead_features' rows kept from one build to the next (calendar weeks).

    With var week_ends_on a weekday, lead_features is incremental. Every row
    carries _feature_key: a hash of the rows key and of the lead's
    profile_key (int_lead_profiles). The rows key is an md5 of the model's
    compiled code (every macro, var and seed name it renders; not the
    database's name), int_closed_weeks_key's behaviour_key (the closed weeks
    the weekly rows are built on, kept by int_lead_behaviour while it is
    unchanged), the weekly as-of dates and when each is known, and whether
    the export holds any activity. The pre-hook keep_feature_rows():
    - a lead whose key changed (its profile: a new title, an outcome, a
      sales verdict, a seed's verdict), a new lead, or a lead gone from the
      export: its rows are deleted and built again;
    - a row whose label became known (its horizon ended before the data
      does; or, with the data moving back, no longer does): the rows of its
      as-of date are deleted and built again;
    - the score date's rows and the creation days' rows (int_lead_behaviour
      builds them on every build) are deleted and built again;
    - anything else (a new week, late activity in a closed week, an exit
      dated in a closed week, a new version or setting) changes every
      lead's key: the table is emptied and built again whole.
    The model reads what to build from temporary tables the pre-hook
    writes (leadscore_feature_build, _leads, _dates). With weeks counted back
    from the score date (the default) every row moves every day: it is a
    plain table, built whole. The rows equal a build from scratch's; the log
    says what was kept (`leadscore: lead_features kept ...`). -#}

{#- The config of lead_features. -#}
{% macro feature_rows_config() -%}
    {{ return({
        'materialized': 'table' if var('week_ends_on') == 'score_date'
            else 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'sync_all_columns',
        'pre_hook': "{{ keep_feature_rows() }}",
    }) }}
{%- endmacro %}


{#- A row's label is unknown while its horizon runs past where the data
    ends (int_score_date.data_ends_at). -#}
{% macro label_is_open(known_before, data_ends_at) -%}
    {{ known_before }} + interval {{ var('horizon_days') }} day > {{ data_ends_at }}
{%- endmacro %}


{% macro keep_feature_rows() -%}
    {%- if execute -%}
        {%- set keeps = '_feature_key' in leadscore.kept_columns() -%}
        {%- set rows_key -%}
            select
                md5(concat_ws(
                    '|',
                    '{{ leadscore.compiled_code_md5() }}',
                    keys.behaviour_key,
                    dates.weekly,
                    activity.has_activities
                )) as rows_key
            from {{ ref('int_closed_weeks_key') }} as keys
            cross join (
                select coalesce(string_agg(
                    cast(as_of_date as varchar) || '@' || cast(known_before as varchar),
                    ',' order by as_of_date
                ), '') as weekly
                from {{ ref('int_as_of_dates') }}
                where is_week_end
            ) as dates
            cross join (
                select count(*) > 0 as has_activities
                from {{ ref('int_lead_activity_daily') }}
            ) as activity
        {%- endset -%}
        {%- do run_query("create or replace temporary table leadscore_feature_build as"
            ~ " select rows_key, true as build_all from (" ~ rows_key ~ ")") -%}
        {%- if keeps -%}
            {#- the leads whose rows differ from today's: a changed key, new or gone -#}
            {%- do run_query("create or replace temporary table leadscore_feature_leads as"
                ~ " with now_leads as (select profiles.lead_id,"
                ~ " hash(build.rows_key, profiles.profile_key) as feature_key"
                ~ " from " ~ ref('int_lead_profiles') ~ " as profiles"
                ~ " cross join leadscore_feature_build as build),"
                ~ " kept_leads as (select lead_id, min(_feature_key) as lowest,"
                ~ " max(_feature_key) as highest from " ~ this ~ " group by 1)"
                ~ " select coalesce(now_leads.lead_id, kept_leads.lead_id) as lead_id,"
                ~ " kept_leads.lead_id is not null as had_rows"
                ~ " from now_leads full join kept_leads"
                ~ " on now_leads.lead_id = kept_leads.lead_id"
                ~ " where kept_leads.lowest is distinct from now_leads.feature_key"
                ~ " or kept_leads.highest is distinct from now_leads.feature_key") -%}
            {%- set counted = run_query("select"
                ~ " (select count(*) filter (where had_rows) from leadscore_feature_leads),"
                ~ " (select count(*) filter (where not had_rows) from leadscore_feature_leads),"
                ~ " (select count(distinct lead_id) from " ~ this ~ ")").rows[0] -%}
            {%- set build_all = counted[2] == 0 or counted[0] == counted[2] -%}
            {%- set why = "it holds no rows" if counted[2] == 0
                else "every lead's rows changed (a new week, late data in a closed"
                    ~ " week, an exit dated in a closed week, a setting or a new version)" -%}
        {%- else -%}
            {%- set build_all = true -%}
            {%- set why = "it was built by a version without _feature_key" -%}
        {%- endif -%}
        {%- if build_all -%}
            {%- do run_query("create or replace temporary table leadscore_feature_leads as"
                ~ " select cast(null as varchar) as lead_id limit 0") -%}
            {%- do run_query("create or replace temporary table leadscore_feature_dates as"
                ~ " select cast(null as date) as as_of_date limit 0") -%}
            {%- if is_incremental() -%}
                {%- set deleted = run_query("delete from " ~ this).rows[0][0] -%}
                {{ log("leadscore: " ~ this.identifier ~ " rebuilt: " ~ why ~ ", "
                    ~ "{:,}".format(deleted) ~ " rows deleted", info=true) }}
            {%- endif -%}
        {%- else -%}
            {%- do run_query("update leadscore_feature_build set build_all = false") -%}
            {#- the as-of dates where a row's label became known, or unknown again -#}
            {%- do run_query("create or replace temporary table leadscore_feature_dates as"
                ~ " select distinct features.as_of_date from " ~ this ~ " as features"
                ~ " cross join " ~ ref('int_score_date') ~ " as score_date"
                ~ " where not features.is_score_date and not features.is_at_creation"
                ~ " and (features.label is null) != ("
                ~ leadscore.label_is_open('features._known_before', 'score_date.data_ends_at')
                ~ ")") -%}
            {%- set deleted = run_query("delete from " ~ this ~ " where is_score_date"
                ~ " or is_at_creation"
                ~ " or as_of_date = (select score_date from " ~ ref('int_score_date') ~ ")"
                ~ " or lead_id in (select lead_id from leadscore_feature_leads)"
                ~ " or as_of_date in (select as_of_date from leadscore_feature_dates)"
                ).rows[0][0] -%}
            {%- set dates = run_query("select count(*) from leadscore_feature_dates"
                ).rows[0][0] -%}
            {%- set rows = run_query("select count(*) from " ~ this).rows[0][0] -%}
            {{ log("leadscore: " ~ this.identifier ~ " kept " ~ "{:,}".format(rows)
                ~ " rows and builds again the score date's and creation days' rows and"
                ~ " those of: leads whose profile changed or who left the export "
                ~ "{:,}".format(counted[0]) ~ ", leads without rows yet "
                ~ "{:,}".format(counted[1]) ~ ", as-of dates where a label became known "
                ~ dates ~ " (" ~ "{:,}".format(deleted) ~ " rows deleted)",
                info=true) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
