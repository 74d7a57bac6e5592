{#- The classic points score, for every row of lead_features (scoring and
    training rows alike, so it can be compared with the learned model on
    the same leads), with its reasons on the score date's rows (what
    scoring shows; training and backtests read the score alone). Rules come
    from the points_rules seed:
    - behaviour rules: points per occurrence of an activity kind, each
      occurrence decayed by its age (half-life var engagement_half_life_days),
      capped per rule at max_points;
    - fit and negative rules: points when a feature equals a value.
    The total is clamped to 0..var('points_total_cap') and scaled to 0-100.
    It is the cold-start fallback and the baseline the model must beat. -#}
{%- set rules = [] -%}
{%- if not leadscore.is_parsing_or_linting() -%}
    {%- set result = run_query(
        "select rule, rule_type, field, value, points, max_points, description"
        ~ " from " ~ ref('points_rules') ~ " order by rule") -%}
    {%- for row in result.rows -%}
        {%- do rules.append({
            "rule": row[0], "rule_type": row[1], "field": row[2],
            "value": row[3], "points": row[4], "max_points": row[5],
            "description": row[6]}) -%}
    {%- endfor -%}
{%- else -%}
    {%- do ref('points_rules') -%}
{%- endif -%}
{#- The most fit points a lead can get: the best positive rule per field. -#}
{%- set best_by_field = {} -%}
{%- for rule in rules if rule.rule_type == 'fit' and rule.points > 0 -%}
    {%- do best_by_field.update({rule.field: [
        best_by_field.get(rule.field, 0), rule.points] | max}) -%}
{%- endfor -%}
{%- set fit_max = [best_by_field.values() | sum, 1] | max -%}
with

features as (
    select * from {{ ref('lead_features') }}
),

rule_points as (
    select
        lead_id,
        as_of_date,
        is_score_date,
        {%- for rule in rules %}
        {%- if rule.rule_type == 'behaviour' %}
        {{ 'least' if rule.points >= 0 else 'greatest' }}(
            {{ rule.points }} * _decayed_{{ rule.field }}, {{ rule.max_points }}
        ) as points_{{ rule.rule }},
        {%- else %}
        case
            when cast({{ rule.field }} as varchar) = '{{ rule.value }}'
                then {{ rule.points }}
            else 0
        end as points_{{ rule.rule }},
        {%- endif %}
        {%- endfor %}
        0 as points_none
    from features
),

totals as (
    select
        rule_points.lead_id,
        rule_points.as_of_date,
        rule_points.is_score_date,
        0
        {%- for rule in rules if rule.rule_type == 'fit' %}
        + points_{{ rule.rule }}
        {%- endfor %} as fit_points_raw,
        0
        {%- for rule in rules if rule.rule_type != 'fit' %}
        + points_{{ rule.rule }}
        {%- endfor %} as engagement_points_raw,
        -- the reasons only where scoring shows them (the score date's rows):
        -- ranking every rule's text on millions of training rows was most
        -- of this model's time
        case when rule_points.is_score_date then list_sort(
            list_filter(
                [
                    {%- for rule in rules %}
                    {
                        'rank': -abs(points_{{ rule.rule }}),
                        'reason': case
                            when points_{{ rule.rule }} > 0 then '+ ' else '− '
                        end || '{{ rule.description | replace("'", "''") }}'
                    }{{ "," if not loop.last }}
                    {%- endfor %}
                ],
                lambda reason_points: reason_points.rank <= -0.5
            )
        ) end as ranked_reasons
    from rule_points
)

select
    lead_id,
    as_of_date,
    is_score_date,
    cast(round(
        100.0 * least(
            greatest(fit_points_raw + engagement_points_raw, 0),
            {{ var('points_total_cap') }}
        ) / {{ var('points_total_cap') }}
    ) as integer) as points_score,
    cast(round(fit_points_raw) as integer) as fit_points,
    -- fit and engagement on 0-100 each: fit against the most fit points a
    -- lead can get, engagement against the total cap
    cast(round(
        100.0 * least(greatest(fit_points_raw, 0), {{ fit_max }})
        / {{ fit_max }}
    ) as integer) as fit_score,
    cast(round(
        100.0 * least(
            greatest(engagement_points_raw, 0), {{ var('points_total_cap') }}
        ) / {{ var('points_total_cap') }}
    ) as integer) as engagement_score,
    cast(round(engagement_points_raw) as integer) as engagement_points,
    -- a lead no rule gives points to still says why it scores what it does
    case when is_score_date then coalesce(
        ranked_reasons[1].reason,
        '− Nothing the points rules look for yet (no activity or profile match)'
    ) end as points_reason_1,
    ranked_reasons[2].reason as points_reason_2,
    ranked_reasons[3].reason as points_reason_3
from totals
