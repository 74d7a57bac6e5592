{#- Owners for the hot leads: one row per sales_now lead per score date
    (an append-only log, like lead_score_history; a rebuild for the same
    score date replaces that date). The rules, in order:
    1. current_owner: the lead's CRM owner (leads.owner_id) is an active
       rep -> keep them;
    2. previous_assignment: routing gave the lead to a rep on an earlier
       score date and that rep is still active -> keep them;
    3. new_assignment: otherwise a rep with capacity left today, chosen in
       three passes, each using only the capacity the passes before left:
       a. segment_and_region: the rep's segment is the lead's and the rep's
          region names the lead's country or region (the most specific
          one: a country match beats a region match);
       b. segment: the rep's segment is the lead's;
       c. any_rep: any active rep.
       In each pass, leads are served highest score first (ties by
       lead_id) and each rep's capacity is a row of numbered slots
       (1..daily_capacity of NEW leads per score date): the n-th lead of a
       pool takes the n-th free slot ordered by slot number, then rep_id,
       so the least-loaded rep gets the next lead (round-robin).
    4. over_capacity: no free slot anywhere -> the lead waits for the next
       score date; no_active_reps: there is no active rep at all.
    Kept leads (1, 2) do not use capacity. The lead's segment comes from
    its company size: smb up to 200 employees (and unknown size),
    mid_market 201-1000, enterprise above 1000. -#}
{{ config(
    unique_key=['lead_id', 'score_date'],
    pre_hook="{{ clear_score_date() }}",
) }}

with

scores as (
    select * from {{ ref('lead_scores') }}
),

features as (
    select * from {{ ref('lead_features') }}
    where is_score_date
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

sales_reps as (
    select * from {{ ref('stg_crm__sales_reps') }}
),

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

earlier_assignments as (
    {%- if is_incremental() %}
        select
            lead_id,
            score_date,
            assigned_rep_id
        from {{ this }}
        where
            score_date < (select score_date.score_date from score_date)
            and assigned_rep_id is not null
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as lead_id,
            cast(null as date) as score_date,
            cast(null as {{ dbt.type_string() }}) as assigned_rep_id
        where false
    {%- endif %}
),

active_reps as (
    select
        rep_id,
        segment,
        region,
        daily_capacity
    from sales_reps
    where is_active
),

latest_earlier_assignment as (
    select
        lead_id,
        assigned_rep_id
    from earlier_assignments
    qualify
        row_number() over (partition by lead_id order by score_date desc) = 1
),

hot_leads as (
    select
        scores.lead_id,
        scores.score,
        leads.owner_id,
        case
            when features.employee_band = '201-1000' then 'mid_market'
            when features.employee_band in ('1001-5000', '5000+')
                then 'enterprise'
            else 'smb'
        end as lead_segment,
        nullif({{ snake_case('features.region') }}, 'unknown') as lead_region,
        nullif(lower(features.country_code), 'unknown') as lead_country_code,
        {{ snake_case('leads.country') }} as lead_country
    from scores
    left join features on scores.lead_id = features.lead_id
    left join leads on scores.lead_id = leads.lead_id
    where scores.tier = 'sales_now'
),

-- rules 1 and 2: an owner the lead already has
kept as (
    select
        hot_leads.lead_id,
        coalesce(current_owner.rep_id, previous_rep.rep_id) as assigned_rep_id,
        case
            when current_owner.rep_id is not null then 'current_owner'
            when previous_rep.rep_id is not null then 'previous_assignment'
        end as assignment_status
    from hot_leads
    left join active_reps as current_owner
        on hot_leads.owner_id = current_owner.rep_id
    left join latest_earlier_assignment
        on hot_leads.lead_id = latest_earlier_assignment.lead_id
    left join active_reps as previous_rep
        on latest_earlier_assignment.assigned_rep_id = previous_rep.rep_id
),

to_assign as (
    select hot_leads.*
    from hot_leads
    inner join kept on hot_leads.lead_id = kept.lead_id
    where kept.assigned_rep_id is null
),

-- rule 3: each rep's new-lead capacity as numbered slots (no rep needs
-- more slots than there are leads to assign)
slot_numbers as (
    select row_number() over (order by lead_id) as slot_number
    from to_assign
),

slots as (
    select
        active_reps.rep_id,
        active_reps.segment,
        active_reps.region,
        slot_numbers.slot_number
    from active_reps
    inner join slot_numbers
        on active_reps.daily_capacity >= slot_numbers.slot_number
),

rep_regions as (
    select distinct
        segment,
        region
    from slots
),

-- the most specific rep region naming the lead: its country, then region
lead_region_pools as (
    select
        to_assign.lead_id,
        to_assign.lead_segment,
        rep_regions.region as pool_region
    from to_assign
    inner join rep_regions
        on
            to_assign.lead_segment = rep_regions.segment
            and rep_regions.region in (
                to_assign.lead_country_code,
                to_assign.lead_country,
                to_assign.lead_region
            )
    qualify row_number() over (
        partition by to_assign.lead_id
        order by
            case
                when
                    rep_regions.region
                    in (to_assign.lead_country_code, to_assign.lead_country)
                    then 1
                else 2
            end,
            rep_regions.region
    ) = 1
),

-- pass a: segment and region
region_leads as (
    select
        lead_region_pools.lead_id,
        lead_region_pools.lead_segment,
        lead_region_pools.pool_region,
        row_number() over (
            partition by
                lead_region_pools.lead_segment, lead_region_pools.pool_region
            order by to_assign.score desc, to_assign.lead_id asc
        ) as pool_rank
    from lead_region_pools
    inner join to_assign on lead_region_pools.lead_id = to_assign.lead_id
),

region_slots as (
    select
        rep_id,
        segment,
        region,
        slot_number,
        row_number() over (
            partition by segment, region order by slot_number, rep_id
        ) as pool_rank
    from slots
),

region_matches as (
    select
        region_leads.lead_id,
        region_slots.rep_id,
        region_slots.slot_number,
        'segment_and_region' as match_level
    from region_leads
    inner join region_slots
        on
            region_leads.lead_segment = region_slots.segment
            and region_leads.pool_region = region_slots.region
            and region_leads.pool_rank = region_slots.pool_rank
),

-- pass b: segment only, with the capacity pass a left
segment_leads as (
    select
        to_assign.lead_id,
        to_assign.lead_segment,
        row_number() over (
            partition by to_assign.lead_segment
            order by to_assign.score desc, to_assign.lead_id asc
        ) as pool_rank
    from to_assign
    left join region_matches on to_assign.lead_id = region_matches.lead_id
    where region_matches.lead_id is null
),

segment_slots as (
    select
        slots.rep_id,
        slots.segment,
        slots.slot_number,
        row_number() over (
            partition by slots.segment
            order by slots.slot_number, slots.rep_id
        ) as pool_rank
    from slots
    left join region_matches
        on
            slots.rep_id = region_matches.rep_id
            and slots.slot_number = region_matches.slot_number
    where region_matches.rep_id is null
),

segment_matches as (
    select
        segment_leads.lead_id,
        segment_slots.rep_id,
        segment_slots.slot_number,
        'segment' as match_level
    from segment_leads
    inner join segment_slots
        on
            segment_leads.lead_segment = segment_slots.segment
            and segment_leads.pool_rank = segment_slots.pool_rank
),

matched_so_far as (
    select * from region_matches
    union all
    select * from segment_matches
),

-- pass c: any active rep, with the capacity passes a and b left
any_leads as (
    select
        to_assign.lead_id,
        row_number() over (
            order by to_assign.score desc, to_assign.lead_id asc
        ) as pool_rank
    from to_assign
    left join matched_so_far on to_assign.lead_id = matched_so_far.lead_id
    where matched_so_far.lead_id is null
),

any_slots as (
    select
        slots.rep_id,
        slots.slot_number,
        row_number() over (
            order by slots.slot_number, slots.rep_id
        ) as pool_rank
    from slots
    left join matched_so_far
        on
            slots.rep_id = matched_so_far.rep_id
            and slots.slot_number = matched_so_far.slot_number
    where matched_so_far.rep_id is null
),

any_matches as (
    select
        any_leads.lead_id,
        any_slots.rep_id,
        any_slots.slot_number,
        'any_rep' as match_level
    from any_leads
    inner join any_slots on any_leads.pool_rank = any_slots.pool_rank
),

new_assignments as (
    select * from matched_so_far
    union all
    select * from any_matches
),

assignments as (
    select
        -- keys
        hot_leads.lead_id,
        score_date.score_date,

        -- the lead
        hot_leads.score,
        hot_leads.lead_segment,
        coalesce(
            hot_leads.lead_country_code,
            hot_leads.lead_country,
            hot_leads.lead_region
        ) as lead_location,

        -- the owner
        coalesce(kept.assigned_rep_id, new_assignments.rep_id)
            as assigned_rep_id,
        case
            when kept.assignment_status is not null
                then kept.assignment_status
            when new_assignments.rep_id is not null then 'new_assignment'
            when (select count(*) from active_reps) = 0 then 'no_active_reps'
            else 'over_capacity'
        end as assignment_status,
        new_assignments.match_level,
        cast(new_assignments.slot_number as integer) as rep_new_lead_number
    from hot_leads
    cross join score_date
    inner join kept on hot_leads.lead_id = kept.lead_id
    left join new_assignments
        on hot_leads.lead_id = new_assignments.lead_id
)

select * from assignments
