"""A build whose score date lies past the end of the data warns: the last weeks would read
as "nothing happened" (a stale export, or a score_date past the data)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dbt_helpers import FIXTURES, query, run_dbt

SELECT = [
    "build",
    "--select",
    "+int_score_date",
    "assert_data_reaches_the_score_date",
    "--indirect-selection",
    "cautious",
]


def _freshness_test(tmp_path: Path, variables: dict) -> tuple[str, str]:
    database = tmp_path / "db.duckdb"
    result = run_dbt(SELECT, database, {"raw_data_path": str(FIXTURES / "mini_crm"), **variables})
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    (status,) = [
        r["status"] for r in results if "assert_data_reaches_the_score_date" in r["unique_id"]
    ]
    return status, result.stdout


@pytest.fixture(scope="module")
def data_end(tmp_path_factory: pytest.TempPathFactory) -> dt.date:
    """The date the mini CRM's data reaches (its own score date), from a default build."""
    folder = tmp_path_factory.mktemp("fresh")
    status, _ = _freshness_test(folder, {})
    assert status == "pass"  # the default score date is where the data ends
    sql = "select cast(latest_event_at as date) from intermediate.int_score_date"
    return query(folder / "db.duckdb", sql)[0][0]


def test_a_score_date_weeks_past_the_data_warns(data_end: dt.date, tmp_path: Path) -> None:
    score_date = (data_end + dt.timedelta(days=30)).isoformat()
    status, stdout = _freshness_test(tmp_path, {"score_date": score_date})
    assert status == "warn", stdout[-2000:]


def test_a_score_date_within_the_warning_window_passes(data_end: dt.date, tmp_path: Path) -> None:
    score_date = (data_end + dt.timedelta(days=3)).isoformat()
    status, _ = _freshness_test(tmp_path, {"score_date": score_date, "stale_data_warn_days": 7})
    assert status == "pass"


def test_stale_data_can_stop_the_build(data_end: dt.date, tmp_path: Path) -> None:
    score_date = (data_end + dt.timedelta(days=30)).isoformat()
    database = tmp_path / "db.duckdb"
    variables = {
        "raw_data_path": str(FIXTURES / "mini_crm"),
        "score_date": score_date,
        "stale_data_severity": "error",
    }
    result = run_dbt(SELECT, database, variables)
    assert result.returncode != 0
    assert "assert_data_reaches_the_score_date" in result.stdout


# --- labels censored at the end of the data ---------------------------------------------------
# A CRM whose data ends on DATA_END: 20 leads created weekly from 2025-01-06, each active on
# its creation day and on DATA_END; every third converts 20 days after creation.
DATA_END = dt.date(2025, 6, 30)
HORIZON = dt.timedelta(days=90)
LABELS = [
    "build",
    "--select",
    "+lead_features",
    "assert_labels_end_where_the_data_ends",
    "--indirect-selection",
    "cautious",
]


def _write_crm(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    leads = ["lead_id,email,created_at,converted_at"]
    activities = ["activity_id,lead_id,occurred_at,activity_type,url"]
    for number in range(20):
        lead_id = f"L{number:02d}"
        created = dt.datetime(2025, 1, 6, 9) + dt.timedelta(weeks=number)
        converted = created + dt.timedelta(days=20) if number % 3 == 1 else None
        leads.append(f"{lead_id},{lead_id}@example.com,{created},{converted or ''}")
        for day, moment in (("c", created), ("e", dt.datetime.combine(DATA_END, dt.time(15)))):
            activities.append(f"{lead_id}-{day},{lead_id},{moment},page_view,https://x.io/pricing")
    (folder / "leads.csv").write_text("\n".join(leads) + "\n")
    (folder / "activities.csv").write_text("\n".join(activities) + "\n")


def _labels(folder: Path, crm: Path, score_date: dt.date) -> tuple[tuple, list[tuple]]:
    """Build lead_features at `score_date`; return (cutoff_at, data_ends_at) and its rows
    (lead_id, as_of_date, is_at_creation, known_before, label) that are not scoring rows."""
    database = folder / "db.duckdb"
    variables = {"raw_data_path": str(crm), "score_date": score_date.isoformat()}
    result = run_dbt(LABELS, database, variables)
    assert result.returncode == 0, result.stdout[-3000:]
    (ends,) = query(database, "select cutoff_at, data_ends_at from intermediate.int_score_date")
    rows = query(
        database,
        "select lead_id, as_of_date, is_at_creation, _known_before, label"
        " from features.lead_features where not is_score_date",
    )
    return ends, rows


@pytest.fixture(scope="module")
def censoring(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[tuple, list[tuple]]]:
    folder = tmp_path_factory.mktemp("censoring")
    _write_crm(folder / "crm")
    return {
        "fresh": _labels(folder / "fresh", folder / "crm", DATA_END),
        # four weeks past the end of the data (the build warns, and still runs)
        "stale": _labels(folder / "stale", folder / "crm", DATA_END + dt.timedelta(days=28)),
    }


def test_fresh_data_ends_at_the_score_date_and_labels_every_finished_horizon(
    censoring: dict[str, tuple[tuple, list[tuple]]],
) -> None:
    (cutoff_at, data_ends_at), rows = censoring["fresh"]
    assert data_ends_at == cutoff_at == dt.datetime(2025, 7, 1)
    finished = [row for row in rows if row[3] + HORIZON <= cutoff_at]
    assert finished and all(row[4] is not None for row in finished)
    assert {row[4] for row in finished} == {0, 1}
    assert all(row[4] is None for row in rows if row[3] + HORIZON > cutoff_at)


def test_a_stale_score_date_leaves_labels_past_the_data_unknown(
    censoring: dict[str, tuple[tuple, list[tuple]]],
) -> None:
    (cutoff_at, data_ends_at), rows = censoring["stale"]
    assert cutoff_at == dt.datetime(2025, 7, 29)
    assert data_ends_at == dt.datetime(2025, 7, 1)  # the end of DATA_END
    # the rows a score-date cutoff would have labelled "not converted" (or converted):
    # their horizon ends after the data but before the score date
    past_the_data = [row for row in rows if data_ends_at < row[3] + HORIZON <= cutoff_at]
    assert len(past_the_data) >= 4
    assert all(row[4] is None for row in past_the_data)
    assert all(row[4] is None for row in rows if row[3] + HORIZON > data_ends_at)


def test_labels_within_the_data_do_not_depend_on_the_score_date(
    censoring: dict[str, tuple[tuple, list[tuple]]],
) -> None:
    # the stale score date is four weeks later, so both builds share their weekly as-of dates
    def labels(rows: list[tuple], data_ends_at: dt.datetime) -> dict[tuple, int | None]:
        return {(row[0], row[1]): row[4] for row in rows if row[3] + HORIZON <= data_ends_at}

    (_, fresh_end), fresh = censoring["fresh"]
    (_, stale_end), stale = censoring["stale"]
    labelled = labels(fresh, fresh_end)
    assert len(labelled) >= 20 and set(labelled.values()) == {0, 1}
    assert labels(stale, stale_end) == labelled
