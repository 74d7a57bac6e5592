{#- Capacity is a real limit: at the latest score date no active rep works
    more sales_now leads (kept, new and reassigned together) than its
    daily_capacity; queued leads wait beyond it. -#}
with

-- the latest score date of the log: this build's (a build at an earlier
-- date is a backtest, with a log of its own). Only lead_assignments and the
-- reps are read, so a selective build that does not route (eager indirect
-- selection) does not pick this test up.
assignments as (
    select * from {{ ref('lead_assignments') }}
    qualify score_date = max(score_date) over ()
),

sales_reps as (
    select * from {{ ref('stg_crm__sales_reps') }}
),

books as (
    select
        assigned_rep_id,
        count(*) as worked_leads
    from assignments
    where
        assignment_status in (
            'current_owner', 'previous_assignment', 'new_assignment',
            'reassigned'
        )
    group by 1
)

select
    books.assigned_rep_id,
    books.worked_leads,
    sales_reps.daily_capacity
from books
left join sales_reps on books.assigned_rep_id = sales_reps.rep_id
where
    sales_reps.rep_id is null
    or books.worked_leads > sales_reps.daily_capacity
