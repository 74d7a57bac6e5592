"""Training, calibration, scoring, reasons and the model file, on a synthetic panel.

The panel (synthetic_panel.py) has a known signal with interactions and a noisy additive
rules score, so a working model must beat both a constant and the rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Any

import numpy as np
import polars as pl
import pytest
from leadscore.ml import (
    FeatureConfig,
    MLInputError,
    ModelParams,
    ScoringConfig,
    TrainConfig,
    TrainResult,
    UntrustedModelError,
    dumps_bundle,
    evaluate_bundle,
    loads_bundle,
    prepare_features,
    score_leads,
    should_promote,
    train_model,
)
from leadscore.ml.importance import fast_tree_path, permutation_importance_table
from leadscore.ml.reasons import format_reason, is_profile_feature, signal
from leadscore.ml.scoring import predict_frame
from leadscore.ml.train import version_id
from polars.testing import assert_frame_equal
from project_settings import split_by_dates, train_config
from sklearn.preprocessing import FunctionTransformer
from synthetic_panel import make_synthetic_panel

TRAINED_AT = dt.datetime(2025, 9, 1, 6, 0)
FAST = ModelParams(hgb_max_iter=60)


def config(**overrides: Any) -> TrainConfig:
    """The project's training settings, the windows pinned by a count of dates (the test
    period is the last 4 weekly as-of dates)."""
    return train_config(split=split_by_dates(), **overrides)


MINUS = "\u2212"


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return make_synthetic_panel(n_leads=600, n_dates=34, seed=7, n_unlabelled_dates=4)


@pytest.fixture(scope="module")
def small_panel(panel: pl.DataFrame) -> pl.DataFrame:
    """The first 300 leads: enough for the logistic-only checks, twice as fast."""
    return panel.filter(pl.col("lead_id") < "L0000300")


@pytest.fixture(scope="module")
def result(panel: pl.DataFrame) -> TrainResult:
    return train_model(panel, TRAINED_AT, config(params=FAST))


@pytest.fixture(scope="module")
def held_out(panel: pl.DataFrame) -> TrainResult:
    """Without the refit: the bundle is the model the held-out metrics describe."""
    return train_model(panel, TRAINED_AT, config(params=FAST, refit=False))


@pytest.fixture(scope="module")
def linear_result(small_panel: pl.DataFrame) -> TrainResult:
    return train_model(small_panel, TRAINED_AT, config(candidates=("logistic",), params=FAST))


@pytest.fixture(scope="module")
def hgb_result(panel: pl.DataFrame) -> TrainResult:
    return train_model(panel, TRAINED_AT, config(candidates=("hgb",), params=FAST))


@pytest.fixture(scope="module")
def today(panel: pl.DataFrame) -> pl.DataFrame:
    """The most recent as-of date: the rows a daily scoring run sees (label still open)."""
    return panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())


def test_model_beats_a_constant_and_the_noisy_rules_score(result: TrainResult) -> None:
    model, points = result.evaluation.model, result.evaluation.points
    assert points is not None
    assert model.n_rows == points.n_rows == 4 * 600  # same test rows for both
    assert model.roc_auc > 0.70
    assert model.roc_auc > points.roc_auc + 0.03
    assert model.pr_auc > points.pr_auc
    assert model.top_decile_lift > 2.5


def test_calibrated_probabilities_match_observed_rates(result: TrainResult) -> None:
    model = result.evaluation.model
    assert model.ece < 0.04
    # Class weighting inflates raw probabilities; after calibration the mean is the base rate.
    assert model.brier < model.positive_rate * (1 - model.positive_rate)


def test_training_never_sees_the_validation_period(result: TrainResult) -> None:
    split = result.split
    first_validation = split.calibration_dates[0]
    assert max(split.train_dates) <= first_validation - dt.timedelta(days=90)
    assert split.test_dates[0] > split.calibration_dates[-1]
    counts = result.bundle.metadata["counts"]
    assert counts["train_rows"] == 600 * len(split.train_dates)


def test_candidates_table_marks_exactly_one_winner(result: TrainResult) -> None:
    table = result.candidates
    assert table.get_column("candidate").to_list() == ["logistic", "hgb"]
    winner = table.filter("selected")
    assert winner.height == 1
    assert winner.item(0, "value") == table.get_column("value").max()
    assert result.bundle.metadata["model_kind"] == winner.item(0, "candidate")


def test_importance_ranks_signal_features_above_noise(result: TrainResult) -> None:
    ranks = dict(result.importance.select("feature", "rank").iter_rows())
    assert ranks["seniority"] < ranks["mobile_share_90d"]
    assert ranks["is_free_email"] < ranks["trend_7d_vs_30d"]
    assert "points_score" not in ranks and "lead_id" not in ranks


def test_same_data_and_seed_give_identical_model(panel: pl.DataFrame, result: TrainResult) -> None:
    again = train_model(panel, TRAINED_AT + dt.timedelta(days=1), config(params=FAST))
    assert again.bundle.version_id == result.bundle.version_id
    rows = panel.head(500)
    assert score_leads(again.bundle, rows).equals(score_leads(result.bundle, rows))
    meta = result.bundle.metadata
    other_seed = {**meta["params"], "seed": 43}
    same = version_id(result.split, meta["counts"], meta["params"], result.bundle.spec)
    assert same == result.bundle.version_id
    other = version_id(result.split, meta["counts"], other_seed, result.bundle.spec)
    assert other != result.bundle.version_id


def test_metadata_records_windows_counts_params_and_versions(result: TrainResult) -> None:
    meta = result.bundle.metadata
    assert meta["trained_at"] == "2025-09-01T06:00:00"
    assert meta["windows"]["test_end"] == result.split.test_dates[-1].isoformat()
    assert meta["params"]["seed"] == 42
    assert meta["metrics"]["model"]["roc_auc"] == result.evaluation.model.roc_auc
    assert {"scikit-learn", "numpy", "polars", "skops"} <= set(meta["library_versions"])
    assert meta["version_id"].startswith("lsm-")


def test_score_leads_output_contract(result: TrainResult, today: pl.DataFrame) -> None:
    scores = score_leads(result.bundle, today)
    assert scores.columns == [
        "lead_id",
        "probability",
        "percentile",
        "score",
        "fit_score",
        "engagement_score",
        "reason_1",
        "reason_2",
        "reason_3",
        "contributions",
        "model_version",
    ]
    assert scores.get_column("lead_id").to_list() == today.get_column("lead_id").to_list()
    assert scores.schema["score"] == pl.Int32
    assert scores.get_column("score").is_between(0, 100).all()
    assert scores.get_column("reason_1").null_count() == 0
    # reason_1 was the top single feature's contribution; since issue 11 it is the top group
    # of related features whose words agree with the sign: its sign is that of the group's
    # summed contributions, and its text is a member's value phrased with that sign.
    every = score_leads(
        result.bundle, today, ScoringConfig(n_contributions=len(result.bundle.spec.names))
    )
    assert every.select("reason_1").equals(scores.select("reason_1"))
    for row, lead in zip(every.iter_rows(named=True), today.iter_rows(named=True), strict=True):
        totals: dict[str, float] = {}
        for c in row["contributions"]:
            group = signal(c["feature"]).group
            totals[group] = totals.get(group, 0.0) + c["contribution"]
        phrased = {
            format_reason(c["feature"], lead[c["feature"]], totals[signal(c["feature"]).group])
            for c in row["contributions"]
        }
        assert row["reason_1"] in phrased, row["reason_1"]
    assert scores.get_column("model_version").unique().to_list() == [result.bundle.version_id]


@pytest.mark.parametrize("fitted", ["linear_result", "hgb_result"])
def test_fit_and_engagement_split_the_score_by_who_and_what(
    fitted: str, today: pl.DataFrame, request: pytest.FixtureRequest
) -> None:
    """Issue 11.5: fit_score is the score of the lead's profile with typical behaviour,
    engagement_score the score of its behaviour with a typical profile, from the same additive
    attributions. A lead that copies a hot lead's behaviour keeps its fit (for the linear
    model exactly; trees share interactions) and gains engagement; copying a profile moves fit."""
    bundle = request.getfixturevalue(fitted).bundle
    scores = score_leads(bundle, today)
    for column in ("fit_score", "engagement_score"):
        assert scores.schema[column] == pl.Int32
        assert scores.get_column(column).is_between(0, 100).all()
    profile = [f for f in bundle.spec.names if is_profile_feature(f)]
    behaviour = [f for f in bundle.spec.names if not is_profile_feature(f)]
    assert profile and behaviour
    hottest = scores.get_column("engagement_score").arg_max()
    coldest = scores.get_column("engagement_score").arg_min()
    copied = today.with_columns(
        [pl.lit(today.item(hottest, f), dtype=today.schema[f]).alias(f) for f in behaviour]
    )
    after = score_leads(bundle, copied)
    gained = after.get_column("engagement_score") - scores.get_column("engagement_score")
    assert (gained >= 0).mean() > 0.95 and gained.mean() > 10
    if bundle.explainer.kind == "linear":  # the profile's part does not see behaviour at all
        assert after.get_column("fit_score").equals(scores.get_column("fit_score"))
    assert scores.item(hottest, "engagement_score") > scores.item(coldest, "engagement_score")


def test_scores_follow_the_calibrated_pipeline(result: TrainResult, today: pl.DataFrame) -> None:
    scores = score_leads(result.bundle, today, ScoringConfig(batch_size=97))
    X = prepare_features(today, result.bundle.spec)
    expected = result.bundle.model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(scores.get_column("probability").to_numpy(), expected, rtol=1e-12)


def test_percentile_scale_centres_the_reference_period_on_50(
    result: TrainResult, panel: pl.DataFrame
) -> None:
    validation = panel.filter(pl.col("as_of_date").is_in(list(result.split.validation_dates)))
    scores = score_leads(result.bundle, validation)
    assert abs(scores.get_column("score").mean() - 49.5) < 1.0
    median_lead = scores.sort("probability").row(scores.height // 2, named=True)
    assert median_lead["score"] in (49, 50)


def test_probability_scale_is_probability_times_100(
    result: TrainResult, today: pl.DataFrame
) -> None:
    scores = score_leads(result.bundle, today, ScoringConfig(score_scale="probability"))
    expected = np.floor(scores.get_column("probability").to_numpy() * 100 + 0.5)
    assert scores.get_column("score").to_list() == expected.astype(int).tolist()


def test_linear_contributions_add_up_to_the_log_odds_gap(
    small_panel: pl.DataFrame, today: pl.DataFrame
) -> None:
    linear = train_model(small_panel, TRAINED_AT, config(candidates=("logistic",)))
    bundle = linear.bundle
    n_features = len(bundle.spec.names)
    scores = score_leads(bundle, today, ScoringConfig(n_contributions=n_features))
    _, raw, _ = predict_frame(bundle, prepare_features(today, bundle.spec))
    lr = bundle.base_pipeline.named_steps["model"]
    baseline = float(bundle.explainer.reference @ lr.coef_[0] + lr.intercept_[0])
    totals = scores.get_column("contributions").list.eval(pl.element().struct.field("contribution"))
    np.testing.assert_allclose(totals.list.sum().to_numpy(), raw - baseline, atol=1e-8)


def test_tree_contributions_add_up_to_the_log_odds_above_the_baseline(
    hgb_result: TrainResult, today: pl.DataFrame
) -> None:
    bundle = hgb_result.bundle
    assert bundle.explainer.kind == "tree_path"
    assert bundle.metadata["explainer"]["explained"] == list(bundle.spec.names)
    n_features = len(bundle.spec.names)
    scores = score_leads(bundle, today, ScoringConfig(n_contributions=n_features))
    _, raw, _ = predict_frame(bundle, prepare_features(today, bundle.spec))
    totals = scores.get_column("contributions").list.eval(pl.element().struct.field("contribution"))
    # contributions below ScoringConfig.min_abs_contribution are not listed
    np.testing.assert_allclose(
        totals.list.sum().to_numpy(), raw - bundle.explainer.baseline, atol=1e-6 * n_features
    )


def test_hgb_reasons_read_like_the_feature_patterns(
    hgb_result: TrainResult, today: pl.DataFrame
) -> None:
    reasons = score_leads(hgb_result.bundle, today).get_column("reason_1").drop_nulls()
    assert reasons.str.contains(r"^(\+|\u2212) ").all()
    assert reasons.str.contains("Seniority: ").any()


def test_model_file_round_trip_gives_identical_scores(
    hgb_result: TrainResult, today: pl.DataFrame
) -> None:
    for bundle in (hgb_result.bundle,):
        loaded = loads_bundle(dumps_bundle(bundle))
        assert loaded.version_id == bundle.version_id
        assert loaded.spec == bundle.spec
        assert score_leads(loaded, today).equals(score_leads(bundle, today))


def test_linear_model_file_round_trip(result: TrainResult, today: pl.DataFrame) -> None:
    loaded = loads_bundle(dumps_bundle(result.bundle))
    assert score_leads(loaded, today).equals(score_leads(result.bundle, today))


def test_isotonic_calibration_trains_and_round_trips(small_panel: pl.DataFrame) -> None:
    small = small_panel
    isotonic = config(candidates=("logistic",), calibration="isotonic")
    bundle = train_model(small, TRAINED_AT, isotonic).bundle
    rows = small.tail(300)
    loaded = loads_bundle(dumps_bundle(bundle))
    assert score_leads(loaded, rows).equals(score_leads(bundle, rows))
    assert bundle.metadata["calibration"] == "isotonic"


def test_model_file_with_untrusted_types_is_refused(result: TrainResult) -> None:
    tampered = dataclasses.replace(result.bundle, model=FunctionTransformer(func=os.getcwd))
    with pytest.raises(UntrustedModelError, match="getcwd"):
        loads_bundle(dumps_bundle(tampered))  # type: ignore[arg-type]


def test_garbage_bytes_are_not_a_model() -> None:
    with pytest.raises(MLInputError, match="skops"):
        loads_bundle(b"definitely not a zip file")


def test_champion_is_kept_when_a_worse_challenger_is_compared_on_its_window(
    panel: pl.DataFrame, held_out: TrainResult
) -> None:
    noise_only = FeatureConfig(features=("mobile_share_90d", "trend_7d_vs_30d", "region"))
    challenger = train_model(
        panel,
        TRAINED_AT,
        config(features=noise_only, candidates=("logistic",), refit=False),
    )
    window = panel.filter(pl.col("as_of_date").is_in(list(challenger.split.test_dates)))
    champion_metrics = evaluate_bundle(held_out.bundle, window).model
    challenger_metrics = evaluate_bundle(challenger.bundle, window).model
    assert challenger_metrics == challenger.evaluation.model
    decision = should_promote(challenger_metrics, champion_metrics, tolerance=0.005)
    assert not decision.promote
    assert "keep champion: challenger is worse" in decision.reason


def test_evaluate_bundle_reports_the_rules_score_on_the_same_rows(
    held_out: TrainResult, panel: pl.DataFrame
) -> None:
    window = panel.filter(pl.col("as_of_date").is_in(list(held_out.split.test_dates)))
    evaluation = evaluate_bundle(held_out.bundle, window)
    assert evaluation == held_out.evaluation


def test_the_refit_learns_from_every_labelled_row_and_keeps_the_held_out_metrics(
    result: TrainResult, held_out: TrainResult, panel: pl.DataFrame
) -> None:
    labelled = panel.filter(pl.col("label").is_not_null())
    refit = result.bundle.metadata["refit"]
    assert refit["done"] is True
    assert refit["rows"] == labelled.height
    assert refit["positive"] == int(labelled.get_column("label").sum())
    assert refit["end"] == max(result.split.test_dates).isoformat()
    # selection, calibration and the test metrics are those of the run without the refit
    assert result.evaluation == held_out.evaluation
    assert result.bundle.metadata["model_kind"] == held_out.bundle.metadata["model_kind"]
    # ... and the held-out probabilities behind them travel with the result
    rows = result.test_rows.join(panel, on=["lead_id", "as_of_date"], how="left")
    assert rows.height == result.evaluation.model.n_rows
    np.testing.assert_allclose(
        rows.get_column("_probability").to_numpy(),
        held_out.bundle.model.predict_proba(prepare_features(rows, held_out.bundle.spec))[:, 1],
        rtol=1e-12,
    )
    # the model that scores is another one: it has seen the test dates
    assert result.bundle.version_id != held_out.bundle.version_id
    window = panel.filter(pl.col("as_of_date").is_in(list(result.split.test_dates)))
    assert evaluate_bundle(result.bundle, window).model != result.evaluation.model


def test_the_refit_model_is_calibrated_out_of_fold(
    result: TrainResult, panel: pl.DataFrame
) -> None:
    labelled = panel.filter(pl.col("label").is_not_null())
    probability = result.bundle.model.predict_proba(prepare_features(labelled, result.bundle.spec))
    observed = labelled.get_column("label").mean()
    assert abs(float(probability[:, 1].mean()) - observed) < 0.2 * observed
    # one calibrated classifier (not an ensemble of fold models), no fold indices stored
    assert len(result.bundle.model.calibrated_classifiers_) == 1
    assert result.bundle.model.cv == 3


def test_the_refit_is_skipped_with_a_reason_when_too_few_leads_converted(
    panel: pl.DataFrame,
) -> None:
    trained = train_model(
        panel, TRAINED_AT, config(params=FAST, candidates=("logistic",), refit_folds=10_000)
    )
    refit = trained.bundle.metadata["refit"]
    assert refit["done"] is False
    assert "too few for 10000 calibration folds" in refit["reason"]
    assert trained.bundle.metadata["counts"]["refit_rows"] == 0
    # the bundle is the held-out model
    window = panel.filter(pl.col("as_of_date").is_in(list(trained.split.test_dates)))
    assert evaluate_bundle(trained.bundle, window) == trained.evaluation


def test_the_refit_round_trips_through_the_model_file(
    result: TrainResult, today: pl.DataFrame
) -> None:
    loaded = loads_bundle(dumps_bundle(result.bundle))
    assert_frame_equal(score_leads(loaded, today), score_leads(result.bundle, today))


def test_max_features_refit_is_kept_only_within_tolerance(small_panel: pl.DataFrame) -> None:
    panel = small_panel
    lenient = config(candidates=("logistic",), max_features=6, max_features_tolerance=1.0)
    small = train_model(panel, TRAINED_AT, lenient)
    assert small.bundle.metadata["feature_reduction"]["kept"]
    assert len(small.bundle.spec.names) == 6
    assert small.importance.filter("in_model").height == 6
    strict = dataclasses.replace(lenient, max_features_tolerance=-1.0)
    full = train_model(panel, TRAINED_AT, strict)
    assert not full.bundle.metadata["feature_reduction"]["kept"]
    assert len(full.bundle.spec.names) > 6


def test_scoring_input_errors_are_clear(result: TrainResult, today: pl.DataFrame) -> None:
    with pytest.raises(MLInputError, match=r"missing from the input: \['seniority'\]"):
        score_leads(result.bundle, today.drop("seniority"))
    with pytest.raises(MLInputError, match="lead_id"):
        score_leads(result.bundle, today.drop("lead_id"))
    bad = today.with_columns(pl.lit("lots").alias("n_pricing_view_7d"))
    with pytest.raises(MLInputError, match="n_pricing_view_7d"):
        score_leads(result.bundle, bad)


def test_scoring_ignores_extra_columns_and_column_order(
    result: TrainResult, today: pl.DataFrame
) -> None:
    reordered = today.select(sorted(today.columns)).with_columns(pl.lit(1).alias("extra"))
    assert score_leads(result.bundle, reordered).equals(score_leads(result.bundle, today))
    assert score_leads(result.bundle, today.head(0)).height == 0


def test_training_without_conversions_is_a_clear_error(panel: pl.DataFrame) -> None:
    no_positives = panel.with_columns(
        pl.when(pl.col("label").is_not_null()).then(0).otherwise(None).cast(pl.Int8).alias("label")
    )
    with pytest.raises(MLInputError, match="no converted leads"):
        train_model(no_positives, TRAINED_AT, config())


def test_training_with_all_labels_null_is_a_clear_error(panel: pl.DataFrame) -> None:
    with pytest.raises(MLInputError, match="no labelled rows"):
        train_model(
            panel.with_columns(pl.lit(None, dtype=pl.Int8).alias("label")),
            TRAINED_AT,
            config(),
        )


def test_fast_importance_for_one_column_per_feature_equals_the_pipeline_version(
    hgb_result: TrainResult, panel: pl.DataFrame
) -> None:
    bundle = hgb_result.bundle
    rows = panel.filter(pl.col("as_of_date").is_in(list(hgb_result.split.calibration_dates)))
    X = prepare_features(rows, bundle.spec)
    y = rows.get_column("label").to_numpy()
    args = (bundle.base_pipeline, X, y, bundle.spec, "pr_auc", 2, 1500, 3)
    # the fast path re-runs only the trees that split on the permuted feature
    assert fast_tree_path(bundle.base_pipeline.named_steps["model"])
    fast = permutation_importance_table(*args, one_to_one=True)
    assert fast.equals(permutation_importance_table(*args, one_to_one=False))


def test_fast_importance_skips_features_no_tree_splits_on_and_gives_the_same_table(
    hgb_result: TrainResult, panel: pl.DataFrame
) -> None:
    """Importance of gradient boosting permutes only the features its trees split on; a
    feature that cannot be split on (constant) gets 0, and every other feature exactly what
    permuting all of them gives."""
    from leadscore.ml.candidates import build_hgb_pipeline
    from leadscore.ml.features import FeatureSpec
    from leadscore.ml.importance import features_split_on

    base = hgb_result.bundle.spec
    spec = FeatureSpec(
        numeric=(*base.numeric, "constant_feature"),
        categorical=base.categorical,
        dtypes={**base.dtypes, "constant_feature": "Float64"},
    )
    labelled = panel.filter(pl.col("label").is_not_null()).with_columns(
        pl.lit(1.0).alias("constant_feature")
    )
    X = prepare_features(labelled, spec)
    y = labelled.get_column("label").to_numpy()
    pipeline = build_hgb_pipeline(spec, FAST, seed=3).fit(X, y)
    used = features_split_on(pipeline.named_steps["model"])
    assert used is not None and spec.names.index("constant_feature") not in set(used.tolist())
    assert 0 < used.size < len(spec.names)
    rows = labelled.filter(pl.col("as_of_date").is_in(list(hgb_result.split.calibration_dates)))
    args = (pipeline, prepare_features(rows, spec), rows.get_column("label").to_numpy(), spec)
    assert fast_tree_path(pipeline.named_steps["model"])
    fast = permutation_importance_table(*args, "pr_auc", 2, 1500, 3, one_to_one=True)
    assert fast.equals(permutation_importance_table(*args, "pr_auc", 2, 1500, 3))
    constant = fast.filter(pl.col("feature") == "constant_feature").row(0, named=True)
    assert (constant["importance_mean"], constant["importance_std"]) == (0.0, 0.0)


def test_the_refit_of_gradient_boosting_learns_only_from_the_features_its_trees_split_on(
    panel: pl.DataFrame,
) -> None:
    """A feature the held-out gradient boosting never split on (importance 0) is left out of
    the refit, named with why (the negative signals stay); with the option off, the refit
    learns from every feature."""
    from leadscore.ml.importance import features_split_on

    # a flag set on too few rows for a leaf (min_samples_leaf 40): no tree can split on it
    rare = panel.with_columns(
        (pl.int_range(pl.len()) % 500 == 0).cast(pl.Int8).alias("is_rare_flag")
    )
    trained = train_model(rare, TRAINED_AT, config(candidates=("hgb",), params=FAST))
    metadata = trained.bundle.metadata
    assert metadata["refit"]["done"] is True
    held_out = train_model(
        rare, TRAINED_AT, config(candidates=("hgb",), params=FAST, refit=False)
    ).bundle
    split_on = features_split_on(held_out.base_pipeline.named_steps["model"])
    # ... and the negative signals held to lowering the score, which the user listed
    negative = set(held_out.metadata["sign_constraints"]["decreasing"])
    expected = {held_out.spec.names[i] for i in split_on.tolist()} | negative
    assert "is_rare_flag" in held_out.spec.names and "is_rare_flag" not in expected
    assert len(expected) < len(held_out.spec.names)
    assert set(trained.bundle.spec.names) == expected
    left_out = {d["feature"]: d["why"] for d in metadata["dropped_features"]}
    assert set(held_out.spec.names) - expected <= set(left_out)
    assert "left out of the refit" in left_out["is_rare_flag"]
    importance = trained.importance.filter(pl.col("feature") == "is_rare_flag").row(0, named=True)
    assert (importance["importance_mean"], importance["in_model"]) == (0.0, False)

    every = train_model(
        rare,
        TRAINED_AT,
        config(candidates=("hgb",), params=FAST, refit_split_features_only=False),
    ).bundle
    assert "is_rare_flag" in every.spec.names
    assert set(every.spec.names) == set(held_out.spec.names)
