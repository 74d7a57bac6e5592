{#- One row per contract table: raw rows = kept + duplicates removed +
    rejected. A data test fails the build when a table does not add up, so
    no row can vanish without a trace. -#}
with

rejected as (
    select
        source_table,
        count(*) as rejected_rows
    from {{ ref('rejected_rows') }}
    group by 1
),

counts as (
    {%- for table_name in ['leads', 'accounts', 'activities', 'opportunities',
                           'sales_reps', 'lead_feedback'] %}
        select
            '{{ table_name }}' as source_table,
            (select count(*) from {{ ref('base_crm__' ~ table_name) }})
                as raw_rows,
            (select count(*) from {{ ref('stg_crm__' ~ table_name) }})
                as kept_rows,
            (
                select count(*) from {{ ref('base_crm__' ~ table_name) }}
                where is_duplicate
            ) as duplicate_rows
        {{ "union all" if not loop.last }}
    {%- endfor %}
)

select
    counts.source_table,
    counts.raw_rows,
    counts.kept_rows,
    counts.duplicate_rows,
    coalesce(rejected.rejected_rows, 0) as rejected_rows,
    counts.raw_rows = counts.kept_rows + counts.duplicate_rows
    + coalesce(rejected.rejected_rows, 0) as is_reconciled
from counts
left join rejected on counts.source_table = rejected.source_table
