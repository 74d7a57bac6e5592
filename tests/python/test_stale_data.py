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
