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
        ("intermediate.int_lead_activity_daily", "lead_id, activity_date"),
        ("intermediate.int_lead_activity_weekly", "lead_id, week_index"),
        ("intermediate.int_lead_behaviour", "lead_id, as_of_date, is_at_creation"),
        ("features.lead_features", "lead_id, as_of_date, is_at_creation"),
    ):
        sql = f"select * from {table} order by {order}"
        got, want = query(database, sql), query(fresh, sql)
        assert len(want) > 100, table
        assert got == want, table


def _build_day(tmp_path: Path, crm: dict, day: date, database: Path) -> str:
    """The export as it stands written for `day`, and the features built on `database` at
    that score date with calendar weeks (Sundays). Returns dbt's log."""
    folder = _write(tmp_path / f"crm-{day}", crm)
    result = run_dbt(
        FEATURES,
        database,
        {"week_ends_on": "sunday", "raw_data_path": str(folder), "score_date": str(day)},
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return result.stdout


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


def _assert_days_counted(log: str, least: int, most: int) -> None:
    """The daily activity table kept its days and counted again only a few: from `least`
    to `most`, not all."""
    found = re.search(
        r"int_lead_activity_daily kept ([\d,]+) of ([\d,]+) days of activity; counting "
        r"([\d,]+) again",
        log,
    )
    assert found, log[-4000:]
    kept, days, again = (int(n.replace(",", "")) for n in found.groups())
    assert least <= again <= most < kept
    assert kept + again == days


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

    def build(day: date, crm: dict, database: Path) -> str:
        return _build_day(tmp_path, crm, day, database)

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
    without_rows = (
        "select count(*) from intermediate.int_lead_profiles"
        " where lead_id not in (select lead_id from features.lead_features)"
    )
    [(without,)] = query(daily, without_rows)  # leads closed before the look-back
    log = build(later, crm, daily)
    _assert_staged_again(log, groups=3)  # the day's three activities, not the whole export
    _assert_days_counted(log, least=1, most=1)  # that day's activity, now known
    assert "leadscore: int_lead_activity_weekly kept" in log
    assert "leadscore: int_lead_behaviour kept" in log
    kept = _features_kept(log)  # no lead changed; the newcomer has no rows yet
    assert kept[1:] == (0, without + 1, 0) and kept[0] > 100, kept
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
    assert "leadscore: lead_features rebuilt: every lead's rows changed" in log
    _assert_days_counted(log, least=0, most=0)  # no activity changed, none on that day
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
    _assert_days_counted(log, least=2, most=5)  # the late, edited, dropped, repeated ones
    assert "leadscore: int_lead_activity_weekly rebuilt" in log
    assert "leadscore: int_lead_behaviour rebuilt" in log
    fresh = tmp_path / "fresh-3.duckdb"
    build(day, crm, fresh)
    _compare_tables(daily, fresh)


def _features_kept(log: str) -> tuple[int, int, int, int]:
    """What lead_features' daily build kept: its rows, and how many leads whose profile
    changed, leads without rows and as-of dates whose label became known it built again."""
    found = re.search(
        r"lead_features kept ([\d,]+) rows and builds again .* those of: leads whose profile "
        r"changed or who left the export ([\d,]+), leads without rows yet ([\d,]+), as-of "
        r"dates where a label became known ([\d,]+) ",
        log,
    )
    assert found, log[-4000:]
    kept, changed, new, dates = (int(n.replace(",", "")) for n in found.groups())
    return kept, changed, new, dates


def test_daily_features_are_built_again_only_where_they_changed(tmp_path: Path) -> None:
    """With calendar weeks, a build later in the week keeps lead_features' rows but for the
    score date's and creation days', those of a lead whose title changed, and those of the
    as-of date whose label became known as the data moved on; the table equals a build from
    scratch. A table an earlier version built (no _feature_key) is built again whole."""
    week_end = WEEK_ENDS["sunday"]
    crm, _ = _crm(seed=15, week_end=week_end)

    def build(day: date, database: Path) -> str:
        return _build_day(tmp_path, crm, day, database)

    daily, fresh = tmp_path / "daily.duckdb", tmp_path / "fresh.duckdb"
    monday = SCORE_DATE
    crm["activities"].append(
        {
            "activity_id": "N1",
            "lead_id": "L01",
            "occurred_at": f"{monday} 09:00:00",
            "activity_type": "page_view",
            "url": "https://example.com/blog/a",
        }
    )
    build(monday, daily)
    # Saturday: the data reaches the day the labels of the Sunday 90 days back and 1 day
    # become known (as_of + 1 day + 90 days); one lead changed its title
    saturday = monday + timedelta(days=5)
    crm["activities"].append(
        {
            "activity_id": "N2",
            "lead_id": "L02",
            "occurred_at": f"{saturday} 09:00:00",
            "activity_type": "page_view",
            "url": "https://example.com/blog/b",
        }
    )
    flipped = saturday + timedelta(days=1) - timedelta(days=91)
    assert flipped.weekday() == 6  # a Sunday: a weekly as-of date
    open_at = f"select count(*) from features.lead_features where as_of_date = '{flipped}'"
    unlabelled = open_at + " and label is null"
    assert query(daily, unlabelled) == query(daily, open_at) != [(0,)]
    changed = next(
        lead
        for lead in crm["leads"]
        if lead["lead_id"] not in ("L01", "L02") and not lead["converted_at"]
    )
    changed["job_title"] = "Chief Executive Officer"
    log = build(saturday, daily)
    assert "leadscore: int_lead_behaviour kept" in log
    kept, leads, _, dates = _features_kept(log)
    assert (leads, dates) == (1, 1) and kept > 100, log[-4000:]
    assert query(daily, unlabelled) == [(0,)]
    build(saturday, fresh)
    _compare_tables(daily, fresh)
    # a table from before the key: built again whole, then equal to a fresh build's
    with duckdb.connect(str(daily)) as connection:
        connection.execute("alter table features.lead_features drop column _feature_key")
    log = build(saturday, daily)
    assert "lead_features rebuilt: it was built by a version without _feature_key" in log
    _compare_tables(daily, fresh)


def _two_warehouses(
    tmp_path: Path, crm: dict, select: str, names: tuple[str, str]
) -> tuple[list[str], dict, Path, Path]:
    """The export written and `select` run on two warehouses from the same seeds: one to
    build on, one to compare with. Returns the dbt command, its vars and the two paths."""
    folder = _write(tmp_path / "crm", crm)
    command = ["run", "--select", select]
    variables = {"raw_data_path": str(folder), "score_date": str(SCORE_DATE)}
    first, second = (tmp_path / f"{name}.duckdb" for name in names)
    for database in (first, second):
        assert run_dbt(["seed"], database, variables).returncode == 0
        assert run_dbt(command, database, variables).returncode == 0
    return command, variables, first, second


def test_staged_activities_from_an_earlier_version_are_staged_again_whole(
    tmp_path: Path,
) -> None:
    """A warehouse whose base_crm__activities an earlier version built (a plain table, no
    identity or key) upgrades on the next build: the table is staged again whole, says so,
    and then equals a build from scratch; the build after that keeps it."""
    crm, _ = _crm(seed=12, week_end=WEEK_ENDS["sunday"])
    staging, variables, upgraded, fresh = _two_warehouses(
        tmp_path, crm, "base_crm__activities", ("upgraded", "fresh")
    )
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


def test_activities_in_the_future_are_staged_again_only_when_their_time_comes(
    tmp_path: Path,
) -> None:
    """An activity rejected as 'occurred_at in the future' is not staged again on every
    build (it would be rejected the same); once its time has come (here: a staged row
    marked as rejected so, as a build before its time left it) its group is staged again,
    and the table equals a build from scratch."""
    crm, _ = _crm(seed=13, week_end=WEEK_ENDS["sunday"])
    crm["activities"].append(
        dict(crm["activities"][0], activity_id="A-later", occurred_at="2099-01-01 10:00:00")
    )
    staging, variables, daily, fresh = _two_warehouses(
        tmp_path, crm, "base_crm__activities", ("daily", "fresh")
    )
    rejected = "select activity_id, rejection_reason from staging.base_crm__activities"
    rejected += " where rejection_reason = 'occurred_at in the future'"
    assert query(daily, rejected) == [("A-later", "occurred_at in the future")]
    result = run_dbt(staging, daily, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    _assert_staged_again(result.stdout, groups=0)  # still in the future: kept as it is
    came = crm["activities"][1]["activity_id"]
    with duckdb.connect(str(daily)) as connection:
        connection.execute(
            "update staging.base_crm__activities"
            " set rejection_reason = 'occurred_at in the future'"
            f" where activity_id = '{came}'"
        )
    result = run_dbt(staging, daily, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    _assert_staged_again(result.stdout, groups=1)
    sql = "select * from staging.base_crm__activities order by all"
    assert query(daily, sql) == query(fresh, sql)


def test_daily_activity_from_an_earlier_version_is_counted_again_whole(tmp_path: Path) -> None:
    """A build on an unchanged export keeps every day of the daily activity table; a table
    an earlier version built (no day_key) is counted again whole on the next build, says
    so, and then equals a build from scratch."""
    crm, _ = _crm(seed=14, week_end=WEEK_ENDS["sunday"])
    daily, variables, upgraded, fresh = _two_warehouses(
        tmp_path, crm, "+int_lead_activity_daily", ("upgraded", "fresh")
    )
    result = run_dbt(daily, upgraded, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    found = re.search(
        r"int_lead_activity_daily kept ([\d,]+) of \1 days of activity; counting 0 ", result.stdout
    )
    assert found and int(found.group(1)) > 20, result.stdout[-4000:]
    with duckdb.connect(str(upgraded)) as connection:  # what the earlier version left
        connection.execute("alter table intermediate.int_lead_activity_daily drop column day_key")
    result = run_dbt(daily, upgraded, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(
        r"int_lead_activity_daily kept 0 of ([\d,]+) days of activity; counting "
        r"\1 again \(.*: a table without day_key\)",
        result.stdout,
    ), result.stdout[-4000:]
    sql = "select * from intermediate.int_lead_activity_daily order by all"
    assert query(upgraded, sql) == query(fresh, sql)
