"""The model lifecycle the dbt Python models run: cold start, retraining policy, champion
kept or replaced, and scoring with the champion or the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import polars as pl
import pytest
from leadscore.ml.config import FeatureConfig, TrainConfig
from leadscore.ml.dbt_settings import lifecycle_settings, scoring_config
from leadscore.ml.errors import MLInputError
from leadscore.ml.lifecycle import (
    RUN_SCHEMA,
    SCORE_SCHEMA,
    LifecycleSettings,
    champion_run,
    score_with_champion,
    training_run,
)
from leadscore.ml.synthetic import make_synthetic_panel

RAN_AT = dt.datetime(2025, 9, 1, 6, 0)
LOGISTIC = TrainConfig(candidates=("logistic",))


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return make_synthetic_panel(n_leads=300, n_dates=30, seed=11, n_unlabelled_dates=2)


@pytest.fixture(scope="module")
def score_date(panel: pl.DataFrame) -> dt.date:
    return panel.get_column("as_of_date").max()


@pytest.fixture(scope="module")
def first_run(panel: pl.DataFrame, score_date: dt.date) -> pl.DataFrame:
    return training_run(
        panel, None, LifecycleSettings(min_labelled=200, train=LOGISTIC), score_date, RAN_AT
    )


def _scoring_rows(panel: pl.DataFrame) -> pl.DataFrame:
    today = panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
    return today.with_columns(
        pl.lit("+ Asked for a demo").alias("points_reason_1"),
        pl.lit(None, pl.Utf8).alias("points_reason_2"),
        pl.lit(None, pl.Utf8).alias("points_reason_3"),
    )


def test_first_build_with_enough_outcomes_trains_and_promotes(first_run: pl.DataFrame) -> None:
    assert first_run.schema == pl.Schema(RUN_SCHEMA)
    row = first_run.row(0, named=True)
    assert row["action"] == "trained"
    assert row["is_promoted"] is True
    assert row["action_reason"] == "no champion model yet"
    assert row["model_bundle"] and row["version_id"].startswith("lsm-")
    assert row["roc_auc"] > 0.6
    assert row["test_end"] <= row["score_date"]


def test_too_few_outcomes_is_a_cold_start_scored_by_rules(
    panel: pl.DataFrame, score_date: dt.date
) -> None:
    settings = LifecycleSettings(min_labelled=10**9, train=LOGISTIC)
    run = training_run(panel, None, settings, score_date, RAN_AT)
    assert run.item(0, "action") == "cold_start"
    assert "labelled leads in the labelled history (the model needs" in run.item(0, "action_reason")
    scores = score_with_champion(_scoring_rows(panel), run)
    assert scores.schema == pl.Schema(SCORE_SCHEMA)
    assert scores.get_column("scoring_method").unique().to_list() == ["rules"]
    assert scores.get_column("score").to_list() == (
        _scoring_rows(panel).get_column("points_score").cast(pl.Int32).to_list()
    )
    assert scores.get_column("probability").null_count() == scores.height
    assert scores.item(0, "reason_1") == "+ Asked for a demo"
    assert "model needs" in scores.item(0, "scoring_method_reason")


def test_auto_keeps_a_fresh_champion_and_only_scores(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    settings = LifecycleSettings(
        min_labelled=200, retrain_min_new_conversions=10**6, train=LOGISTIC
    )
    run = training_run(panel, first_run, settings, score_date, RAN_AT + dt.timedelta(days=1))
    assert run.item(0, "action") == "kept_champion"
    assert run.item(0, "model_bundle") is None
    assert champion_run(pl.concat([first_run, run]))["run_id"] == first_run.item(0, "run_id")


@pytest.fixture(scope="module")
def early_run(panel: pl.DataFrame) -> pl.DataFrame:
    """A champion trained three weeks ago: it saw the panel up to then, the last two dates
    without outcomes yet."""
    dates = sorted(panel.get_column("as_of_date").unique().to_list())
    early_date = dates[-4]
    early = panel.filter(pl.col("as_of_date") <= early_date).with_columns(
        pl.when(pl.col("as_of_date") >= dates[-5])
        .then(None)
        .otherwise(pl.col("label"))
        .alias("label")
    )
    settings = LifecycleSettings(min_labelled=200, train=LOGISTIC)
    return training_run(early, None, settings, early_date, RAN_AT)


def test_old_champion_is_retrained_and_a_worse_challenger_is_not_promoted(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    # a challenger that may only use one uninformative feature is worse on the same rows
    weak = dataclasses.replace(LOGISTIC, features=FeatureConfig(features=("days_since_created",)))
    settings = LifecycleSettings(min_labelled=200, retrain_max_age_days=14, train=weak)
    age = (score_date - early_run.item(0, "score_date")).days
    run = training_run(panel, early_run, settings, score_date, RAN_AT + dt.timedelta(days=age))
    row = run.row(0, named=True)
    assert row["action"] == "trained"
    assert row["action_reason"] == f"champion is {age} days old (max 14)"
    assert row["is_promoted"] is False
    assert row["promotion_reason"].startswith("keep champion")
    assert row["champion_version_id"] == early_run.item(0, "version_id")
    runs = pl.concat([early_run, run])
    assert champion_run(runs)["version_id"] == early_run.item(0, "version_id")


def test_the_champion_is_compared_only_on_test_dates_it_never_learned_from(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    settings = LifecycleSettings(min_labelled=200, retrain_policy="always", train=LOGISTIC)
    run = training_run(panel, early_run, settings, score_date, RAN_AT + dt.timedelta(days=21))
    row = run.row(0, named=True)
    seen_until = early_run.item(0, "refit_end")
    assert row["test_start"] <= seen_until < row["test_end"]
    newer = panel.filter(
        (pl.col("as_of_date") > seen_until) & (pl.col("as_of_date") <= row["test_end"])
    )
    assert f"compared on the {newer.height} test rows after {seen_until}" in row["promotion_reason"]
    assert row["champion_pr_auc_on_test"] is not None


def test_a_refitted_champion_is_not_compared_on_rows_it_learned_from(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    # the champion was refitted on every labelled date; a challenger on the same data has
    # no test date the champion has not seen, so it cannot win on the champion's own rows
    assert first_run.item(0, "refit_end") is not None
    settings = LifecycleSettings(min_labelled=200, retrain_policy="always", train=LOGISTIC)
    run = training_run(panel, first_run, settings, score_date, RAN_AT + dt.timedelta(days=1))
    row = run.row(0, named=True)
    assert row["action"] == "trained"
    assert row["is_promoted"] is False
    assert "no test date is newer" in row["promotion_reason"]


def test_policy_never_does_not_train(panel: pl.DataFrame, score_date: dt.date) -> None:
    run = training_run(
        panel, None, LifecycleSettings(min_labelled=200, retrain_policy="never"), score_date, RAN_AT
    )
    assert run.item(0, "action") == "cold_start"
    assert "never" in run.item(0, "action_reason")


def test_a_drift_alert_makes_auto_retrain(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    settings = LifecycleSettings(
        min_labelled=200, retrain_min_new_conversions=10**6, train=LOGISTIC
    )
    run = training_run(panel, first_run, settings, score_date, RAN_AT, drift_alert=True)
    assert run.item(0, "action") == "trained"
    assert "drift" in run.item(0, "action_reason")


def test_champion_scores_are_deterministic_and_explained(
    panel: pl.DataFrame, first_run: pl.DataFrame, score_date: dt.date
) -> None:
    rows = _scoring_rows(panel)
    first = score_with_champion(rows, first_run)
    again = training_run(
        panel, None, LifecycleSettings(min_labelled=200, train=LOGISTIC), score_date, RAN_AT
    )
    assert again.item(0, "version_id") == first_run.item(0, "version_id")
    second = score_with_champion(rows, again)
    assert first.equals(second)
    assert first.get_column("scoring_method").unique().to_list() == ["model"]
    assert first.get_column("score").is_between(0, 100).all()
    assert first.get_column("reason_1").null_count() < first.height
    factors = json.loads(first.item(0, "contributions"))
    assert {"feature", "value", "contribution"} <= set(factors[0])
    assert first.get_column("model_version").unique().to_list() == [first_run.item(0, "version_id")]


def test_dbt_meta_becomes_settings_with_clear_errors() -> None:
    settings = lifecycle_settings(
        {
            "retrain_policy": "always",
            "model_max_features": "None",
            "model_max_train_rows": "500000",
            "horizon_days": "60",
            "tier_thresholds": "{'sales_now': 85, 'nurture': 40}",
            "min_test_converted_leads": "40",
            "min_calibration_converted_leads": 30,
            "model_refit": "False",
        }
    )
    assert settings.train.refit is False
    assert settings.train.split.min_test_converted_leads == 40
    assert settings.train.split.min_calibration_converted_leads == 30
    assert settings.retrain_policy == "always"
    assert settings.train.max_features is None
    assert settings.train.max_train_rows == 500_000
    assert settings.train.split.gap_days == 60
    assert settings.train.tiers[:2] == (("sales_now", 85), ("nurture", 40))
    assert "is_score_date" in settings.train.features.exclude
    with pytest.raises(MLInputError, match="retrain_policy"):
        lifecycle_settings({"retrain_policy": "sometimes"})
    required = {"min_test_converted_leads": 50, "min_calibration_converted_leads": 50}
    assert lifecycle_settings(required).train.refit is True
    with pytest.raises(
        MLInputError, match="var model_refit must be true or false; got 'sometimes'"
    ):
        lifecycle_settings(required | {"model_refit": "sometimes"})
    with pytest.raises(MLInputError, match="var min_test_converted_leads is not set"):
        lifecycle_settings({"retrain_policy": "auto"})
    with pytest.raises(MLInputError, match="score_scale"):
        scoring_config({"score_scale": "stars"})
    assert dataclasses.asdict(scoring_config({"score_scale": "probability"}))["score_scale"] == (
        "probability"
    )
