{#- Every raw row that could not be used, with the table it came from, its
    key and why: the rows with a rejection_reason in the base models (for
    activities and lead feedback, the _checked ones, which add the checks
    against the leads). Duplicates removed on purpose are not here; they
    are counted in raw_row_reconciliation. -#}
with

base_leads as (
    select * from {{ checked_base_model('leads') }}
),

base_accounts as (
    select * from {{ checked_base_model('accounts') }}
),

-- with the lead checks (unknown lead, before the lead was created)
base_activities as (
    select * from {{ checked_base_model('activities') }}
),

base_opportunities as (
    select * from {{ checked_base_model('opportunities') }}
),

base_sales_reps as (
    select * from {{ checked_base_model('sales_reps') }}
),

-- with the lead check (unknown lead)
base_lead_feedback as (
    select * from {{ checked_base_model('lead_feedback') }}
),

rejected as (
    {%- for table_name, key in [
        ('leads', 'lead_id'),
        ('accounts', 'account_id'),
        ('activities', 'activity_id'),
        ('opportunities', 'opportunity_id'),
        ('sales_reps', 'rep_id'),
        ('lead_feedback', 'lead_id'),
    ] %}
        select
            '{{ table_name }}' as source_table,
            coalesce({{ key }}, '(row ' || raw_row_hash || ')') as row_key,
            rejection_reason as reason,
            raw_record
        from base_{{ table_name }}
        where rejection_reason is not null
        {{ "union all" if not loop.last }}
    {%- endfor %}
)

select
    source_table,
    row_key,
    reason,
    cast(raw_record as varchar) as raw_record
from rejected
