"""A deliberate rollback: `python -m leadscore.registry promote` makes an earlier model the
champion of the next build, recorded in the registry with who and why."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl
import pytest
from champion_frames import champions, registry_run
from leadscore.ml.lifecycle import RUN_SCHEMA, champion_run
from leadscore.registry.cli import main

MAY, JUNE = dt.date(2026, 5, 4), dt.date(2026, 6, 1)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    runs = pl.DataFrame(
        [
            registry_run("may", "lsm-may", MAY, True, roc_auc=0.8, pr_auc=0.3),
            registry_run("june", "lsm-june", JUNE, True, roc_auc=0.8, pr_auc=0.3),
        ],
        schema=RUN_SCHEMA,
    )
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema ml")
        connection.register("runs", runs)
        connection.execute("create table ml.ml_training_runs as select * from runs")
    return database


def _registry(database: Path) -> pl.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql("select * from ml.ml_training_runs").pl()


def test_promoting_an_earlier_model_makes_it_the_next_champion_with_who_and_why(
    warehouse: Path,
) -> None:
    assert champion_run(_registry(warehouse))["version_id"] == "lsm-june"
    out = io.StringIO()
    code = main(
        ["--database", str(warehouse), "promote", "lsm-may", "--why", "AUC fell", "--by", "ana"],
        out=out,
    )
    assert code == 0
    assert "lsm-may is the champion from the next build on" in out.getvalue()
    runs = _registry(warehouse)
    assert runs.height == 3  # appended, nothing deleted
    added = runs.filter(pl.col("action") == "promoted_by_hand").row(0, named=True)
    assert added["action_reason"] == "promoted by hand by ana: AUC fell"
    assert added["version_id"] == "lsm-may" and added["model_bundle"] == b"bundle of lsm-may"
    assert added["champion_version_id"] == "lsm-june"  # what it replaced
    assert added["score_date"] == JUNE
    # the champion as the next build sees it: the SQL rule and the registry's writer agree
    assert champions(runs).item(0, "version_id") == "lsm-may"
    assert champion_run(runs)["version_id"] == "lsm-may"


def test_an_unknown_version_or_no_reason_is_refused(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", str(warehouse), "promote", "lsm-nope", "--why", "x"]) == 2
    assert "no trained model 'lsm-nope'" in capsys.readouterr().err
    assert main(["--database", str(warehouse), "promote", "lsm-may", "--why", " "]) == 2
    assert "say why" in capsys.readouterr().err
    assert _registry(warehouse).height == 2


def test_list_marks_the_champion(warehouse: Path) -> None:
    out = io.StringIO()
    assert main(["--database", str(warehouse), "list"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("lsm-june") and lines[1].endswith("<- champion")
    assert lines[2].startswith("lsm-may") and "champion" not in lines[2]
