{#- With var champion_version set, the pinned model is the champion
    (ml_champion rank 1). The start-up check (guard_champion_version)
    refuses a pin the registry cannot honour; this catches whatever it
    cannot see (e.g. a model trained after a score date derived from the
    data). -#}
{{ config(severity='error') }}
{%- set pinned = var('champion_version') %}
select
    '{{ pinned | replace("'", "''") }}' as pinned_version,
    (
        select ml_champion.version_id from {{ ref('ml_champion') }}
        where ml_champion.champion_rank = 1
    ) as scoring_version
where
    {{ 'true' if pinned else 'false' }}
    and not exists (
        select 1 from {{ ref('ml_champion') }}
        where
            ml_champion.champion_rank = 1
            and ml_champion.version_id = '{{ pinned | replace("'", "''") }}'
    )
