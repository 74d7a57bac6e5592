{#- Why did the score change? One row per lead whose score moved between
    the previous score date in lead_score_history and the current one:
    old and new score, the change, and which reasons moved it — reasons
    among the top three now that were not before (gained) and the other
    way round (lost), plus a change of scoring method or model version —
    in one readable sentence. Leads new since then are not listed. -#}
{%- set text_type = dbt.type_string() %}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

history as (
    select * from {{ ref('lead_score_history') }}
),

previous_score_date as (
    select max(history.score_date) as score_date
    from history
    where history.score_date < (select score_date.score_date from score_date)
),

current_scores as (
    select * from history
    where score_date = (select score_date.score_date from score_date)
),

previous_scores as (
    select * from history
    where
        score_date
        = (select previous_score_date.score_date from previous_score_date)
),

moved as (
    select
        current_scores.lead_id,
        current_scores.score_date,
        previous_scores.score_date as previous_score_date,
        previous_scores.score as previous_score,
        current_scores.score,
        current_scores.score - previous_scores.score as score_change,
        previous_scores.tier as previous_tier,
        current_scores.tier,
        previous_scores.scoring_method as previous_scoring_method,
        current_scores.scoring_method,
        previous_scores.model_version as previous_model_version,
        current_scores.model_version
    from current_scores
    inner join previous_scores
        on current_scores.lead_id = previous_scores.lead_id
    where current_scores.score != previous_scores.score
),

-- the top reasons of both dates, one row each
reasons as (
    {%- for side in ['current', 'previous'] %}
        {%- set outer_loop = loop %}
        {%- for position in [1, 2, 3] %}
            select
                {{ side }}_scores.lead_id,
                '{{ side }}' as side,
                {{ position }} as position,
                {{ side }}_scores.reason_{{ position }} as reason
            from {{ side }}_scores
            inner join moved on {{ side }}_scores.lead_id = moved.lead_id
            where {{ side }}_scores.reason_{{ position }} is not null
            {{ "union all" if not (outer_loop.last and loop.last) }}
        {%- endfor %}
    {%- endfor %}
),

-- reasons on one side only: gained (now, not then) or lost (then, not now)
reason_moves as (
    select
        this_side.lead_id,
        this_side.position,
        this_side.reason,
        case
            when this_side.side = 'current' then 'gained' else 'lost'
        end as move
    from reasons as this_side
    left join reasons as other_side
        on
            this_side.lead_id = other_side.lead_id
            and this_side.reason = other_side.reason
            and this_side.side != other_side.side
    where other_side.lead_id is null
),

reason_summaries as (
    select
        lead_id,
        {{ dbt.listagg(
            "case when move = 'gained' then reason end",
            "'; '",
            "order by position"
        ) }} as reasons_gained,
        {{ dbt.listagg(
            "case when move = 'lost' then reason end",
            "'; '",
            "order by position"
        ) }} as reasons_lost
    from reason_moves
    group by 1
),

changes as (
    select
        moved.*,
        nullif(reason_summaries.reasons_gained, '') as reasons_gained,
        nullif(reason_summaries.reasons_lost, '') as reasons_lost,
        coalesce(
            moved.scoring_method != moved.previous_scoring_method
            or moved.model_version
            is distinct from moved.previous_model_version,
            false
        ) as is_method_changed
    from moved
    left join reason_summaries on moved.lead_id = reason_summaries.lead_id
),

method_labels as (
    select
        lead_id,
        case
            when scoring_method = 'model'
                then 'model ' || coalesce(model_version, '(unversioned)')
            else 'the points rules'
        end as method_label,
        case
            when previous_scoring_method = 'model'
                then
                    'model '
                    || coalesce(previous_model_version, '(unversioned)')
            else 'the points rules'
        end as previous_method_label
    from changes
),

explained as (
    select
        changes.*,
        concat_ws(
            ' ',
            'Score ' || cast(changes.previous_score as {{ text_type }})
            || ' -> ' || cast(changes.score as {{ text_type }})
            || ' (' || case when changes.score_change > 0 then '+' else '' end
            || cast(changes.score_change as {{ text_type }}) || ').',
            case
                when changes.reasons_gained is not null
                    then 'Now: ' || changes.reasons_gained || '.'
            end,
            case
                when changes.reasons_lost is not null
                    then 'No longer: ' || changes.reasons_lost || '.'
            end,
            case
                when changes.is_method_changed
                    then
                        'Now scored by ' || method_labels.method_label
                        || ' (was ' || method_labels.previous_method_label
                        || ').'
            end,
            case
                when
                    changes.reasons_gained is null
                    and changes.reasons_lost is null
                    and not changes.is_method_changed
                    then
                        'Same top reasons, weighing more or less'
                        || ' (new activity, or older activity counting less).'
            end
        ) as change_summary
    from changes
    inner join method_labels on changes.lead_id = method_labels.lead_id
)

select * from explained
