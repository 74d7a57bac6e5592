"""The demo CRM generator: contract shape, determinism, dirt, truth and CLI errors."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from leadscore_demo.cli import main

# shared/CONTRACT.md, written out here so that the test does not trust the generator's schemas
CONTRACT: dict[str, dict[str, str]] = {
    "leads": {
        "lead_id": "VARCHAR",
        "email": "VARCHAR",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
        "job_title": "VARCHAR",
        "company_name": "VARCHAR",
        "account_id": "VARCHAR",
        "country": "VARCHAR",
        "lead_source": "VARCHAR",
        "created_at": "TIMESTAMP",
        "updated_at": "TIMESTAMP",
        "converted_at": "TIMESTAMP",
        "disqualified_at": "TIMESTAMP",
        "is_disqualified": "BOOLEAN",
        "email_opt_out": "BOOLEAN",
        "owner_id": "VARCHAR",
    },
    "accounts": {
        "account_id": "VARCHAR",
        "company_name": "VARCHAR",
        "domain": "VARCHAR",
        "industry": "VARCHAR",
        "employee_count": "BIGINT",
        "annual_revenue": "DOUBLE",
        "country": "VARCHAR",
        "technologies": "VARCHAR",
    },
    "activities": {
        "activity_id": "VARCHAR",
        "lead_id": "VARCHAR",
        "occurred_at": "TIMESTAMP",
        "activity_type": "VARCHAR",
        "url": "VARCHAR",
        "device_type": "VARCHAR",
        "campaign": "VARCHAR",
    },
    "opportunities": {
        "opportunity_id": "VARCHAR",
        "lead_id": "VARCHAR",
        "account_id": "VARCHAR",
        "created_at": "TIMESTAMP",
        "closed_at": "TIMESTAMP",
        "is_won": "BOOLEAN",
        "amount": "DOUBLE",
    },
    "sales_reps": {
        "rep_id": "VARCHAR",
        "name": "VARCHAR",
        "email": "VARCHAR",
        "segment": "VARCHAR",
        "region": "VARCHAR",
        "daily_capacity": "BIGINT",
        "is_active": "BOOLEAN",
    },
    "lead_feedback": {
        "lead_id": "VARCHAR",
        "rep_id": "VARCHAR",
        "given_at": "TIMESTAMP",
        "verdict": "VARCHAR",
        "reason": "VARCHAR",
    },
}
ACTIVITY_TYPES = (
    "page_view",
    "email_delivered",
    "email_open",
    "email_click",
    "email_reply",
    "email_bounce",
    "email_unsubscribe",
    "form_submit",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "video_view",
    "demo_request",
    "contact_sales",
    "trial_signup",
    "social_engagement",
    "meeting_booked",
)
END = dt.datetime(2026, 10, 31, 23, 59, 59)
SMALL = ["--leads", "300", "--history-days", "548", "--quiet"]


def generate(out: Path, *args: str) -> Path:
    assert main(["--out", str(out), *SMALL, *args]) == 0
    return out


def read(con: duckdb.DuckDBPyConnection, folder: Path, table: str, fmt: str = "csv") -> str:
    """A FROM clause reading one table with the contract's types."""
    if fmt == "parquet":
        return f"read_parquet('{folder}/{table}.parquet')"
    types = ", ".join(f"'{c}': '{t}'" for c, t in CONTRACT[table].items())
    return f"read_csv('{folder}/{table}.csv', header=true, types={{{types}}})"


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 leads with a high dirt rate, so that every kind of dirt shows up."""
    return generate(tmp_path_factory.mktemp("dirty"), "--dirt-rate", "0.2", "--seed", "7")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("clean"), "--dirt-rate", "0", "--seed", "7")


@pytest.fixture(scope="module")
def default_dirt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("parquet"), "--format", "parquet")


# --- shape -------------------------------------------------------------------------------------


def test_csv_has_every_contract_table_and_column_in_order(default_dirt: Path) -> None:
    for table, columns in CONTRACT.items():
        header = (default_dirt / f"{table}.csv").open().readline().strip()
        assert header.replace('"', "").split(",") == list(columns), table


def test_csv_values_parse_as_the_contract_types(default_dirt: Path) -> None:
    con = duckdb.connect()
    for table in CONTRACT:
        n = con.sql(f"select count(*) from {read(con, default_dirt, table)}").fetchall()[0]
        assert n is not None and n[0] > 0, table


def test_csv_timestamps_are_iso_seconds_and_booleans_true_false(default_dirt: Path) -> None:
    lines = (default_dirt / "leads.csv").read_text().splitlines()[1:50]
    for line in lines:
        stamps = re.findall(r"\d{4}-\d\d-\d\d[ T][\d:.]+", line)
        assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", s) for s in stamps)
        assert re.search(r",(true|false),(true|false),", line), line


def test_parquet_has_every_table_with_typed_columns(parquet: Path) -> None:
    con = duckdb.connect()
    for table, columns in CONTRACT.items():
        described = con.sql(f"describe select * from {read(con, parquet, table, 'parquet')}")
        got = {name: typ for name, typ, *_ in described.fetchall()}
        assert got == columns, table


def test_default_data_spans_the_history_up_to_the_end_date(clean: Path) -> None:
    con = duckdb.connect()
    first, last = con.sql(
        f"select min(created_at), max(occurred_at) from {read(con, clean, 'activities')} "
        f"join {read(con, clean, 'leads')} using (lead_id)"
    ).fetchall()[0] or (None, None)
    assert first >= dt.datetime(2025, 5, 1)  # 548 days before 2026-10-31
    assert first < dt.datetime(2025, 6, 1)
    assert dt.datetime(2026, 10, 25) < last <= END


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_identical_files_and_another_seed_does_not(
    tmp_path: Path, parquet: Path
) -> None:
    again = generate(tmp_path / "again", "--format", "parquet")
    other = generate(tmp_path / "other", "--format", "parquet", "--seed", "43")
    files = sorted(p.relative_to(parquet) for p in parquet.rglob("*.parquet"))
    assert len(files) == 8
    for f in files:
        assert (again / f).read_bytes() == (parquet / f).read_bytes(), f
    assert (other / "leads.parquet").read_bytes() != (parquet / "leads.parquet").read_bytes()


# --- dirt ----------------------------------------------------------------------------------


def test_every_kind_of_dirt_is_present(dirty: Path) -> None:
    con = duckdb.connect()
    leads, acts = read(con, dirty, "leads"), read(con, dirty, "activities")

    def count(sql: str) -> int:
        return int(con.sql(sql).fetchall()[0][0])

    types = ", ".join(f"'{t}'" for t in ACTIVITY_TYPES)
    checks = {
        "lead re-export with another updated_at": f"""select count(*) from (select lead_id
            from {leads} group by 1 having count(distinct updated_at) > 1)""",
        "exact duplicate lead rows": f"""select count(*) from (select * from {leads}
            group by all having count(*) > 1)""",
        "null lead_id": f"select count(*) from {leads} where lead_id is null",
        "null created_at": f"select count(*) from {leads} where created_at is null",
        "malformed email": f"""select count(*) from {leads}
            where not regexp_full_match(email, '[^@ ]+@[^@ ]+\\.[a-z]+')""",
        "placeholder": f"""select count(*) from {leads} where trim(job_title) in
            ('Select', 'N/A', '-', 'null', 'unknown', 'n/a', '--', 'None', '?', 'Select...')""",
        "padded text": f"select count(*) from {leads} where company_name like ' %'",
        "duplicate activity id": f"""select count(*) from (select activity_id from {acts}
            group by 1 having count(*) > 1)""",
        "null activity lead_id": f"select count(*) from {acts} where lead_id is null",
        "null occurred_at": f"select count(*) from {acts} where occurred_at is null",
        "null activity_type": f"select count(*) from {acts} where activity_type is null",
        # decades ahead, so they never move a build's default score date
        "future timestamp": f"""select count(*) from {acts}
            where occurred_at > cast('{END}' as timestamp) + interval 20 year""",
        "unknown lead": f"select count(*) from {acts} anti join {leads} using (lead_id)",
        "before created": f"""select count(*) from {acts} a join
            (select lead_id, min(created_at) c from {leads} group by 1) l using (lead_id)
            where a.occurred_at < l.c""",
        "type spelling": f"""select count(*) from {acts} where activity_type not in ({types})
            and replace(lower(trim(activity_type)), ' ', '_') in ({types})""",
        "unknown type": f"""select count(*) from {acts}
            where replace(lower(trim(activity_type)), ' ', '_') not in ({types})""",
    }
    missing = [kind for kind, sql in checks.items() if count(sql) == 0]
    assert missing == []
    near_future = f"""select count(*) from {acts} where occurred_at > '{END} 23:59:59'
        and occurred_at < cast('{END}' as timestamp) + interval 20 year"""
    assert count(near_future) == 0


def test_dirt_touches_roughly_the_configured_share_of_activities(default_dirt: Path) -> None:
    con = duckdb.connect()
    acts = read(con, default_dirt, "activities")
    types = ", ".join(f"'{t}'" for t in ACTIVITY_TYPES)
    total, dirty_rows = con.sql(
        f"""select count(*), count(*) filter (where lead_id is null or occurred_at is null
            or activity_type is null or activity_id is null or occurred_at > '{END}'
            or activity_type not in ({types}))
            + (count(activity_id) - count(distinct activity_id))
        from {acts}"""
    ).fetchall()[0] or (0, 0)
    share = dirty_rows / total
    assert 0.01 < share < 0.05  # --dirt-rate 0.03 by default; most rows are clean


def test_no_dirt_at_rate_zero(clean: Path) -> None:
    con = duckdb.connect()
    leads, acts = read(con, clean, "leads"), read(con, clean, "activities")
    types = ", ".join(f"'{t}'" for t in ACTIVITY_TYPES)
    assert con.sql(
        f"""select count(*) - count(distinct lead_id), count(*) filter (where lead_id is null
            or created_at is null) from {leads}"""
    ).fetchall()[0] == (0, 0)
    assert con.sql(
        f"""select count(*) - count(distinct activity_id), count(*) filter (where lead_id is null
            or occurred_at is null or activity_type is null or activity_id is null),
            count(*) filter (where occurred_at > '{END}'),
            count(*) filter (where activity_type not in ({types}))
        from {acts}"""
    ).fetchall()[0] == (0, 0, 0, 0)
    orphans = con.sql(f"select count(*) from {acts} anti join {leads} using (lead_id)")
    assert orphans.fetchall() == [(0,)]


# --- behaviour and outcomes ----------------------------------------------------------------


def test_activities_and_conversions_come_after_the_lead_was_created(clean: Path) -> None:
    con = duckdb.connect()
    leads, acts = read(con, clean, "leads"), read(con, clean, "activities")
    early = con.sql(
        f"select count(*) from {acts} a join {leads} l using (lead_id) "
        "where a.occurred_at < l.created_at"
    ).fetchall()[0]
    assert early == (0,)
    row = con.sql(
        f"""select count(*) filter (where converted_at is not null),
            count(*) filter (where converted_at <= created_at or updated_at < converted_at)
        from {leads}"""
    ).fetchall()[0]
    assert row is not None and row[0] > 10 and row[1] == 0


def test_every_activity_type_of_the_vocabulary_occurs(default_dirt: Path) -> None:
    con = duckdb.connect()
    seen = {
        r[0]
        for r in con.sql(
            f"select distinct activity_type from {read(con, default_dirt, 'activities')}"
        ).fetchall()
    }
    assert set(ACTIVITY_TYPES) <= seen


def test_activity_scale_sets_the_volume_of_activity_rows(tmp_path: Path, clean: Path) -> None:
    more = generate(tmp_path / "more", "--dirt-rate", "0", "--seed", "7", "--activity-scale", "2")
    n = [len((d / "activities.csv").read_text().splitlines()) for d in (clean, more)]
    assert n[1] > 1.4 * n[0]


def test_truth_rows_cover_open_leads_on_mondays_and_the_end_date(clean: Path) -> None:
    truth = pq.read_table(clean / "_truth" / "lead_propensity.parquet")
    assert truth.column_names == ["lead_id", "as_of_date", "true_probability"]
    con = duckdb.connect()
    con.register("truth", truth)
    leads = read(con, clean, "leads")
    dates = [r[0] for r in con.sql("select distinct as_of_date from truth order by 1").fetchall()]
    assert dates[-1] == dt.date(2026, 10, 31)
    assert all(d.weekday() == 0 for d in dates[:-1])
    assert len(dates) in (53, 54) and dates[0] > dt.date(2025, 10, 31)
    dupes = con.sql("select count(*) - count(distinct (lead_id, as_of_date)) from truth")
    assert dupes.fetchall() == [(0,)]
    p = truth.column("true_probability").to_numpy()
    assert p.min() >= 0.0 and p.max() <= 1.0
    # only leads that existed and were still open at the end of the as-of date
    closed = con.sql(
        f"""select count(*) from truth t join {leads} l using (lead_id)
        where l.created_at >= t.as_of_date + interval 1 day
           or l.converted_at < t.as_of_date + interval 1 day
           or l.disqualified_at < t.as_of_date + interval 1 day"""
    ).fetchall()[0]
    assert closed == (0,)


def test_truth_is_higher_for_leads_that_then_convert(clean: Path) -> None:
    con = duckdb.connect()
    rows = con.sql(
        f"""select coalesce(l.converted_at < t.as_of_date + interval 91 day, false) as y,
            t.true_probability as p
        from '{clean}/_truth/lead_propensity.parquet' t join {read(con, clean, "leads")} l
        using (lead_id)"""
    ).fetchnumpy()
    y, p = np.asarray(rows["y"], dtype=bool), np.asarray(rows["p"])
    assert y.sum() > 30
    assert p[y].mean() > 3 * p[~y].mean()


# --- command line --------------------------------------------------------------------------


def test_negative_leads_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--out", str(tmp_path), "--leads", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--leads must be at least 1" in err and "Traceback" not in err


def test_unknown_format_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--out", str(tmp_path), "--format", "xlsx"]) == 2
    assert "--format" in capsys.readouterr().err


def test_bad_date_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--out", str(tmp_path), "--end-date", "31/10/2026"]) == 2
    assert "is not a date like 2026-10-31" in capsys.readouterr().err


def test_unwritable_out_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "leadscore_demo", "--out", str(blocker / "demo"), "--leads", "10"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "tools")},
        check=False,
    )
    assert result.returncode == 2
    assert "cannot write to --out" in result.stderr
    assert "Traceback" not in result.stderr


def test_recent_hand_raisers_score_high_and_junk_leads_rarely_convert(clean: Path) -> None:
    con = duckdb.connect()
    leads, acts = read(con, clean, "leads"), read(con, clean, "activities")
    truth = f"'{clean}/_truth/lead_propensity.parquet'"
    fresh, others = con.sql(
        f"""with raised as (
            select distinct t.lead_id, t.as_of_date from {truth} t join {acts} a using (lead_id)
            where a.activity_type in ('demo_request', 'contact_sales', 'trial_signup')
              and a.occurred_at < t.as_of_date + interval 1 day
              and a.occurred_at >= t.as_of_date - interval 6 day)
        select avg(true_probability) filter (where r.lead_id is not null),
               avg(true_probability) filter (where r.lead_id is null)
        from {truth} t left join raised r using (lead_id, as_of_date)"""
    ).fetchall()[0]
    assert fresh > 3 * others
    attributes = f"'{clean}/_truth/lead_attributes.parquet'"
    junk_rate, other_rate = con.sql(
        f"""select avg((converted_at is not null)::int) filter (where is_junk),
                   avg((converted_at is not null)::int) filter (where not is_junk)
        from {leads} join {attributes} using (lead_id)"""
    ).fetchall()[0]
    assert junk_rate < 0.03 < other_rate


def test_rerun_replaces_files_of_the_other_format_and_stale_truth(tmp_path: Path) -> None:
    out = generate(tmp_path / "demo", "--leads", "20")
    generate(out, "--leads", "20", "--format", "parquet", "--no-truth")
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(
        f"{t}.parquet" for t in CONTRACT
    )
    assert list((out / "_truth").iterdir()) == []
