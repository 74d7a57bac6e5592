{#- Why did the score change? One row per lead whose score moved between
    the previous score date in lead_score_history and the current one:
    old and new score, the change, and which reasons moved it — reasons
    among the top three now that were not before (gained) and the other
    way round (lost), plus a change of scoring method or model version —
    in one readable sentence, and what moved it (move_cause, from
    lead_scores_compared: behaviour, model or time). Leads new since then
    are not listed. -#}
{%- set text_type = dbt.type_string() %}
with

compared as (
    select * from {{ ref('lead_scores_compared') }}
),

moved as (
    select
        lead_id,
        score_date,
        previous_score_date,
        previous_score,
        score,
        score - previous_score as score_change,
        previous_tier,
        tier,
        previous_scoring_method,
        scoring_method,
        previous_model_version,
        model_version,
        is_method_changed,
        has_new_behaviour,
        move_cause
    from compared
    where score != previous_score
),

-- the top reasons of both dates, one row each
reasons as (
    {%- for side in ['current', 'previous'] %}
        {%- set outer_loop = loop %}
        {%- set prefix = '' if side == 'current' else 'previous_' %}
        {%- for position in [1, 2, 3] %}
            {%- set column = prefix ~ 'reason_' ~ position %}
            select
                compared.lead_id,
                '{{ side }}' as side,
                {{ position }} as position,
                compared.{{ column }} as reason
            from compared
            inner join moved on compared.lead_id = moved.lead_id
            where compared.{{ column }} is not null
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
        nullif(reason_summaries.reasons_lost, '') as reasons_lost
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
                    and changes.has_new_behaviour
                    then
                        'Same top reasons, weighing more or less'
                        || ' after new activity.'
                when
                    changes.reasons_gained is null
                    and changes.reasons_lost is null
                    and not changes.is_method_changed
                    then
                        'Same top reasons; nothing new from the lead since '
                        || cast(changes.previous_score_date as {{ text_type }})
                        || ', its activity aging.'
            end
        ) as change_summary
    from changes
    inner join method_labels on changes.lead_id = method_labels.lead_id
)

select * from explained
