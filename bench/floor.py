"""The floor: what lead scoring costs without dbt, tests or model selection.

A plain script on the same export files as the build: DuckDB SQL for point-in-time features
at the project's weekly as-of dates (``--week-end``, by default the score date, and every 7
days back over 365 days, plus each lead's creation within them; a lead is open at an as-of
date when it was created and neither
converted nor disqualified by the end of that day, and at most 365 days old; label = converted
within ``--horizon-days`` after it), then one scikit-learn HistGradientBoostingClassifier
trained on the labelled as-of dates up to ``--train-end``, which scores the rows after it and
the open leads at the latest weekly as-of date. No cleaning beyond what reading needs (latest
row per lead, activity types lower-cased), no calibration, no reasons, no tests.

Behaviour is counted per lead per week back from the latest weekly as-of date (week 0 ends on
it), so an as-of date ``k`` weeks back sees weeks ``k`` and older: the last 7, 28 and 91 days
are 1, 4 and 13 whole weeks. A lead's creation row has no behaviour yet.

    python bench/floor.py --data /work/bench-data/demo-20000 --out /tmp/floor
    python bench/floor.py --data DIR --out DIR --train-end 2026-04-05 \\
        --eval-keys keys.parquet   # score exactly these (lead_id, as_of_date, is_at_creation)

``bench/bench_build.py`` runs it beside the whole ``dbt build`` on the same files. Writes
``<out>/eval_predictions.parquet`` (the held-out rows: ``lead_id``, ``as_of_date``,
``floor_label``, ``probability``) and ``<out>/scores.parquet`` (open leads at the score date),
and prints its timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier

WINDOW_WEEKS = {"7d": 1, "21d": 3, "35d": 5, "91d": 13}
COUNTS = {
    "engaged": "kind not in ('email_delivered', 'email_bounce', 'email_unsubscribe')",
    "page_view": "kind = 'page_view'",
    "pricing_view": "kind = 'page_view' and url ilike '%/pricing%'",
    "compare_view": "kind = 'page_view' and url ilike '%/compare%'",
    "docs_view": "kind = 'page_view' and url ilike '%/docs%'",
    "email_delivered": "kind = 'email_delivered'",
    "email_open": "kind = 'email_open'",
    "email_click": "kind = 'email_click'",
    "content": "kind in ('content_download', 'video_view')",
    "webinar": "kind in ('webinar_registered', 'webinar_attended')",
    "form_submit": "kind = 'form_submit'",
    "high_intent": "kind in ('demo_request', 'contact_sales', 'trial_signup', 'meeting_booked')",
    "negative": "kind in ('email_bounce', 'email_unsubscribe')",
}
RECENCY = ("engaged", "pricing_view", "high_intent")
CATEGORICAL = ("lead_source", "industry", "country", "seniority", "job_function")
NUMERIC = (
    "employee_count",
    "annual_revenue",
    "is_free_email",
    "has_partner_tech",
    "has_competitor_tech",
    "n_technologies",
    "days_since_created",
    "weeks_since_engaged",
    "decayed_engaged",
    "decayed_pricing_view",
    "decayed_high_intent",
    "was_rejected_by_sales",
    *(f"days_since_{name}" for name in RECENCY),
)


def table(data: Path, name: str) -> str:
    """The export file of a table, as DuckDB reads it (Parquet or CSV)."""
    for suffix in (".parquet", ".csv"):
        if (data / f"{name}{suffix}").exists():
            return f"'{data / (name + suffix)}'"
    raise SystemExit(f"no {name}.parquet or {name}.csv in {data}")


def build_features(
    con: duckdb.DuckDBPyConnection,
    data: Path,
    score_date: dt.date | None,
    horizon: int,
    eval_keys: Path | None,
    batches: int = 1,
    week_end: dt.date | None = None,
) -> dt.date:
    """Create table ``rows``: one row per lead and as-of date with features and label.

    ``batches`` > 1 builds the rows for one share of the leads at a time (by hash of the lead
    id), so the behaviour join and its aggregation hold one share of the panel at once.
    """
    con.execute(f"""
        create table leads as
        with latest as (
            select *, row_number() over (
                partition by lead_id order by try_cast(updated_at as timestamp) desc nulls last
            ) as rn
            from {table(data, "leads")}
            where lead_id is not null
        )
        select
            latest.lead_id,
            try_cast(latest.created_at as timestamp) as created_at,
            try_cast(latest.converted_at as timestamp) as converted_at,
            coalesce(
                try_cast(latest.disqualified_at as timestamp),
                case when try_cast(latest.is_disqualified as boolean)
                    then try_cast(latest.updated_at as timestamp) end
            ) as disqualified_at,
            lower(trim(latest.lead_source)) as lead_source,
            lower(trim(coalesce(accounts.country, latest.country))) as country,
            lower(trim(accounts.industry)) as industry,
            try_cast(accounts.employee_count as double) as employee_count,
            try_cast(accounts.annual_revenue as double) as annual_revenue,
            case when regexp_matches(lower(latest.email), '@(gmail|yahoo|hotmail|outlook)\\.')
                then 1.0 else 0.0 end as is_free_email,
            case
                when regexp_matches(lower(latest.job_title),
                    '(chief|ceo|cto|cfo|cmo|founder|president|owner)') then 'c_level'
                when regexp_matches(lower(latest.job_title), '(vp|vice president|head of)')
                    then 'vp'
                when regexp_matches(lower(latest.job_title), 'director') then 'director'
                when regexp_matches(lower(latest.job_title), '(manager|lead)') then 'manager'
                when regexp_matches(lower(latest.job_title), '(intern|student|assistant)')
                    then 'junior'
                when latest.job_title is null then null
                else 'individual'
            end as seniority,
            case
                when regexp_matches(lower(latest.job_title), '(student|intern)') then 'student'
                when regexp_matches(lower(latest.job_title),
                    '(data|analytics|bi |machine learning|scientist)') then 'data'
                when regexp_matches(lower(latest.job_title),
                    '(engineer|developer|swe|architect|devops|cto)') then 'engineering'
                when regexp_matches(lower(latest.job_title), '(it |infrastructure|security)')
                    then 'it'
                when regexp_matches(lower(latest.job_title), '(marketing|growth|content)')
                    then 'marketing'
                when regexp_matches(lower(latest.job_title), '(sales|account exec|revops)')
                    then 'sales'
                when regexp_matches(lower(latest.job_title), '(operations|ops)') then 'operations'
                else 'other'
            end as job_function,
            case when regexp_matches(lower(accounts.technologies),
                '(snowflake|bigquery|databricks|dbt|segment|fivetran|salesforce|hubspot)')
                then 1.0 else 0.0 end as has_partner_tech,
            case when regexp_matches(lower(accounts.technologies),
                '(madkudu|6sense|competitorx|infer)') then 1.0 else 0.0 end
                as has_competitor_tech,
            len(string_split(accounts.technologies, ';'))::double as n_technologies
        from latest
        left join (
            select * from {table(data, "accounts")}
            qualify row_number() over (partition by account_id) = 1
        ) as accounts on latest.account_id = accounts.account_id
        where latest.rn = 1 and try_cast(latest.created_at as timestamp) is not null
    """)
    if score_date is None:
        score_date = con.execute(f"""
            select max(try_cast(occurred_at as timestamp))::date
            from {table(data, "activities")}
            where try_cast(occurred_at as timestamp) <= now()
        """).fetchall()[0][0]
    sd = f"date '{score_date.isoformat()}'"
    # the weekly as-of dates: the latest week's end (the build's int_score_date.week_end_date,
    # var week_ends_on; by default the score date) and every 7 days before it
    week_end = week_end or score_date
    we = f"date '{week_end.isoformat()}'"
    counts = ",\n".join(
        f"count(*) filter (where {cond}) as {name}" for name, cond in COUNTS.items()
    )
    recency = ",\n".join(
        f"max(occurred_at::date) filter (where {COUNTS[name]}) as last_{name}" for name in RECENCY
    )
    con.execute(f"""
        create table lead_week as
        with activities as (
            select
                lead_id,
                try_cast(occurred_at as timestamp) as occurred_at,
                replace(lower(trim(activity_type)), ' ', '_') as kind,
                url
            from {table(data, "activities")}
        )
        select
            lead_id,
            date_diff('day', occurred_at::date, {we}) // 7 as wk,
            {counts},
            {recency}
        from activities
        where occurred_at < {we} + 1 and occurred_at >= {we} - 7 * (52 + 14)
        group by all
    """)
    keys = f"""
        select leads.lead_id, {we} - 7 * k as as_of_date, k, false as is_at_creation
        from leads, (select range::integer as k from range(0, 53)) as steps
        where leads.created_at < {we} - 7 * k + 1
            and (leads.converted_at is null or leads.converted_at >= {we} - 7 * k + 1)
            and (leads.disqualified_at is null or leads.disqualified_at >= {we} - 7 * k + 1)
            and (k = 0 or date_diff('day', leads.created_at, {we} - 7 * k + 1) <= 365)
        union all
        select lead_id, created_at::date, null, true
        from leads
        where created_at::date < {sd} and created_at::date >= {we} - 364
            and date_diff('day', created_at::date, {we}) % 7 <> 0
    """
    if eval_keys is not None:
        # the rows to score as given, whether or not this script would call the lead open
        keys = f"""
            select * from ({keys}) as own
            union
            select
                lead_id, as_of_date::date,
                case when not is_at_creation
                    then (date_diff('day', as_of_date::date, {we}) // 7)::integer end,
                is_at_creation
            from read_parquet('{eval_keys}')
        """
    windows = ",\n".join(
        f"coalesce(sum(lead_week.{name}) filter (where lead_week.wk < keys.k + {weeks}), 0)"
        f" as {name}_{window}"
        for window, weeks in WINDOW_WEEKS.items()
        for name in COUNTS
    )
    days_since = ",\n".join(
        f"date_diff('day', max(lead_week.last_{name}), keys.as_of_date)::double"
        f" as days_since_{name}"
        for name in RECENCY
    )
    con.execute(f"""
        create table rejections as
        select lead_id, min(try_cast(given_at as timestamp)) as rejected_at
        from {table(data, "lead_feedback")}
        where lower(trim(verdict)) = 'rejected'
        group by 1
    """)

    for batch in range(batches):
        batch_keys = f"select * from ({keys}) where hash(lead_id) % {batches} = {batch}"
        con.execute(
            ("create table rows as " if batch == 0 else "insert into rows ")
            + _rows_query(batch_keys, windows, days_since, horizon, sd)
        )
    return score_date


def _rows_query(keys: str, windows: str, days_since: str, horizon: int, sd: str) -> str:
    """The rows (features and label) of the lead-dates ``keys`` selects."""
    decayed = ",\n".join(
        f"cast(coalesce(sum(lead_week.{name}"
        f" * cast(pow(0.5, (lead_week.wk - keys.k) / 2.0) as decimal(18, 15))), 0) as double)"
        f" as decayed_{name}"
        for name in ("engaged", "pricing_view", "high_intent")
    )
    return f"""
        with keys as ({keys}),
        -- the decayed sums in exact decimals: the same whatever order the rows are added in
        -- (parallel aggregation, batches), so the model is too
        behaviour as (
            select
                keys.lead_id, keys.as_of_date,
                {windows},
                min(lead_week.wk) filter (where lead_week.engaged > 0) - keys.k
                    as weeks_since_engaged,
                {decayed},
                {days_since}
            from keys
            left join lead_week
                on keys.lead_id = lead_week.lead_id
                and lead_week.wk between keys.k and keys.k + 12
            group by keys.lead_id, keys.as_of_date, keys.k
        )
        select
            keys.lead_id,
            keys.as_of_date,
            keys.k = 0 as is_score_date,
            -- known before: the end of the as-of date, or the moment of creation
            case when keys.is_at_creation then leads.created_at
                else keys.as_of_date + 1 end as known_before,
            case
                when keys.k = 0 then null
                when known_before + interval {horizon} day > {sd} + 1 then null
                when leads.converted_at < known_before + interval {horizon} day then 1
                else 0
            end as label,
            date_diff('day', leads.created_at, keys.as_of_date)::double as days_since_created,
            case when rejections.rejected_at < known_before then 1.0 else 0.0 end
                as was_rejected_by_sales,
            leads.* exclude (lead_id, created_at, converted_at, disqualified_at),
            behaviour.* exclude (lead_id, as_of_date)
        from keys
        inner join leads on keys.lead_id = leads.lead_id
        left join behaviour
            on keys.lead_id = behaviour.lead_id and keys.as_of_date = behaviour.as_of_date
        left join rejections on keys.lead_id = rejections.lead_id
    """


def feature_columns() -> list[str]:
    return [
        *CATEGORICAL,
        *NUMERIC,
        *(f"{name}_{window}" for window in WINDOW_WEEKS for name in COUNTS),
    ]


def matrix(frame: pl.DataFrame, codes: dict[str, dict[str, int]]) -> np.ndarray:
    """Features as floats: categories as codes (unseen and null: NaN)."""
    columns = []
    for name in feature_columns():
        if name in codes:
            mapping = codes[name]
            columns.append(
                frame.get_column(name)
                .replace_strict(mapping, default=None, return_dtype=pl.Float64)
                .fill_null(np.nan)
                .to_numpy()
            )
        else:
            columns.append(frame.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy())
    return np.column_stack(columns)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of export files")
    parser.add_argument("--out", type=Path, required=True, help="folder for the predictions")
    parser.add_argument("--score-date", type=dt.date.fromisoformat, default=None)
    parser.add_argument(
        "--week-end",
        type=dt.date.fromisoformat,
        default=None,
        help="the latest weekly as-of date (the build's int_score_date.week_end_date); "
        "default: the score date",
    )
    parser.add_argument("--horizon-days", type=int, default=90)
    parser.add_argument(
        "--train-end",
        type=dt.date.fromisoformat,
        default=None,
        help="last as-of date to learn from (default: one horizon before the last labelled)",
    )
    parser.add_argument("--eval-keys", type=Path, default=None)
    parser.add_argument("--max-train-rows", type=int, default=1_000_000)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--batches", type=int, default=1, help="build the panel for 1/N of the leads at a time"
    )
    parser.add_argument(
        "--database", type=Path, default=None, help="a DuckDB file (default: in memory)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(
        str(args.database) if args.database else ":memory:",
        config={"memory_limit": args.memory_limit, "threads": 2},
    )
    con.execute("set preserve_insertion_order = false")
    score_date = build_features(
        con,
        args.data,
        args.score_date,
        args.horizon_days,
        args.eval_keys,
        args.batches,
        args.week_end,
    )
    n_rows, n_labelled, last_labelled = con.execute(
        "select count(*), count(label), max(as_of_date) filter (where label is not null) from rows"
    ).fetchall()[0]
    features_done = time.perf_counter()
    train_end = args.train_end or last_labelled - dt.timedelta(days=args.horizon_days)
    codes = {
        name: {
            value: i
            for i, (value,) in enumerate(
                con.sql(
                    f"select {name} from rows where {name} is not null "
                    f"group by 1 order by count(*) desc, 1 limit 250"
                ).fetchall()
            )
        }
        for name in CATEGORICAL
    }
    train = con.sql(f"""
        select * from rows
        where label is not null and as_of_date <= date '{train_end.isoformat()}'
        order by hash(lead_id, as_of_date, {args.seed})
        limit {args.max_train_rows}
    """).pl()
    model = HistGradientBoostingClassifier(
        categorical_features=list(range(len(CATEGORICAL))),
        max_iter=300,
        random_state=args.seed,
    )
    model.fit(matrix(train, codes), train.get_column("label").to_numpy())
    trained = time.perf_counter()
    held_out = (
        f"(lead_id, as_of_date) in (select lead_id, as_of_date::date "
        f"from read_parquet('{args.eval_keys}'))"
        if args.eval_keys is not None
        else f"label is not null and as_of_date > date '{train_end.isoformat()}'"
    )
    for name, where in (("eval_predictions", held_out), ("scores", "is_score_date")):
        frame = con.sql(f"select * from rows where {where}").pl()
        probability = model.predict_proba(matrix(frame, codes))[:, 1]
        frame.select("lead_id", "as_of_date", pl.col("label").alias("floor_label")).with_columns(
            pl.Series("probability", probability)
        ).write_parquet(args.out / f"{name}.parquet")
        print(f"floor: {name}: {frame.height:,} rows scored")
    done = time.perf_counter()
    print(
        f"floor: score date {score_date}, {n_rows:,} lead-dates ({n_labelled:,} labelled), "
        f"trained on {train.height:,} rows up to {train_end}; "
        f"features {features_done - started:.1f} s, training {trained - features_done:.1f} s, "
        f"scoring {done - trained:.1f} s, total {done - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
