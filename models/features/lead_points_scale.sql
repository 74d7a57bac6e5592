{#- The rules score on the model's 0-100 scale, for every points score
    0-100, so that during cold start the tiers take their usual share of
    the leads. The reference is the points of every lead_features row
    before the score date (the lead-dates a model would learn from).

    A points score's mid-rank percentile in the reference is what the
    model's percentile scale would give it (leadscore.ml.scale). The tier
    knots are the fewest points whose percentile reaches each tier
    threshold; the score runs in straight lines between them (0 points
    scores 0, the knots score the thresholds, 100 points scores 100).
    Every lead is in the tier its percentile puts it in, while a point
    gained or lost moves the score by the same amount anywhere in a band,
    not by how many lead-dates share that point (percentiles of dense
    integer points jump by several at each point, which would fill the
    change feed with decay).

    Used unless var rules_on_score_scale is never (or false); with
    cold_start (the default) ml_lead_scores takes it only while this
    warehouse has trained no model. Otherwise, with var
    score_scale 'probability', fewer than var
    rules_scale_min_rows reference rows, or knots that do not rise
    (nearly every lead-date on one points score, or a nurture threshold of
    0), the score is the points score itself (uses_scale false). -#}
{%- set thresholds = leadscore.tier_thresholds() -%}
{%- set scale_setting = var('rules_on_score_scale') | string | lower -%}
{%- set scale_off = scale_setting in ['false', 'never'] -%}
with

score_date as (
    select score_date from {{ ref('int_score_date') }}
),

reference as (
    select points.points_score
    from {{ ref('lead_points_scores') }} as points
    inner join score_date
        on points.as_of_date < score_date.score_date
),

reference_counts as (
    select
        points_score,
        count(*) as at_rows
    from reference
    group by 1
),

reference_size as (
    select count(*) as reference_rows from reference
),

points_values as (
    select cast(range as integer) as points_score
    from range(0, 101)
),

ranked as (
    select
        points_values.points_score,
        reference_size.reference_rows,
        coalesce(reference_counts.at_rows, 0) as at_rows,
        coalesce(sum(reference_counts.at_rows) over (
            order by points_values.points_score
            rows between unbounded preceding and 1 preceding
        ), 0) as below_rows
    from points_values
    cross join reference_size
    left join reference_counts
        on points_values.points_score = reference_counts.points_score
),

percentiles as (
    select
        *,
        case
            when reference_rows > 0
                then 100.0 * (below_rows + at_rows / 2.0) / reference_rows
        end as percentile
    from ranked
),

knots as (
    select
        min(points_score) filter (
            where percentile >= {{ thresholds.nurture }}
        ) as nurture_points,
        min(points_score) filter (
            where percentile >= {{ thresholds.sales_now }}
        ) as sales_now_points
    from percentiles
),

scaled as (
    select
        percentiles.*,
        knots.nurture_points,
        knots.sales_now_points,
        coalesce(
            {{ 'false' if scale_off else 'true' }}
            and '{{ var("score_scale") }}' = 'percentile'
            and percentiles.reference_rows
            >= {{ var('rules_scale_min_rows') }}
            and 0 < knots.nurture_points
            and knots.nurture_points < knots.sales_now_points,
            false
        ) as uses_scale,
        case
            when {{ 'true' if scale_off else 'false' }}
                then 'var rules_on_score_scale is {{ scale_setting }}'
            when '{{ var("score_scale") }}' != 'percentile'
                then 'var score_scale is {{ var("score_scale") }}'
            when
                percentiles.reference_rows
                < {{ var('rules_scale_min_rows') }}
                then
                    'only ' || percentiles.reference_rows
                    || ' earlier lead-dates (var rules_scale_min_rows: '
                    || {{ var('rules_scale_min_rows') }} || ')'
            when
                not coalesce(
                    0 < knots.nurture_points
                    and knots.nurture_points < knots.sales_now_points,
                    false
                )
                then
                    'the points that reach the tier thresholds do not rise ('
                    || coalesce(cast(knots.nurture_points as varchar), 'none')
                    || ' and '
                    || coalesce(cast(knots.sales_now_points as varchar), 'none')
                    || ' points)'
        end as unscaled_reason
    from percentiles
    cross join knots
)

select
    points_score,
    reference_rows,
    below_rows,
    at_rows,
    percentile,
    nurture_points,
    sales_now_points,
    uses_scale,
    unscaled_reason,
    case
        when not uses_scale then points_score
        when points_score < nurture_points
            then floor(
                1e-9 + {{ thresholds.nurture }} * points_score / nurture_points
            )
        when points_score < sales_now_points
            then floor(
                1e-9 + {{ thresholds.nurture }}
                + ({{ thresholds.sales_now }} - {{ thresholds.nurture }})
                * (points_score - nurture_points)
                / (sales_now_points - nurture_points)
            )
        when sales_now_points >= 100 then {{ thresholds.sales_now }}
        else floor(
            1e-9 + {{ thresholds.sales_now }}
            + (100 - {{ thresholds.sales_now }})
            * (points_score - sales_now_points)
            / (100 - sales_now_points)
        )
    end::integer as score
from scaled
