"""ROC AUC against training rows: what a cap on the rows training reads costs (issue 13.4).

Reads the training panel of a built warehouse (``ml.ml_training_panel``), then trains the
project's model (the build's settings from dbt_project.yml, without the refit, so every run
is judged on the same held-out test dates) with ``max_train_rows`` at each of ``--rows``:
the training dates keep a seeded random sample of that many rows, while the calibration and
test dates stay whole. Prints, per cap, the training rows, the seconds, the candidate
chosen, and ROC AUC / PR AUC on the test dates with the rules score beside them (the same
rows every time), so the cap can be set where the curve flattens.

    python bench/learning_curve.py --database WAREHOUSE.duckdb --rows 25000,50000,100000,200000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
from leadscore.ml.train import TrainResult, train_model

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests" / "python"))

from leadscore.settings import lifecycle_settings  # noqa: E402
from project_settings import project_vars  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="a built warehouse")
    parser.add_argument("--rows", default="25000,50000,100000,200000,400000,800000")
    args = parser.parse_args()
    with duckdb.connect(str(args.database), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
    labelled = panel.filter(panel["label"].is_not_null())
    print(
        f"panel: {panel.height:,} rows, {labelled.height:,} labelled "
        f"({int(labelled['label'].sum()):,} positive)"
    )
    base = lifecycle_settings(project_vars(model_refit=False)).train
    print(f"{'cap':>9}{'train rows':>12}{'seconds':>9}  {'model':<9}{'ROC AUC':>9}{'PR AUC':>8}")
    rules = None
    for cap in (int(value) for value in args.rows.split(",")):
        config = dataclasses.replace(base, max_train_rows=cap)
        started = time.perf_counter()
        result = train_model(panel, dt.datetime(2026, 1, 1, 6), config)
        seconds = time.perf_counter() - started
        train_rows = min(cap, _train_rows(result, labelled))
        chosen = result.candidates.filter(result.candidates["selected"])["candidate"][0]
        model = result.evaluation.model
        rules = result.evaluation.points or rules
        print(
            f"{cap:>9,}{train_rows:>12,}{seconds:>9.1f}  {chosen:<9}"
            f"{model.roc_auc:>9.4f}{model.pr_auc:>8.4f}"
        )
    if rules is not None:
        print(f"{'rules score, same test rows':>39}{rules.roc_auc:>9.4f}{rules.pr_auc:>8.4f}")


def _train_rows(result: TrainResult, labelled: pl.DataFrame) -> int:
    """Labelled rows on the training dates (before the cap)."""
    dates = set(result.split.train_dates)
    return labelled.filter(labelled["as_of_date"].is_in(list(dates))).height


if __name__ == "__main__":
    main()
