"""Negative signals never raise a score (issue 11, point 3).

The panel is the synthetic one with a planted wrong-way signal: leads that bounced convert
*more* often (as in the demo backtest, where bounced leads were predicted at 9.5% and converted
at 5.1%), so an unconstrained model learns to reward a bounce. With var
constrain_negative_signals on (the default), flipping any negative signal on for any test lead
(a flag to true, a count up) must never raise its calibrated probability; with it off, the
wrong-way signal is learnt, so the flip test can fail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest
from leadscore.ml import ModelParams, TrainConfig, TrainResult, train_model
from leadscore.ml.candidates import READD_GRADIENT, fit_candidate, sign_constraint_plan
from leadscore.ml.errors import MLInputError
from leadscore.ml.features import infer_feature_spec, prepare_features
from leadscore.ml.scoring import predict_frame
from project_settings import split_by_dates, train_config
from synthetic_panel import make_synthetic_panel

TRAINED_AT = dt.datetime(2025, 9, 1, 6, 0)
FAST = ModelParams(hgb_max_iter=40)
#: every negative signal of the panel below and how it is flipped on
FLAGS = ("has_bounced", "has_unsubscribed", "was_rejected_by_sales", "is_free_email")
FLAGS += ("has_competitor_tech", "is_inactive_90d")
COUNTS = ("n_email_bounce_30d",)


def wrong_way_panel() -> pl.DataFrame:
    """The synthetic panel, where a bounce (flag, count and recency) comes with conversion."""
    panel = make_synthetic_panel(n_leads=400, n_dates=30, seed=11, n_unlabelled_dates=2)
    rng = np.random.default_rng(5)
    converted = panel.get_column("label").fill_null(0).to_numpy() == 1
    bounced = np.where(converted, rng.random(panel.height) < 0.45, rng.random(panel.height) < 0.04)
    bounces = np.where(bounced, rng.integers(1, 4, panel.height), 0)
    days = np.where(bounced, rng.integers(0, 60, panel.height).astype(float), np.nan)
    return panel.with_columns(
        pl.Series("has_bounced", bounced),
        pl.Series("n_email_bounce_30d", bounces.astype(np.int32)),
        pl.Series("days_since_last_email_bounce", days, nan_to_null=True),
        pl.Series("is_inactive_90d", panel.get_column("days_since_last_activity") > 90),
    )


def config(candidate: str, **overrides: Any) -> TrainConfig:
    return train_config(split=split_by_dates(), candidates=(candidate,), params=FAST, **overrides)


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return wrong_way_panel()


@pytest.fixture(scope="module")
def trained(panel: pl.DataFrame) -> dict[tuple[str, bool], TrainResult]:
    return {
        (kind, on): train_model(panel, TRAINED_AT, config(kind, constrain_negative_signals=on))
        for kind in ("logistic", "hgb")
        for on in (True, False)
    }


def test_the_wrong_way_signal_is_planted(panel: pl.DataFrame) -> None:
    labelled = panel.filter(pl.col("label").is_not_null())
    rates = labelled.group_by("has_bounced").agg(pl.col("label").mean()).sort("has_bounced")
    assert rates.get_column("label")[1] > 3 * rates.get_column("label")[0]


def flips(rows: pl.DataFrame, features: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    """Each negative signal switched on (flags to true, counts up by 1 and by 3)."""
    out: dict[str, pl.DataFrame] = {}
    for name in features:
        if name in FLAGS:
            out[name] = rows.with_columns(pl.lit(True).alias(name))
        else:
            for step in (1, 3):
                out[f"{name}+{step}"] = rows.with_columns(pl.col(name) + step)
    return out


def rises(result: TrainResult, rows: pl.DataFrame) -> dict[str, np.ndarray]:
    """Per flip, how much each row's calibrated probability rose (negative: it fell)."""
    bundle = result.bundle
    before, _, _ = predict_frame(bundle, prepare_features(rows, bundle.spec))
    return {
        name: predict_frame(bundle, prepare_features(flipped, bundle.spec))[0] - before
        for name, flipped in flips(rows, FLAGS + COUNTS).items()
    }


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_flipping_a_negative_signal_on_never_raises_the_probability(
    kind: str, trained: dict[tuple[str, bool], TrainResult], panel: pl.DataFrame
) -> None:
    result = trained[(kind, True)]
    test_rows = panel.filter(pl.col("as_of_date").is_in(result.split.test_dates))
    assert test_rows.height > 1000
    for name, rise in rises(result, test_rows).items():
        assert rise.max() <= 1e-12, f"{kind}: {name} raised a probability by {rise.max():.3g}"


@pytest.mark.parametrize("kind", ["logistic", "hgb"])
def test_without_the_constraint_a_bounce_raises_the_probability(
    kind: str, trained: dict[tuple[str, bool], TrainResult], panel: pl.DataFrame
) -> None:
    result = trained[(kind, False)]
    test_rows = panel.filter(pl.col("as_of_date").is_in(result.split.test_dates))
    rise = rises(result, test_rows.filter(~pl.col("has_bounced")))["has_bounced"]
    assert (rise > 1e-6).mean() > 0.5
    assert result.bundle.metadata["sign_constraints"]["enabled"] is False


def test_the_run_records_what_was_constrained_and_left_out(
    trained: dict[tuple[str, bool], TrainResult],
) -> None:
    hgb = trained[("hgb", True)].bundle.metadata
    signs = hgb["sign_constraints"]
    assert {"has_bounced", "n_email_bounce_30d", "is_free_email"} <= set(signs["decreasing"])
    # null when it never happened: no constraint governs it, so it is left out
    assert [d["feature"] for d in signs["left_out"]] == ["days_since_last_email_bounce"]
    assert "days_since_last_email_bounce" not in hgb["features"]
    dropped = {d["feature"] for d in hgb["dropped_features"]}
    assert "days_since_last_email_bounce" in dropped
    # names of the default list the panel does not have are ignored, and listed
    assert "n_careers_view_*" in signs["absent"]
    model = trained[("hgb", True)].bundle.base_pipeline.named_steps["model"]
    names = trained[("hgb", True)].bundle.spec.names
    assert model.monotonic_cst[names.index("has_bounced")] == -1
    # the logistic regression rewards the planted bounce: held at 0, i.e. left out
    logistic = trained[("logistic", True)].bundle.metadata
    held = {d["feature"] for d in logistic["sign_constraints"]["held_at_zero"]}
    assert "has_bounced" in held and "has_bounced" not in logistic["features"]
    coef = trained[("logistic", True)].bundle.explainer.coef
    columns = trained[("logistic", True)].bundle.explainer.columns
    spec = trained[("logistic", True)].bundle.spec
    for name in set(logistic["sign_constraints"]["decreasing"]) & set(spec.names):
        assert coef[columns == spec.names.index(name)].max() <= 0, name


def test_the_active_set_reaches_the_bounded_optimum(panel: pl.DataFrame) -> None:
    """Held at 0, a coefficient's loss gradient points up (KKT, up to the solver's noise)."""
    rows = panel.filter(pl.col("label").is_not_null())
    cfg = config("logistic")
    spec = infer_feature_spec(rows, cfg.features)
    X = prepare_features(rows, spec)
    y = rows.get_column("label").to_numpy().astype(int)
    plan = sign_constraint_plan(X, spec, cfg.negative_signals, True)
    spec = spec.subset(set(spec.names) - {d["feature"] for d in plan.left_out})
    fit = fit_candidate("logistic", spec, FAST, 0, X, y, plan.decreasing)
    held = [d["feature"] for d in fit.held_at_zero]
    assert held
    p = fit.pipeline.predict_proba(X.select(fit.spec.names))[:, 1]
    weight = np.where(y == 1, y.size / (2 * y.sum()), y.size / (2 * (y.size - y.sum())))
    for name in held:
        column = X.get_column(name).cast(pl.Float64).to_numpy()
        z = (column - column.mean()) / column.std()
        gradient = ((p - y) * weight) @ z / y.size
        assert gradient <= READD_GRADIENT, f"{name}: a negative coefficient would fit better"


def test_a_categorical_negative_signal_is_refused(panel: pl.DataFrame) -> None:
    spec = infer_feature_spec(panel, config("hgb").features)
    X = prepare_features(panel.head(50), spec)
    with pytest.raises(MLInputError, match=r"\['seniority'\] are categorical"):
        sign_constraint_plan(X, spec, ("seniority", "has_bounced"), True)
    # off, the list is not even checked
    assert not sign_constraint_plan(X, spec, ("seniority",), False).decreasing


def test_the_vars_are_read_and_checked() -> None:
    from leadscore import settings
    from project_settings import project_vars

    default = settings.train_config(project_vars())
    assert default.constrain_negative_signals is True
    assert {"has_bounced", "n_email_bounce_*", "is_free_email"} <= set(default.negative_signals)
    with pytest.raises(MLInputError, match="var negative_signal_features must be a list"):
        settings.train_config(project_vars(negative_signal_features="has_bounced"))
    with pytest.raises(MLInputError, match="var constrain_negative_signals must be true or false"):
        settings.train_config(project_vars(constrain_negative_signals="sometimes"))
