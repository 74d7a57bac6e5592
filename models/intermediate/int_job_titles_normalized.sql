{#-
    One row per distinct raw job title of the leads: its normalised form and
    the seniority and job function that the rules of
    seeds/job_title_rules.csv give it. Titles repeat a lot, so each distinct
    title is normalised once and each distinct normalised title classified
    once.
-#}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

job_titles as (

    select distinct job_title
    from leads
    where job_title is not null

),

job_titles_normalized as (

    select
        job_title,
        {{ normalize_job_title('job_title') }} as job_title_normalized
    from job_titles

),

normalized_titles_classified as (

    select
        job_title_normalized,
        {{ classify_job_title('job_title_normalized', 'seniority') }}
            as seniority,
        {{ classify_job_title('job_title_normalized', 'function') }}
            as job_function
    from (
        select distinct job_title_normalized
        from job_titles_normalized
    ) as distinct_normalized_titles

),

final as (

    select
        job_titles_normalized.job_title,
        job_titles_normalized.job_title_normalized,
        normalized_titles_classified.seniority,
        normalized_titles_classified.job_function
    from job_titles_normalized
    inner join normalized_titles_classified
        on
            job_titles_normalized.job_title_normalized
            = normalized_titles_classified.job_title_normalized

)

select * from final
