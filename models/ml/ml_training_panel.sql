{#- The labelled training rows: features, label and the points score (the
    baseline every model is compared with on the same rows).

    At most var model_max_train_rows rows reach Python: when the labelled
    rows outnumber it, the panel is a seeded sample of lead-dates, the rows
    with the smallest hash(lead_id, as_of_date, var model_seed), exactly
    model_max_train_rows of them. Rows, not leads, are sampled: every as-of
    date keeps the same share of its rows (the time split still sees every
    week, in proportion), and rows of many leads teach more than all the
    weekly rows of fewer leads. The sample is deterministic, and a larger cap
    keeps every row a smaller one kept. At or under the cap every row is
    kept, unchanged. -#}
{%- set cap = var('model_max_train_rows') -%}
with

features as (
    select * from {{ ref('lead_features') }}
    where label is not null
),

points as (
    select
        lead_id,
        as_of_date,
        points_score
    from {{ ref('lead_points_scores') }}
),

-- the keys alone, read again: counting and ranking them holds no features
labelled_keys as (
    select hash(lead_id, as_of_date, {{ var('model_seed') }}) as row_hash
    from {{ ref('lead_features') }}
    where label is not null
),

labelled_count as (
    select count(*) as labelled_rows from labelled_keys
),

smallest_hashes as (
    select row_hash from labelled_keys
    order by 1
    limit {{ cap or 0 }}
),

sample_cut as (
    select max(row_hash) as max_row_hash from smallest_hashes
)

select
    features.*,
    points.points_score
from features
inner join points
    on
        features.lead_id = points.lead_id
        and features.as_of_date = points.as_of_date
where
    -- at or under the cap, or without one: every row
    {{ 'true' if cap is none else
        '(select labelled_count.labelled_rows from labelled_count) <= ' ~ cap }}
    or hash(features.lead_id, features.as_of_date, {{ var('model_seed') }})
    <= (select sample_cut.max_row_hash from sample_cut)
