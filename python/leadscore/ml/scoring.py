"""Scoring leads with a model bundle, and evaluating a bundle on labelled rows.

``score_leads`` works in batches: prepare features (validate, coerce), preprocess once, take
the base model's log-odds, calibrate them, place them on the 0-100 scale, compute feature
contributions from the same preprocessed rows, and turn the three largest groups of related
features (by absolute value, words agreeing with the sign; :mod:`leadscore.ml.reasons`) into
reason texts. Output rows are in input order; the same bundle and rows give the same
output.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import polars as pl
from sklearn.calibration import CalibratedClassifierCV

from leadscore.ml.bundle import ModelBundle
from leadscore.ml.config import FeatureConfig, ScoreScale, ScoringConfig
from leadscore.ml.errors import MLInputError
from leadscore.ml.explain import log_odds_and_contributions
from leadscore.ml.features import FeatureSpec, labelled_rows, prepare_features
from leadscore.ml.metrics import Evaluation, evaluate_scores
from leadscore.ml.reasons import choose_reasons, is_profile_feature
from leadscore.ml.scale import percentile_of, to_score
from leadscore.progress import Stopwatch

LOG = logging.getLogger(__name__)

N_REASONS = 3

CONTRIBUTION_DTYPE = pl.List(
    pl.Struct({"feature": pl.String, "value": pl.String, "contribution": pl.Float64})
)


def calibrated_probability(model: CalibratedClassifierCV, raw: np.ndarray) -> np.ndarray:
    """Apply the fitted calibrator(s) to base-model log-odds (same as ``predict_proba``).

    Lets scoring preprocess each row once and reuse it for contributions.
    """
    parts = [cc.calibrators[0].predict(raw) for cc in model.calibrated_classifiers_]
    return np.clip(np.mean(parts, axis=0), 0.0, 1.0)


def predict_frame(
    bundle: ModelBundle, X: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (calibrated probability, base log-odds, preprocessed matrix) for prepared rows."""
    transformed = _preprocessed(bundle, X)
    model = bundle.base_pipeline.named_steps["model"]
    raw = np.asarray(model.decision_function(transformed), dtype=np.float64)
    return calibrated_probability(bundle.model, raw), raw, transformed


def _preprocessed(bundle: ModelBundle, X: pl.DataFrame) -> np.ndarray:
    """The prepared rows through the bundle's preprocessing (what its model reads)."""
    preprocess = bundle.base_pipeline.named_steps["preprocess"]
    return np.asarray(preprocess.transform(X), dtype=np.float64)


def score_leads(
    bundle: ModelBundle, rows: pl.DataFrame, config: ScoringConfig | None = None
) -> pl.DataFrame:
    """Score leads: probability, percentile, 0-100 score, three reasons and contributions.

    Args:
        bundle: a trained model (from ``train_model`` or ``loads_bundle``).
        rows: one row per lead with ``lead_id`` and every feature in ``bundle.spec``; extra
            columns are ignored, numeric columns given as other numeric types, booleans or
            numeric strings are coerced.
        config: scoring options (score scale override, number of contributions, batch size).

    Returns:
        ``lead_id``, ``probability`` (calibrated, 0-1), ``percentile`` (0-100 float, position
        in the reference population), ``score`` (Int32 0-100 on the chosen scale),
        ``fit_score`` and ``engagement_score`` (Int32 0-100: the score of this profile with
        typical behaviour, and of this behaviour with a typical profile; see
        :func:`_split_scores`), ``reason_1``..``reason_3`` (text, null when fewer features
        move the score),
        ``contributions`` (list of {feature, value, contribution} for the top
        ``n_contributions``, in log-odds), ``model_version``.

    Raises:
        MLInputError: ``lead_id`` or feature columns missing (all listed), or values of the
            wrong type.
    """
    config = config or ScoringConfig()
    if config.n_contributions < N_REASONS:
        raise MLInputError(f"n_contributions must be at least {N_REASONS}.")
    if config.batch_size < 1:
        raise MLInputError("batch_size must be at least 1.")
    id_column = bundle.metadata["params"]["features"]["id_column"]
    if id_column not in rows.columns:
        raise MLInputError(f"the rows to score need a '{id_column}' column.")
    scale: ScoreScale = config.score_scale or bundle.score_scale  # type: ignore[assignment]
    # Validate every column up front, so a bad column fails before any work is done.
    prepare_features(rows.head(0), bundle.spec)
    watch = Stopwatch()
    batches = math.ceil(rows.height / config.batch_size)
    LOG.info(
        "scoring: %s leads with model %s, %d features%s ...",
        f"{rows.height:,}",
        bundle.version_id,
        len(bundle.spec.names),
        f", in {batches} batches of {config.batch_size:,}" if batches > 1 else "",
    )
    parts = []
    for i, start in enumerate(range(0, rows.height, config.batch_size), start=1):
        parts.append(
            _score_batch(bundle, rows.slice(start, config.batch_size), id_column, scale, config)
        )
        if batches > 1:
            LOG.info(
                "scoring: batch %d/%d done (%s of %s leads) at %s",
                i,
                batches,
                f"{min(start + config.batch_size, rows.height):,}",
                f"{rows.height:,}",
                watch,
            )
    if not parts:
        return _score_batch(bundle, rows.head(0), id_column, scale, config)
    LOG.info("scoring: %s leads scored in %s", f"{rows.height:,}", watch)
    return pl.concat(parts, how="vertical")


def _score_batch(
    bundle: ModelBundle,
    rows: pl.DataFrame,
    id_column: str,
    scale: ScoreScale,
    config: ScoringConfig,
) -> pl.DataFrame:
    X = prepare_features(rows, bundle.spec)
    n = X.height
    if n:
        # the log-odds and the contributions from one walk down the trees
        raw, contrib = log_odds_and_contributions(
            bundle.explainer,
            bundle.base_pipeline.named_steps["model"],
            _preprocessed(bundle, X),
        )
        probability = calibrated_probability(bundle.model, raw)
    else:
        probability = np.empty(0)
        contrib = np.empty((0, len(bundle.spec.names)))
    k = min(config.n_contributions, contrib.shape[1])
    order = np.argsort(-np.abs(contrib), axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(contrib, order, axis=1)
    keep = np.abs(top) >= config.min_abs_contribution
    values = _describe_top(X, bundle.spec, order, keep)
    names = np.array(bundle.spec.names, dtype=object)
    percentile = percentile_of(probability, bundle.reference)
    # Reasons: the strongest groups of related features whose words agree with their sign
    # (leadscore.ml.reasons); the structured contributions below stay per feature.
    texts = choose_reasons(
        X, bundle.spec.names, contrib, percentile, config.min_abs_contribution, N_REASONS
    )
    fit, engagement = _split_scores(bundle, contrib, raw if n else np.empty(0), scale)
    out: dict[str, Any] = {
        id_column: rows.get_column(id_column),
        "probability": pl.Series(probability, dtype=pl.Float64),
        "percentile": pl.Series(percentile, dtype=pl.Float64),
        "score": pl.Series(to_score(probability, bundle.reference, scale), dtype=pl.Int32),
        "fit_score": fit,
        "engagement_score": engagement,
    }
    for r in range(N_REASONS):
        out[f"reason_{r + 1}"] = pl.Series(texts[:, r].tolist(), dtype=pl.String)
    structs = []
    for r in range(k):
        part = pl.DataFrame(
            {
                "keep": keep[:, r],
                "feature": pl.Series(names[order[:, r]].tolist(), dtype=pl.String),
                "value": pl.Series(values[:, r].tolist(), dtype=pl.String),
                "contribution": top[:, r],
            }
        )
        structs.append(
            part.select(
                pl.when("keep").then(pl.struct("feature", "value", "contribution")).alias("s")
            ).get_column("s")
        )
    frame = pl.DataFrame(out)
    if structs:
        tmp = pl.DataFrame({f"s{r}": s for r, s in enumerate(structs)})
        contrib_col = tmp.select(
            pl.concat_list(tmp.columns).list.drop_nulls().alias("contributions")
        ).get_column("contributions")
    else:
        contrib_col = pl.Series("contributions", [[] for _ in range(n)])
    frame = frame.with_columns(
        contrib_col.cast(CONTRIBUTION_DTYPE).alias("contributions"),
        pl.lit(bundle.version_id, dtype=pl.String).alias("model_version"),
    )
    return frame


def _split_scores(
    bundle: ModelBundle, contrib: np.ndarray, raw: np.ndarray, scale: ScoreScale
) -> tuple[pl.Series, pl.Series]:
    """``fit_score`` and ``engagement_score``: how much of the score is who the lead is and how
    much what it did, from the same attributions as the reasons.

    The attributions add up to the lead's log-odds minus the explainer's baseline (a typical
    lead), so ``baseline + the profile features' part`` is the log-odds of a lead with this
    profile and typical behaviour, and ``baseline + the other features' part`` the log-odds
    of a typical profile that did what this lead did. Each goes through the calibration and
    onto the score's scale: fit 90 and engagement 10 read "great fit, no intent yet". Null
    for an old bundle whose explainer does not add up (``occlusion``).
    """
    n = contrib.shape[0]
    if bundle.explainer.kind not in ADDITIVE_EXPLAINERS or n == 0:
        empty = pl.Series([None] * n, dtype=pl.Int32)
        return empty, empty.clone()
    profile = np.array([is_profile_feature(f) for f in bundle.spec.names], dtype=bool)
    baseline = raw - contrib.sum(axis=1)
    parts = []
    for mask in (profile, ~profile):
        p = calibrated_probability(bundle.model, baseline + contrib[:, mask].sum(axis=1))
        parts.append(pl.Series(to_score(p, bundle.reference, scale), dtype=pl.Int32))
    return parts[0], parts[1]


#: Explainers whose attributions add up to the log-odds minus a baseline.
ADDITIVE_EXPLAINERS = frozenset({"linear", "tree_path"})


def _describe_top(
    X: pl.DataFrame,
    spec: FeatureSpec,
    order: np.ndarray,
    keep: np.ndarray,
) -> np.ndarray:
    """Value strings for the top contributions (object array like ``order``).

    Each distinct (feature, value) is formatted once, so a million rows cost little.
    """
    values = np.full(order.shape, None, dtype=object)
    if order.size == 0:
        return values
    flat_feature = order.ravel()
    flat_keep = keep.ravel()
    flat_row = np.repeat(np.arange(order.shape[0]), order.shape[1])
    flat_value = values.reshape(-1)
    for j in np.unique(flat_feature[flat_keep]):
        name = spec.names[j]
        at = np.flatnonzero(flat_keep & (flat_feature == j))
        is_bool = spec.dtypes.get(name) == "Boolean"
        part = pl.DataFrame({"v": X.get_column(name).gather(flat_row[at])})
        distinct = part.unique(maintain_order=True)
        described = distinct.with_columns(
            pl.Series(
                "value",
                [_value_text(v, is_bool) for (v,) in distinct.iter_rows()],
                dtype=pl.String,
            ),
        )
        joined = part.join(described, on="v", how="left", nulls_equal=True, maintain_order="left")
        flat_value[at] = joined.get_column("value").to_numpy()
    return values


def _python_value(value: Any, is_bool: bool) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if is_bool:
        return bool(value)
    return value


def _value_text(value: Any, is_bool: bool) -> str | None:
    value = _python_value(value, is_bool)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)


def evaluate_bundle(
    bundle: ModelBundle,
    rows: pl.DataFrame,
    tiers: tuple[tuple[str, int], ...] | None = None,
    n_bins: int | None = None,
) -> Evaluation:
    """Evaluate a (loaded) bundle and the rules score on the labelled rows of ``rows``.

    Use it to re-evaluate the champion on the challenger's test window, so
    :func:`leadscore.ml.policy.should_promote` compares both on exactly the same rows.

    Raises:
        MLInputError: no labelled rows, one class only, or missing feature columns.
    """
    params = bundle.metadata["params"]
    feature_config = FeatureConfig(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in params["features"].items()}
    )
    labelled = labelled_rows(rows, feature_config)
    X = prepare_features(labelled, bundle.spec)
    probability, _, _ = predict_frame(bundle, X)
    y = labelled.get_column(feature_config.label_column).to_numpy()
    tiers = tiers or tuple((str(t[0]), int(t[1])) for t in params["tiers"])
    n_bins = n_bins or int(params["calibration_bins"])
    return evaluate_with_points(
        y,
        probability,
        to_score(probability, bundle.reference, bundle.score_scale),  # type: ignore[arg-type]
        labelled,
        feature_config.points_column,
        tiers,
        n_bins,
    )


def evaluate_with_points(
    y: np.ndarray,
    probability: np.ndarray,
    score: np.ndarray,
    rows: pl.DataFrame,
    points_column: str,
    tiers: tuple[tuple[str, int], ...],
    n_bins: int,
) -> Evaluation:
    """Metrics of the model and, when ``points_column`` exists, of the rules score.

    Both use exactly the same rows; a null rules score counts as 0 points.
    """
    model = evaluate_scores(y, probability, score, tiers, n_bins)
    points = None
    if points_column in rows.columns:
        pts = rows.get_column(points_column).cast(pl.Float64).fill_null(0.0).to_numpy()
        pts = np.clip(pts, 0.0, 100.0)
        points = evaluate_scores(y, pts / 100.0, pts, tiers, n_bins)
    return Evaluation(model=model, points=points)
