"""A backtest never touches production: a production build at a past score date stops
before any model runs, and a backtest (var mode: backtest) writes its tables into
backtest_* schemas and its files into backtest/ folders, leaving every table, export file and
the report of production byte-identical."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from dbt_helpers import FIXTURES, query, run_dbt

# the whole build, without its tests (they are not what this checks)
BUILD = ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]


def _state(database: Path, files: Path) -> dict[str, str]:
    """A fingerprint of every production table and every file the build wrote."""
    tables = query(
        database,
        "select table_schema, table_name from information_schema.tables"
        " where table_schema not like 'backtest_%' order by 1, 2",
    )
    out = {}
    for schema, table in tables:
        rows = query(database, f'select * from "{schema}"."{table}" order by all')
        out[f"{schema}.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    for path in sorted(files.rglob("*")):
        if path.is_file() and "backtest" not in path.parts:
            out[str(path.relative_to(files))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, dict]:
    root = tmp_path_factory.mktemp("prod")
    variables = {
        "raw_data_path": str(FIXTURES / "mini_crm"),
        "export_path": str(root / "out" / "exports"),
        "report_path": str(root / "out" / "reports" / "model_report.html"),
    }
    database = root / "db.duckdb"
    result = run_dbt(BUILD, database, variables)
    assert result.returncode == 0, result.stdout[-3000:]
    return database, root / "out", variables, _state(database, root / "out")


def _past(database: Path) -> str:
    (score_date,) = query(database, "select max(score_date) from marts.lead_score_history")[0]
    return (score_date - dt.timedelta(days=30)).isoformat()


def test_a_production_build_at_a_past_score_date_stops_before_any_model_runs(
    production: tuple[Path, Path, dict, dict],
) -> None:
    database, files, variables, before = production
    past = _past(database)
    result = run_dbt(BUILD, database, {**variables, "score_date": past})
    assert result.returncode != 0
    assert f"score_date {past} is before the latest score date" in result.stdout
    assert "mode: backtest" in result.stdout
    assert _state(database, files) == before


def test_a_backtest_writes_only_backtest_schemas_and_folders(
    production: tuple[Path, Path, dict, dict],
) -> None:
    database, files, variables, before = production
    past = _past(database)
    result = run_dbt(BUILD, database, {**variables, "score_date": past, "mode": "backtest"})
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"leadscore: BACKTEST at score date {past}" in result.stdout
    assert _state(database, files) == before
    # the backtest's own results, at its date
    assert query(database, "select distinct features_as_of from backtest_marts.lead_scores") == [
        (dt.date.fromisoformat(past),)
    ]
    assert (files / "exports" / "backtest" / "lead_routing.csv").exists()
    assert (files / "reports" / "backtest" / "model_report.html").exists()
