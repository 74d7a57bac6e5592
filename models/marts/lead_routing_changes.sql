{#- The reverse-ETL feed: the lead_routing rows with a change a CRM user
    would call one since the version the CRM last received, as recorded in
    the sync checkpoint, source sync_state.last_synced
    (<export_path>/state/last_synced.parquet, written by
    `python -m leadscore.sync mark-synced`). A change is a new tier, action
    or owner, or a score at least var sync_min_score_change points from the
    score the CRM received (at least var sync_min_time_score_change when
    only time moved it: no new behaviour, the same model); reason wording,
    day counters and a new model version alone are not (the row sent with
    the next real change carries them). The comparison is always with what
    the CRM received, so small moves add up until they make a change.

    change_type is 'new' when the CRM never received the lead, 'updated'
    when it received another version. change_cause says why (see the yml
    and docs/reverse_etl.md). A checkpoint row from an older mark-synced
    (only lead_id, sync_hash, synced_at: what the CRM holds is unknown) is
    compared by hash, as before, so no real change is ever dropped; the next
    mark-synced records the values. Without a checkpoint every lead is new.
    A row stays here until a sync of its current version is marked done, so
    a failed sync loses nothing: the next build offers the same rows again.
    -#}
{%- set checkpoint_file = source('sync_state', 'last_synced') -%}
{#- called without the package prefix, so a unit test can override it -#}
{%- set checkpoint_columns = sync_checkpoint_columns(checkpoint_file) -%}
{%- set received_columns = leadscore.sync_received_columns() -%}
{%- set min_score_change = var('sync_min_score_change') -%}
{%- if min_score_change is not number or min_score_change < 0 -%}
    {{ exceptions.raise_compiler_error(
        "var sync_min_score_change must be a number of score points >= 0"
        ~ " (default 5; 0 lists every change of a synced field); got "
        ~ min_score_change ~ ".") }}
{%- endif -%}
{%- set min_time_score_change = var('sync_min_time_score_change') -%}
{%- if min_time_score_change is not number
    or min_time_score_change < min_score_change -%}
    {{ exceptions.raise_compiler_error(
        "var sync_min_time_score_change must be a number of score points >="
        ~ " sync_min_score_change (default 15); got "
        ~ min_time_score_change ~ ".") }}
{%- endif -%}
{%- set text_type = dbt.type_string() -%}
with

routing as (
    select * from {{ ref('lead_routing') }}
),

last_synced as (
    {%- if checkpoint_columns %}
        select
            cast(lead_id as {{ text_type }}) as lead_id,
            cast(sync_hash as {{ text_type }}) as sync_hash,
            {%- for column in received_columns %}
                {%- if column[0] in checkpoint_columns %}
                    cast({{ column[0] }} as {{ column[1] }}) as {{ column[0] }},
                {%- else %}
                    cast(null as {{ column[1] }}) as {{ column[0] }},
                {%- endif %}
            {%- endfor %}
            -- tier is never null in lead_routing: a row without it comes
            -- from an older mark-synced (or a hand-made file)
            {{ 'tier is not null' if 'tier' in checkpoint_columns else 'false' }}
                as has_received_values
        from {{ checkpoint_file }}
        -- one row per lead (mark-synced writes one; guard against a
        -- hand-edited file)
        qualify row_number() over (
            partition by lead_id order by synced_at desc
        ) = 1
    {%- else %}
        select
            cast(null as {{ text_type }}) as lead_id,
            cast(null as {{ text_type }}) as sync_hash,
            {%- for column in received_columns %}
                cast(null as {{ column[1] }}) as {{ column[0] }},
            {%- endfor %}
            false as has_received_values
        where false
    {%- endif %}
),

-- what moved between the version the CRM received and the current one
compared as (
    select
        routing.lead_id,
        last_synced.lead_id is not null as was_synced,
        coalesce(last_synced.has_received_values, false)
            as has_received_values,
        (routing.sync_hash is distinct from last_synced.sync_hash)
            as is_hash_changed,
        (routing.tier is distinct from last_synced.tier) as is_tier_changed,
        (routing.action is distinct from last_synced.action)
            as is_action_changed,
        (
            routing.assigned_rep_id
            is distinct from last_synced.assigned_rep_id
        ) as is_owner_changed,
        abs(routing.score - last_synced.score) as score_move,
        (routing.model_version is distinct from last_synced.model_version)
            as is_model_changed,
        -- the lead did something the version the CRM received did not know
        coalesce(
            routing.last_behaviour_date > last_synced.last_behaviour_date,
            routing.last_behaviour_date is not null
        ) as has_new_behaviour
    from routing
    left join last_synced on routing.lead_id = last_synced.lead_id
),

-- a score move is a change at sync_min_score_change points, or at
-- sync_min_time_score_change when only time moved it (no new behaviour, the
-- same model: its activity aged, its day counters ticked)
moves as (
    select
        *,
        coalesce(
            score_move >= case
                when has_new_behaviour or is_model_changed
                    then {{ min_score_change }}
                else {{ min_time_score_change }}
            end,
            true
        ) as is_score_moved
    from compared
),

changes as (
    select
        lead_id,
        case when was_synced then 'updated' else 'new' end as change_type,
        case
            when not was_synced then 'new'
            when not has_received_values then 'resync'
            when
                is_owner_changed
                and not (is_tier_changed or is_action_changed or is_score_moved)
                then 'owner'
            when has_new_behaviour then 'behaviour'
            when is_model_changed then 'model'
            else 'time'
        end as change_cause
    from moves
    where
        not was_synced
        or (
            is_hash_changed
            and (
                not has_received_values
                or is_tier_changed
                or is_action_changed
                or is_owner_changed
                or is_score_moved
            )
        )
)

select
    routing.*,
    changes.change_type,
    changes.change_cause
from routing
inner join changes on routing.lead_id = changes.lead_id
