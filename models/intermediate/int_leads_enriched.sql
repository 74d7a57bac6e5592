{#-
    One row per lead: every column of stg_crm__leads, plus the lead's
    seniority and job function, normalised company name, free-email flag,
    country code and sales region, and the account it belongs to with that
    account's firmographics.

    Account matching, first rule that applies:
      1. account_id   - leads.account_id names an existing account;
      2. email_domain - the lead's corporate (non-free) email domain equals
                        an account's domain; when several accounts share the
                        domain, the smallest account_id wins;
      3. company_name - the lead's normalised company name equals the
                        normalised name of exactly one account (names shared
                        by several accounts are ambiguous and never match);
      4. none.
    Every lookup is unique on its join key, so a lead never fans out.
-#}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

job_titles as (

    select * from {{ ref('int_job_titles_normalized') }}

),

free_email_domains as (

    select * from {{ ref('free_email_domains') }}

),

country_codes as (

    select * from {{ ref('country_codes') }}

),

free_email_domain_list as (

    select distinct lower(trim(domain)) as email_domain
    from free_email_domains
    where domain is not null

),

-- free-text country -> iso2; an alias listed twice keeps its smallest code
country_lookup as (

    select
        {{ normalize_country('country_alias') }} as country_key,
        min(upper(trim(iso2))) as country_code
    from country_codes
    where country_alias is not null
    group by 1

),

country_regions as (

    select
        upper(trim(iso2)) as country_code,
        min(lower(trim(region))) as region
    from country_codes
    group by 1

),

accounts_normalized as (

    select
        account_id,
        domain,
        industry,
        employee_count,
        annual_revenue,
        technologies,
        {{ normalize_company_name('company_name') }}
            as company_name_normalized,
        {{ normalize_country('country') }} as country_key
    from accounts

),

-- several accounts may share a domain: the smallest account_id wins
accounts_by_domain as (

    select
        domain,
        min(account_id) as account_id
    from accounts_normalized
    where domain is not null
    group by 1

),

-- a normalised name shared by several accounts is ambiguous: no match
accounts_by_company_name as (

    select
        company_name_normalized,
        min(account_id) as account_id
    from accounts_normalized
    where company_name_normalized is not null
    group by 1
    having count(*) = 1

),

lead_company_names as (

    select
        company_name,
        {{ normalize_company_name('company_name') }}
            as company_name_normalized
    from (
        select distinct company_name
        from leads
        where company_name is not null
    ) as distinct_company_names

),

lead_countries as (

    select
        country,
        {{ normalize_country('country') }} as country_key
    from (
        select distinct country
        from leads
        where country is not null
    ) as distinct_countries

),

leads_matched as (

    select
        leads.*,
        coalesce(job_titles.seniority, 'other') as seniority,
        coalesce(job_titles.job_function, 'other') as job_function,
        lead_company_names.company_name_normalized,
        free_email_domain_list.email_domain is not null as is_free_email,
        case
            when accounts_by_id.account_id is not null
                then accounts_by_id.account_id
            when
                free_email_domain_list.email_domain is null
                and accounts_by_domain.account_id is not null
                then accounts_by_domain.account_id
            else accounts_by_company_name.account_id
        end as matched_account_id,
        case
            when accounts_by_id.account_id is not null
                then 'account_id'
            when
                free_email_domain_list.email_domain is null
                and accounts_by_domain.account_id is not null
                then 'email_domain'
            when accounts_by_company_name.account_id is not null
                then 'company_name'
            else 'none'
        end as account_match_method
    from leads
    left join job_titles
        on leads.job_title = job_titles.job_title
    left join lead_company_names
        on leads.company_name = lead_company_names.company_name
    left join free_email_domain_list
        on leads.email_domain = free_email_domain_list.email_domain
    left join accounts_normalized as accounts_by_id
        on leads.account_id = accounts_by_id.account_id
    left join accounts_by_domain
        on leads.email_domain = accounts_by_domain.domain
    left join accounts_by_company_name
        on
            lead_company_names.company_name_normalized
            = accounts_by_company_name.company_name_normalized

),

final as (

    select
        leads_matched.*,
        coalesce(
            lead_country_lookup.country_code,
            account_country_lookup.country_code
        ) as country_code,
        country_regions.region,
        matched_accounts.industry,
        matched_accounts.employee_count,
        matched_accounts.annual_revenue,
        matched_accounts.technologies,
        matched_accounts.domain as account_domain
    from leads_matched
    left join lead_countries
        on leads_matched.country = lead_countries.country
    left join country_lookup as lead_country_lookup
        on lead_countries.country_key = lead_country_lookup.country_key
    left join accounts_normalized as matched_accounts
        on leads_matched.matched_account_id = matched_accounts.account_id
    left join country_lookup as account_country_lookup
        on matched_accounts.country_key = account_country_lookup.country_key
    left join country_regions
        on
            coalesce(
                lead_country_lookup.country_code,
                account_country_lookup.country_code
            )
            = country_regions.country_code

)

-- every column of stg_crm__leads passes through, custom properties included,
-- so the column list is not known here
select * from final  -- noqa: AM04
