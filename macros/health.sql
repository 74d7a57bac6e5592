{#- ROC AUC and PR AUC of a probability against a 0/1 label, per group, in
    plain SQL (so BI tools and every warehouse compute the same figures).
    `scored` is a relation or CTE name with columns `label` (0/1; null rows
    are ignored), `probability` and the `group_by` columns. ROC AUC is the
    Mann-Whitney statistic (ties count half); PR AUC is average precision
    as scikit-learn computes it (precision at each distinct threshold,
    weighted by the recall it adds). Null when a group lacks one class. -#}
{% macro ranking_quality(scored, group_by) -%}
    {%- set keys = group_by | join(', ') -%}
    select
        {{ keys }},
        sum(
            n_positive
            * (coalesce(negative_below, 0) + 0.5 * (n_rows - n_positive))
        )
        / nullif(max(total_positive) * max(total_negative), 0) as roc_auc,
        case
            when max(total_positive) > 0 and max(total_negative) > 0
                then
                    sum(
                        n_positive * 1.0 * positive_at_or_above
                        / rows_at_or_above
                    )
                    / max(total_positive)
        end as pr_auc
    from (
        select
            thresholds.*,
            sum(n_positive) over (
                partition by {{ keys }}
                order by probability desc
                rows between unbounded preceding and current row
            ) as positive_at_or_above,
            sum(n_rows) over (
                partition by {{ keys }}
                order by probability desc
                rows between unbounded preceding and current row
            ) as rows_at_or_above,
            sum(n_rows - n_positive) over (
                partition by {{ keys }}
                order by probability asc
                rows between unbounded preceding and 1 preceding
            ) as negative_below,
            sum(n_positive) over (partition by {{ keys }}) as total_positive,
            sum(n_rows - n_positive) over (
                partition by {{ keys }}
            ) as total_negative
        from (
            select
                {{ keys }},
                probability,
                count(*) as n_rows,
                sum(label) as n_positive
            from {{ scored }}
            where label is not null and probability is not null
            group by {{ keys }}, probability
        ) as thresholds
    ) as running
    group by {{ keys }}
{%- endmacro %}


{#- A hash of a row's columns but `excluded` (relation alias as a row): a
    replay of the same model on the same features is reused
    (ml_backtest_scores). Null where the warehouse has no such hash: every
    row is replayed then. -#}
{% macro feature_fingerprint(alias, excluded) -%}
    {{ return(adapter.dispatch('feature_fingerprint', 'leadscore')(alias, excluded)) }}
{%- endmacro %}

{% macro default__feature_fingerprint(alias, excluded) -%}
    cast(null as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__feature_fingerprint(alias, excluded) -%}
    hash(*columns({{ alias }}.* exclude ({{ excluded | join(', ') }})))
{%- endmacro %}
