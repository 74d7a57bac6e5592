"""Ranked champion frames for tests, built by the project's own ``ml_champion`` model.

The readers of the champion (scoring, drift, backtest, report) take the rows of
``models/ml/ml_champion.sql`` ordered by ``champion_rank``. Tests get them the same way: the
model's SQL, rendered with ``ref('ml_training_runs')`` pointing at the test's run table (and
the score date after every run), run
in an in-memory DuckDB, so no test re-implements the champion rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import jinja2
import polars as pl
from leadscore.ml.lifecycle import RUN_SCHEMA

ML_CHAMPION_SQL = Path(__file__).resolve().parents[2] / "models" / "ml" / "ml_champion.sql"


def champions(runs: pl.DataFrame | None, pinned: str | None = None) -> pl.DataFrame | None:
    """The ``ml_champion`` rows of a training-run table, ordered by ``champion_rank``
    (None stays None: no registry yet); ``pinned``: var champion_version."""
    if runs is None:
        return None
    # every run counts: the build stands after all of them
    relations = {
        "ml_training_runs": "runs",
        "int_score_date": "(select date '9999-12-31' as score_date)",
    }
    variables = {"champion_version": pinned}
    sql = jinja2.Template(ML_CHAMPION_SQL.read_text()).render(
        ref=relations.__getitem__, var=variables.__getitem__
    )
    with duckdb.connect() as con:
        con.register("runs", runs)
        out = con.sql(f"select * from ({sql}) order by champion_rank").pl()
    # DuckDB hands back what polars gave it; keep the registry's own column types
    return out.cast({name: runs.schema[name] for name in runs.columns})


def registry_run(
    run_id: str, version: str, score_date: dt.date, promoted: bool, **values: object
) -> dict:
    """One trained run of the registry (``ml_training_runs``), every other column null."""
    record = {name: None for name in RUN_SCHEMA}
    return record | {
        "run_id": run_id,
        "version_id": version,
        "score_date": score_date,
        "ran_at": dt.datetime.combine(score_date, dt.time(6)),
        "action": "trained",
        "action_reason": "retraining policy 'always'",
        "is_promoted": promoted,
        "model_kind": "logistic",
        "model_bundle": f"bundle of {version}".encode(),
        **values,
    }
