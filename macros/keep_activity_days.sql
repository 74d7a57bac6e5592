{#- int_lead_activity_daily's days kept from one build to the next.

    The table is incremental. Every row carries day_key: a hash of the
    md5 of the model's compiled code (every macro, var and seed it
    renders; not the database's name) and of the activities it counts on
    that day (how many, and the sum of each row's hash: order-free). The
    pre-hook keep_activity_days() computes today's key of every day with
    activity (one scan of the known activities, a group per day; no
    counting per lead) and compares it with the table's:
    - a day whose key is unchanged keeps its rows;
    - a day with a new, changed or removed activity (staged again, a lead
      that became usable or not, the score date moving on a day), or
      counted by another version of the code, is deleted and counted
      again (the model counts only leadscore_activity_days' changed days);
    - a day with no activity left is deleted.
    A build from scratch, or a table from before day_key, counts every day.
    The rows equal a build from scratch's; the log says how many days were
    kept (`leadscore: int_lead_activity_daily kept ...`). -#}

{#- The activities known at the score date: before int_score_date's
    cutoff. What the model counts, and what the days' keys hash. -#}
{% macro known_activities() -%}
    select activities.*
    from {{ ref('stg_crm__activities') }} as activities
    cross join (select cutoff_at from {{ ref('int_score_date') }}) as score_date
    where activities.occurred_at < score_date.cutoff_at
{%- endmacro %}


{#- The pre-hook: today's key of every day with activity, which of them the
    model counts (a temporary table it reads), and the table's rows of the
    other days deleted. -#}
{% macro keep_activity_days() -%}
    {%- if execute -%}
        {%- set keeps = 'day_key' in leadscore.kept_columns() -%}
        {%- set days -%}
            with

            known as (
                {{ leadscore.known_activities() }}
            ),

            now_days as (
                select
                    cast(occurred_at as date) as activity_date,
                    -- a number, not an md5 text: carried on every row
                    hash(
                        '{{ leadscore.compiled_code_md5() }}',
                        count(*),
                        sum(cast(hash(known) as hugeint))
                    ) as day_key
                from known
                group by 1
            )

            {%- if keeps %},

            -- a day's key as the table holds it; none when its rows disagree
            -- (a build stopped while writing them)
            kept_days as (
                select
                    activity_date,
                    case
                        when count(distinct day_key) = 1 and count(day_key) = count(*)
                            then any_value(day_key)
                    end as day_key
                from {{ this }}
                group by 1
            )

            select
                now_days.activity_date,
                now_days.day_key,
                -- (as text: a table of an earlier version may hold other keys)
                cast(kept_days.day_key as varchar)
                is distinct from cast(now_days.day_key as varchar) as is_changed
            from now_days
            left join kept_days on now_days.activity_date = kept_days.activity_date
            {%- else %}

            select
                activity_date,
                day_key,
                true as is_changed
            from now_days
            {%- endif %}
        {%- endset -%}
        {%- do run_query("create or replace temporary table leadscore_activity_days as "
            ~ days) -%}
        {%- if is_incremental() -%}
            {%- set deleted = run_query("delete from " ~ this ~ " where activity_date not in"
                ~ " (select activity_date from leadscore_activity_days where not is_changed)"
                ).rows[0][0] -%}
            {%- set counted = run_query("select count(*), count(*) filter (where is_changed)"
                ~ " from leadscore_activity_days").rows[0] -%}
            {{ log("leadscore: " ~ this.identifier ~ " kept "
                ~ "{:,}".format(counted[0] - counted[1]) ~ " of " ~ "{:,}".format(counted[0])
                ~ " days of activity; counting " ~ "{:,}".format(counted[1])
                ~ " again (a new, changed or removed activity, or another version"
                ~ (" of the code" if keeps else ": a table without day_key")
                ~ "), " ~ "{:,}".format(deleted) ~ " rows deleted", info=true) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
