{#- The tier mix over time: one row per score date in lead_score_history
    and tier, with the number and share of the open leads in it (zero rows
    included, so every date has all three tiers). -#}
with

history as (
    select * from {{ ref('lead_score_history') }}
),

tiers as (
    select tier_names.tier
    from (
        values ('sales_now'), ('nurture'), ('awareness')
    ) as tier_names (tier)
),

score_dates as (
    select
        score_date,
        count(*) as total_leads,
        sum(
            case when scoring_method = 'model' then 1 else 0 end
        ) as model_scored_leads
    from history
    group by 1
),

counts as (
    select
        score_date,
        tier,
        count(*) as leads
    from history
    group by 1, 2
)

select
    -- keys
    score_dates.score_date,
    tiers.tier,

    -- the mix
    cast(coalesce(counts.leads, 0) as bigint) as leads,
    coalesce(counts.leads, 0) * 1.0 / score_dates.total_leads as share,
    cast(score_dates.total_leads as bigint) as total_leads,
    score_dates.model_scored_leads * 1.0 / score_dates.total_leads
        as model_scored_share
from score_dates
cross join tiers
left join counts
    on
        score_dates.score_date = counts.score_date
        and tiers.tier = counts.tier
