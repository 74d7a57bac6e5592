"""What does the refit buy? The model refitted on every labelled date against the one fitted
before its test window, on weeks neither has seen.

For each dataset (the generated demo CRM and the real Olist funnel in shared/datasets), builds
the training panel with dbt, then stands at an earlier score date T: the outcomes known at T
are those of the as-of dates at least one horizon before T. It trains the model twice on
exactly those rows (var model_refit true and false; everything else the dbt defaults), and
scores the as-of dates of the ``--weeks`` weeks after T, whose outcomes neither model saw.
Beside them, on the same rows: the points rules and a plain scikit-learn logistic regression
fitted on the same known outcomes. Prints ROC AUC, PR AUC, expected calibration error and
training time, with the ratios refit / no refit from the same run.

    python bench/bench_refit.py                     # demo (20,000 leads) and Olist
    python bench/bench_refit.py --dataset olist --weeks 6
    python bench/bench_refit.py --refit-folds 3 2 --refit-features split all \\
        --warehouse build.duckdb    # the panel of an existing build of the demo
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl
from leadscore.ml.errors import MLInputError
from leadscore.ml.scoring import evaluate_bundle
from leadscore.ml.train import train_model

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests" / "python"))

from leadscore.settings import lifecycle_settings  # noqa: E402
from plain_baseline import fit_plain_baseline  # noqa: E402
from project_settings import project_vars  # noqa: E402
from test_olist_e2e import OLIST, OLIST_VARS  # noqa: E402


def dbt(args: list[str], database: Path, variables: dict | None = None) -> None:
    env = dict(os.environ, LEADSCORE_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(PROJECT))
    env.setdefault("OMP_WAIT_POLICY", "passive")
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(PROJECT)]
    command += ["--target-path", str(database.parent / "target")]
    command += ["--log-path", str(database.parent / "logs")]
    if variables:
        command += ["--vars", json.dumps(variables)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        sys.exit(f"dbt {' '.join(args)} failed:\n{result.stdout[-3000:]}")


def panel_of(name: str, work: Path, leads: int) -> tuple[pl.DataFrame, int, list[str], list[str]]:
    """The training panel, the horizon, and the plain baseline's columns."""
    database = work / f"{name}.duckdb"
    if name == "olist":
        variables = dict(OLIST_VARS)
        categorical, numeric = ["lead_source", "custom_landing_page_id"], ["days_since_created"]
    else:
        data = work / "demo"
        subprocess.run(
            [
                *(sys.executable, "-m", "leadscore_demo", "--out", str(data)),
                *("--leads", str(leads), "--seed", "7", "--no-truth", "--quiet"),
            ],
            check=True,
            # the generator is not in the package
            env=dict(os.environ, PYTHONPATH=str(PROJECT / "tools")),
        )
        variables = {"raw_data_path": str(data)}
        categorical = ["lead_source", "industry", "seniority", "company_size_band"]
        numeric = ["days_since_created", "n_page_view_30d", "n_email_click_30d"]
    dbt(["seed"], database, variables)
    dbt(["run", "-s", "+ml_training_panel"], database, variables)
    with duckdb.connect(str(database), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
    horizon = int(variables.get("horizon_days", 90))
    categorical = [c for c in categorical if c in panel.columns]
    numeric = [c for c in numeric if c in panel.columns]
    return panel, horizon, categorical, numeric


def panel_of_warehouse(warehouse: Path) -> tuple[pl.DataFrame, int, list[str], list[str]]:
    """The training panel of an existing build of the demo (``--warehouse``), read only."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        panel = connection.sql("select * from ml.ml_training_panel").pl()
    categorical = ["lead_source", "industry", "seniority", "company_size_band"]
    numeric = ["days_since_created", "n_page_view_30d", "n_email_click_30d"]
    return panel, 90, [c for c in categorical if c in panel.columns], numeric


def known_at(panel: pl.DataFrame, at: dt.date, horizon: int) -> pl.DataFrame:
    """The panel as a build standing at ``at`` saw it: the as-of dates up to ``at``, labelled
    only where the horizon had passed by then."""
    known_until = at - dt.timedelta(days=horizon)
    return panel.filter(pl.col("as_of_date") <= at).with_columns(
        pl.when(pl.col("as_of_date") <= known_until).then(pl.col("label")).alias("label")
    )


def bench(
    name: str,
    work: Path,
    leads: int,
    weeks: int,
    refit_folds: tuple[int, ...] = (3,),
    warehouse: Path | None = None,
    refit_features: tuple[str, ...] = ("split",),
) -> None:
    if warehouse is not None:
        panel, horizon, categorical, numeric = panel_of_warehouse(warehouse)
    else:
        panel, horizon, categorical, numeric = panel_of(name, work, leads)
    labelled_dates = sorted(
        panel.filter(pl.col("label").is_not_null()).get_column("as_of_date").unique().to_list()
    )
    # T: the evaluation weeks are the last `weeks` weekly labelled dates
    last = labelled_dates[-1]
    T = last - dt.timedelta(weeks=weeks)
    known_until = T - dt.timedelta(days=horizon)
    at_t = known_at(panel, T, horizon)
    future = panel.filter(
        (pl.col("as_of_date") > T) & (pl.col("as_of_date") <= last) & pl.col("label").is_not_null()
    )
    converted = int(future.get_column("label").sum())
    results: dict[str, dict[str, float]] = {}
    seconds: dict[str, float] = {}
    variants = {"no refit": (False, 3, "split")} | {
        ", ".join(
            ["refit"]
            + ([f"{folds} folds"] if folds != 3 else [])
            + ([f"{features} features"] if features != "split" else [])
        ): (True, folds, features)
        for folds in refit_folds
        for features in refit_features
    }
    for label, (refit, folds, features) in variants.items():
        # the build's settings (dbt_project.yml), at this horizon, with and without the refit
        config = lifecycle_settings(project_vars(horizon_days=horizon, model_refit=refit)).train
        config = dataclasses.replace(
            config, refit_folds=folds, refit_split_features_only=features == "split"
        )
        start = time.perf_counter()
        try:
            result = train_model(at_t, dt.datetime.combine(T, dt.time(6)), config)
        except MLInputError as error:
            print(f"\n{name}: cannot train standing at {T}: {error} (try fewer --weeks)")
            return
        seconds[label] = time.perf_counter() - start
        evaluation = evaluate_bundle(result.bundle, future)
        results[label] = {
            "roc_auc": evaluation.model.roc_auc,
            "pr_auc": evaluation.model.pr_auc,
            "ece": evaluation.model.ece,
        }
        if refit:
            results[label]["learned_until"] = str(result.bundle.metadata["refit"].get("end"))
        else:
            # fitted on the training dates; its calibration saw the dates up to the test
            results[label]["learned_until"] = str(result.split.windows()["train_end"])
        if evaluation.points is not None:
            results["rules"] = {
                "roc_auc": evaluation.points.roc_auc,
                "pr_auc": evaluation.points.pr_auc,
                "ece": evaluation.points.ece,
            }
    known = at_t.filter(pl.col("label").is_not_null())
    baseline = fit_plain_baseline(
        pl.concat([known, future], how="diagonal_relaxed"),
        categorical=categorical,
        numeric=numeric,
        train=(known.get_column("as_of_date").min(), known_until),
        test=(T + dt.timedelta(days=1), last),
    )
    results["plain logistic"] = {"roc_auc": baseline.roc_auc, "pr_auc": baseline.pr_auc}
    print(
        f"\n{name}: standing at {T} (outcomes known to {known_until}), scored the "
        f"{future.height:,} rows ({converted:,} converted) of {future['as_of_date'].min()}"
        f" to {last}"
    )
    print(f"{'':16}{'ROC AUC':>9}{'PR AUC':>9}{'ECE':>8}  fitted on as-of dates until")
    for label, row in results.items():
        ece = row.get("ece")
        print(
            f"{label:16}{row['roc_auc']:9.3f}{row['pr_auc']:9.3f}"
            f"{'' if ece is None else f'{ece:8.3f}':>8}  {row.get('learned_until', '')}"
        )
    for label in variants:
        if label == "no refit":
            continue
        print(
            f"training: no refit {seconds['no refit']:.1f} s, {label} {seconds[label]:.1f} s "
            f"({seconds[label] / seconds['no refit']:.2f}x); {label} / no refit ROC AUC "
            f"{results[label]['roc_auc'] / results['no refit']['roc_auc']:.3f}, PR AUC "
            f"{results[label]['pr_auc'] / results['no refit']['pr_auc']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=("demo", "olist", "both"), default="both")
    parser.add_argument("--leads", type=int, default=20_000, help="demo leads")
    parser.add_argument("--weeks", type=int, default=8, help="weeks scored after T")
    parser.add_argument(
        "--refit-folds",
        type=int,
        nargs="+",
        default=[3],
        help="calibration folds of the refit, one variant each (the build's: 3)",
    )
    parser.add_argument(
        "--refit-features",
        choices=("split", "all"),
        nargs="+",
        default=["split"],
        help="what the refit of gradient boosting learns from: the features its trees split "
        "on (the build's) or all",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="read the training panel of this build of the demo instead of building one",
    )
    args = parser.parse_args()
    if args.warehouse is not None:
        bench(
            "warehouse",
            Path("."),
            0,
            args.weeks,
            tuple(args.refit_folds),
            args.warehouse,
            tuple(args.refit_features),
        )
        return
    names = ("demo", "olist") if args.dataset == "both" else (args.dataset,)
    if "olist" in names and not OLIST.exists():
        sys.exit(f"the Olist dataset is missing at {OLIST}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            bench(
                name,
                Path(tmp),
                args.leads,
                args.weeks,
                tuple(args.refit_folds),
                refit_features=tuple(args.refit_features),
            )


if __name__ == "__main__":
    main()
