{#- Accuracy over time: one row per backtest as-of date and scorer (the
    model and the points score, on the same leads). Dates whose horizon is
    still open have the predicted rate only. The points score's
    "probability" is points / 100, as in the model registry. -#}
{%- set tiers = ['sales_now', 'nurture', 'awareness'] -%}
with

backtest as (
    select * from {{ ref('model_backtest') }}
),

-- one row per lead, as-of date and scorer
scored as (
    select
        as_of_date,
        'model' as scorer,
        label,
        model_probability as probability,
        model_tier as tier,
        model_version,
        score_source,
        champion_window
    from backtest
    where model_probability is not null
    union all
    select
        as_of_date,
        'points' as scorer,
        label,
        points_score / 100.0 as probability,
        points_tier as tier,
        cast(null as {{ dbt.type_string() }}) as model_version,
        'rules' as score_source,
        champion_window
    from backtest
),

ranking as (
    {{ ranking_quality('scored', ['as_of_date', 'scorer']) }}
),

weekly as (
    select
        as_of_date,
        scorer,
        case
            when count(distinct score_source) = 1 then min(score_source)
            else 'mixed'
        end as score_source,
        min(model_version) as model_version,
        min(champion_window) as champion_window,
        {%- for tier in tiers %}
            sum(case when tier = '{{ tier }}' then 1 else 0 end)
                as {{ tier }}_leads,
            sum(
                case
                    when tier = '{{ tier }}' then label
                    when label is not null then 0
                end
            ) as {{ tier }}_converted,
        {%- endfor %}
        count(label) = count(*) as is_labelled,
        count(*) as leads,
        sum(label) as converted,
        avg(probability) as predicted_rate,
        avg(label * 1.0) as actual_rate,
        avg((probability - label) * (probability - label)) as brier
    from scored
    group by 1, 2
)

select
    -- keys
    weekly.as_of_date,
    weekly.scorer,

    -- where the scores come from
    weekly.score_source,
    weekly.model_version,
    weekly.champion_window,
    weekly.is_labelled,

    -- volume and rates
    cast(weekly.leads as bigint) as leads,
    cast(weekly.converted as bigint) as converted,
    weekly.predicted_rate,
    weekly.actual_rate,

    -- quality
    ranking.roc_auc,
    ranking.pr_auc,
    weekly.brier,

    -- tiers
    {%- for tier in tiers %}
        cast(weekly.{{ tier }}_leads as bigint) as {{ tier }}_leads,
        weekly.{{ tier }}_converted
        * 1.0
        / nullif(weekly.{{ tier }}_leads, 0) as {{ tier }}_conversion_rate,
        weekly.{{ tier }}_converted
        * 1.0
        / nullif(weekly.converted, 0) as {{ tier }}_converted_share,
    {%- endfor %}
    1 - weekly.sales_now_converted * 1.0 / nullif(weekly.sales_now_leads, 0)
        as sales_now_false_positive_share
from weekly
left join ranking
    on
        weekly.as_of_date = ranking.as_of_date
        and weekly.scorer = ranking.scorer
