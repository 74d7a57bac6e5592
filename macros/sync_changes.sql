{#- What tells a change the CRM should hear about from noise: the latest day
    each lead did something (its behaviour), and what the sync checkpoint
    file holds. Read by lead_routing, lead_routing_changes and
    lead_scores_compared (docs/reverse_etl.md, "Change detection"). -#}


{#- A select of one row per lead that did something up to the end of the
    build's score date: lead_id, last_behaviour_date, the latest day of an
    engaged activity or an unsubscribe (int_lead_behaviour at the score
    date) or of a sales verdict (stg_crm__lead_feedback). Deliveries and
    bounces are not the lead's doing and do not count. Leads that never
    did anything have no row. -#}
{% macro last_behaviour_dates() %}
    select
        dated.lead_id,
        max(dated.behaviour_date) as last_behaviour_date
    from (
        select
            behaviour.lead_id,
            case
                when behaviour.last_email_unsubscribe_date is null
                    then behaviour.last_engaged_date
                when
                    behaviour.last_engaged_date is null
                    or behaviour.last_email_unsubscribe_date
                    > behaviour.last_engaged_date
                    then behaviour.last_email_unsubscribe_date
                else behaviour.last_engaged_date
            end as behaviour_date
        from {{ ref('int_lead_behaviour') }} as behaviour
        where
            behaviour.as_of_date = (
                select score_date.score_date
                from {{ ref('int_score_date') }} as score_date
            )
            and not behaviour.is_at_creation
        union all
        select
            feedback.lead_id,
            cast(feedback.given_at as date) as behaviour_date
        from {{ ref('stg_crm__lead_feedback') }} as feedback
        where
            feedback.given_at < (
                select score_date.cutoff_at
                from {{ ref('int_score_date') }} as score_date
            )
    ) as dated
    where dated.behaviour_date is not null
    group by dated.lead_id
{% endmacro %}


{#- The columns mark-synced records of the version the CRM received, with
    their types, beside lead_id, sync_hash and synced_at (STATE_SCHEMA in
    python/leadscore/sync/state.py). -#}
{% macro sync_received_columns() %}
    {{ return([
        ['score', 'integer'],
        ['tier', dbt.type_string()],
        ['action', dbt.type_string()],
        ['assigned_rep_id', dbt.type_string()],
        ['model_version', dbt.type_string()],
        ['last_behaviour_date', 'date'],
    ]) }}
{% endmacro %}


{#- The lower-cased column names of the sync checkpoint file, [] when there
    is none yet (or while dbt parses or lints). A checkpoint written by an
    older mark-synced has only lead_id, sync_hash and synced_at. Inside a
    unit test (where the source is a fixture) every column is assumed; a
    unit test overrides this macro to test an older file. -#}
{% macro sync_checkpoint_columns(checkpoint_file) %}
    {%- if leadscore.in_unit_test() -%}
        {%- set columns = ['lead_id', 'sync_hash', 'synced_at'] -%}
        {%- for column in leadscore.sync_received_columns() -%}
            {%- do columns.append(column[0]) -%}
        {%- endfor -%}
        {{ return(columns) }}
    {%- endif -%}
    {%- if leadscore.is_parsing_or_linting() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set matches = run_query(
        "select count(*) from glob(" ~ checkpoint_file ~ ")"
    ).columns[0].values()[0] -%}
    {%- if matches == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set described = run_query(
        "select column_name from (describe select * from " ~ checkpoint_file ~ ")"
    ) -%}
    {%- set columns = [] -%}
    {%- for name in described.columns[0].values() -%}
        {%- do columns.append(name | lower) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
