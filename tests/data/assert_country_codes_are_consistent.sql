-- seeds/country_codes.csv: every alias of one ISO code names the same
-- country and region, and codes are two letters. Returns the offending
-- codes.

with

country_codes as (

    select * from {{ ref('country_codes') }}

),

codes as (

    select
        iso2,
        count(distinct country_name) as country_names,
        count(distinct region) as regions
    from country_codes
    group by 1

)

select *
from codes
where
    country_names <> 1
    or regions <> 1
    or length(iso2) <> 2
    or iso2 <> upper(iso2)
