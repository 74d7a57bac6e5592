{#- The reverse-ETL feed: the lead_routing rows whose sync_hash differs
    from the sync checkpoint, source sync_state.last_synced
    (<export_path>/state/last_synced.parquet, written by
    `python -m leadscore.sync mark-synced`). change_type is
    'new' when the CRM never received the lead, 'updated' when it received
    another version. Without a checkpoint every lead is new. A row stays
    here until a sync of its current version is marked done, so a failed
    sync loses nothing: the next build offers the same rows again. -#}
{%- set checkpoint_file = source('sync_state', 'last_synced') -%}
{%- set checkpoint = {'exists': false} -%}
{%- if not leadscore.is_parsing_or_linting() -%}
    {%- set matches = run_query(
        "select count(*) from glob(" ~ checkpoint_file ~ ")"
    ).columns[0].values()[0] -%}
    {%- do checkpoint.update({'exists': matches > 0}) -%}
{%- endif -%}
with

routing as (
    select * from {{ ref('lead_routing') }}
),

last_synced as (
    {%- if checkpoint.exists %}
        select
            cast(lead_id as {{ dbt.type_string() }}) as lead_id,
            cast(sync_hash as {{ dbt.type_string() }}) as sync_hash
        from {{ checkpoint_file }}
        -- one row per lead (mark-synced writes one; guard against a
        -- hand-edited file)
        qualify row_number() over (
            partition by lead_id order by synced_at desc
        ) = 1
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as sync_hash
        where false
    {%- endif %}
),

changes as (
    select
        routing.*,
        case
            when last_synced.lead_id is null then 'new' else 'updated'
        end as change_type
    from routing
    left join last_synced on routing.lead_id = last_synced.lead_id
    where
        last_synced.lead_id is null
        or last_synced.sync_hash is distinct from routing.sync_hash
)

select * from changes
