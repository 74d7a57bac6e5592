"""Test fixture: a realistic sample :class:`ReportData` (simulated, seeded)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from leadscore.report.build import gains_curve, score_histogram, tier_rows
from leadscore.report.data import (
    Alert,
    CalibrationBin,
    DriftRow,
    FeatureImportance,
    HealthWeek,
    HorizonCandidate,
    ModelCard,
    ReportData,
    ScoreMetrics,
    SliceCalibration,
    TrainingData,
    TrainingPeriod,
)
from project_settings import project_vars, psi_bands, tier_thresholds

DEMO_FEATURES: tuple[str, ...] = (
    "pricing_page_views_30d",
    "seniority_level",
    "demo_request_count",
    "email_clicks_30d",
    "days_since_last_activity",
    "company_employee_band",
    "industry_fit",
    "web_sessions_7d",
    "job_function",
    "tech_stack_fit",
    "webinar_attended_90d",
    "content_downloads_90d",
    "lead_source",
    "email_opens_30d",
    "country_region",
    "account_open_opportunities",
    "form_fills_90d",
    "is_free_email_domain",
)


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.size)
    ranks[order] = np.arange(1, values.size + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def _roc_auc(score: np.ndarray, y: np.ndarray) -> float:
    pos, neg = int(y.sum()), int((~y).sum())
    return float((_ranks(score)[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def _pr_auc(score: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(-score, kind="stable")
    hits = y[order]
    precision = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return float(precision[hits].sum() / hits.sum())


def _metrics(prob: np.ndarray, score: np.ndarray, y: np.ndarray) -> ScoreMetrics:
    eps = 1e-12
    clipped = np.clip(prob, eps, 1 - eps)
    bins = _calibration_bins(prob, y)
    ece = sum(b.leads * abs(b.predicted_mean - b.actual_rate) for b in bins) / y.size
    top = np.argsort(-score, kind="stable")[: y.size // 10]
    return ScoreMetrics(
        roc_auc=_roc_auc(score, y),
        pr_auc=_pr_auc(score, y),
        brier=float(np.mean((prob - y) ** 2)),
        log_loss=float(-np.mean(y * np.log(clipped) + (~y) * np.log(1 - clipped))),
        lift_at_10=float(y[top].mean() / y.mean()),
        ece=float(ece),
    )


def _calibration_bins(prob: np.ndarray, y: np.ndarray, n_bins: int = 10) -> list[CalibrationBin]:
    """Equal-count bins of the simulated probabilities (the build takes its deciles from
    model_calibration_bands; this fixture has no warehouse)."""
    order = np.argsort(prob, kind="stable")
    return [
        CalibrationBin("model", float(prob[chunk].mean()), float(y[chunk].mean()), chunk.size)
        for chunk in np.array_split(order, n_bins)
    ]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def demo_report_data(seed: int = 7, n_leads: int = 6000) -> ReportData:
    """A full report of a model that beats the points score, simulated from ``seed``.

    Same seed, same data. ``n_leads`` validation leads (at least 200).
    """
    if n_leads < 200:
        raise ValueError("demo_report_data: n_leads must be at least 200")
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n_leads)
    y = rng.random(n_leads) < _sigmoid(-3.1 + 1.35 * z)
    model_prob = _sigmoid(-2.96 + 1.11 * (z + rng.normal(scale=0.4, size=n_leads)))
    # model score: percentile of the lead's probability among the (here: same) leads
    model_score = np.floor(100 * (_ranks(model_prob) - 1) / n_leads)
    points = np.clip(np.round(42 + 17 * (z + rng.normal(scale=0.95, size=n_leads))), 0, 100)
    points_prob = _sigmoid(-4.7 + 0.046 * points)  # rules overstate hot leads
    thresholds = tier_thresholds()

    start = date(2026, 8, 3)
    health = []
    for week in range(13):
        closed = week < 9  # the last 30 days have no outcomes yet
        health.append(
            HealthWeek(
                week_start=start + timedelta(weeks=week),
                roc_auc=float(np.clip(0.80 - 0.004 * week + rng.normal(scale=0.012), 0, 1))
                if closed
                else None,
                predicted_rate=float(0.071 + rng.normal(scale=0.003)),
                actual_rate=float(max(0.0, 0.066 + rng.normal(scale=0.007))) if closed else None,
                leads=int(430 + rng.integers(0, 90)),
            )
        )
    importance = np.sort(rng.gamma(1.6, 1.0, size=len(DEMO_FEATURES)))[::-1]
    importance = importance / importance.sum() * 0.21
    psi = rng.gamma(1.2, 0.03, size=12)
    psi[4], psi[7] = 0.31, 0.14
    return ReportData(
        drift_thresholds=psi_bands(),
        score_scale=project_vars()["score_scale"],
        title="Lead scoring model report",
        generated_at=datetime(2026, 11, 2, 6, 15, tzinfo=UTC),
        card=ModelCard(
            model_version="2026-11-01.1",
            trained_at=datetime(2026, 11, 1, 5, 2, tzinfo=UTC),
            scoring_method="model",
            scoring_method_reason="champion beat the points score on validation ROC AUC",
            training_window=(date(2025, 11, 1), date(2026, 8, 31)),
            validation_window=(date(2026, 9, 1), date(2026, 10, 2)),
            conversion_definition="an opportunity is created for the lead's account",
            horizon_days=30,
            training_rows=184_320,
            training_positives=12_760,
            validation_rows=n_leads,
            validation_positives=int(y.sum()),
            features=DEMO_FEATURES,
            parameters={
                "estimator": "HistGradientBoostingClassifier",
                "learning_rate": 0.05,
                "max_leaf_nodes": 31,
                "max_iter": 300,
                "calibration": "isotonic",
                "random_state": 42,
            },
            intended_use=(
                "Rank inbound B2B leads by their chance of becoming an opportunity within 30 "
                "days, to decide who sales contacts first."
            ),
            limits=(
                "Learned from past inbound leads only; new markets, products or lead sources "
                "need a few months of outcomes before scores are reliable. Not for decisions "
                "about individuals beyond sales prioritisation."
            ),
        ),
        model_metrics=_metrics(model_prob, model_prob, y),
        points_metrics=_metrics(points_prob, points, y),
        tier_thresholds=thresholds,
        calibration=_calibration_bins(model_prob, y),
        gains=gains_curve(model_prob, y, "model") + gains_curve(points, y, "points"),
        tiers=tier_rows(model_score, y, thresholds, "model")
        + tier_rows(points, y, thresholds, "points"),
        feature_importance=[
            FeatureImportance(name, float(value))
            for name, value in zip(DEMO_FEATURES, importance, strict=True)
        ],
        importance_method="Permutation importance (drop in ROC AUC)",
        score_histogram=score_histogram(model_score, y, bin_width=5),
        drift=[
            DriftRow(name, float(value))
            for name, value in zip(DEMO_FEATURES[:12], psi, strict=True)
        ],
        score_psi=0.043,
        drift_reference="training window vs leads scored in the last 7 days",
        health=health,
        calibration_slices=[
            SliceCalibration("tier", "sales_now", 1_140, 0.241, 0.236, 0.060, True, False),
            SliceCalibration("tier", "nurture", 1_720, 0.072, 0.069, 0.020, True, False),
            SliceCalibration("tier", "awareness", 3_140, 0.021, 0.022, 0.020, True, False),
            SliceCalibration("has_bounced", "true", 410, 0.095, 0.051, 0.024, True, True),
            SliceCalibration("has_bounced", "false", 5_590, 0.061, 0.064, 0.020, True, False),
            SliceCalibration("lead_source", "partner", 120, 0.110, 0.080, 0.028, False, False),
        ],
        alerts=[
            Alert(
                datetime(2026, 11, 1, 5, 2, tzinfo=UTC),
                "retrained",
                "New champion 2026-11-01.1: validation ROC AUC 0.81 vs 0.79 before.",
            ),
            Alert(
                datetime(2026, 10, 28, 6, 0, tzinfo=UTC),
                "drift",
                "days_since_last_activity PSI 0.31 (above 0.25) after the CRM migration.",
            ),
            Alert(
                datetime(2026, 10, 14, 6, 0, tzinfo=UTC),
                "calibration",
                "Predicted conversion 7.4% vs actual 5.9% for the week of 14 Sep.",
            ),
            Alert(
                date(2026, 9, 1),
                "fallback_ended",
                "Enough outcomes (1,000+ converted leads): model scoring switched on.",
            ),
        ],
        training_data=TrainingData(
            labelled_leads=18_240,
            converted_leads=1_310,
            min_labelled_leads=500,
            min_converted_leads=100,
            periods=(
                TrainingPeriod("train", date(2025, 11, 1), date(2026, 8, 31), 15_900, 1_020),
                TrainingPeriod("calibration", date(2026, 9, 1), date(2026, 9, 19), 2_310, 150),
                TrainingPeriod("test", date(2026, 9, 20), date(2026, 10, 2), 2_180, 140),
            ),
            horizons=(
                HorizonCandidate(14, 365, 20_100, 820),
                HorizonCandidate(30, 365, 18_240, 1_310, is_configured=True),
                HorizonCandidate(90, 365, 14_900, 1_650),
            ),
        ),
    )
