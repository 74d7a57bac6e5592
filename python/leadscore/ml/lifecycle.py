"""The model lifecycle that the dbt Python models run: train or not, promote or not, score.

Two pure functions, one per dbt model:

- :func:`training_run` (``models/ml/ml_training_runs.py``, incremental): given the labelled
  panel, the earlier runs and the settings, decide whether to train (cold start and the
  retraining policy), train a challenger, re-evaluate the current champion on the
  challenger's test window and decide on promotion. Returns ONE row for this build: what
  was decided and why, and, when a model was trained, its metrics and serialised bundle.
- :func:`score_with_champion` (``models/ml/ml_lead_scores.py``): score the open leads with the
  champion (the latest promoted model), or fall back to the points score when there is none.

Neither reads a clock, the environment or files: the caller passes ``ran_at`` and the data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from leadscore.ml.bundle import dumps_bundle, loads_bundle
from leadscore.ml.config import ScoringConfig, TrainConfig
from leadscore.ml.errors import MLInputError
from leadscore.ml.metrics import Metrics
from leadscore.ml.policy import choose_scoring_method, needs_retraining, should_promote
from leadscore.ml.scoring import evaluate_bundle, score_leads
from leadscore.ml.train import train_model

#: The columns of one training run (one row per build), in order.
RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Utf8,
    "score_date": pl.Date,
    "ran_at": pl.Datetime("us"),
    "action": pl.Utf8,  # trained | kept_champion | cold_start | failed
    "action_reason": pl.Utf8,
    "version_id": pl.Utf8,
    "is_promoted": pl.Boolean,
    "promotion_reason": pl.Utf8,
    "model_kind": pl.Utf8,
    "train_start": pl.Date,
    "train_end": pl.Date,
    "validation_start": pl.Date,
    "validation_end": pl.Date,
    "test_start": pl.Date,
    "test_end": pl.Date,
    "train_rows": pl.Int64,
    "train_positive": pl.Int64,
    "validation_rows": pl.Int64,
    "validation_positive": pl.Int64,
    "test_rows": pl.Int64,
    "test_positive": pl.Int64,
    "labelled_rows": pl.Int64,
    "labelled_positive": pl.Int64,
    "roc_auc": pl.Float64,
    "pr_auc": pl.Float64,
    "brier": pl.Float64,
    "log_loss": pl.Float64,
    "ece": pl.Float64,
    "top_decile_lift": pl.Float64,
    "top_decile_conversion_rate": pl.Float64,
    "points_roc_auc": pl.Float64,
    "points_pr_auc": pl.Float64,
    "points_top_decile_conversion_rate": pl.Float64,
    "champion_version_id": pl.Utf8,
    "champion_pr_auc_on_test": pl.Float64,
    "features": pl.Utf8,  # JSON list
    "params": pl.Utf8,  # JSON
    "metrics": pl.Utf8,  # JSON: model and points metrics incl. tiers
    "importance": pl.Utf8,  # JSON list of {feature, importance, ...}
    "library_versions": pl.Utf8,  # JSON
    "model_bundle": pl.Binary,  # skops bytes
}


@dataclass(frozen=True)
class LifecycleSettings:
    """The dbt vars that steer the lifecycle (see README, "Retraining").

    Attributes:
        retrain_policy: ``auto`` | ``always`` | ``never``.
        retrain_max_age_days: ``auto`` retrains a champion older than this.
        retrain_min_new_conversions: ``auto`` retrains once this many conversions were
            labelled after the champion's latest labelled as-of date.
        promotion_tolerance: a challenger may be this much worse (PR AUC) and still win.
        min_labelled, min_conversions: the cold-start minimums.
        train: the training configuration.
    """

    retrain_policy: str = "auto"
    retrain_max_age_days: int = 30
    retrain_min_new_conversions: int = 100
    promotion_tolerance: float = 0.005
    min_labelled: int = 1000
    min_conversions: int = 100
    train: TrainConfig = field(default_factory=TrainConfig)


def empty_runs() -> pl.DataFrame:
    """A run table with no rows (the schema of :data:`RUN_SCHEMA`)."""
    return pl.DataFrame(schema=RUN_SCHEMA)


def champion_run(runs: pl.DataFrame | None) -> dict[str, Any] | None:
    """The run of the current champion: the most recently promoted model, or None."""
    if runs is None or runs.height == 0:
        return None
    promoted = runs.filter(pl.col("is_promoted").fill_null(False)).sort(
        ["ran_at", "run_id"], descending=True
    )
    return None if promoted.height == 0 else promoted.row(0, named=True)


def training_run(
    panel: pl.DataFrame,
    previous_runs: pl.DataFrame | None,
    settings: LifecycleSettings,
    score_date: dt.date,
    ran_at: dt.datetime,
    drift_alert: bool = False,
) -> pl.DataFrame:
    """Decide, train and promote for one build; return its one-row run record.

    Args:
        panel: the labelled training rows (``lead_id``, ``as_of_date``, ``label`` 0/1,
            ``points_score`` and the features), sorted by key for determinism.
        previous_runs: the runs of earlier builds (``None`` or empty on the first build).
        settings: see :class:`LifecycleSettings`.
        score_date: the date the build stands at.
        ran_at: when the build runs (recorded, never hashed).
        drift_alert: the previous build's monitoring raised a drift or calibration alert.
    """
    label = settings.train.features.label_column
    date_column = settings.train.features.date_column
    labelled = panel.filter(pl.col(label).is_not_null())
    n_labelled = labelled.height
    n_positive = int(labelled.get_column(label).sum() or 0) if n_labelled else 0
    run: dict[str, Any] = {
        "run_id": f"{score_date.isoformat()}@{ran_at.isoformat()}",
        "score_date": score_date,
        "ran_at": ran_at,
        "labelled_rows": n_labelled,
        "labelled_positive": n_positive,
    }
    champion = champion_run(previous_runs)

    method, method_reason = choose_scoring_method(
        n_labelled, n_positive, settings.min_labelled, settings.min_conversions
    )
    if method == "rules" and champion is None:
        return _row(run, action="cold_start", action_reason=method_reason)

    new_conversions = n_positive
    if champion is not None and champion.get("test_end") is not None:
        new_conversions = int(
            labelled.filter(pl.col(date_column) > champion["test_end"]).get_column(label).sum() or 0
        )
    retrain, retrain_reason = needs_retraining(
        settings.retrain_policy,  # type: ignore[arg-type]
        # the champion's age in the data's time (score dates), so rebuilding a past score
        # date behaves as it did then
        champion_trained_at=None if champion is None else champion["score_date"],
        champion_age_max_days=settings.retrain_max_age_days,
        new_outcomes_since=new_conversions,
        min_new_outcomes=settings.retrain_min_new_conversions,
        drift_alert=drift_alert,
        has_champion=champion is not None,
        as_of=score_date,
    )
    if method == "rules":
        retrain, retrain_reason = False, f"{method_reason}; keeping the champion"
    if not retrain:
        action = "kept_champion" if champion is not None else "cold_start"
        return _row(run, action=action, action_reason=retrain_reason)

    try:
        result = train_model(labelled, ran_at, settings.train)
    except MLInputError as error:
        # Not enough data of the right shape (e.g. a period without conversions): say so and
        # keep scoring with the champion or the rules.
        return _row(run, action="failed", action_reason=f"training failed: {error}")

    bundle = result.bundle
    metadata = bundle.metadata
    windows = metadata["windows"]
    challenger_metrics = result.evaluation.model
    champion_metrics: Metrics | None = None
    if champion is not None and champion["model_bundle"] is not None:
        champion_bundle = loads_bundle(champion["model_bundle"])
        test_rows = labelled.filter(pl.col(date_column).is_in([d for d in result.split.test_dates]))
        champion_metrics = evaluate_bundle(champion_bundle, test_rows).model
    decision = should_promote(
        challenger_metrics, champion_metrics, tolerance=settings.promotion_tolerance
    )
    points = result.evaluation.points
    counts = metadata["counts"]
    return _row(
        run,
        action="trained",
        action_reason=retrain_reason,
        version_id=bundle.version_id,
        is_promoted=decision.promote,
        promotion_reason=decision.reason,
        model_kind=metadata["model_kind"],
        train_start=_date(windows["train_start"]),
        train_end=_date(windows["train_end"]),
        validation_start=_date(windows["calibration_start"]),
        validation_end=_date(windows["test_end"]),
        test_start=_date(windows["test_start"]),
        test_end=_date(windows["test_end"]),
        train_rows=counts["train_rows"],
        train_positive=counts["train_positive"],
        validation_rows=counts["calibration_rows"] + counts["test_rows"],
        validation_positive=counts["calibration_positive"] + counts["test_positive"],
        test_rows=counts["test_rows"],
        test_positive=counts["test_positive"],
        roc_auc=challenger_metrics.roc_auc,
        pr_auc=challenger_metrics.pr_auc,
        brier=challenger_metrics.brier,
        log_loss=challenger_metrics.log_loss,
        ece=challenger_metrics.ece,
        top_decile_lift=challenger_metrics.top_decile_lift,
        top_decile_conversion_rate=challenger_metrics.top_decile_conversion_rate,
        points_roc_auc=None if points is None else points.roc_auc,
        points_pr_auc=None if points is None else points.pr_auc,
        points_top_decile_conversion_rate=(
            None if points is None else points.top_decile_conversion_rate
        ),
        champion_version_id=None if champion is None else champion["version_id"],
        champion_pr_auc_on_test=None if champion_metrics is None else champion_metrics.pr_auc,
        features=json.dumps(metadata["features"]),
        params=json.dumps(metadata["params"], sort_keys=True),
        metrics=json.dumps(metadata["metrics"], sort_keys=True),
        importance=json.dumps(metadata["importance"], sort_keys=True, default=str),
        library_versions=json.dumps(metadata["library_versions"], sort_keys=True),
        model_bundle=dumps_bundle(bundle),
    )


#: The columns of the scored leads, in order.
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.Utf8,
    "probability": pl.Float64,
    "percentile": pl.Float64,
    "score": pl.Int32,
    "scoring_method": pl.Utf8,
    "scoring_method_reason": pl.Utf8,
    "model_version": pl.Utf8,
    "reason_1": pl.Utf8,
    "reason_2": pl.Utf8,
    "reason_3": pl.Utf8,
    "contributions": pl.Utf8,  # JSON list of {feature, value, contribution}
}


def score_with_champion(
    rows: pl.DataFrame,
    runs: pl.DataFrame | None,
    scoring: ScoringConfig | None = None,
) -> pl.DataFrame:
    """Score the open leads with the champion, or with the points score when there is none.

    Args:
        rows: one row per open lead at the score date: ``lead_id``, every feature, and the
            points score with its reasons (``points_score``, ``points_reason_1..3``).
        runs: the training runs (the champion is the latest promoted model).
        scoring: scoring options (e.g. ``score_scale='probability'``).

    Returns:
        One row per lead with the columns of :data:`SCORE_SCHEMA`.
    """
    champion = champion_run(runs)
    if champion is None:
        latest = (
            None if runs is None or runs.height == 0 else runs.sort("ran_at").row(-1, named=True)
        )
        reason = (
            "rules score: no model has been trained yet"
            if latest is None
            else latest["action_reason"]
            if latest["action_reason"].startswith("rules score")
            else f"rules score: {latest['action_reason']}"
        )
        return rows.select(
            pl.col("lead_id").cast(pl.Utf8),
            pl.lit(None, pl.Float64).alias("probability"),
            pl.lit(None, pl.Float64).alias("percentile"),
            pl.col("points_score").cast(pl.Int32).alias("score"),
            pl.lit("rules").alias("scoring_method"),
            pl.lit(reason).alias("scoring_method_reason"),
            pl.lit(None, pl.Utf8).alias("model_version"),
            pl.col("points_reason_1").alias("reason_1"),
            pl.col("points_reason_2").alias("reason_2"),
            pl.col("points_reason_3").alias("reason_3"),
            pl.lit(None, pl.Utf8).alias("contributions"),
        ).cast(SCORE_SCHEMA)  # type: ignore[arg-type]

    bundle = loads_bundle(champion["model_bundle"])
    scored = score_leads(bundle, rows, scoring)
    reason = (
        f"model {bundle.version_id} ({champion['model_kind']}), trained "
        f"{champion['ran_at']:%Y-%m-%d} on as-of dates {champion['train_start']} to "
        f"{champion['train_end']}"
    )
    return scored.select(
        pl.col("lead_id").cast(pl.Utf8),
        "probability",
        "percentile",
        pl.col("score").cast(pl.Int32),
        pl.lit("model").alias("scoring_method"),
        pl.lit(reason).alias("scoring_method_reason"),
        pl.col("model_version").cast(pl.Utf8),
        "reason_1",
        "reason_2",
        "reason_3",
        # JSON in polars itself: no Python call per lead on the 1M-lead scoring path
        pl.concat_str(
            pl.lit("["),
            pl.col("contributions").list.eval(pl.element().struct.json_encode()).list.join(","),
            pl.lit("]"),
        ).alias("contributions"),
    ).cast(SCORE_SCHEMA)  # type: ignore[arg-type]


def _row(run: dict[str, Any], **values: Any) -> pl.DataFrame:
    record = {name: None for name in RUN_SCHEMA} | run | values
    return pl.DataFrame([record], schema=RUN_SCHEMA)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
