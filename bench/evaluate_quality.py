"""How good are the scores? The model against the points score and the generator's truth.

Generates the demo CRM (or uses --data), runs `dbt build` up to the scores with a score date
on a Monday (the generator writes its true propensities for Mondays), then, on the champion's
held-out test window (the most recent labelled as-of dates, unseen by training and
calibration), prints side by side for the model, the points score and the truth: ROC AUC,
PR AUC, Brier, lift and conversion in the top 10%, expected calibration error and the
conversion rate per tier.

    python bench/evaluate_quality.py                 # 20,000 leads
    python bench/evaluate_quality.py --leads 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from leadscore.ml.bundle import loads_bundle
from leadscore.ml.features import prepare_features
from leadscore.ml.metrics import expected_calibration_error
from leadscore.ml.scale import to_score
from leadscore.ml.scoring import predict_frame
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

PROJECT = Path(__file__).resolve().parents[1]
TIERS = (("sales_now", 80), ("nurture", 50), ("awareness", 0))


def metrics(y: np.ndarray, probability: np.ndarray, score: np.ndarray) -> dict[str, float]:
    order = np.argsort(-score, kind="stable")
    top = order[: max(1, len(y) // 10)]
    rates = {}
    for name, floor in TIERS:
        ceiling = {"sales_now": 101, "nurture": 80, "awareness": 50}[name]
        in_tier = (score >= floor) & (score < ceiling)
        rates[name] = float(y[in_tier].mean()) if in_tier.any() else float("nan")
        rates[f"{name}_share"] = float(in_tier.mean())
    return {
        "roc_auc": roc_auc_score(y, probability),
        "pr_auc": average_precision_score(y, probability),
        "brier": brier_score_loss(y, np.clip(probability, 0, 1)),
        "top10_conversion": float(y[top].mean()),
        "lift_at_10": float(y[top].mean() / y.mean()),
        "ece": expected_calibration_error(y, np.clip(probability, 0, 1), 10),
        **rates,
        "top_tier_vs_bottom": rates["sales_now"] / rates["awareness"]
        if rates["awareness"] > 0
        else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, help="an existing demo folder (with _truth/)")
    parser.add_argument("--score-date", default="2026-10-26", help="a Monday in the data")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leadscore-quality-"))
    data = args.data or work / "crm"
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"))
    if args.data is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "leadscore_demo",
                "--out",
                str(data),
                "--leads",
                str(args.leads),
                "--seed",
                str(args.seed),
                "--format",
                "parquet",
                "--quiet",
            ],
            check=True,
            env=dict(env, PYTHONPATH=str(PROJECT / "tools")),  # the generator is not in the package
        )
    database = work / "quality.duckdb"
    env.update(LEADSCORE_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(PROJECT))
    started = time.perf_counter()
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(PROJECT),
            "--select",
            "+ml_lead_scores",
            "--exclude",
            "test_type:data",
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            "--vars",
            json.dumps({"raw_data_path": str(data), "score_date": args.score_date}),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        print(build.stdout[-4000:])
        return 1
    print(f"build: {time.perf_counter() - started:.0f} s into {database}")

    with duckdb.connect(str(database), read_only=True) as connection:
        run = connection.sql(
            "select * from ml.ml_training_runs where is_promoted order by ran_at desc limit 1"
        ).pl()
        if run.height == 0:
            print("no model was trained (cold start): nothing to evaluate")
            return 1
        run_row = run.row(0, named=True)
        rows = connection.sql(
            "select * from ml.ml_training_panel where as_of_date between"
            f" '{run_row['test_start']}' and '{run_row['test_end']}'"
        ).pl()
    bundle = loads_bundle(run_row["model_bundle"])
    probability, _, _ = predict_frame(bundle, prepare_features(rows, bundle.spec))
    score = to_score(probability, bundle.reference, bundle.score_scale)
    truth = pl.read_parquet(data / "_truth" / "lead_propensity.parquet").with_columns(
        pl.col("as_of_date").cast(pl.Date)
    )
    joined = (
        rows.select("lead_id", "as_of_date", "label", "points_score")
        .with_columns(pl.Series("probability", probability), pl.Series("score", score))
        .join(truth, on=["lead_id", "as_of_date"], how="inner")
    )
    y = joined.get_column("label").to_numpy().astype(int)
    points = joined.get_column("points_score").to_numpy().astype(float)
    results = {
        "model": metrics(y, joined["probability"].to_numpy(), joined["score"].to_numpy()),
        "points": metrics(y, points / 100.0, points),
        "truth": metrics(
            y,
            joined["true_probability"].to_numpy(),
            to_score(
                joined["true_probability"].to_numpy(),
                np.sort(joined["true_probability"].to_numpy()),
                "percentile",
            ),
        ),
    }
    print(
        f"held-out window {run_row['test_start']} to {run_row['test_end']}: "
        f"{len(y)} lead-dates ({rows.height} before joining the truth), "
        f"{int(y.sum())} converted ({y.mean():.1%}); model {run_row['model_kind']} "
        f"{run_row['version_id']}"
    )
    names = list(results["model"])
    print(f"{'metric':<22}{'model':>10}{'points':>10}{'truth':>10}")
    for name in names:
        print(f"{name:<22}" + "".join(f"{results[s][name]:>10.4f}" for s in results))
    ratio = results["model"]["roc_auc"] / results["truth"]["roc_auc"]
    print(f"model AUC / truth AUC = {ratio:.3f} (target >= 0.97)")
    gain = results["model"]["roc_auc"] - results["points"]["roc_auc"]
    print(f"model AUC - points AUC = {gain:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
