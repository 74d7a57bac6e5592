"""The model lifecycle the dbt Python models run: cold start, retraining policy, champion
kept or replaced, and scoring with the champion or the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import polars as pl
import pytest
from champion_frames import champions
from leadscore.ml.config import FeatureConfig
from leadscore.ml.lifecycle import (
    RUN_SCHEMA,
    SCORE_SCHEMA,
    champion_run,
    score_with_champion,
    training_run,
)
from leadscore.ml.policy import AlertCheck, AlertStatus
from project_settings import lifecycle, scoring, split_by_dates, train_config
from synthetic_panel import make_synthetic_panel

RAN_AT = dt.datetime(2025, 9, 1, 6, 0)
# the windows of these tests are pinned by a count of dates (8 validation, 4 test)
LOGISTIC = train_config(candidates=("logistic",), split=split_by_dates())


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return make_synthetic_panel(n_leads=300, n_dates=30, seed=11, n_unlabelled_dates=2)


@pytest.fixture(scope="module")
def score_date(panel: pl.DataFrame) -> dt.date:
    return panel.get_column("as_of_date").max()


@pytest.fixture(scope="module")
def first_run(panel: pl.DataFrame, score_date: dt.date) -> pl.DataFrame:
    return training_run(
        panel, None, lifecycle(min_labelled=200, train=LOGISTIC), score_date, RAN_AT
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
    settings = lifecycle(min_labelled=10**9, train=LOGISTIC)
    run = training_run(panel, None, settings, score_date, RAN_AT)
    assert run.item(0, "action") == "cold_start"
    assert "labelled leads in the labelled history (the model needs" in run.item(0, "action_reason")
    scores = score_with_champion(
        _scoring_rows(panel), champions(run), latest_run=run.row(0, named=True)
    )
    assert scores.schema == pl.Schema(SCORE_SCHEMA)
    assert scores.get_column("scoring_method").unique().to_list() == ["rules"]
    assert scores.get_column("score").to_list() == (
        _scoring_rows(panel).get_column("points_score").cast(pl.Int32).to_list()
    )
    assert scores.get_column("probability").null_count() == scores.height
    assert scores.item(0, "reason_1") == "+ Asked for a demo"
    assert "model needs" in scores.item(0, "scoring_method_reason")


def _rows_with_scaled_rules(panel: pl.DataFrame) -> pl.DataFrame:
    """Scoring rows as ml_scoring_rows gives them when the points are on the score scale
    (here simply doubled) of 12,345 earlier lead-dates, 29 and 17 points at the thresholds."""
    return _scoring_rows(panel).with_columns(
        (pl.col("points_score") * 2).clip(0, 100).alias("rules_score"),
        pl.lit(True).alias("rules_uses_scale"),
        pl.lit(12_345).alias("rules_reference_rows"),
        pl.lit(29).alias("rules_sales_now_points"),
        pl.lit(17).alias("rules_nurture_points"),
    )


def test_the_rules_score_is_the_points_on_the_score_scale_when_given(
    panel: pl.DataFrame, score_date: dt.date
) -> None:
    """ml_scoring_rows puts the points on the score scale (lead_points_scale): scoring by
    rules takes that score, keeps the points' reasons, and says what the scale is."""
    settings = lifecycle(min_labelled=10**9, train=LOGISTIC)
    run = training_run(panel, None, settings, score_date, RAN_AT)
    rows = _rows_with_scaled_rules(panel)
    scores = score_with_champion(rows, champions(run), latest_run=run.row(0, named=True))
    assert scores.get_column("score").to_list() == (
        rows.get_column("rules_score").cast(pl.Int32).to_list()
    )
    assert scores.get_column("score").to_list() != (
        rows.get_column("points_score").cast(pl.Int32).to_list()
    )
    assert scores.item(0, "reason_1") == "+ Asked for a demo"
    reason = scores.item(0, "scoring_method_reason")
    assert "on the score scale of 12,345 earlier lead-dates" in reason
    assert "29 points score the sales_now threshold" in reason
    unscaled = score_with_champion(
        rows.with_columns(
            pl.col("points_score").alias("rules_score"),
            pl.lit(False).alias("rules_uses_scale"),
            pl.lit("var rules_on_score_scale is false").alias("rules_unscaled_reason"),
        ),
        champions(run),
        latest_run=run.row(0, named=True),
    )
    assert unscaled.item(0, "scoring_method_reason").endswith(
        "; the score is the points score (var rules_on_score_scale is false)"
    )


def test_by_default_the_rules_score_is_on_the_scale_only_until_a_model_was_trained(
    panel: pl.DataFrame, score_date: dt.date
) -> None:
    """var rules_on_score_scale cold_start (the default): while the warehouse has trained no
    model, the rules score is the points on the score scale, so sales gets its share; once a
    model was trained (and none beats the rules), the points themselves, as the model's
    comparison saw them. always keeps the scale after training too."""
    assert scoring().rules_on_score_scale == "cold_start"
    settings = lifecycle(min_labelled=10**9, train=LOGISTIC)
    run = training_run(panel, None, settings, score_date, RAN_AT)
    rows = _rows_with_scaled_rules(panel)
    scaled = rows.get_column("rules_score").cast(pl.Int32).to_list()
    points = rows.get_column("points_score").cast(pl.Int32).to_list()
    assert scaled != points

    def score(config, trained: bool) -> pl.DataFrame:
        return score_with_champion(
            rows,
            champions(run),
            config,
            latest_run=run.row(0, named=True),
            has_trained_model=trained,
        )

    cold = score(scoring(), trained=False)
    assert cold.get_column("score").to_list() == scaled
    assert "on the score scale of 12,345 earlier lead-dates" in cold.item(
        0, "scoring_method_reason"
    )
    after = score(scoring(), trained=True)
    assert after.get_column("score").to_list() == points
    assert after.item(0, "scoring_method_reason").endswith(
        "; the score is the points score (var rules_on_score_scale is cold_start and this "
        "warehouse has trained a model)"
    )
    assert after.get_column("reason_1").to_list() == cold.get_column("reason_1").to_list()
    always = score(scoring(rules_on_score_scale="always"), trained=True)
    assert always.get_column("score").to_list() == scaled


@pytest.mark.parametrize(("given", "read"), [(True, "always"), (False, "never")])
def test_rules_on_score_scale_true_and_false_read_as_always_and_never(
    given: bool, read: str
) -> None:
    from leadscore import settings as project
    from project_settings import project_vars

    assert (
        project.scoring_config(project_vars(rules_on_score_scale=given)).rules_on_score_scale
        == read
    )


def test_auto_keeps_a_fresh_champion_and_only_scores(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    settings = lifecycle(min_labelled=200, retrain_min_new_conversions=10**6, train=LOGISTIC)
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
    settings = lifecycle(min_labelled=200, train=LOGISTIC)
    return training_run(early, None, settings, early_date, RAN_AT)


def test_old_champion_is_retrained_and_a_worse_challenger_is_not_promoted(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    # a challenger that may only use one uninformative feature is worse on the same rows
    weak = dataclasses.replace(LOGISTIC, features=FeatureConfig(features=("days_since_created",)))
    settings = lifecycle(min_labelled=200, retrain_max_age_days=14, train=weak)
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


def test_new_conversions_count_distinct_leads_not_weekly_rows(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    seen_until = early_run.item(0, "refit_end")  # the last as-of date the champion learned from
    assert seen_until is not None
    positive = panel.filter(pl.col("label") == 1)
    newer = positive.filter(pl.col("as_of_date") > seen_until)
    known = set(positive.filter(pl.col("as_of_date") <= seen_until).get_column("lead_id"))
    leads = len(set(newer.get_column("lead_id")) - known)
    assert 0 < leads < newer.get_column("lead_id").n_unique() < newer.height
    # a converting lead is labelled on several weekly rows, and the leads the champion already
    # saw converting (positive on a date it learned from) are not new
    age = (score_date - early_run.item(0, "score_date")).days
    ran_at = RAN_AT + dt.timedelta(days=age)
    enough = lifecycle(
        min_labelled=200,
        retrain_max_age_days=10**4,
        retrain_min_new_conversions=leads,
        train=LOGISTIC,
    )
    run = training_run(panel, early_run, enough, score_date, ran_at)
    assert run.item(0, "action") == "trained"
    assert run.item(0, "action_reason") == (
        f"{leads} newly converted leads since the last model was trained (threshold {leads})"
    )
    too_few = dataclasses.replace(enough, retrain_min_new_conversions=leads + 1)
    kept = training_run(panel, early_run, too_few, score_date, ran_at)
    assert kept.item(0, "action") == "kept_champion"


def test_a_challenger_that_lost_is_not_retried_until_new_conversions_come(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    """A challenger trained on the new conversions and not promoted has tried that data: the
    next build counts only what converted after it, not again since the champion."""
    weak = dataclasses.replace(LOGISTIC, features=FeatureConfig(features=("days_since_created",)))
    age = (score_date - early_run.item(0, "score_date")).days
    ran_at = RAN_AT + dt.timedelta(days=age)
    settings = lifecycle(
        min_labelled=200, retrain_max_age_days=10**4, retrain_min_new_conversions=1, train=weak
    )
    lost = training_run(panel, early_run, settings, score_date, ran_at)
    assert lost.item(0, "action") == "trained" and lost.item(0, "is_promoted") is False
    runs = pl.concat([early_run, lost], how="diagonal_relaxed")
    # a week later, on the same outcomes: nothing converted after the challenger's data
    again = training_run(
        panel, runs, settings, score_date + dt.timedelta(days=7), ran_at + dt.timedelta(days=7)
    )
    assert again.item(0, "action") == "kept_champion", again.item(0, "action_reason")
    assert "only 0 newly converted leads" in again.item(0, "action_reason")
    # without the challenger's row, the same build would have retrained
    alone = training_run(
        panel, early_run, settings, score_date + dt.timedelta(days=7), ran_at + dt.timedelta(days=7)
    )
    assert alone.item(0, "action") == "trained"


def test_the_champion_is_compared_only_on_test_dates_it_never_learned_from(
    panel: pl.DataFrame, score_date: dt.date, early_run: pl.DataFrame
) -> None:
    settings = lifecycle(min_labelled=200, retrain_policy="always", train=LOGISTIC)
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
    settings = lifecycle(min_labelled=200, retrain_policy="always", train=LOGISTIC)
    run = training_run(panel, first_run, settings, score_date, RAN_AT + dt.timedelta(days=1))
    row = run.row(0, named=True)
    assert row["action"] == "trained"
    assert row["is_promoted"] is False
    assert "no test date is newer" in row["promotion_reason"]


def test_policy_never_does_not_train(panel: pl.DataFrame, score_date: dt.date) -> None:
    run = training_run(
        panel, None, lifecycle(min_labelled=200, retrain_policy="never"), score_date, RAN_AT
    )
    assert run.item(0, "action") == "cold_start"
    assert "never" in run.item(0, "action_reason")


def test_a_drift_alert_makes_auto_retrain(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    settings = lifecycle(min_labelled=200, retrain_min_new_conversions=10**6, train=LOGISTIC)
    alert = AlertCheck(
        AlertStatus.RAISED,
        previous_score_date=score_date,
        champion_version=first_run.item(0, "version_id"),
        alerts=(("drift", "lead_source PSI 1.2"),),
    )
    run = training_run(panel, first_run, settings, score_date, RAN_AT, alert=alert)
    assert run.item(0, "action") == "trained"
    assert "drift" in run.item(0, "action_reason")
    assert run.item(0, "action_reason") == f"retrained on a {alert.sentence}"


def test_champion_scores_are_deterministic_and_explained(
    panel: pl.DataFrame, first_run: pl.DataFrame, score_date: dt.date
) -> None:
    rows = _scoring_rows(panel)
    first = score_with_champion(rows, champions(first_run))
    again = training_run(
        panel, None, lifecycle(min_labelled=200, train=LOGISTIC), score_date, RAN_AT
    )
    assert again.item(0, "version_id") == first_run.item(0, "version_id")
    second = score_with_champion(rows, champions(again))
    assert first.equals(second)
    assert first.get_column("scoring_method").unique().to_list() == ["model"]
    assert first.get_column("score").is_between(0, 100).all()
    assert first.get_column("reason_1").null_count() < first.height
    factors = json.loads(first.item(0, "contributions"))
    assert {"feature", "value", "contribution"} <= set(factors[0])
    assert first.get_column("model_version").unique().to_list() == [first_run.item(0, "version_id")]


def test_scoring_falls_back_along_the_champion_ranks_as_given(
    panel: pl.DataFrame, first_run: pl.DataFrame, early_run: pl.DataFrame
) -> None:
    """The champions are taken in the order given (ml_champion's champion_rank), never
    re-sorted; a bundle that cannot be read passes to the next rank, then to the rules."""
    rows = _scoring_rows(panel)
    damaged = first_run.with_columns(
        pl.lit(b"not a bundle").alias("model_bundle"), pl.lit("lsm-damaged").alias("version_id")
    )
    ranked = pl.concat([damaged, early_run]).with_columns(
        pl.Series("champion_rank", [1, 2], dtype=pl.Int64)
    )
    scores = score_with_champion(rows, ranked)
    assert scores.get_column("model_version").unique().to_list() == [
        early_run.item(0, "version_id")
    ]
    assert "champion bundle unreadable, skipped: lsm-damaged" in scores.item(
        0, "scoring_method_reason"
    )
    # the order given wins, even when a later rank was trained more recently
    reversed_ranks = pl.concat([early_run, first_run]).with_columns(
        pl.Series("champion_rank", [1, 2], dtype=pl.Int64)
    )
    assert score_with_champion(rows, reversed_ranks).get_column(
        "model_version"
    ).unique().to_list() == [early_run.item(0, "version_id")]
    # no readable bundle: the rules, saying why
    rules = score_with_champion(
        rows, damaged.with_columns(pl.lit(1, pl.Int64).alias("champion_rank"))
    )
    assert rules.get_column("scoring_method").unique().to_list() == ["rules"]
    assert rules.item(0, "scoring_method_reason").startswith(
        "rules score: the champion's model bundle cannot be read (lsm-damaged"
    )


def test_a_champion_that_cannot_be_loaded_is_marked_unusable_and_replaced(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame, early_run: pl.DataFrame
) -> None:
    """Issue 15: a damaged champion bundle never blocks a build. The registry's writer marks
    it unusable with the error (a row of its own), the previous usable model is the champion
    the run decides against, ml_champion leaves the damaged one out, and training replaces it
    as usual."""
    earlier = early_run.with_columns(pl.lit(RAN_AT - dt.timedelta(days=21)).alias("ran_at"))
    damaged = first_run.with_columns(pl.lit(b"not a bundle").alias("model_bundle"))
    registry = pl.concat([earlier, damaged])
    damaged_version = damaged.item(0, "version_id")

    # policy never: no training, the earlier model is the champion now, and stays so
    never = lifecycle(min_labelled=200, retrain_policy="never", train=LOGISTIC)
    run = training_run(panel, registry, never, score_date, RAN_AT + dt.timedelta(days=1))
    assert run.get_column("action").to_list() == ["marked_unusable", "kept_champion"]
    mark = run.row(0, named=True)
    assert mark["version_id"] == damaged_version
    assert mark["is_promoted"] is False
    assert mark["action_reason"].startswith(f"model {damaged_version} cannot be loaded (")
    assert "the previous usable model, or the points rules, scores instead" in mark["warning"]
    assert mark["ran_at"] < run.item(1, "ran_at")  # the build's own run stays the latest
    assert run.item(1, "warning").startswith(f"The champion model {damaged_version} cannot")
    after = pl.concat([registry, run])
    assert champion_run(after)["version_id"] == early_run.item(0, "version_id")
    ranked = champions(after)
    assert damaged_version not in ranked.get_column("version_id").to_list()
    assert ranked.item(0, "version_id") == early_run.item(0, "version_id")
    # a later build does not mark it again
    again = training_run(panel, after, never, score_date, RAN_AT + dt.timedelta(days=2))
    assert again.get_column("action").to_list() == ["kept_champion"]

    # no usable model left: policy auto trains as on a first build and promotes
    auto = lifecycle(min_labelled=200, train=LOGISTIC)
    fresh = training_run(panel, damaged, auto, score_date, RAN_AT + dt.timedelta(days=1))
    assert fresh.get_column("action").to_list() == ["marked_unusable", "trained"]
    assert fresh.item(1, "action_reason") == "no champion model yet"
    assert fresh.item(1, "is_promoted") is True
    assert champions(pl.concat([damaged, fresh])).item(0, "version_id") == fresh.item(
        1, "version_id"
    )


def _horizons(configured: tuple[int, int], rows: list[tuple[int, int, int, int]]) -> pl.DataFrame:
    """An ml_training_preflight table: (horizon, look-back, labelled, converted) per row."""
    return pl.DataFrame(
        [
            {
                "horizon_days": h,
                "lookback_days": lb,
                "is_configured": (h, lb) == configured,
                "labelled_leads": n,
                "converted_leads": c,
            }
            for h, lb, n, c in rows
        ]
    )


def test_a_cold_start_names_the_horizon_that_would_learn(
    panel: pl.DataFrame, score_date: dt.date
) -> None:
    """The preflight's advice is the workable horizon nearest the configured one, at the
    configured look-back before a longer one, with its counts, in the run and its warning."""
    settings = lifecycle(min_labelled=10**6, min_conversions=100, train=LOGISTIC)
    horizon = settings.train.split.gap_days
    horizons = _horizons(
        (horizon, 365),
        [
            (7, 365, 2_000_000, 150),  # enough, but far from the configured horizon
            (30, 365, 1_500_000, 120),  # enough and nearest at the same look-back
            (horizon, 365, 900_000, 90),  # configured: too few
            (180, 365, 500_000, 40),
            (horizon, 730, 3_000_000, 300),  # enough, but needs a longer look-back
        ],
    )
    run = training_run(panel, None, settings, score_date, RAN_AT, horizons=horizons)
    assert run.item(0, "action") == "cold_start"
    checks = json.loads(run.item(0, "preflight"))
    assert checks["suggestion"]["horizon_days"] == 30
    assert checks["suggestion"]["lookback_days"] == 365
    assert len(checks["horizons"]) == 5
    warning = run.item(0, "warning")
    assert "var horizon_days: 30 would give 1,500,000 labelled and 120 converted leads" in warning
    assert "training_lookback_days" not in warning.split("Preflight:")[1]

    # nothing at the configured look-back: the longer one, named with its var
    only_longer = horizons.filter(pl.col("lookback_days") == 730).vstack(
        horizons.filter(pl.col("is_configured"))
    )
    run = training_run(panel, None, settings, score_date, RAN_AT, horizons=only_longer)
    assert (
        f"var horizon_days: {horizon} and var training_lookback_days: 730 would give"
        in run.item(0, "warning")
    )


def test_when_no_horizon_would_learn_the_advice_says_more_outcomes(
    panel: pl.DataFrame, score_date: dt.date
) -> None:
    settings = lifecycle(min_labelled=10**6, train=LOGISTIC)
    horizon = settings.train.split.gap_days
    horizons = _horizons((horizon, 365), [(7, 365, 10, 1), (horizon, 365, 12, 3)])
    run = training_run(panel, None, settings, score_date, RAN_AT, horizons=horizons)
    checks = json.loads(run.item(0, "preflight"))
    assert checks["suggestion"] is None
    assert "at most 3 converted leads" in checks["advice"]
    assert "needs more outcomes" in run.item(0, "warning")


def test_a_run_that_can_learn_gives_no_advice(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    checks = json.loads(first_run.item(0, "preflight"))
    assert "advice" not in checks
    assert set(checks["periods"]) == {"train", "calibration", "test"}
    assert all(p["converted_leads"] > 0 for p in checks["periods"].values())


def test_the_features_are_read_only_when_the_run_trains(
    panel: pl.DataFrame, score_date: dt.date, first_run: pl.DataFrame
) -> None:
    """Given the panel's keys and labels and a reader of the whole panel, a run that keeps
    the champion never reads the features, and one that trains reads them once and records
    what a run given the whole panel records; a whole panel that is not the one counted is a
    failed run that says so, not another sample."""
    keys = panel.select("lead_id", "as_of_date", "label")
    read = []

    def whole(rows: pl.DataFrame = panel):
        return lambda: read.append(rows.height) or rows

    fresh = lifecycle(min_labelled=200, retrain_min_new_conversions=10**6, train=LOGISTIC)
    later = RAN_AT + dt.timedelta(days=1)
    kept = training_run(keys, first_run, fresh, score_date, later, whole_panel=whole())
    assert kept.item(0, "action") == "kept_champion" and read == []
    settings = lifecycle(min_labelled=200, train=LOGISTIC)
    trained = training_run(keys, None, settings, score_date, RAN_AT, whole_panel=whole())
    assert read == [panel.height]
    written = ["ran_at", "model_bundle"]  # when, and the bundle's zip stamps
    assert trained.drop(written).equals(first_run.drop(written))
    failed = training_run(keys, None, settings, score_date, RAN_AT, whole_panel=whole(panel[1:]))
    assert failed.item(0, "action") == "failed"
    assert "not the one counted" in failed.item(0, "action_reason")
