"""Build :class:`ReportData` from the warehouse tables the build writes.

Pure functions: polars frames in, a :class:`ReportData` out (``models/monitoring/
model_report.py`` reads the tables, calls :func:`report_data_from_tables` and writes the page
with :func:`leadscore.report.write_report`). Every table may be missing or empty: at cold start
there is no champion, no drift and no alert, and the renderer shows what there is.

Which rows each section uses:

- model card, model vs points metrics, feature importance: the champion's row
  (``ml_champion`` rank 1, a row of the model registry: its data windows, metrics JSON of the
  test window and permutation importance JSON).
- calibration, gains, tiers, score distribution: the rows the champion is judged on,
  ``model_evaluation_rows`` (which window, and why, is decided there: its held-out test
  predictions, else the backtest rows of its test window, else the latest labelled weeks;
  at cold start the points score alone, whose metrics are measured on those rows). The
  calibration deciles are read from ``model_calibration_bands`` (``rows_from`` evaluation);
  gains, tiers and the score distribution have no mart and are computed here.
- health over time: ``model_health_weekly`` of the scorer in use (model, else points); for the
  model only its out-of-sample weeks (test window and later).
- drift: ``model_drift``. Alerts: ``model_health_alert_history`` plus the registry's training
  events (new champion, challenger rejected, training failed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from leadscore.ml.lifecycle import first_champion
from leadscore.ml.metrics import evaluate_scores
from leadscore.ml.policy import without_rules_prefix
from leadscore.monitoring.bands import PsiBands
from leadscore.monitoring.drift import SCORE_FEATURE
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
    TierThresholds,
    TrainingData,
    TrainingPeriod,
)
from leadscore.report.render import SECTION_TITLES

CONVERSION_DEFINITIONS: dict[str, str] = {
    "qualified": "the lead is qualified / converted in the CRM (leads.converted_at)",
    "opportunity_created": "an opportunity is created for the lead",
    "opportunity_won": "an opportunity for the lead is won",
}

INTENDED_USE = (
    "Rank open leads by their chance of converting within the horizon, to decide whom sales "
    "contacts first and which nurture track a lead gets."
)
LIMITS = (
    "Learned from this CRM's past leads only: new lead sources, markets or products need a "
    "horizon of outcomes before their scores are reliable (watch the drift section). The score "
    "prioritises sales work; it is not for decisions about individuals beyond that."
)

#: Champion windows of the backtest that training, model selection and calibration never saw
#: (see model_backtest.champion_window).
OUT_OF_SAMPLE: tuple[str, ...] = ("test", "after")

#: Registry parameters shown on the model card (path in the params JSON -> label).
_CARD_PARAMETERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("candidates",), "candidates"),
    (("calibration",), "calibration"),
    (("selection_metric",), "selection_metric"),
    (("score_scale",), "score_scale"),
    (("seed",), "seed"),
    (("max_train_rows",), "max_train_rows"),
    (("max_features",), "max_features"),
)


@dataclass(frozen=True)
class ReportSettings:
    """The dbt vars the report shows; no defaults here: :func:`leadscore.settings.report_settings`
    builds them from the vars (``dbt_project.yml``).

    Attributes:
        tier_thresholds: var ``tier_thresholds``.
        score_scale: var ``score_scale``.
        conversion_definition: var ``conversion_definition`` (described in words).
        horizon_days: var ``horizon_days``.
        drift_thresholds: vars ``health_psi_watch`` / ``health_psi_drift``.
        title: the page title.
    """

    tier_thresholds: TierThresholds
    score_scale: str
    conversion_definition: str
    horizon_days: int
    drift_thresholds: PsiBands
    title: str = "Lead scoring model report"


# --------------------------------------------------------------------------- pieces


def _rows(frame: pl.DataFrame | None) -> pl.DataFrame:
    return frame if frame is not None else pl.DataFrame()


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


def scoring_in_use(scores: pl.DataFrame | None) -> tuple[str, str]:
    """The scoring method most open leads got now (``model`` or ``rules``) and its reason."""
    scores = _rows(scores)
    if scores.height == 0 or "scoring_method" not in scores.columns:
        return "rules", "no leads have been scored yet"
    counts = (
        scores.group_by("scoring_method")
        .agg(pl.len().alias("n"), pl.col("scoring_method_reason").drop_nulls().first())
        .sort(["n", "scoring_method"], descending=[True, False])
    )
    method, _, reason = counts.row(0)
    reason = str(reason or "")
    reason = without_rules_prefix(reason)  # the report says "points rules" already
    return ("model" if method == "model" else "rules"), reason


def model_card(
    champion: Mapping[str, Any] | None,
    scoring_method: str,
    scoring_reason: str,
    settings: ReportSettings,
) -> ModelCard:
    """The model card of the champion (or of the rules at cold start)."""
    conversion = CONVERSION_DEFINITIONS.get(
        settings.conversion_definition, settings.conversion_definition
    )
    common = {
        "scoring_method": scoring_method,
        "scoring_method_reason": scoring_reason,
        "conversion_definition": conversion,
        "horizon_days": settings.horizon_days,
        "intended_use": INTENDED_USE,
        "limits": LIMITS,
    }
    if champion is None:
        return ModelCard(**common)
    params = _json(champion.get("params")) or {}
    parameters: dict[str, Any] = {"model_kind": champion.get("model_kind")}
    for path, label in _CARD_PARAMETERS:
        value: Any = params
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None:
            parameters[label] = ", ".join(map(str, value)) if isinstance(value, list) else value
    if champion.get("refit_end") is not None:
        rows = champion.get("refit_rows")
        parameters["refit"] = f"on every labelled as-of date up to {champion['refit_end']}" + (
            f" ({rows:,} rows)" if rows else ""
        )
    elif champion.get("refit_reason"):
        parameters["refit"] = f"not refitted: {champion['refit_reason']}"
    return ModelCard(
        model_version=champion.get("version_id"),
        trained_at=champion.get("ran_at"),
        training_window=(champion["train_start"], champion["train_end"]),
        validation_window=(champion["validation_start"], champion["validation_end"]),
        training_rows=champion.get("train_rows"),
        training_positives=champion.get("train_positive"),
        validation_rows=champion.get("test_rows"),
        validation_positives=champion.get("test_positive"),
        features=tuple(_json(champion.get("features")) or ()),
        parameters=parameters,
        **common,
    )


def registry_metrics(
    champion: Mapping[str, Any] | None,
) -> tuple[ScoreMetrics | None, ScoreMetrics | None]:
    """(model, points) metrics of the champion's test window, from its metrics JSON."""
    if champion is None:
        return None, None
    metrics = _json(champion.get("metrics")) or {}
    return _score_metrics(metrics.get("model")), _score_metrics(metrics.get("points"))


def _score_metrics(raw: Mapping[str, Any] | None) -> ScoreMetrics | None:
    if not raw:
        return None
    return ScoreMetrics(
        roc_auc=raw.get("roc_auc"),
        pr_auc=raw.get("pr_auc"),
        brier=raw.get("brier"),
        log_loss=raw.get("log_loss"),
        lift_at_10=raw.get("top_decile_lift"),
        ece=raw.get("ece"),
    )


def feature_importance(champion: Mapping[str, Any] | None) -> list[FeatureImportance]:
    """Permutation importance of the champion (negative means clipped to 0)."""
    items = _json(None if champion is None else champion.get("importance")) or []
    return [
        FeatureImportance(item["feature"], max(0.0, float(item.get("importance_mean") or 0.0)))
        for item in items
    ]


def evaluation_calibration(bands: pl.DataFrame | None) -> list[CalibrationBin]:
    """The champion's calibration deciles on its evaluation rows: ``model_calibration_bands``
    rows with ``rows_from`` evaluation and scorer model, lowest decile first."""
    bands = _rows(bands)
    if bands.height == 0:
        return []
    mine = bands.filter((pl.col("rows_from") == "evaluation") & (pl.col("scorer") == "model")).sort(
        "decile"
    )
    return [
        CalibrationBin(
            scorer="model",
            predicted_mean=float(row["predicted_rate"]),
            actual_rate=float(row["actual_rate"]),
            leads=int(row["leads"]),
        )
        for row in mine.iter_rows(named=True)
    ]


def points_metrics(rows: pl.DataFrame, thresholds: TierThresholds) -> ScoreMetrics | None:
    """The points score's metrics on labelled rows (points / 100 as the probability)."""
    if rows.height == 0:
        return None
    y = rows.get_column("label").cast(pl.Int64).to_numpy()
    if y.min() == y.max():
        return None
    points = rows.get_column("points_score").cast(pl.Float64).fill_null(0.0).to_numpy()
    tiers = (("sales_now", int(thresholds.sales_now)), ("nurture", int(thresholds.nurture)))
    raw = evaluate_scores(y, points / 100.0, points, (*tiers, ("awareness", 0)))
    return _score_metrics(raw.to_dict())


def health_weeks(weekly: pl.DataFrame | None, scorer: str) -> list[HealthWeek]:
    """Weekly health of one scorer, out of sample.

    For the model, only the weeks its fitting never touched are shown (``champion_window``
    test and after): replayed on its own training weeks it looks near perfect, which says
    nothing about today. The points score has no predicted rate (it is no probability).
    """
    weekly = _rows(weekly)
    if weekly.height == 0:
        return []
    mine = weekly.filter(pl.col("scorer") == scorer).sort("as_of_date")
    if scorer == "model" and "champion_window" in mine.columns:
        mine = mine.filter(pl.col("champion_window").is_in(OUT_OF_SAMPLE))
    return [
        HealthWeek(
            week_start=row["as_of_date"],
            roc_auc=row["roc_auc"],
            predicted_rate=row["predicted_rate"] if scorer == "model" else None,
            actual_rate=row["actual_rate"],
            leads=row["leads"],
        )
        for row in mine.iter_rows(named=True)
    ]


def drift_rows(
    drift: pl.DataFrame | None, top_stable: int = 15
) -> tuple[list[DriftRow], float | None, str]:
    """Feature PSI rows to list, the score's PSI, and what was compared (in words).

    Lists every feature that drifts or is to watch, and the ``top_stable`` most important of
    the stable ones (a model has a hundred-odd features; all of them are in model_drift).
    """
    drift = _rows(drift)
    if drift.height == 0:
        return [], None, ""
    features = drift.filter(pl.col("feature") != SCORE_FEATURE)
    score = drift.filter(pl.col("feature") == SCORE_FEATURE)
    stable = features.filter(pl.col("status") == "ok").sort(
        [pl.col("importance_rank").fill_null(1_000_000), "feature"]
    )
    listed = pl.concat([features.filter(pl.col("status") != "ok"), stable.head(top_stable)])
    first = drift.row(0, named=True)
    reference = (
        f"the champion's training window (as-of dates {first['reference_start']} to "
        f"{first['reference_end']}, {first['reference_rows']:,} lead-dates) vs the "
        f"{first['current_rows']:,} leads scored on {first.get('score_date', 'the score date')}"
    )
    hidden = stable.height - min(stable.height, top_stable)
    if hidden:
        reference += (
            f". Listed: the features that drift or are to watch and the {top_stable} most "
            f"important stable ones; {hidden} more stable features are in model_drift"
        )
    return (
        [DriftRow(f, float(p)) for f, p in listed.select("feature", "psi").iter_rows()],
        float(score.item(0, "psi")) if score.height else None,
        reference,
    )


def alert_list(alerts: pl.DataFrame | None, runs: pl.DataFrame | None) -> list[Alert]:
    """Monitoring alerts plus the registry's training events, newest first."""
    out: list[Alert] = []
    for row in _rows(alerts).iter_rows(named=True):
        out.append(Alert(row.get("raised_at") or row["score_date"], row["kind"], row["reason"]))
    for row in _rows(runs).iter_rows(named=True):
        if row["action"] == "trained":
            kind = "new champion" if row["is_promoted"] else "challenger rejected"
            reason = f"{row['version_id']} ({row['action_reason']}): {row['promotion_reason']}"
            out.append(Alert(row["ran_at"], kind, reason))
        elif row["action"] == "failed":
            out.append(Alert(row["ran_at"], "training failed", row["action_reason"]))
    return sorted(out, key=lambda a: str(a.at), reverse=True)


# --------------------------------------------------------------------------- the report


def training_data(runs: pl.DataFrame | None) -> TrainingData | None:
    """The latest run's preflight: labelled and converted leads per period and per candidate
    horizon, with the advice a run that cannot learn gives (None before any run)."""
    runs = _rows(runs)
    if runs.height == 0 or "preflight" not in runs.columns:
        return None
    checks = _json(runs.sort(["ran_at", "run_id"]).row(-1, named=True)["preflight"])
    if not checks:
        return None
    return TrainingData(
        labelled_leads=checks["labelled_leads"],
        converted_leads=checks["converted_leads"],
        min_labelled_leads=checks["min_labelled_leads"],
        min_converted_leads=checks["min_converted_leads"],
        periods=tuple(
            TrainingPeriod(
                name=name,
                start=period["start"],
                end=period["end"],
                leads=period["leads"],
                converted_leads=period["converted_leads"],
            )
            # in time order (the JSON keeps its keys sorted by name)
            for name in ("train", "calibration", "test")
            if (period := (checks.get("periods") or {}).get(name))
        ),
        horizons=tuple(
            HorizonCandidate(
                horizon_days=row["horizon_days"],
                lookback_days=row["lookback_days"],
                labelled_leads=row["labelled_leads"],
                converted_leads=row["converted_leads"],
                is_configured=bool(row.get("is_configured")),
            )
            for row in checks.get("horizons") or ()
        ),
        advice=checks.get("advice"),
    )


def report_data_from_tables(
    champions: pl.DataFrame | None,
    runs: pl.DataFrame | None,
    scores: pl.DataFrame | None,
    weekly: pl.DataFrame | None,
    evaluation: pl.DataFrame | None,
    bands: pl.DataFrame | None,
    drift: pl.DataFrame | None,
    alerts: pl.DataFrame | None,
    settings: ReportSettings,
    generated_at: dt.datetime | None = None,
    warnings: pl.DataFrame | None = None,
    slices: pl.DataFrame | None = None,
) -> ReportData:
    """Everything the model report shows, from the build's tables.

    Args:
        champions: ``ml_champion`` ordered by ``champion_rank`` (the champion is the first
            row).
        runs: ``ml_training_runs`` (the training events and the latest run's preflight).
        scores: ``lead_scores`` (``scoring_method``, ``scoring_method_reason``).
        weekly: ``model_health_weekly``.
        evaluation: ``model_evaluation_rows`` (the rows the champion is judged on; read in
            ``evaluation_row`` order).
        bands: ``model_calibration_bands`` (the calibration chart: its evaluation deciles).
        drift: ``model_drift``.
        alerts: ``model_health_alert_history``.
        warnings: ``scoring_warnings`` (``message``), shown at the top of the page.
        slices: ``model_calibration_slices`` (calibration in the slices sales looks at).
        settings: see :class:`ReportSettings`.
        generated_at: when the report is made (shown in the header).
    """
    champion = first_champion(champions)
    method, reason = scoring_in_use(scores)
    model_metrics, points = registry_metrics(champion)
    rows = _rows(evaluation)
    if rows.height:
        rows = rows.sort("evaluation_row")  # ties keep this order in the gains curve
    has_model = champion is not None and rows.height > 0 and "model_probability" in rows.columns
    model_rows = rows.filter(pl.col("model_probability").is_not_null()) if has_model else rows
    if champion is None:
        points = points_metrics(rows, settings.tier_thresholds)
    thresholds = settings.tier_thresholds
    calibration, gains, tiers, histogram = [], [], [], []
    if rows.height:
        y = rows.get_column("label").to_numpy()
        pts = rows.get_column("points_score").cast(pl.Float64).fill_null(0.0).to_numpy()
        gains += gains_curve(pts, y, "points")
        tiers += tier_rows(pts, y, thresholds, "points")
        if not has_model:
            histogram += score_histogram(np.clip(pts, 0, 100), y)
    if has_model and model_rows.height:
        y = model_rows.get_column("label").to_numpy()
        p = model_rows.get_column("model_probability").to_numpy()
        s = model_rows.get_column("model_score").cast(pl.Float64).to_numpy()
        calibration += evaluation_calibration(bands)
        gains = list(gains_curve(p, y, "model")) + gains
        tiers = list(tier_rows(s, y, thresholds, "model")) + tiers
        histogram += score_histogram(s, y)
    drift_list, score_psi, reference = drift_rows(drift)
    return ReportData(
        title=settings.title,
        generated_at=generated_at,
        card=model_card(champion, method, reason, settings),
        model_metrics=model_metrics,
        points_metrics=points,
        tier_thresholds=thresholds,
        score_scale=settings.score_scale,
        calibration=calibration,
        calibration_slices=() if slices is None or not has_model else slices,
        gains=gains,
        tiers=tiers,
        feature_importance=feature_importance(champion),
        importance_method="Permutation importance (drop in PR AUC)",
        score_histogram=histogram,
        drift=drift_list,
        score_psi=score_psi,
        drift_thresholds=settings.drift_thresholds,
        drift_reference=reference,
        health=health_weeks(weekly, "model" if champion is not None else "points"),
        alerts=alert_list(alerts, runs),
        warnings=(
            ()
            if warnings is None or warnings.height == 0
            else tuple(warnings.sort("warning_kind").get_column("message").to_list())
        ),
        training_data=training_data(runs),
    )


def report_sections(data: ReportData) -> list[str]:
    """The report sections (ids of :data:`SECTION_TITLES`) that have data to show."""
    has = {
        "explainer": True,
        "glance": data.model_metrics is not None or data.points_metrics is not None,
        "metrics": data.model_metrics is not None or data.points_metrics is not None,
        "calibration": bool(data.calibration),
        "gains": bool(data.gains),
        "tiers": bool(data.tiers),
        "slices": bool(data.calibration_slices),
        "importance": bool(data.feature_importance),
        "distribution": bool(data.score_histogram),
        "drift": bool(data.drift) or data.score_psi is not None,
        "health": sum(1 for w in data.health if w.roc_auc is not None) >= 2,
        "alerts": bool(data.alerts),
        "training_data": data.training_data is not None,
        "card": data.card.model_version is not None,
    }
    return [key for key in SECTION_TITLES if has[key]]


def report_manifest(path: str, written_at: dt.datetime, data: ReportData) -> pl.DataFrame:
    """The one-row manifest the report model returns: where, when, what it shows."""
    return pl.DataFrame(
        {
            "report_path": [str(path)],
            "written_at": [written_at],
            "scoring_method": [data.card.scoring_method],
            "model_version": [data.card.model_version],
            "sections": [",".join(report_sections(data))],
            "alerts": [len(data.alerts)],
        },
        schema={
            "report_path": pl.Utf8,
            "written_at": pl.Datetime("us"),
            "scoring_method": pl.Utf8,
            "model_version": pl.Utf8,
            "sections": pl.Utf8,
            "alerts": pl.Int64,
        },
    )
