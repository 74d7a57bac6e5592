{#- Every raw row that could not be used, with the table it came from, its
    key and why. Duplicates removed on purpose are not here; they are
    counted in raw_row_reconciliation. -#}
with

base_leads as (
    select * from {{ ref('base_crm__leads') }}
),

base_accounts as (
    select * from {{ ref('base_crm__accounts') }}
),

-- with the lead checks (unknown lead, before the lead was created)
base_activities as (
    select * from {{ ref('base_crm__activities_checked') }}
),

base_opportunities as (
    select * from {{ ref('base_crm__opportunities') }}
),

base_sales_reps as (
    select * from {{ ref('base_crm__sales_reps') }}
),

base_lead_feedback as (
    select * from {{ ref('base_crm__lead_feedback') }}
),

leads as (
    select
        lead_id,
        created_at
    from {{ ref('stg_crm__leads') }}
),

row_level as (
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
),

feedback_of_no_lead as (
    select
        'lead_feedback' as source_table,
        base_lead_feedback.lead_id as row_key,
        'unknown lead_id' as reason,
        json_object(
            'lead_id', base_lead_feedback.lead_id,
            'rep_id', base_lead_feedback.rep_id,
            'given_at', base_lead_feedback.given_at,
            'verdict', base_lead_feedback.verdict_as_given
        ) as raw_record
    from base_lead_feedback
    left join leads on base_lead_feedback.lead_id = leads.lead_id
    where
        base_lead_feedback.rejection_reason is null
        and not base_lead_feedback.is_duplicate
        and leads.lead_id is null
),

unioned as (
    select * from row_level
    union all
    select * from feedback_of_no_lead
)

select
    source_table,
    row_key,
    reason,
    cast(raw_record as varchar) as raw_record
from unioned
