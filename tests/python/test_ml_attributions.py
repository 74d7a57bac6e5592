"""Faithful additive attributions (issue 11, point 1), on real fitted pipelines of both kinds.

A lead's contributions must add up to its log-odds minus a stated baseline, and a change of
one feature must show up on that feature: for the linear model always, for gradient boosting
when the trees are additive (stumps) or the model has one feature. Missing values, native
categorical splits and categories never seen in training are routed as the model routes them.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from leadscore.ml.bundle import dumps_bundle, loads_bundle
from leadscore.ml.candidates import build_pipeline
from leadscore.ml.config import FeatureConfig, ModelParams
from leadscore.ml.explain import (
    Explainer,
    TreePaths,
    build_explainer,
    contributions,
    log_odds_and_contributions,
)
from leadscore.ml.features import FeatureSpec, infer_feature_spec, prepare_features
from sklearn.pipeline import Pipeline
from synthetic_panel import make_synthetic_panel


@pytest.fixture(scope="module")
def data() -> tuple[FeatureSpec, pl.DataFrame, np.ndarray]:
    panel = make_synthetic_panel(n_leads=300, n_dates=12, seed=2)
    spec = infer_feature_spec(panel, FeatureConfig())
    assert spec.categorical and panel.get_column("seniority").null_count() > 0
    X = prepare_features(panel, spec)
    return spec, X, panel.get_column("label").to_numpy()


def fitted(kind: str, spec: FeatureSpec, X: pl.DataFrame, y: np.ndarray, **params: object):
    pipe = build_pipeline(kind, spec, ModelParams(hgb_max_iter=40, **params), 0).fit(X, y)  # type: ignore[arg-type]
    transformed = np.asarray(pipe.named_steps["preprocess"].transform(X), dtype=np.float64)
    return pipe, transformed


def explain(pipe: Pipeline, explainer: Explainer, transformed: np.ndarray):
    model = pipe.named_steps["model"]
    raw = model.decision_function(transformed)
    return contributions(explainer, model, transformed, raw), raw


def odd_rows(X: pl.DataFrame, spec: FeatureSpec) -> pl.DataFrame:
    """Rows with unseen categories and missing values everywhere they can be."""
    rows = X.head(40)
    return pl.concat(
        [
            rows.with_columns(pl.lit("never seen").alias(c) for c in spec.categorical),
            rows.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in spec.numeric),
            rows.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in spec.categorical),
        ]
    )


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_contributions_add_up_to_the_log_odds_above_the_baseline(kind: str, data) -> None:
    spec, X, y = data
    pipe, transformed = fitted(kind, spec, X, y)
    explainer = build_explainer(pipe, spec, transformed)
    rows = pl.concat([X, odd_rows(X, spec)])
    t = np.asarray(pipe.named_steps["preprocess"].transform(rows), dtype=np.float64)
    contrib, raw = explain(pipe, explainer, t)
    assert contrib.shape == (rows.height, len(spec.names))
    np.testing.assert_allclose(contrib.sum(axis=1), raw - explainer.baseline, atol=1e-6)
    model = pipe.named_steps["model"]
    if kind == "logistic":
        # the baseline is the log-odds of the reference (mean) row
        reference = model.decision_function(explainer.reference[None, :])[0]
        assert explainer.baseline == pytest.approx(reference, abs=1e-9)
    else:
        # the baseline is the expected log-odds of a training row (count-weighted leaves)
        assert explainer.kind == "tree_path"
        np.testing.assert_allclose(explainer.baseline, TreePaths.of(model).baseline, atol=1e-12)
        # the categoricals and the features with missing values get credit somewhere
        used = np.abs(contrib).sum(axis=0) > 0
        assert used[: len(spec.categorical)].any()
        assert used[spec.names.index("days_since_last_demo_request")]


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_the_log_odds_and_contributions_of_one_walk_are_the_models_own(kind: str, data) -> None:
    """Scoring takes the trees' log-odds from the leaves it walks to for the contributions:
    the same figures as decision_function to the last bit (and the same contributions),
    odd rows included; the logistic model's are its own as before."""
    spec, X, y = data
    pipe, _ = fitted(kind, spec, X, y)
    rows = pl.concat([X, odd_rows(X, spec)])
    t = np.asarray(pipe.named_steps["preprocess"].transform(rows), dtype=np.float64)
    explainer = build_explainer(pipe, spec, t)
    raw, contrib = log_odds_and_contributions(explainer, pipe.named_steps["model"], t)
    want_contrib, want_raw = explain(pipe, explainer, t)
    assert np.array_equal(raw, want_raw)
    assert np.array_equal(contrib, want_contrib)


def test_linear_a_one_feature_difference_is_credited_to_that_feature(data) -> None:
    spec, X, y = data
    pipe, transformed = fitted("logistic", spec, X, y)
    explainer = build_explainer(pipe, spec, transformed)
    rows = X.head(30)
    for name, changed in (
        ("has_bounced", rows.with_columns((1 - pl.col("has_bounced")).alias("has_bounced"))),
        ("seniority", rows.with_columns(pl.lit("VP").alias("seniority"))),
        ("custom_budget_k", rows.with_columns(pl.lit(None, pl.Float64).alias("custom_budget_k"))),
    ):
        before, raw0 = explain(pipe, explainer, pre(pipe, rows))
        after, raw1 = explain(pipe, explainer, pre(pipe, changed))
        j = spec.names.index(name)
        delta = after - before
        np.testing.assert_allclose(delta[:, j], raw1 - raw0, atol=1e-9)
        np.testing.assert_allclose(np.delete(delta, j, axis=1), 0.0, atol=1e-12)


def pre(pipe: Pipeline, rows: pl.DataFrame) -> np.ndarray:
    return np.asarray(pipe.named_steps["preprocess"].transform(rows), dtype=np.float64)


def test_trees_an_additive_model_credits_each_change_to_its_feature(data) -> None:
    """Stumps (one split per tree) make gradient boosting additive: then a change of one
    feature moves only that feature's contribution, by exactly the change in log-odds, so its
    sign is the direction the feature moved the lead's score."""
    spec, X, y = data
    pipe, transformed = fitted("hgb", spec, X, y, hgb_max_leaf_nodes=2)
    explainer = build_explainer(pipe, spec, transformed)
    rows = X.head(200)
    for name, changed in (
        ("n_pricing_view_7d", rows.with_columns(pl.col("n_pricing_view_7d") + 5)),
        ("seniority", rows.with_columns(pl.lit("C-level").alias("seniority"))),
        ("seniority", rows.with_columns(pl.lit(None, pl.String).alias("seniority"))),
        (
            "days_since_last_activity",
            rows.with_columns(pl.lit(300).alias("days_since_last_activity")),
        ),
    ):
        before, raw0 = explain(pipe, explainer, pre(pipe, rows))
        after, raw1 = explain(pipe, explainer, pre(pipe, changed))
        j = spec.names.index(name)
        assert np.abs(raw1 - raw0).max() > 0.01, name  # the change matters to the model
        np.testing.assert_allclose((after - before)[:, j], raw1 - raw0, atol=1e-9)
        np.testing.assert_allclose(np.delete(after - before, j, axis=1), 0.0, atol=1e-12)


def test_trees_a_one_feature_model_puts_everything_on_it(data) -> None:
    spec, X, y = data
    one = spec.subset({"seniority"})
    pipe, transformed = fitted("hgb", one, X.select(one.names), y)
    explainer = build_explainer(pipe, one, transformed)
    contrib, raw = explain(pipe, explainer, transformed)
    np.testing.assert_allclose(contrib[:, 0], raw - explainer.baseline, atol=1e-9)
    # leads whose category lowers the log-odds below the baseline get a negative reason
    assert ((contrib[:, 0] < 0) == (raw < explainer.baseline - 1e-12)).all()


def test_an_occlusion_bundle_from_an_older_registry_still_loads_and_scores(data) -> None:
    """Bundles saved before tree_path carry an occlusion explainer without a baseline."""
    from leadscore.ml.scoring import score_leads
    from leadscore.ml.train import train_model
    from project_settings import split_by_dates, train_config

    panel = make_synthetic_panel(n_leads=200, n_dates=24, seed=4, n_unlabelled_dates=1)
    config = train_config(
        split=split_by_dates(), candidates=("hgb",), params=ModelParams(hgb_max_iter=20)
    )
    bundle = train_model(panel, "2025-09-01", config).bundle
    n = len(bundle.spec.names)
    state = {
        "kind": "occlusion",
        "features": list(bundle.spec.names),
        "columns": np.arange(n),
        "reference": np.zeros(n),
        "coef": np.empty(0),
        "explained": np.arange(min(n, 5)),
    }
    import dataclasses

    old = dataclasses.replace(bundle, explainer=Explainer.from_state(state))
    loaded = loads_bundle(dumps_bundle(old))
    assert loaded.explainer.kind == "occlusion" and np.isnan(loaded.explainer.baseline)
    today = panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
    old_scores = score_leads(loaded, today)
    new_scores = score_leads(bundle, today)
    assert old_scores.get_column("probability").equals(new_scores.get_column("probability"))
    assert old_scores.get_column("reason_1").drop_nulls().len() > 0
