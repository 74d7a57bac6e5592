"""The time split's periods by whole weeks against date by date, on a built warehouse's panel.

Trains the project's model (the build's settings from dbt_project.yml, without the refit)
twice on ``ml.ml_training_panel``: once with the calibration and test periods grown date by
date (``period_days`` 1, the split before whole weeks) and once by whole training steps (var
``training_step_days``, the build's split). Prints each split's periods (dates, rows, weekly
as-of dates in them) and, on the test dates both splits hold out, ROC AUC, Brier, expected
calibration error and the mean probability against the conversion rate, for every test row
and for the weekly rows alone (the rows that look like what a build scores).

    python bench/compare_split.py --database WAREHOUSE.duckdb [--max-train-rows 400000]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from leadscore.ml.metrics import expected_calibration_error
from leadscore.ml.train import train_model
from sklearn.metrics import brier_score_loss, roc_auc_score

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests" / "python"))

from leadscore.settings import lifecycle_settings  # noqa: E402
from project_settings import project_vars  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="a built warehouse")
    parser.add_argument("--max-train-rows", type=int, default=None, help="default: the var")
    args = parser.parse_args()
    with duckdb.connect(str(args.database), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
    labelled = panel.filter(panel["label"].is_not_null())
    print(f"panel: {panel.height:,} rows, {labelled.height:,} labelled")
    base = lifecycle_settings(project_vars(model_refit=False)).train
    if args.max_train_rows:
        base = dataclasses.replace(base, max_train_rows=args.max_train_rows)
    step = project_vars()["training_step_days"]
    results = {}
    for name, period in (("date by date", 1), (f"whole {step}-day periods", step)):
        config = dataclasses.replace(
            base, split=dataclasses.replace(base.split, period_days=period)
        )
        results[name] = result = train_model(panel, dt.datetime(2026, 1, 1, 6), config)
        print(f"\n{name}:")
        for part, dates in (
            ("calibration", result.split.calibration_dates),
            ("test", result.split.test_dates),
        ):
            rows = labelled.filter(pl.col("as_of_date").cast(pl.Date).is_in(list(dates)))
            weekly = rows.filter(~pl.col("is_at_creation"))
            print(
                f"  {part:<12}{dates[0]} .. {dates[-1]} ({len(dates)} dates): {rows.height:,} "
                f"rows, of which weekly {weekly.height:,} on "
                f"{weekly['as_of_date'].n_unique()} weekly date(s)"
            )
    common = set.intersection(*(set(r.split.test_dates) for r in results.values()))
    print(f"\nthe test dates both hold out: {min(common)} .. {max(common)}")
    header = f"{'split':<26}{'rows':>9}{'ROC AUC':>9}{'Brier':>9}{'ECE':>8}{'mean p':>8}{'rate':>8}"
    for subset in ("every row", "weekly rows"):
        print(f"\n{subset}\n{header}")
        for name, result in results.items():
            rows = result.test_rows.filter(pl.col("as_of_date").cast(pl.Date).is_in(list(common)))
            if subset == "weekly rows":
                keys = labelled.filter(~pl.col("is_at_creation")).select("lead_id", "as_of_date")
                rows = rows.join(keys, on=["lead_id", "as_of_date"])
            y = rows["label"].to_numpy().astype(np.int64)
            p = rows["_probability"].to_numpy()
            print(
                f"{name:<26}{len(y):>9,}{roc_auc_score(y, p):>9.4f}"
                f"{brier_score_loss(y, p):>9.5f}{expected_calibration_error(y, p):>8.4f}"
                f"{p.mean():>8.4f}{y.mean():>8.4f}"
            )


if __name__ == "__main__":
    main()
