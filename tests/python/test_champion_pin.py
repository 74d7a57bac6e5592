"""Var champion_version pins scoring to one model of the registry.

ml_champion (the one home of "which model scores") ranks the pinned model first whatever was
promoted since; training under a pin records it and promotes nothing, so a retrain cannot
change what scores; a pin the registry cannot honour stops the build before any model runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest
from champion_frames import champions, registry_run
from dbt_helpers import run_dbt
from leadscore.ml.lifecycle import RUN_SCHEMA, champion_run, training_run
from project_settings import lifecycle, split_by_dates, train_config
from synthetic_panel import make_synthetic_panel

MAY, JUNE = dt.date(2026, 5, 4), dt.date(2026, 6, 1)


RUNS = pl.DataFrame(
    [
        registry_run("may", "lsm-may", MAY, True),
        # trained, never promoted (it lost to the champion), still a model one may pin
        registry_run("may-2", "lsm-may-2", MAY + dt.timedelta(days=7), False),
        registry_run("june", "lsm-june", JUNE, True),
        registry_run("june-2", None, JUNE + dt.timedelta(days=7), None, action="failed"),
    ],
    schema=RUN_SCHEMA,
)


def test_without_a_pin_the_latest_promotion_scores() -> None:
    assert champions(RUNS).get_column("version_id").to_list() == ["lsm-june", "lsm-may"]


def test_a_pinned_version_scores_whatever_was_promoted_since() -> None:
    ranked = champions(RUNS, pinned="lsm-may")
    assert ranked.get_column("version_id").to_list() == ["lsm-may", "lsm-june"]
    assert ranked.get_column("champion_rank").to_list() == [1, 2]
    # a model that was trained but never promoted can be pinned too
    ranked = champions(RUNS, pinned="lsm-may-2")
    assert ranked.get_column("version_id").to_list() == ["lsm-may-2", "lsm-june", "lsm-may"]


def test_an_unknown_pin_leaves_no_model_at_rank_one_for_the_data_test() -> None:
    # the start-up check refuses it; were it missed, the champion would not be the pin and
    # tests/data/assert_the_pinned_version_scores fails the build
    assert champions(RUNS, pinned="lsm-nope").item(0, "version_id") == "lsm-june"


# --- training under a pin -------------------------------------------------------------------
RAN_AT = dt.datetime(2025, 9, 1, 6, 0)
LOGISTIC = train_config(candidates=("logistic",), split=split_by_dates())


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return make_synthetic_panel(n_leads=300, n_dates=30, seed=11, n_unlabelled_dates=2)


def test_retraining_under_a_pin_records_it_and_promotes_nothing(panel: pl.DataFrame) -> None:
    score_date = panel.get_column("as_of_date").max()
    settings = lifecycle(min_labelled=200, train=LOGISTIC)
    # a model that was trained and never promoted: without a champion, the next challenger
    # that beats the points rules would be promoted
    first = training_run(panel, None, settings, score_date, RAN_AT)
    first = first.with_columns(pl.lit(False).alias("is_promoted"))
    pinned_version = first.item(0, "version_id")
    assert champion_run(first) is None

    pinned = dataclasses.replace(settings, retrain_policy="always", champion_version=pinned_version)
    retrain = training_run(panel, first, pinned, score_date, RAN_AT + dt.timedelta(days=1))
    row = retrain.row(0, named=True)
    assert row["action"] == "trained" and row["model_bundle"]  # training still ran
    assert row["is_promoted"] is False
    note = f"scoring pinned to {pinned_version} by var champion_version"
    assert row["action_reason"] == f"retraining policy 'always'; {note}"
    assert row["promotion_reason"].startswith(f"not promoted, {note} (else: ")

    # the same build without the pin promotes it
    free = training_run(
        panel,
        first,
        dataclasses.replace(pinned, champion_version=None),
        score_date,
        RAN_AT + dt.timedelta(days=1),
    )
    assert free.item(0, "is_promoted") is True

    # what scores: the pin; the registry's own champion is unchanged for when it is lifted
    runs = pl.concat([first, retrain])
    assert champions(runs, pinned=pinned_version).item(0, "version_id") == pinned_version
    assert champion_run(runs) is None

    kept = training_run(
        panel,
        runs,
        dataclasses.replace(pinned, retrain_policy="never"),
        score_date,
        RAN_AT + dt.timedelta(days=2),
    )
    assert kept.item(0, "action") == "cold_start"  # no champion: the registry's view
    assert kept.item(0, "action_reason").endswith(f"; {note}")


# --- the start-up check ------------------------------------------------------------------------
SEED_ONLY = ["seed", "--select", "country_codes"]


def _warehouse(folder: Path) -> Path:
    database = folder / "db.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema ml")
        connection.register("runs", RUNS)
        connection.execute("create table ml.ml_training_runs as select * from runs")
    return database


def _start(database: Path, variables: dict) -> tuple[int, str]:
    result = run_dbt(SEED_ONLY, database, variables)
    return result.returncode, result.stdout


def test_a_pin_the_registry_cannot_honour_stops_the_build_at_start(tmp_path: Path) -> None:
    code, out = _start(tmp_path / "empty" / "db.duckdb", {"champion_version": "lsm-may"})
    assert code != 0 and "has no model registry yet" in out

    database = _warehouse(tmp_path)
    code, out = _start(database, {"champion_version": "lsm-nope"})
    assert code != 0
    assert "holds no trained model of that version with a model bundle" in out
    assert "Nothing was built" in out

    # a failed run has no model to score with
    code, out = _start(database, {"champion_version": "None"})
    assert code != 0 and "holds no trained model" in out

    # backtest-style: a build at a score date before the model was trained
    code, out = _start(database, {"champion_version": "lsm-june", "score_date": "2026-05-20"})
    assert code != 0 and "after this build's score date 2026-05-20" in out

    # a backtest checks its own registry (backtest_ml), which does not hold production's models
    code, out = _start(
        database,
        {"champion_version": "lsm-may", "score_date": "2026-05-20", "mode": "backtest"},
    )
    assert code != 0 and "has no model registry yet" in out


def test_a_usable_pin_starts_and_says_so(tmp_path: Path) -> None:
    database = _warehouse(tmp_path)
    code, out = _start(database, {"champion_version": "lsm-may", "score_date": "2026-06-10"})
    assert code == 0, out[-3000:]
    assert "scoring pinned to lsm-may by var champion_version" in out
