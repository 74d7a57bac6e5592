"""Benchmark of gradient boosting's reasons: occlusion (before issue 11.1) vs path attributions.

Run from the repository root::

    OMP_WAIT_POLICY=passive python bench/bench_attributions.py [--rows 200000 1000000]

Fits the project's gradient boosting pipeline on a synthetic panel (~60 features of mixed
types, native categoricals, missing values; 100 trees of 31 leaves), then times, on the same
preprocessed rows in batches of 100,000 (as scoring does), one ``decision_function`` pass (the
score itself, for scale), the old occlusion of the 10 most important features (reference:
median / most frequent code of the validation rows, as the old ``build_explainer`` chose it)
and the new ``tree_path`` contributions, and checks that the new ones add up to the log-odds
above the baseline. With ``--score N``, also the whole of ``score_leads`` (probability,
score, three reasons, contributions) on N synthetic leads with one trained bundle, once with
its ``tree_path`` explainer and once with an occlusion explainer in its place (the bundle as
the old code made it): the scoring time with reasons, before and after. Figures are printed,
nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "tests" / "python"))  # the synthetic panel is a test fixture

from leadscore.ml import ModelParams as Params  # noqa: E402
from leadscore.ml import ScoringConfig, score_leads, train_model  # noqa: E402
from leadscore.ml.candidates import build_pipeline  # noqa: E402
from leadscore.ml.config import FeatureConfig, ModelParams  # noqa: E402
from leadscore.ml.explain import Explainer, build_explainer, contributions  # noqa: E402
from leadscore.ml.features import infer_feature_spec, prepare_features  # noqa: E402
from project_settings import train_config  # noqa: E402
from synthetic_panel import make_synthetic_panel  # noqa: E402

BATCH = 100_000
TOP_K = 10


def occlusion_explainer(
    names: tuple[str, ...], n_cat: int, reference_rows: np.ndarray
) -> Explainer:
    """The explainer the old code built (top-k by column order stands in for importance)."""
    reference = np.empty(reference_rows.shape[1])
    for j in range(reference_rows.shape[1]):
        col = reference_rows[:, j]
        finite = col[~np.isnan(col)]
        if finite.size == 0:
            reference[j] = np.nan
        elif j < n_cat:
            codes, counts = np.unique(finite, return_counts=True)
            reference[j] = codes[np.argmax(counts)]
        else:
            reference[j] = float(np.median(finite))
    return Explainer(
        kind="occlusion",
        features=names,
        columns=np.arange(len(names)),
        reference=reference,
        coef=np.empty(0),
        explained=np.arange(min(TOP_K, len(names))),
    )


def timed(fn, rows: np.ndarray) -> tuple[float, list[np.ndarray]]:
    out = []
    t0 = time.perf_counter()
    for start in range(0, rows.shape[0], BATCH):
        out.append(fn(rows[start : start + BATCH]))
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--score", type=int, default=0, help="leads for score_leads (0: skip)")
    args = parser.parse_args()
    if args.score:
        end_to_end(args.score)
        return

    panel = make_synthetic_panel(n_leads=2_000, n_dates=20, seed=11, n_extra_features=28)
    spec = infer_feature_spec(panel, FeatureConfig())
    X = prepare_features(panel, spec)
    y = panel.get_column("label").to_numpy()
    pipe = build_pipeline("hgb", spec, ModelParams(), 0).fit(X, y)
    model = pipe.named_steps["model"]
    fitted = np.asarray(pipe.named_steps["preprocess"].transform(X), dtype=np.float64)
    new = build_explainer(pipe, spec, fitted)
    old = occlusion_explainer(spec.names, len(spec.categorical), fitted[-20_000:])
    n_trees = len(model._predictors)
    print(
        f"model: {len(spec.names)} features ({len(spec.categorical)} categorical), "
        f"{n_trees} trees, {BATCH:,} rows a batch"
    )
    rng = np.random.default_rng(0)
    for n in args.rows:
        rows = fitted[rng.integers(0, fitted.shape[0], size=n)]
        t_raw, raws = timed(model.decision_function, rows)
        raw = np.concatenate(raws)

        def occlusion(batch: np.ndarray) -> np.ndarray:
            return contributions(old, model, batch, model.decision_function(batch))

        def tree_path(batch: np.ndarray) -> np.ndarray:
            return contributions(new, model, batch, model.decision_function(batch))

        t_old, _ = timed(occlusion, rows)
        t_new, parts = timed(tree_path, rows)
        gap = np.abs(np.concatenate(parts).sum(axis=1) - (raw - new.baseline)).max()
        print(
            f"{n:>9,} rows: decision_function {t_raw:6.2f} s | occlusion (top {TOP_K}) "
            f"{t_old:6.2f} s | tree_path (all features) {t_new:6.2f} s | new/old "
            f"{t_new / t_old:4.2f} | max |sum - (log-odds - baseline)| {gap:.1e}"
        )


def end_to_end(n: int) -> None:
    panel = make_synthetic_panel(n_leads=2_000, n_dates=40, seed=11, n_extra_features=28)
    config = train_config(candidates=("hgb",), params=Params(), refit=False)
    bundle = train_model(panel, "2026-12-01", config).bundle
    pipe = bundle.base_pipeline
    reference = prepare_features(panel.tail(20_000), bundle.spec)
    rows = np.asarray(pipe.named_steps["preprocess"].transform(reference), dtype=np.float64)
    old = dataclasses.replace(
        bundle,
        explainer=occlusion_explainer(bundle.spec.names, len(bundle.spec.categorical), rows),
    )
    leads = make_synthetic_panel(n_leads=n, n_dates=1, seed=12, n_extra_features=28)
    leads = leads.drop("label")
    times = {}
    for name, b in (("occlusion", old), ("tree_path", bundle)):
        t0 = time.perf_counter()
        scores = score_leads(b, leads, ScoringConfig())
        times[name] = time.perf_counter() - t0
        print(
            f"score_leads {n:,} leads with reasons, {name}: {times[name]:.1f} s "
            f"(3 reasons on {scores.get_column('reason_3').is_not_null().mean():.0%})"
        )
    print(f"tree_path / occlusion: {times['tree_path'] / times['occlusion']:.2f}")


if __name__ == "__main__":
    main()
