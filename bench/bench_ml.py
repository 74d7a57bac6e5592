"""Benchmark of the learning core: training on a 1M-row panel, scoring 1M leads with reasons.

Run from the repository root (takes a few minutes on 2 cores)::

    OMP_WAIT_POLICY=passive python bench/bench_ml.py

Each phase runs in its own child process so its peak memory (``ru_maxrss``) is its own:

* ``train``: a synthetic panel of ``--rows`` rows (weekly as-of dates x leads, ~60 features of
  mixed types, ~12% positives) -> ``train_model`` (all candidates, calibration, permutation
  importance) -> the model file;
* ``score``: ``--score-rows`` leads at one as-of date -> ``score_leads`` (probability, score,
  three reasons, contributions).

Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests" / "python"))  # the synthetic panel is a test fixture

from leadscore.ml import (  # noqa: E402
    ScoringConfig,
    dumps_bundle,
    loads_bundle,
    score_leads,
    train_model,
)
from project_settings import train_config  # noqa: E402
from synthetic_panel import make_synthetic_panel  # noqa: E402

N_DATES = 40
EXTRA_FEATURES = 28  # 32 base features + 28 activity counts = 60 features


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_train(rows: int, model_path: Path, candidates: tuple[str, ...]) -> dict[str, object]:
    t0 = time.perf_counter()
    panel = make_synthetic_panel(
        n_leads=rows // N_DATES, n_dates=N_DATES, seed=11, n_extra_features=EXTRA_FEATURES
    )
    t_gen = time.perf_counter() - t0
    mem_gen = peak_mb()
    t1 = time.perf_counter()
    result = train_model(
        panel,
        dt.datetime(2026, 1, 1),
        train_config(candidates=candidates),
    )
    t_train = time.perf_counter() - t1
    blob = dumps_bundle(result.bundle)
    model_path.write_bytes(blob)
    meta = result.bundle.metadata
    return {
        "rows": panel.height,
        "features": len(result.bundle.spec.names),
        "positive_rate": float(panel.get_column("label").mean()),
        "generate_s": t_gen,
        "peak_mb_after_generate": mem_gen,
        "train_s": t_train,
        "peak_mb": peak_mb(),
        "counts": meta["counts"],
        "candidates": result.candidates.to_dicts(),
        "selected": meta["model_kind"],
        "model_auc": result.evaluation.model.roc_auc,
        "points_auc": result.evaluation.points.roc_auc if result.evaluation.points else None,
        "model_pr_auc": result.evaluation.model.pr_auc,
        "points_pr_auc": result.evaluation.points.pr_auc if result.evaluation.points else None,
        "ece": result.evaluation.model.ece,
        "top_decile_lift": result.evaluation.model.top_decile_lift,
        "model_file_mb": len(blob) / 1e6,
    }


def phase_score(rows: int, model_path: Path) -> dict[str, object]:
    t0 = time.perf_counter()
    leads = make_synthetic_panel(
        n_leads=rows, n_dates=1, seed=12, n_extra_features=EXTRA_FEATURES
    ).drop("label")
    t_gen = time.perf_counter() - t0
    mem_gen = peak_mb()
    t1 = time.perf_counter()
    bundle = loads_bundle(model_path.read_bytes())
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    scores = score_leads(bundle, leads, ScoringConfig())
    t_score = time.perf_counter() - t2
    return {
        "rows": scores.height,
        "model_kind": bundle.metadata["model_kind"],
        "explainer": bundle.explainer.kind,
        "explained_features": len(bundle.explainer.explained),
        "generate_s": t_gen,
        "peak_mb_after_generate": mem_gen,
        "load_s": t_load,
        "score_s": t_score,
        "peak_mb": peak_mb(),
        "rows_with_3_reasons": int(scores.get_column("reason_3").is_not_null().sum()),
        "example_reasons": scores.select("score", "reason_1", "reason_2", "reason_3")
        .head(3)
        .rows(),
    }


def run_child(args: list[str]) -> dict[str, object]:
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"))
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="training panel rows")
    parser.add_argument("--score-rows", type=int, default=1_000_000, help="leads to score")
    parser.add_argument("--candidates", default="logistic,hgb")
    parser.add_argument("--phase", choices=["train", "score"], help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "train":
        print(json.dumps(phase_train(args.rows, args.model, tuple(args.candidates.split(",")))))
        return
    if args.phase == "score":
        print(json.dumps(phase_score(args.score_rows, args.model)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model.skops"
        common = ["--model", str(model), "--rows", str(args.rows)]
        common += ["--score-rows", str(args.score_rows), "--candidates", args.candidates]
        train = run_child(["--phase", "train", *common])
        score = run_child(["--phase", "score", *common])

    print(
        f"== training: {train['rows']:,} rows x {train['features']} features, "
        f"{train['positive_rate']:.1%} positive"
    )
    counts = train["counts"]
    assert isinstance(counts, dict)
    print(
        f"   split: train {counts['train_rows']:,} / calibration {counts['calibration_rows']:,}"
        f" / test {counts['test_rows']:,} rows"
    )
    print(
        f"   generate panel      {train['generate_s']:7.1f} s   "
        f"peak {train['peak_mb_after_generate']:,.0f} MB"
    )
    print(
        f"   train_model         {train['train_s']:7.1f} s   peak {train['peak_mb']:,.0f} MB"
        f"   ({train['train_s'] / (counts['train_rows'] / 1e5):.2f} s per 100k training rows)"
    )
    for cand in train["candidates"]:  # type: ignore[union-attr]
        print(
            f"   candidate {cand['candidate']:<9} PR AUC (calibration dates) {cand['value']:.4f}"
            f"{'  <- selected' if cand['selected'] else ''}"
        )
    print(
        f"   test: ROC AUC model {train['model_auc']:.4f} vs points {train['points_auc']:.4f};"
        f" PR AUC {train['model_pr_auc']:.4f} vs {train['points_pr_auc']:.4f};"
        f" ECE {train['ece']:.4f}; top-decile lift {train['top_decile_lift']:.2f}"
    )
    print(f"   model file {train['model_file_mb']:.2f} MB")
    print(
        f"== scoring: {score['rows']:,} leads with {score['model_kind']} "
        f"({score['explainer']}, {score['explained_features']} features explained)"
    )
    print(
        f"   generate leads      {score['generate_s']:7.1f} s   "
        f"peak {score['peak_mb_after_generate']:,.0f} MB"
    )
    print(f"   load model          {score['load_s']:7.2f} s")
    print(
        f"   score_leads         {score['score_s']:7.1f} s   peak {score['peak_mb']:,.0f} MB"
        f"   ({score['rows'] / score['score_s']:,.0f} leads/s)"
    )
    print(f"   rows with 3 reasons {score['rows_with_3_reasons']:,}")
    for row in score["example_reasons"]:  # type: ignore[union-attr]
        print(f"   e.g. score {row[0]:>3}: {row[1]} | {row[2]} | {row[3]}")


if __name__ == "__main__":
    main()
