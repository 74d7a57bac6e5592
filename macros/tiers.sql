{#- The tier of a 0-100 score, from var tier_thresholds (validated). -#}
{% macro tier_thresholds() %}
    {%- set thresholds = var('tier_thresholds') -%}
    {%- if thresholds is string -%}
        {%- set thresholds = fromyaml(thresholds) -%}
    {%- endif -%}
    {%- set sales_now = thresholds.get('sales_now') if thresholds is mapping else none -%}
    {%- set nurture = thresholds.get('nurture') if thresholds is mapping else none -%}
    {%- if sales_now is not number or nurture is not number
        or not (0 <= nurture < sales_now <= 100) -%}
        {{ exceptions.raise_compiler_error(
            "var tier_thresholds must be {sales_now: <number>, nurture: <number>} with "
            ~ "0 <= nurture < sales_now <= 100 (defaults 80 and 50); got "
            ~ thresholds ~ ".") }}
    {%- endif -%}
    {{ return({"sales_now": sales_now, "nurture": nurture}) }}
{% endmacro %}


{% macro score_tier(score_column) -%}
    {%- set thresholds = leadscore.tier_thresholds() -%}
    case
        when {{ score_column }} >= {{ thresholds.sales_now }} then 'sales_now'
        when {{ score_column }} >= {{ thresholds.nurture }} then 'nurture'
        else 'awareness'
    end
{%- endmacro %}


{#- The configured action of a tier (var tier_actions). -#}
{% macro tier_action(tier_column) -%}
    {%- set actions = var('tier_actions') -%}
    case {{ tier_column }}
        {%- for tier in ['sales_now', 'nurture', 'awareness'] %}
        when '{{ tier }}' then '{{ actions.get(tier, tier) | replace("'", "''") }}'
        {%- endfor %}
    end
{%- endmacro %}
