{#- Owners for the hot leads: one row per sales_now lead per score date
    (an append-only log, like lead_score_history; a rebuild for the same
    score date replaces that date).

    Capacity (the one place it is defined, CTE rep_books): a rep's
    daily_capacity bounds the rep's hot book at each score date: the
    sales_now leads the rep holds at that date, the ones they already own
    and the new ones together, are at most daily_capacity. A lead that is
    still hot the next day still has to be worked, so it still counts;
    a rep's book frees up as leads convert, are disqualified or cool down.
    Within a book, leads the rep already owns come first, highest score
    first (ties by lead_id); new leads fill what is left.

    The rules, in order:
    1. current_owner: the lead's CRM owner (leads.owner_id) is an active
       rep and the lead is within that rep's capacity -> keep them;
    2. previous_assignment: routing gave the lead to a rep on an earlier
       score date, that rep is still active and the lead is within the
       rep's capacity -> keep them;
    3. a lead beyond its owner's capacity, by var over_capacity_action:
       queue (default) -> queued: it stays with its owner, waiting for a
       place in the owner's book (rep_book_position says where it stands);
       reassign -> it goes through rule 4 and is reassigned when a rep has
       room, else queued with its owner as above;
    4. new_assignment: a lead without an owner goes to a rep with room
       left, in passes, each using only the room the passes before left:
       a. segment_and_region: the rep's segment is the lead's and the rep's
          region names the lead's country or region (the most specific
          one: a country match beats a region match);
       b. segment: the rep's segment is the lead's;
       c. any_rep: any active rep, only with var
          routing_cross_segment_fallback (default false: a lead never
          leaves its segment).
       In each pass, leads are served highest score first (ties by
       lead_id) and each rep's free room is a row of numbered slots (the
       places after the leads the rep keeps, up to daily_capacity): the
       n-th lead of a pool takes the n-th free slot ordered by slot
       number, then rep_id, so the least-loaded rep gets the next lead
       (round-robin).
    5. a lead no rep can take waits for the next score date, unowned:
       over_capacity (reps of its segment exist, all full),
       no_segment_rep (no active rep of its segment, and the cross-segment
       fallback is off) or no_active_reps (no active rep at all).
    The lead's segment comes from its company size: smb up to 200
    employees (and unknown size), mid_market 201-1000, enterprise above
    1000. -#}
{%- set reassign = var('over_capacity_action') == 'reassign' -%}
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


-- rules 1 and 2: the owner a lead already has
owned as (
    select
        hot_leads.lead_id,
        hot_leads.score,
        coalesce(current_owner.rep_id, previous_rep.rep_id) as owner_rep_id,
        coalesce(current_owner.daily_capacity, previous_rep.daily_capacity)
            as owner_capacity,
        case
            when current_owner.rep_id is not null then 'current_owner'
            else 'previous_assignment'
        end as ownership
    from hot_leads
    left join active_reps as current_owner
        on hot_leads.owner_id = current_owner.rep_id
    left join latest_earlier_assignment
        on hot_leads.lead_id = latest_earlier_assignment.lead_id
    left join active_reps as previous_rep
        on latest_earlier_assignment.assigned_rep_id = previous_rep.rep_id
    where coalesce(current_owner.rep_id, previous_rep.rep_id) is not null
),

-- each owner's leads in book order: highest score first
owned_in_book_order as (
    select
        *,
        row_number() over (
            partition by owner_rep_id
            order by score desc, lead_id asc
        ) as book_position
    from owned
),

-- the capacity rule: a rep holds at most daily_capacity sales_now leads
-- at a score date; the leads kept take the first places of the book
kept as (
    select * from owned_in_book_order
    where book_position <= owner_capacity
),

beyond_owner_capacity as (
    select * from owned_in_book_order
    where book_position > owner_capacity
),

rep_books as (
    select
        active_reps.rep_id,
        active_reps.segment,
        active_reps.region,
        active_reps.daily_capacity,
        count(kept.lead_id) as kept_leads
    from active_reps
    left join kept on active_reps.rep_id = kept.owner_rep_id
    group by 1, 2, 3, 4
),

-- rule 4's leads: those without an owner (and, with over_capacity_action
-- reassign, those beyond their owner's capacity)
to_assign as (
    select hot_leads.*
    from hot_leads
    left join owned on hot_leads.lead_id = owned.lead_id
    left join beyond_owner_capacity
        on hot_leads.lead_id = beyond_owner_capacity.lead_id
    where
        owned.lead_id is null
        or (
            {{ 'true' if reassign else 'false' }}
            and beyond_owner_capacity.lead_id is not null
        )
),

-- each rep's free room as numbered slots: the places of its book after the
-- leads it keeps, up to daily_capacity (no book needs more places than
-- there are hot leads)
slot_numbers as (
    select row_number() over (order by lead_id) as slot_number
    from hot_leads
),

slots as (
    select
        rep_books.rep_id,
        rep_books.segment,
        rep_books.region,
        rep_books.kept_leads,
        slot_numbers.slot_number
    from rep_books
    inner join slot_numbers
        on
            rep_books.kept_leads < slot_numbers.slot_number
            and rep_books.daily_capacity >= slot_numbers.slot_number
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
        kept_leads,
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
        region_slots.kept_leads,
        region_slots.slot_number,
        'segment_and_region' as match_level
    from region_leads
    inner join region_slots
        on
            region_leads.lead_segment = region_slots.segment
            and region_leads.pool_region = region_slots.region
            and region_leads.pool_rank = region_slots.pool_rank
),

-- pass b: segment only, with the room pass a left
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
        slots.kept_leads,
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
        segment_slots.kept_leads,
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

{%- if var('routing_cross_segment_fallback') %}

    -- pass c: any active rep, with the room passes a and b left
    any_leads as (
        select
            to_assign.lead_id,
            row_number() over (
                order by to_assign.score desc, to_assign.lead_id asc
            ) as pool_rank
        from to_assign
        left join matched_so_far
            on to_assign.lead_id = matched_so_far.lead_id
        where matched_so_far.lead_id is null
    ),

    any_slots as (
        select
            slots.rep_id,
            slots.kept_leads,
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
            any_slots.kept_leads,
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
{%- else %}

    -- no pass c: a lead never goes to a rep of another segment
    new_assignments as (
        select * from matched_so_far
    ),
{%- endif %}

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
        coalesce(
            kept.owner_rep_id,
            new_assignments.rep_id,
            beyond_owner_capacity.owner_rep_id
        ) as assigned_rep_id,
        case
            when kept.lead_id is not null then kept.ownership
            when
                new_assignments.rep_id is not null
                and beyond_owner_capacity.lead_id is not null
                then 'reassigned'
            when new_assignments.rep_id is not null then 'new_assignment'
            when beyond_owner_capacity.lead_id is not null then 'queued'
            when (select count(*) from active_reps) = 0 then 'no_active_reps'
            {%- if not var('routing_cross_segment_fallback') %}
                when hot_leads.lead_segment not in (
                    select active_reps.segment from active_reps
                    where active_reps.segment is not null
                ) then 'no_segment_rep'
            {%- endif %}
            else 'over_capacity'
        end as assignment_status,
        case
            when new_assignments.rep_id is not null
                then beyond_owner_capacity.owner_rep_id
        end as reassigned_from_rep_id,
        new_assignments.match_level,
        cast(
            coalesce(
                kept.book_position,
                new_assignments.slot_number,
                beyond_owner_capacity.book_position
            ) as integer
        ) as rep_book_position,
        cast(
            new_assignments.slot_number - new_assignments.kept_leads
            as integer
        ) as rep_new_lead_number
    from hot_leads
    cross join score_date
    left join kept on hot_leads.lead_id = kept.lead_id
    left join beyond_owner_capacity
        on hot_leads.lead_id = beyond_owner_capacity.lead_id
    left join new_assignments
        on hot_leads.lead_id = new_assignments.lead_id
)

select * from assignments
