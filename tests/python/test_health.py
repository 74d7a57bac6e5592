"""Model health: PSI, drift of a trained champion, backtest replay, alerts into retraining."""

from __future__ import annotations

import datetime as dt
import logging
import math

import numpy as np
import polars as pl
import pytest
from champion_frames import champions
from leadscore.ml import MLInputError, loads_bundle
from leadscore.ml.features import prepare_features
from leadscore.ml.lifecycle import RUN_SCHEMA, training_run
from leadscore.ml.policy import AlertCheck, AlertStatus, needs_retraining
from leadscore.ml.scoring import predict_frame
from leadscore.monitoring.alerts import retraining_alert
from leadscore.monitoring.backtest import (
    BACKTEST_ROW_COLUMNS,
    BACKTEST_SCHEMA,
    EARLIER_REPLAY_COLUMNS,
    replay_backtest,
)
from leadscore.monitoring.bands import PsiBands
from leadscore.monitoring.drift import (
    DRIFT_SCHEMA,
    EARLIER_DRIFT_COLUMNS,
    SCORE_FEATURE,
    categorical_buckets,
    drift_table,
    feature_psi,
    numeric_edges,
    psi,
    reusable_reference,
)
from leadscore.settings import drift_settings
from polars.testing import assert_frame_equal
from project_settings import drift, lifecycle, project_vars, train_config
from synthetic_panel import make_synthetic_panel

SCORE_DATE = dt.date(2025, 8, 4)


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    """300 leads x 30 weekly dates, the last 2 unlabelled."""
    return make_synthetic_panel(n_leads=300, n_dates=30, seed=7, n_unlabelled_dates=2)


@pytest.fixture(scope="module")
def runs(panel: pl.DataFrame) -> pl.DataFrame:
    """One training run whose (logistic, quick) model is the champion."""
    settings = lifecycle(
        min_labelled=100,
        min_conversions=20,
        train=train_config(candidates=("logistic",), importance_repeats=1),
    )
    run = training_run(
        panel.sort("lead_id", "as_of_date"),
        None,
        settings,
        score_date=SCORE_DATE,
        ran_at=dt.datetime(2025, 8, 4, 6, 0),
    )
    assert run.item(0, "is_promoted")
    return run


def drift_rows(panel: pl.DataFrame, runs: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    champion = runs.row(0, named=True)
    reference = panel.filter(
        pl.col("as_of_date").is_between(champion["train_start"], champion["train_end"])
    )
    return pl.concat(
        [
            reference.with_columns(pl.lit("reference").alias("population")),
            current.with_columns(pl.lit("current").alias("population")),
        ]
    )


# --------------------------------------------------------------------------- PSI


def test_psi_of_identical_distributions_is_zero_and_known_shift_matches_formula() -> None:
    assert psi([10, 20, 70], [1, 2, 7]) == pytest.approx(0.0)
    expected = (0.25 - 0.5) * math.log(0.25 / 0.5) + (0.75 - 0.5) * math.log(0.75 / 0.5)
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected)
    # symmetric, and an empty bin gives a large but finite value
    assert psi([0.25, 0.75], [0.5, 0.5]) == pytest.approx(expected)
    assert 0.25 < psi([100, 0], [90, 10]) < 2.0


def test_psi_rejects_mismatched_or_empty_counts() -> None:
    with pytest.raises(MLInputError, match="equal length"):
        psi([1, 2], [1, 2, 3])
    with pytest.raises(MLInputError, match="at least one row"):
        psi([0, 0], [1, 2])


def test_numeric_bins_follow_reference_deciles_and_collapse_on_repeats() -> None:
    spread = pl.Series("x", list(range(1, 101)))
    assert numeric_edges(spread).tolist() == pytest.approx(
        [10.9, 20.8, 30.7, 40.6, 50.5, 60.4, 70.3, 80.2, 90.1]
    )
    mostly_zero = pl.Series("n", [0] * 85 + [1] * 10 + [5] * 5)
    assert numeric_edges(mostly_zero).tolist() == [0.0, 1.0]  # three bins, not ten
    assert numeric_edges(pl.Series("n", [None, None], dtype=pl.Float64)).size == 0


def test_numeric_psi_sees_a_shift_and_counts_missing_values_apart() -> None:
    rng = np.random.default_rng(3)
    settings = drift()
    reference = pl.Series("x", rng.normal(0, 1, 5000))
    same, _, _ = feature_psi(reference, pl.Series("x", rng.normal(0, 1, 2000)), "numeric", settings)
    shifted, _, _ = feature_psi(
        reference, pl.Series("x", rng.normal(1, 1, 2000)), "numeric", settings
    )
    assert same < 0.1 < 0.25 < shifted
    # the same values, but a fifth of them now missing
    gappy = pl.Series("x", [*rng.normal(0, 1, 1600).tolist(), *[None] * 400])
    value, n_bins, shift = feature_psi(reference, gappy, "numeric", settings)
    assert value > 0.25
    assert n_bins == 11  # ten value bins and the missing bin
    assert shift == "(missing): 0.0% -> 20.0%"


def test_categorical_psi_keeps_new_categories_apart_from_rare_ones() -> None:
    settings = drift()
    reference = pl.Series("source", ["web"] * 600 + ["event"] * 398 + ["fax"] * 2)
    assert categorical_buckets(reference, settings.max_categories, 0.005) == ["web", "event"]
    current = pl.Series("source", ["web"] * 480 + ["event"] * 320 + ["podcast"] * 200)
    value, n_bins, shift = feature_psi(reference, current, "categorical", settings)
    assert value > settings.bands.drift
    assert n_bins == 4  # web, event, (other) = fax, (new) = podcast; no (missing) rows
    assert shift == "(new): 0.0% -> 20.0%"
    steady, _, _ = feature_psi(reference, reference, "categorical", settings)
    assert steady == pytest.approx(0.0)


def test_drift_settings_come_from_the_vars_and_bad_thresholds_are_refused() -> None:
    settings = drift_settings(project_vars(health_psi_watch="0.05", health_psi_drift="0.3"))
    assert settings.bands == PsiBands(watch=0.05, drift=0.3)
    assert [settings.bands.status(v) for v in (0.01, 0.05, 0.3, 0.31)] == [
        "ok",
        "watch",
        "watch",
        "drift",
    ]
    with pytest.raises(MLInputError, match="watch < drift"):
        drift_settings({"health_psi_watch": 0.3, "health_psi_drift": 0.1})
    with pytest.raises(MLInputError, match="var health_psi_watch must be a number"):
        drift_settings(project_vars(health_psi_watch="low"))


# --------------------------------------------------------------------------- drift table


def test_drift_of_an_unchanged_population_is_ok_but_for_age(
    panel: pl.DataFrame, runs: pl.DataFrame
) -> None:
    current = panel.filter(pl.col("as_of_date") == panel["as_of_date"].max())
    table = drift_table(drift_rows(panel, runs, current), champions(runs), drift())
    assert table.schema == pl.Schema(DRIFT_SCHEMA)
    assert table.row(0, named=True)["feature"] == SCORE_FEATURE  # the score comes first
    bundle = loads_bundle(runs.item(0, "model_bundle"))
    assert set(table["feature"]) == {SCORE_FEATURE, *bundle.spec.names}
    assert table.filter(pl.col("feature") == "lead_source").item(0, "status") == "ok"
    # the synthetic panel follows the same leads every week, so only their age moved
    assert table.filter(pl.col("status") == "drift")["feature"].to_list() == ["days_since_created"]
    assert table["importance_rank"].drop_nulls().min() == 1
    assert table["reference_start"].unique().to_list() == [runs.item(0, "train_start")]


def test_a_new_lead_source_and_hotter_leads_show_as_drift(
    panel: pl.DataFrame, runs: pl.DataFrame
) -> None:
    current = panel.filter(pl.col("as_of_date") == panel["as_of_date"].max()).with_columns(
        pl.when(pl.col("lead_id") < "L0000100")
        .then(pl.lit("Podcast"))
        .otherwise(pl.col("lead_source"))
        .alias("lead_source"),
        (pl.col("n_pricing_view_30d") + 5).alias("n_pricing_view_30d"),
    )
    table = drift_table(drift_rows(panel, runs, current), champions(runs), drift())
    source = table.filter(pl.col("feature") == "lead_source").row(0, named=True)
    assert source["status"] == "drift"
    assert source["feature_kind"] == "categorical"
    assert source["largest_shift"] == "(new): 0.0% -> 33.3%"
    assert table.filter(pl.col("feature") == "n_pricing_view_30d").item(0, "status") == "drift"
    assert table.filter(pl.col("feature") == SCORE_FEATURE).item(0, "psi") > 0.1


def test_an_earlier_measure_of_the_same_reference_and_model_is_reused(
    panel: pl.DataFrame, runs: pl.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    """The next build measures only the current rows when the champion and the reference's
    rows are what the earlier build measured: the same table, without the reference's rows;
    any other reference or model is measured again."""
    current = panel.filter(pl.col("as_of_date") == panel["as_of_date"].max()).with_columns(
        (pl.col("n_pricing_view_30d") + 2).alias("n_pricing_view_30d")
    )
    rows = drift_rows(panel, runs, current).with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt64).alias("feature_fingerprint")
    )
    fingerprints = rows.filter(pl.col("population") == "reference")["feature_fingerprint"]
    first = drift_table(rows, champions(runs), drift())
    assert first["reference_fingerprint"].null_count() == 0
    earlier = first.select(EARLIER_DRIFT_COLUMNS)
    # the same reference (in another order) and model: reused, the same table
    reference = reusable_reference(earlier, champions(runs), fingerprints.reverse(), drift())
    assert reference is not None and reference.n_rows == fingerprints.len()
    only_current = rows.filter(pl.col("population") == "current")
    with caplog.at_level(logging.INFO, logger="leadscore.monitoring.drift"):
        again = drift_table(only_current, champions(runs), drift(), reference)
    assert "measured by an earlier build" in caplog.text
    assert again.equals(first)
    # today's probabilities as scoring gave them (the champion's): not scored again
    bundle = loads_bundle(runs.item(0, "model_bundle"))
    probability, _, _ = predict_frame(bundle, prepare_features(current, bundle.spec))
    scores = current.select("lead_id").with_columns(
        pl.Series("probability", probability), pl.lit(bundle.version_id).alias("model_version")
    )
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="leadscore.monitoring.drift"):
        taken = drift_table(only_current, champions(runs), drift(), reference, scores.reverse())
    assert "today's probabilities as ml_lead_scores gave them" in caplog.text
    assert taken.equals(first)
    marked = scores.with_columns(pl.col("probability") * 0 + 0.5)  # shows where it came from
    score_row = pl.col("feature") == SCORE_FEATURE
    moved = drift_table(only_current, champions(runs), drift(), reference, marked)
    assert moved.filter(score_row)["psi"].item() != first.filter(score_row)["psi"].item()
    # scored by another model, or a lead missing: scored again
    for other in (marked.with_columns(pl.lit("lsm-other").alias("model_version")), marked.head(-1)):
        assert drift_table(only_current, champions(runs), drift(), reference, other).equals(first)
    # one reference row changed, one missing, another model, other binning, no fingerprints,
    # a table of an earlier version: measured again
    changed = fingerprints.set(pl.Series([False] * (fingerprints.len() - 1) + [True]), 10**9)
    other_model = earlier.with_columns(pl.lit("lsm-other").alias("model_version"))
    finer = drift()
    finer = type(finer)(bands=finer.bands, n_bins=20)
    for later, prints, settings in (
        (earlier, changed, drift()),
        (earlier, fingerprints.head(-1), drift()),
        (other_model, fingerprints, drift()),
        (earlier, fingerprints, finer),
        (
            earlier,
            fingerprints.set(pl.Series([True] + [False] * (fingerprints.len() - 1)), None),
            drift(),
        ),
        (earlier.drop("reference_bins"), fingerprints, drift()),
        (None, fingerprints, drift()),
    ):
        assert reusable_reference(later, champions(runs), prints, settings) is None
    # the fingerprints are read (a function) only to compare: not for a new champion's
    # reference, which is measured again whole
    read = []

    def reading(prints: pl.Series):
        return lambda: read.append(len(prints)) or prints

    assert reusable_reference(other_model, champions(runs), reading(fingerprints), drift()) is None
    assert reusable_reference(None, champions(runs), reading(fingerprints), drift()) is None
    assert read == []
    reused = reusable_reference(earlier, champions(runs), reading(fingerprints), drift())
    assert reused == reference and read == [fingerprints.len()]
    # without fingerprints the table says so, and the next build measures again
    unmarked = drift_table(rows.drop("feature_fingerprint"), champions(runs), drift())
    assert unmarked["reference_fingerprint"].null_count() == unmarked.height
    assert unmarked.drop("reference_fingerprint").equals(first.drop("reference_fingerprint"))


def test_drift_is_empty_without_a_champion(panel: pl.DataFrame) -> None:
    rows = panel.head(10).with_columns(pl.lit("current").alias("population"))
    assert drift_table(rows, None, drift()).schema == pl.Schema(DRIFT_SCHEMA)
    assert drift_table(rows, None, drift()).height == 0


# --------------------------------------------------------------------------- backtest


def backtest_rows(panel: pl.DataFrame) -> pl.DataFrame:
    return panel.filter(pl.col("as_of_date") >= dt.date(2025, 7, 14)).with_columns(
        pl.lit(None, pl.Float64).alias("history_probability"),
        pl.lit(None, pl.Int32).alias("history_score"),
        pl.lit(None, pl.Utf8).alias("history_model_version"),
    )


def test_replay_scores_past_rows_with_the_champion(panel: pl.DataFrame, runs: pl.DataFrame) -> None:
    rows = backtest_rows(panel)
    out = replay_backtest(rows, champions(runs))
    assert out.schema == pl.Schema(BACKTEST_SCHEMA)
    assert out.height == rows.height
    assert out["score_source"].unique().to_list() == ["replay"]
    bundle = loads_bundle(runs.item(0, "model_bundle"))
    expected, _, _ = predict_frame(bundle, prepare_features(rows, bundle.spec))
    assert out["model_probability"].to_numpy() == pytest.approx(expected)
    assert out["model_version"].unique().to_list() == [bundle.version_id]
    assert out["champion_run_id"].unique().to_list() == [runs.item(0, "run_id")]
    # labels and points pass through; the open dates keep a null label
    assert out["label"].null_count() == rows["label"].null_count() > 0
    assert out["points_score"].to_list() == rows["points_score"].to_list()


def test_the_first_ranked_champion_is_replayed_and_measured(
    panel: pl.DataFrame, runs: pl.DataFrame
) -> None:
    """Backtest and drift take the champion as ranked (ml_champion's first row)."""
    earlier = runs.with_columns(
        pl.lit("R0").alias("run_id"), pl.lit(None, pl.Binary).alias("model_bundle")
    )
    ranked = champions(runs).vstack(champions(earlier))
    out = replay_backtest(backtest_rows(panel), ranked)
    assert out["champion_run_id"].unique().to_list() == [runs.item(0, "run_id")]
    assert out["score_source"].unique().to_list() == ["replay"]
    current = panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
    table = drift_table(drift_rows(panel, runs, current), ranked, drift())
    assert table["champion_run_id"].unique().to_list() == [runs.item(0, "run_id")]


def test_recorded_history_is_used_instead_of_a_replay(
    panel: pl.DataFrame, runs: pl.DataFrame
) -> None:
    rows = backtest_rows(panel).with_columns(
        pl.when(pl.col("lead_id") == "L0000001")
        .then(pl.lit(0.5))
        .otherwise(None)
        .alias("history_probability"),
        pl.when(pl.col("lead_id") == "L0000001").then(pl.lit(77)).alias("history_score"),
        pl.when(pl.col("lead_id") == "L0000001")
        .then(pl.lit("lsm-recorded"))
        .alias("history_model_version"),
    )
    out = replay_backtest(rows, champions(runs))
    recorded = out.filter(pl.col("lead_id") == "L0000001")
    assert recorded["score_source"].unique().to_list() == ["history"]
    assert recorded["model_probability"].unique().to_list() == [0.5]
    assert recorded["model_score"].unique().to_list() == [77]
    assert recorded["model_version"].unique().to_list() == ["lsm-recorded"]
    assert out.filter(pl.col("lead_id") != "L0000001")["score_source"].unique().to_list() == [
        "replay"
    ]


def test_an_earlier_replay_of_the_same_model_and_features_is_reused(
    panel: pl.DataFrame, runs: pl.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    """The next build replays only rows whose features changed (or that the champion's
    version never scored); the others take the earlier build's figures, and the table is
    the one a full replay gives."""
    rows = backtest_rows(panel).with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt64).alias("feature_fingerprint")
    )
    first = replay_backtest(rows, champions(runs))
    assert first["feature_fingerprint"].to_list() == rows["feature_fingerprint"].to_list()
    # reused as it is: the same table
    with caplog.at_level(logging.INFO, logger="leadscore.monitoring.backtest"):
        again = replay_backtest(rows, champions(runs), first.select(EARLIER_REPLAY_COLUMNS))
    assert again.equals(first)
    assert f"replayed 0 rows with model {first.item(0, 'model_version')}" in caplog.text
    assert f"({rows.height:,} more as an earlier build replayed them" in caplog.text
    # a marked earlier table shows which rows were reused: not the lead whose features
    # changed, nor rows another version scored
    earlier = first.select(EARLIER_REPLAY_COLUMNS).with_columns(
        pl.lit(0.123).alias("model_probability"), pl.lit(12, pl.Int32).alias("model_score")
    )
    other_version = pl.col("as_of_date") == rows["as_of_date"].max()
    earlier = earlier.with_columns(
        pl.when(other_version)
        .then(pl.lit("lsm-other"))
        .otherwise(pl.col("model_version"))
        .alias("model_version")
    )
    changed = pl.col("lead_id") == "L0000002"
    moved = rows.with_columns(
        pl.when(changed)
        .then(pl.col("feature_fingerprint") + 1_000_000)
        .otherwise(pl.col("feature_fingerprint"))
        .alias("feature_fingerprint")
    )
    out = replay_backtest(moved, champions(runs), earlier)
    scored_again = changed | other_version
    assert out.filter(~scored_again)["model_probability"].unique().to_list() == [0.123]
    assert out.filter(~scored_again)["model_score"].unique().to_list() == [12]
    fresh = out.filter(scored_again)
    assert (
        fresh["model_probability"].to_list()
        == first.filter(scored_again)["model_probability"].to_list()
    )
    assert fresh.height > 0 and 0.123 not in fresh["model_probability"].to_list()
    assert out["score_source"].unique().to_list() == ["replay"]
    # given a loader, only the rows replayed are read whole: the same table
    asked: list[pl.DataFrame] = []

    def features(keys: pl.DataFrame) -> list[pl.DataFrame]:
        asked.append(keys)
        whole = keys.join(moved, on=["lead_id", "as_of_date"], how="left", maintain_order="left")
        return list(whole.iter_slices(7))  # in batches

    lean = moved.select(BACKTEST_ROW_COLUMNS)
    # (scored in batches: the same figures, but for the last bit of a float)
    assert_frame_equal(
        replay_backtest(lean, champions(runs), earlier, features), out, rel_tol=1e-12, abs_tol=0
    )
    assert [keys.height for keys in asked] == [fresh.height]
    unchanged = rows.select(BACKTEST_ROW_COLUMNS)
    reused = replay_backtest(
        unchanged, champions(runs), first.select(EARLIER_REPLAY_COLUMNS), features
    )
    assert reused.equals(first)
    assert len(asked) == 1  # nothing to replay when every row is reused: nothing read
    with pytest.raises(MLInputError, match="do not match the rows to replay"):
        replay_backtest(
            lean, champions(runs), earlier, lambda keys: [pl.concat(features(keys)).reverse()]
        )


def test_backtest_without_a_champion_has_points_only(panel: pl.DataFrame) -> None:
    out = replay_backtest(backtest_rows(panel), None)
    assert out["score_source"].unique().to_list() == ["none"]
    assert out["model_probability"].null_count() == out.height
    assert out["points_score"].null_count() == 0


def test_backtest_rows_without_history_columns_get_a_clear_error(panel: pl.DataFrame) -> None:
    with pytest.raises(MLInputError, match="history_probability"):
        replay_backtest(panel.head(5), None)


# --------------------------------------------------------------------------- retraining


def run_row(run_id: str, score_date: dt.date, ran_at: dt.datetime, **values: object) -> dict:
    return (
        {name: None for name in RUN_SCHEMA}
        | {
            "run_id": run_id,
            "score_date": score_date,
            "ran_at": ran_at,
            "action": "kept_champion",
            "action_reason": "kept",
        }
        | values
    )


D1, D2 = dt.date(2026, 9, 1), dt.date(2026, 9, 8)
TRAINED = run_row(
    "R1", D1, dt.datetime(2026, 9, 1, 6), action="trained", is_promoted=True, version_id="v1"
)
KEPT = run_row("R2", D2, dt.datetime(2026, 9, 8, 6))
RUNS = pl.DataFrame([TRAINED, KEPT], schema=RUN_SCHEMA)


def alerts(*rows: tuple[dt.date, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "score_date": day,
                "kind": kind,
                "subject": "lead_source",
                "reason": reason,
                "champion_run_id": run_id,
            }
            for day, kind, reason, run_id in rows
        ],
        schema={
            "score_date": pl.Date,
            "kind": pl.Utf8,
            "subject": pl.Utf8,
            "reason": pl.Utf8,
            "champion_run_id": pl.Utf8,
        },
    )


def test_an_alert_of_the_previous_build_on_the_champion_triggers_a_retrain() -> None:
    history = alerts((D2, "drift", "lead_source PSI 1.2", "R1"))
    check = retraining_alert(history, RUNS, dt.date(2026, 9, 9))
    assert check.raised and check.status is AlertStatus.RAISED
    assert check.alerts == (("drift", "lead_source PSI 1.2"),)
    reason = check.sentence
    assert "2026-09-08" in reason and "v1" in reason and "drift: lead_source PSI 1.2" in reason


def test_a_rebuild_of_the_same_score_date_still_sees_the_previous_builds_alerts() -> None:
    history = alerts((D2, "calibration", "actual 2% vs predicted 4%", "R1"))
    assert retraining_alert(history, RUNS, D2).raised


@pytest.mark.parametrize(
    ("history", "status", "why"),
    [
        (None, AlertStatus.NONE_RECORDED, "no monitoring alerts"),
        # not the previous build
        (alerts((D1, "drift", "old news", "R1")), AlertStatus.NONE_FOR_CHAMPION, "raised no alert"),
        # an earlier champion
        (alerts((D2, "drift", "about R0", "R0")), AlertStatus.NONE_FOR_CHAMPION, "raised no alert"),
    ],
)
def test_no_retrain_without_a_current_alert_on_the_current_champion(
    history: pl.DataFrame | None, status: AlertStatus, why: str
) -> None:
    check = retraining_alert(history, RUNS, dt.date(2026, 9, 9))
    assert not check.raised
    assert check.status is status
    assert why in check.sentence


def test_a_champion_trained_at_this_score_date_is_not_retrained_on_its_own_alerts() -> None:
    runs = pl.DataFrame([TRAINED], schema=RUN_SCHEMA)
    check = retraining_alert(alerts((D1, "drift", "x", "R1")), runs, D1)
    assert not check.raised
    assert check.status is AlertStatus.CHAMPION_TRAINED_NOW
    assert "trained at this score date" in check.sentence
    assert retraining_alert(None, None, D1) == AlertCheck(AlertStatus.NO_CHAMPION)
    assert retraining_alert(None, None, D1).sentence == "no champion to monitor"


def test_the_alert_words_only_the_retraining_it_caused() -> None:
    """What monitoring said reaches the registry's action_reason through the retraining
    decision: the alerts when they caused the retrain, why there was none when a fresh
    champion is kept, and nothing for other reasons."""
    raised = retraining_alert(alerts((D2, "drift", "x", "R1")), RUNS, dt.date(2026, 9, 9))
    only_trained = pl.DataFrame([TRAINED], schema=RUN_SCHEMA)
    not_raised = retraining_alert(alerts((D1, "drift", "x", "R1")), only_trained, D1)
    decide = {
        "policy": "auto",
        "champion_trained_at": D1,
        "champion_age_max_days": 30,
        "new_outcomes_since": 5,
        "min_new_outcomes": 100,
        "has_champion": True,
        "as_of": dt.date(2026, 9, 4),
    }
    assert needs_retraining(**decide, alert=raised).sentence == (  # type: ignore[arg-type]
        "retrained on a monitoring alert from the build of 2026-09-08 on champion v1: drift: x"
    )
    assert needs_retraining(**decide | {"has_champion": False}, alert=raised).sentence == (  # type: ignore[arg-type]
        "no champion model yet"
    )
    assert needs_retraining(**decide, alert=not_raised).sentence == (  # type: ignore[arg-type]
        "champion is 3 days old (max 30) and only 5 newly converted leads (threshold 100); "
        "alerts for the champion v1, but it was trained at this score date already"
    )
