"""The daily build with calendar weeks (var week_ends_on a weekday): a build on yesterday's
warehouse keeps the staged activities that did not change in the export, and the closed
weeks' activity table while what it is built from is unchanged, rebuilds it when that
changed, and always ends with the same rows as a full build from scratch."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
from dbt_helpers import query, run_dbt
from test_behaviour_windows import SCORE_DATE, WEEK_ENDS, _crm
from test_features_point_in_time import FEATURES, _write


def _compare_tables(database: Path, fresh: Path) -> None:
    """Every row of the staged activities, the closed weeks, the behaviour and the features
    equals a fresh build's."""
    for table, order in (
        ("staging.base_crm__activities", "all"),
        ("intermediate.int_lead_activity_weekly", "lead_id, week_index"),
        ("intermediate.int_lead_behaviour", "lead_id, as_of_date, is_at_creation"),
        ("features.lead_features", "lead_id, as_of_date, is_at_creation"),
    ):
        sql = f"select * from {table} order by {order}"
        got, want = query(database, sql), query(fresh, sql)
        assert len(want) > 100, table
        assert got == want, table


def _assert_staged_again(log: str, groups: int) -> None:
    """The staging kept its table and stages again only the groups of activities where the
    export changed: a few rows around each change, not the table."""
    found = re.search(
        r"base_crm__activities kept ([\d,]+) staged rows: the export differs in (\d+) of "
        r"([\d,]+) groups of activities .*\(([\d,]+) rows of the table\)",
        log,
    )
    assert found, log[-4000:]
    kept, differ, _, again = (int(n.replace(",", "")) for n in found.groups())
    assert differ == groups
    assert again <= 20 * groups < kept


def test_a_daily_build_keeps_closed_weeks_and_equals_a_full_rebuild(tmp_path: Path) -> None:
    """With calendar weeks, builds on yesterday's warehouse: one more day of activity and a
    new lead keep the closed weeks' activity table and behaviour rows as they are; a
    conversion backdated into a closed week keeps the activity and rebuilds the behaviour
    grid; an activity that arrived late for a closed week rebuilds both; after each, every
    row of the weekly table, int_lead_behaviour and lead_features equals a full build's
    from scratch on the same data."""
    week_end = WEEK_ENDS["sunday"]
    crm, _ = _crm(seed=11, week_end=week_end)
    daily = tmp_path / "daily.duckdb"
    variables = {"week_ends_on": "sunday"}

    def build(day: date, crm: dict, database: Path) -> str:
        folder = _write(tmp_path / f"crm-{day}", crm)
        result = run_dbt(
            FEATURES,
            database,
            {**variables, "raw_data_path": str(folder), "score_date": str(day)},
        )
        assert result.returncode == 0, result.stdout[-4000:]
        return result.stdout

    new_ids = itertools.count(1)

    def activity(lead_id: str, day: date, kind: str) -> dict:
        return {
            "activity_id": f"N{next(new_ids)}",  # each a new event
            "lead_id": lead_id,
            "occurred_at": f"{day} 11:00:00",
            "activity_type": kind,
            "url": "",
        }

    build(SCORE_DATE, crm, daily)
    # a day later, with that day's activity and a lead created that day: the closed weeks
    # are kept, the activity table's and the behaviour grid's
    later = SCORE_DATE + timedelta(days=1)
    newcomer = dict(crm["leads"][0], lead_id="L99", email="l99@acme.com")
    newcomer.update(created_at=f"{later} 08:00:00", converted_at="")
    crm["leads"].append(newcomer)
    crm["activities"] += [
        activity("L01", later, "email_open"),
        activity("L02", later, "demo_request"),
        activity("L99", later, "demo_request"),
    ]
    log = build(later, crm, daily)
    _assert_staged_again(log, groups=3)  # the day's three activities, not the whole export
    assert "leadscore: int_lead_activity_weekly kept" in log
    assert "leadscore: int_lead_behaviour kept" in log
    newcomer_rows = (
        "select as_of_date, n_demo_request_1d from intermediate.int_lead_behaviour"
        " where lead_id = 'L99'"
    )
    assert query(daily, newcomer_rows) == [(later, 1)]  # the score date's row only
    fresh = tmp_path / "fresh-1.duckdb"
    build(later, crm, fresh)
    _compare_tables(daily, fresh)
    # a day on, a conversion backdated into a closed week: the lead's rows at the weekly
    # as-of dates change (the behaviour grid is rebuilt), its activity does not
    day = later + timedelta(days=1)
    converted = next(lead for lead in crm["leads"] if not lead["converted_at"])
    converted["converted_at"] = f"{week_end - timedelta(days=10)} 09:00:00"
    at_week_end = (
        "select count(*) from intermediate.int_lead_behaviour"
        f" where lead_id = '{converted['lead_id']}' and as_of_date = '{week_end}'"
    )
    assert query(daily, at_week_end) == [(1,)]  # open then, as far as yesterday knew
    log = build(day, crm, daily)
    assert query(daily, at_week_end) == [(0,)]  # it left the funnel the week before
    assert "leadscore: int_lead_activity_weekly kept" in log
    assert "leadscore: int_lead_behaviour rebuilt" in log
    fresh = tmp_path / "fresh-2.duckdb"
    build(day, crm, fresh)
    _compare_tables(daily, fresh)
    # a day on, an activity that arrived late, dated in a closed week: the table is rebuilt;
    # and the export edits one activity, drops one and repeats one earlier than its first
    # copy (which then becomes the duplicate): only those are staged again
    day += timedelta(days=1)
    crm["activities"].append(activity("L03", week_end - timedelta(days=9), "content_download"))
    edited, dropped, repeated = crm["activities"][5], crm["activities"][6], crm["activities"][7]
    edited["url"] = "https://example.com/pricing"
    crm["activities"].remove(dropped)
    earlier = datetime.fromisoformat(repeated["occurred_at"]) - timedelta(minutes=5)
    crm["activities"].append(dict(repeated, occurred_at=f"{earlier:%Y-%m-%d %H:%M:%S}"))
    log = build(day, crm, daily)
    _assert_staged_again(log, groups=4)
    assert "leadscore: int_lead_activity_weekly rebuilt" in log
    assert "leadscore: int_lead_behaviour rebuilt" in log
    fresh = tmp_path / "fresh-3.duckdb"
    build(day, crm, fresh)
    _compare_tables(daily, fresh)


def test_staged_activities_from_an_earlier_version_are_staged_again_whole(
    tmp_path: Path,
) -> None:
    """A warehouse whose base_crm__activities an earlier version built (a plain table, no
    identity or key) upgrades on the next build: the table is staged again whole, says so,
    and then equals a build from scratch; the build after that keeps it."""
    crm, _ = _crm(seed=12, week_end=WEEK_ENDS["sunday"])
    folder = _write(tmp_path / "crm", crm)
    staging = ["run", "--select", "base_crm__activities"]
    variables = {"raw_data_path": str(folder), "score_date": str(SCORE_DATE)}
    upgraded, fresh = tmp_path / "upgraded.duckdb", tmp_path / "fresh.duckdb"
    for database in (upgraded, fresh):
        assert run_dbt(["seed"], database, variables).returncode == 0
        assert run_dbt(staging, database, variables).returncode == 0
    with duckdb.connect(str(upgraded)) as connection:  # what the earlier version left
        for column in ("row_identity", "raw_fingerprint", "staging_key"):
            connection.execute(f"alter table staging.base_crm__activities drop column {column}")
    result = run_dbt(staging, upgraded, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "base_crm__activities rebuilt: it was built by a version that kept no rows" in (
        result.stdout
    )
    columns = "activity_id, lead_id, occurred_at, raw_row_hash, raw_fingerprint, row_identity"
    sql = f"select {columns}, staging_key, is_duplicate, rejection_reason from"
    sql += " staging.base_crm__activities order by all"
    assert query(upgraded, sql) == query(fresh, sql)
    result = run_dbt(staging, upgraded, variables)
    assert "base_crm__activities kept" in result.stdout
    assert query(upgraded, sql) == query(fresh, sql)
