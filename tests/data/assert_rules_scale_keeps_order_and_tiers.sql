{#- The rules score scale has one row for each points score 0-100; more
    points never give a lower score; and when the scale is used, every
    points score is in the tier its percentile among the earlier lead-dates
    puts it in (the tiers take their usual share of the leads). -#}
{%- set thresholds = leadscore.tier_thresholds() -%}
with

scale as (
    select * from {{ ref('lead_points_scale') }}
),

gaps as (
    select 'not one row per points score 0-100' as problem
    from scale
    having
        count(*) != 101
        or min(points_score) != 0
        or max(points_score) != 100
),

inversions as (
    select 'lower score for more points' as problem
    from scale
    qualify score < lag(score) over (order by points_score)
),

wrong_tiers as (
    select 'tier differs from the percentile''s tier' as problem
    from scale
    where
        uses_scale
        and {{ leadscore.score_tier('score') }}
        != {{ leadscore.score_tier('percentile') }}
)

select * from gaps
union all
select * from inversions
union all
select * from wrong_tiers
