-- Minimal enrichment (account by account_id only); the normalisation of
-- titles, companies and countries and the domain/name matching replace it.
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
)

select
    leads.*,
    'other' as seniority,
    'other' as job_function,
    cast(null as varchar) as company_name_normalized,
    false as is_free_email,
    cast(null as varchar) as country_code,
    cast(null as varchar) as region,
    accounts.account_id as matched_account_id,
    case
        when accounts.account_id is not null then 'account_id' else 'none'
    end as account_match_method,
    accounts.industry,
    accounts.employee_count,
    accounts.annual_revenue,
    accounts.technologies,
    accounts.domain as account_domain
from leads
left join accounts on leads.account_id = accounts.account_id
