{#- Every build appends its scores here: one row per open lead per score
    date. A rebuild for the same score date replaces that date's rows (the
    pre-hook clears the date first, so a lead that is no longer open then
    leaves it too); a new score date appends. full_refresh is off: a
    `--full-refresh` keeps the history (drop the table to start over).
    tier_since_date carries forward from the previous score date, so when
    a tier began is known without scanning the whole history. -#}
{{ config(
    unique_key=['lead_id', 'score_date'],
    pre_hook="{{ clear_score_date() }}",
) }}

with

scores as (
    select * from {{ ref('lead_scores') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

previous_scores as (
    {%- if is_incremental() %}
        select
            lead_id,
            tier,
            tier_since_date
        from {{ this }}
        where score_date = (
            select max(earlier.score_date)
            from {{ this }} as earlier
            where earlier.score_date < (select score_date.score_date from score_date)
        )
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as {{ dbt.type_string() }}) as tier,
            cast(null as date) as tier_since_date
        where false
    {%- endif %}
),

history as (
    select
        -- keys
        scores.lead_id,
        score_date.score_date,

        -- the score
        scores.score,
        scores.probability,
        scores.tier,
        scores.scoring_method,
        scores.model_version,
        scores.reason_1,
        scores.reason_2,
        scores.reason_3,

        -- dates
        case
            when previous_scores.tier = scores.tier
                then previous_scores.tier_since_date
            else score_date.score_date
        end as tier_since_date,

        -- timestamps
        scores.scored_at
    from scores
    cross join score_date
    left join previous_scores on scores.lead_id = previous_scores.lead_id
)

select * from history
