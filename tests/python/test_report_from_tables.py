"""The model report built from the warehouse tables: cold start, a champion, drift, alerts."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import polars as pl
import pytest
from champion_frames import champions
from leadscore.ml import MLInputError
from leadscore.ml.lifecycle import RUN_SCHEMA
from leadscore.report import render_report
from leadscore.report.build_from_tables import (
    report_data_from_tables,
    report_manifest,
    report_sections,
)
from leadscore.settings import report_settings
from monitoring_frames import calibration_bands, evaluation_rows
from project_settings import project_vars, report

TEST_START, TEST_END = dt.date(2026, 7, 4), dt.date(2026, 7, 25)


def charts_in(html: str) -> list[str]:
    return re.findall(r'<svg\b[^>]*data-chart="([^"]*)"', html)


def champion_run() -> dict:
    metrics = {
        "model": {
            "roc_auc": 0.8,
            "pr_auc": 0.3,
            "brier": 0.05,
            "log_loss": 0.2,
            "ece": 0.01,
            "top_decile_lift": 3.0,
        },
        "points": {
            "roc_auc": 0.7,
            "pr_auc": 0.2,
            "brier": 0.09,
            "log_loss": 0.4,
            "ece": 0.1,
            "top_decile_lift": 2.0,
        },
    }
    return {name: None for name in RUN_SCHEMA} | {
        "run_id": "2026-10-01@2026-10-01T06:00:00",
        "score_date": dt.date(2026, 10, 1),
        "ran_at": dt.datetime(2026, 10, 1, 6, 0),
        "action": "trained",
        "action_reason": "no champion model yet",
        "version_id": "lsm-abc",
        "is_promoted": True,
        "promotion_reason": "promote: no champion yet",
        "model_kind": "hgb",
        "train_start": dt.date(2026, 1, 3),
        "train_end": dt.date(2026, 3, 28),
        "validation_start": dt.date(2026, 6, 6),
        "validation_end": TEST_END,
        "test_start": TEST_START,
        "test_end": TEST_END,
        "train_rows": 10_000,
        "train_positive": 500,
        "test_rows": 400,
        "test_positive": 40,
        "features": json.dumps(["lead_source", "engagement_decayed"]),
        "params": json.dumps({"calibration": "sigmoid", "candidates": ["logistic", "hgb"]}),
        "metrics": json.dumps(metrics),
        "importance": json.dumps(
            [
                {"feature": "lead_source", "importance_mean": 0.04},
                {"feature": "engagement_decayed", "importance_mean": -0.001},
            ]
        ),
    }


def backtest(with_model: bool) -> pl.DataFrame:
    """100 leads on 5 weekly dates (4 in the test window, 1 still open), 1 in 5 converting."""
    rng = np.random.default_rng(1)
    dates = [TEST_START + dt.timedelta(weeks=w) for w in range(5)]
    rows = []
    for day in dates:
        for lead in range(100):
            converted = lead % 5 == 0
            probability = float(np.clip(0.1 + 0.3 * converted + rng.normal(0, 0.05), 0, 1))
            rows.append(
                {
                    "lead_id": f"L{lead:03d}",
                    "as_of_date": day,
                    "label": None if day > TEST_END else int(converted),
                    "model_probability": probability if with_model else None,
                    "model_score": int(probability * 100) if with_model else None,
                    "points_score": 60 if converted else 30 + lead % 7,
                }
            )
    return pl.DataFrame(rows, schema_overrides={"label": pl.Int32})


def judged_on(
    champion_rows: pl.DataFrame | None, backtest_rows: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows the champion is judged on and their calibration deciles, as the build makes
    them (``model_evaluation_rows``, ``model_calibration_bands``: the project's SQL)."""
    recent_weeks = int(project_vars()["health_recent_weeks"])
    evaluation = evaluation_rows(champion_rows, backtest_rows, recent_weeks)
    return evaluation, calibration_bands(backtest_rows, evaluation, recent_weeks)


def weekly(scorer: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "as_of_date": [dt.date(2026, 2, 7), TEST_START, TEST_START + dt.timedelta(weeks=1)],
            "scorer": [scorer] * 3,
            "champion_window": ["training", "test", "test"],
            "roc_auc": [1.0, 0.8, 0.78],
            "predicted_rate": [0.05, 0.06, 0.05],
            "actual_rate": [0.05, 0.05, 0.055],
            "leads": [100, 100, 100],
        }
    )


def drift_table(n_stable: int) -> pl.DataFrame:
    features = ["model_score", "lead_source", "engagement_decayed"] + [
        f"n_{i}" for i in range(n_stable)
    ]
    psi = [0.02, 0.9, 0.15] + [0.01] * n_stable
    status = ["ok", "drift", "watch"] + ["ok"] * n_stable
    return pl.DataFrame(
        {
            "score_date": [dt.date(2026, 10, 2)] * len(features),
            "feature": features,
            "psi": psi,
            "status": status,
            "importance_rank": [None, 1, 2, *range(3, 3 + n_stable)],
            "reference_start": [dt.date(2026, 1, 3)] * len(features),
            "reference_end": [dt.date(2026, 3, 28)] * len(features),
            "reference_rows": [10_000] * len(features),
            "current_rows": [900] * len(features),
        }
    )


def test_cold_start_with_nothing_renders_an_honest_empty_report() -> None:
    data = report_data_from_tables(
        None, None, None, None, None, None, None, None, settings=report()
    )
    assert data.card.scoring_method == "rules"
    assert report_sections(data) == ["explainer"]
    html = render_report(data)
    assert charts_in(html) == []
    assert "No alerts have been raised so far." in html


def test_cold_start_shows_the_points_score_measured_on_the_latest_weeks() -> None:
    scores = pl.DataFrame(
        {
            "scoring_method": ["rules", "rules"],
            "scoring_method_reason": ["rules score: rules score: only 40 conversions", None],
        }
    )
    evaluation, bands = judged_on(None, backtest(False))
    assert set(evaluation["evaluation_window"]) == {"recent_weeks"}
    data = report_data_from_tables(
        None, None, scores, weekly("points"), evaluation, bands, None, None, settings=report()
    )
    assert data.model_metrics is None
    assert data.points_metrics is not None and data.points_metrics.roc_auc == 1.0
    assert {row.scorer for row in data.tiers} == {"points"}
    assert data.card.scoring_method_reason == "only 40 conversions"
    # every week of the points score, no predicted rate (points are no probability)
    assert [w.predicted_rate for w in data.health] == [None, None, None]
    html = render_report(data)
    assert set(charts_in(html)) == {
        "gains",
        "tier_conversion",
        "score_distribution",
        "health_auc",
        "health_calibration",  # the actual rate only
    }


def test_a_champion_fills_card_metrics_charts_and_out_of_sample_health() -> None:
    runs = pl.DataFrame([champion_run()], schema=RUN_SCHEMA)
    scores = pl.DataFrame({"scoring_method": ["model"], "scoring_method_reason": ["model lsm"]})
    evaluation, bands = judged_on(champions(runs), backtest(True))
    assert set(evaluation["evaluation_window"]) == {"test_window"}
    data = report_data_from_tables(
        champions(runs),
        runs,
        scores,
        weekly("model"),
        evaluation,
        bands,
        drift_table(3),
        None,
        generated_at=dt.datetime(2026, 10, 2, 7, 0),
        settings=report(),
    )
    card = data.card
    assert (card.model_version, card.scoring_method, card.training_rows) == (
        "lsm-abc",
        "model",
        10_000,
    )
    assert card.training_window == (dt.date(2026, 1, 3), dt.date(2026, 3, 28))
    assert card.features == ("lead_source", "engagement_decayed")
    assert card.parameters["candidates"] == "logistic, hgb"
    assert data.model_metrics is not None and data.model_metrics.roc_auc == 0.8
    assert data.points_metrics is not None and data.points_metrics.lift_at_10 == 2.0
    # the charts use the 400 labelled rows of the test window, not the open week
    assert sum(row.leads for row in data.tiers if row.scorer == "model") == 400
    assert sum(b.leads for b in data.calibration) == 400
    # the model's evaluation deciles, lowest first (not the backtest periods', not the points')
    evaluation_model = bands.filter(
        (pl.col("rows_from") == "evaluation") & (pl.col("scorer") == "model")
    ).sort("decile")
    assert bands.filter(pl.col("rows_from") == "backtest_period").height > 0
    assert [(b.predicted_mean, b.actual_rate, b.leads) for b in data.calibration] == list(
        evaluation_model.select("predicted_rate", "actual_rate", "leads").iter_rows()
    )
    assert len(data.calibration) == 10
    # negative importance is shown as 0
    assert [(f.feature, f.importance) for f in data.feature_importance] == [
        ("lead_source", 0.04),
        ("engagement_decayed", 0.0),
    ]
    # the replay on its own training weeks is left out of the health chart
    assert [w.week_start for w in data.health] == [TEST_START, TEST_START + dt.timedelta(weeks=1)]
    assert data.score_psi == 0.02
    html = render_report(data)
    assert set(charts_in(html)) == {
        "calibration",
        "gains",
        "tier_conversion",
        "feature_importance",
        "score_distribution",
        "health_auc",
        "health_calibration",
    }
    assert "new champion" in html


def test_a_refitted_champion_charts_its_held_out_predictions_not_the_in_sample_replay() -> None:
    # the replayed backtest separates perfectly (the refit learned those rows); the held-out
    # fit did not: 50 leads, 10 converted, half of them ranked below the others
    labels = [1] * 10 + [0] * 40
    probability = [0.05] * 5 + [0.6] * 5 + [0.1] * 40
    held_out = {
        "label": labels,
        "probability": probability,
        "score": [int(p * 100) for p in probability],
        "points": [50.0] * 50,
    }
    run = champion_run() | {
        "refit_end": TEST_END,
        "test_predictions": json.dumps(held_out),
    }
    runs = pl.DataFrame([run], schema=RUN_SCHEMA)
    scores = pl.DataFrame({"scoring_method": ["model"], "scoring_method_reason": ["model lsm"]})
    # the backtest holds the test window, replayed in sample; the held-out rows win
    evaluation, bands = judged_on(champions(runs), backtest(True))
    assert set(evaluation["evaluation_window"]) == {"held_out_test"}
    data = report_data_from_tables(
        champions(runs), runs, scores, None, evaluation, bands, None, None, settings=report()
    )
    assert sum(b.leads for b in data.calibration) == 50
    assert sum(row.leads for row in data.tiers if row.scorer == "model") == 50
    assert sum(row.leads for row in data.tiers if row.scorer == "points") == 50
    assert data.card.parameters["refit"] == f"on every labelled as-of date up to {TEST_END}"
    # the five converted leads the held-out fit ranked lowest show as an under-prediction
    assert [(b.leads, b.actual_rate) for b in data.calibration if b.predicted_mean < 0.1] == [
        (5, 1.0)
    ]


def test_drift_lists_moving_and_important_features_and_says_what_is_left_out() -> None:
    data = report_data_from_tables(
        None, None, None, None, None, None, drift_table(40), None, settings=report()
    )
    listed = [row.feature for row in data.drift]
    assert listed[:2] == ["lead_source", "engagement_decayed"]
    assert len(listed) == 2 + 15
    assert "25 more stable features are in model_drift" in data.drift_reference
    assert "vs the 900 leads scored on 2026-10-02" in data.drift_reference


def test_alerts_and_training_events_are_listed_newest_first() -> None:
    runs = pl.DataFrame(
        [
            champion_run(),
            {name: None for name in RUN_SCHEMA}
            | {
                "run_id": "b",
                "ran_at": dt.datetime(2026, 10, 9, 6, 0),
                "action": "failed",
                "action_reason": "training failed: no conversions",
            },
        ],
        schema=RUN_SCHEMA,
    )
    alerts = pl.DataFrame(
        {
            "score_date": [dt.date(2026, 10, 5)],
            "kind": ["drift"],
            "reason": ["lead_source PSI 0.9 is above 0.25"],
            "raised_at": [dt.datetime(2026, 10, 5, 6, 1)],
        }
    )
    data = report_data_from_tables(
        champions(runs), runs, None, None, None, None, None, alerts, settings=report()
    )
    assert [a.kind for a in data.alerts] == ["training failed", "drift", "new champion"]
    assert data.alerts[-1].reason == "lsm-abc (no champion model yet): promote: no champion yet"


def test_settings_come_from_the_vars_with_clear_errors() -> None:
    settings = report_settings(
        project_vars(
            tier_thresholds={"sales_now": 70, "nurture": 40},
            horizon_days="60",
            health_psi_drift="0.3",
            conversion_definition="opportunity_created",
        )
    )
    assert (settings.tier_thresholds.sales_now, settings.horizon_days) == (70, 60)
    assert settings.drift_thresholds.drift == 0.3
    data = report_data_from_tables(None, None, None, None, None, None, None, None, settings)
    assert data.card.conversion_definition == "an opportunity is created for the lead"
    with pytest.raises(MLInputError, match="tier_thresholds"):
        report_settings(project_vars(tier_thresholds={"sales_now": 80}))


def test_manifest_is_one_row_naming_the_sections_shown() -> None:
    runs = pl.DataFrame([champion_run()], schema=RUN_SCHEMA)
    evaluation, bands = judged_on(champions(runs), backtest(True))
    data = report_data_from_tables(
        champions(runs),
        runs,
        None,
        weekly("model"),
        evaluation,
        bands,
        None,
        None,
        settings=report(),
    )
    manifest = report_manifest("reports/model_report.html", dt.datetime(2026, 10, 2), data)
    assert manifest.height == 1
    row = manifest.row(0, named=True)
    assert row["model_version"] == "lsm-abc"
    assert row["sections"].split(",") == [
        "explainer",
        "glance",
        "metrics",
        "calibration",
        "gains",
        "tiers",
        "importance",
        "distribution",
        "health",
        "alerts",
        "card",
    ]


def test_training_data_shows_the_latest_preflight_with_its_advice() -> None:
    """The report explains what the labelled history holds and which horizon would learn."""
    preflight = {
        "labelled_leads": 420,
        "converted_leads": 12,
        "min_labelled_leads": 500,
        "min_converted_leads": 100,
        "horizons": [
            {
                "horizon_days": 30,
                "lookback_days": 365,
                "is_configured": False,
                "labelled_leads": 900,
                "converted_leads": 130,
            },
            {
                "horizon_days": 90,
                "lookback_days": 365,
                "is_configured": True,
                "labelled_leads": 420,
                "converted_leads": 12,
            },
        ],
        "advice": "Preflight: var horizon_days: 30 would give 900 labelled and 130 converted",
        # as the run stores it: keys sorted by name, not in time order
        "periods": {
            name: {
                "start": f"2026-0{m}-01",
                "end": f"2026-0{m}-28",
                "leads": 9,
                "rows": 9,
                "converted_leads": 1,
            }
            for name, m in (("calibration", 5), ("test", 6), ("train", 1))
        },
    }
    older = {name: None for name in RUN_SCHEMA} | {
        "run_id": "a",
        "ran_at": dt.datetime(2026, 9, 1),
        "action": "cold_start",
        "preflight": json.dumps({**preflight, "labelled_leads": 1}),
    }
    latest = older | {
        "run_id": "b",
        "ran_at": dt.datetime(2026, 10, 1),
        "preflight": json.dumps(preflight),
    }
    runs = pl.DataFrame([older, latest], schema=RUN_SCHEMA)
    data = report_data_from_tables(
        champions(runs), runs, None, None, None, None, None, None, settings=report()
    )
    assert data.training_data is not None
    assert data.training_data.labelled_leads == 420  # the latest run, not the first
    assert "training_data" in report_sections(data)
    html = render_report(data)
    section = html[html.index('id="training_data"') :]
    section = section[: section.index("</section>")]
    assert "420 leads, 12 of them converted" in section
    assert "var horizon_days: 30 would give 900 labelled" in section
    assert section.count("<tr") == 1 + 3 + 1 + 2  # time split, then the candidates
    periods = [
        section.index(f"<th>{p}</th>") for p in ("Training", "Calibration", "Test (held out)")
    ]
    assert periods == sorted(periods)  # in time order
    assert "(configured)" in section
