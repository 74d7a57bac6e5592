"""Model health: backtest replay, drift (PSI) and the feedback of alerts into retraining.

Pure functions behind the thin dbt Python models of the health marts:

- :func:`replay_backtest` (``models/ml/ml_backtest_scores.py``): the champion's probability
  and 0-100 score on past as-of dates, i.e. the scores it would have given then, unless the
  score history already holds what was actually said that day.
- :func:`drift_table` (``models/ml/ml_drift.py``): the population stability index (PSI) of
  every model feature and of the model's probability, between the champion's training window
  and the rows scored now.
- :func:`retraining_alert` and :func:`with_alert_reason` (``models/ml/ml_training_runs.py``):
  whether the previous build raised a monitoring alert for the model that is still champion,
  which makes the ``auto`` retraining policy retrain, and the reason recorded for it.

Nothing here reads a clock, the environment or files; the callers pass everything in.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from leadscore.ml.bundle import ModelBundle, loads_bundle
from leadscore.ml.errors import MLInputError
from leadscore.ml.features import prepare_features
from leadscore.ml.lifecycle import champion_run, first_champion
from leadscore.ml.scale import to_score
from leadscore.ml.scoring import predict_frame

#: Shares below this count as this in the PSI, so a bin empty on one side gives a large but
#: finite term (a category never seen in training with a 10% share now adds about 0.7).
PSI_FLOOR = 1e-4

#: Name of the drift row of the model's own output (its calibrated probability).
SCORE_FEATURE = "model_score"

#: Bucket labels of the categorical PSI: rarer reference categories, categories never seen in
#: the reference (kept apart: a brand-new value is the clearest sign of drift), missing values.
OTHER = "(other)"
NEW = "(new)"
MISSING = "(missing)"

#: What ``needs_retraining`` says about the alert flag (replaced by the details).
_POLICY_ALERT_REASON = "drift alert on the champion's inputs or scores"
_POLICY_NO_ALERT_SUFFIX = "; no drift alert"

BACKTEST_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.Utf8,
    "as_of_date": pl.Date,
    "label": pl.Int32,
    "points_score": pl.Int32,
    "model_probability": pl.Float64,
    "model_score": pl.Int32,
    "model_version": pl.Utf8,
    "score_source": pl.Utf8,  # history | replay | none
    "champion_run_id": pl.Utf8,
}

DRIFT_SCHEMA: dict[str, pl.DataType] = {
    "feature": pl.Utf8,
    "feature_kind": pl.Utf8,  # numeric | categorical | score
    "psi": pl.Float64,
    "status": pl.Utf8,  # ok | watch | drift
    "n_bins": pl.Int32,
    "reference_rows": pl.Int64,
    "current_rows": pl.Int64,
    "importance_rank": pl.Int32,
    "largest_shift": pl.Utf8,
    "champion_run_id": pl.Utf8,
    "model_version": pl.Utf8,
    "reference_start": pl.Date,
    "reference_end": pl.Date,
}


@dataclass(frozen=True)
class DriftSettings:
    """How PSI is measured and read (dbt vars ``health_psi_*``, ``health_drift_*``).

    Attributes:
        watch: PSI from this value up is ``watch``.
        drift: PSI above this value is ``drift``.
        n_bins: numeric features are cut at the reference's quantiles into this many bins
            (fewer when values repeat, e.g. mostly-zero counts), plus one bin for missing.
        max_categories: categorical features keep at most this many reference categories
            (the most frequent); the rest are counted together as ``(other)``, and categories
            never seen in the reference as ``(new)``.
        min_category_share: categories rarer than this in the reference go to ``(other)``.
    """

    watch: float = 0.1
    drift: float = 0.25
    n_bins: int = 10
    max_categories: int = 20
    min_category_share: float = 0.005

    def __post_init__(self) -> None:
        if not 0 <= self.watch < self.drift:
            raise MLInputError(
                f"PSI thresholds must satisfy 0 <= watch < drift; got watch={self.watch}, "
                f"drift={self.drift} (vars health_psi_watch, health_psi_drift)."
            )
        if self.n_bins < 2:
            raise MLInputError(f"n_bins must be at least 2; got {self.n_bins}.")
        if self.max_categories < 1:
            raise MLInputError(f"max_categories must be at least 1; got {self.max_categories}.")

    def status(self, psi: float) -> str:
        """``ok`` below ``watch``, ``drift`` above ``drift``, else ``watch``."""
        if psi < self.watch:
            return "ok"
        return "drift" if psi > self.drift else "watch"


def drift_settings(meta: dict[str, Any] | None) -> DriftSettings:
    """Drift settings from a dbt model's meta (vars ``health_psi_watch``, ``health_psi_drift``)."""
    meta = meta or {}
    try:
        return DriftSettings(
            watch=float(meta.get("health_psi_watch", 0.1)),
            drift=float(meta.get("health_psi_drift", 0.25)),
        )
    except (TypeError, ValueError) as error:
        raise MLInputError(
            f"vars health_psi_watch and health_psi_drift must be numbers; {error}."
        ) from error


# --------------------------------------------------------------------------- PSI


def psi(reference: Sequence[float] | np.ndarray, current: Sequence[float] | np.ndarray) -> float:
    """Population stability index of two share (or count) vectors over the same bins.

    ``sum((current - reference) * ln(current / reference))`` with both normalised to shares
    and floored at :data:`PSI_FLOOR`. 0 means identical; above 0.25 is a large shift.

    Raises:
        MLInputError: the vectors differ in length, hold negatives, or one sums to zero.
    """
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    if ref.shape != cur.shape or ref.ndim != 1:
        raise MLInputError(
            f"PSI needs two 1-D vectors of equal length; got {ref.shape}, {cur.shape}."
        )
    if (ref < 0).any() or (cur < 0).any() or ref.sum() <= 0 or cur.sum() <= 0:
        raise MLInputError("PSI needs non-negative counts with at least one row on each side.")
    ref = np.maximum(ref / ref.sum(), PSI_FLOOR)
    cur = np.maximum(cur / cur.sum(), PSI_FLOOR)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def numeric_edges(values: pl.Series | np.ndarray, n_bins: int = 10) -> np.ndarray:
    """Distinct inner cut points at the reference's quantiles 1/n .. (n-1)/n (nulls ignored).

    A value ``v`` falls in bin ``searchsorted(edges, v, 'left')``: bins are ``(-inf, e1]``,
    ``(e1, e2]``, ... ``(e_k, inf)``. Repeated values (e.g. a count that is mostly 0) give
    fewer edges, so fewer bins.
    """
    x = np.asarray(pl.Series(values).cast(pl.Float64).drop_nulls().drop_nans().to_numpy())
    if x.size == 0:
        return np.empty(0)
    quantiles = np.quantile(x, np.arange(1, n_bins) / n_bins, method="linear")
    return np.unique(quantiles)


def _numeric_counts(values: pl.Series, edges: np.ndarray) -> np.ndarray:
    """Counts per bin (``len(edges) + 1`` value bins, then the missing bin)."""
    x = values.cast(pl.Float64).fill_nan(None)
    present = x.drop_nulls().to_numpy()
    bins = np.searchsorted(edges, present, side="left")
    counts = np.bincount(bins, minlength=edges.size + 1).astype(np.float64)
    return np.append(counts, float(x.null_count()))


def _numeric_labels(edges: np.ndarray) -> list[str]:
    if edges.size == 0:
        return ["all values", MISSING]
    labels = [f"<= {_num(edges[0])}"]
    labels += [f"{_num(lo)} to {_num(hi)}" for lo, hi in itertools.pairwise(edges)]
    labels.append(f"> {_num(edges[-1])}")
    return [*labels, MISSING]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def categorical_buckets(
    values: pl.Series, max_categories: int = 20, min_share: float = 0.005
) -> list[str]:
    """The reference categories kept as their own bucket: most frequent first, ties by name.

    At most ``max_categories``, each with at least ``min_share`` of the (non-null) rows.
    """
    text = values.cast(pl.Utf8).drop_nulls()
    if text.len() == 0:
        return []
    counts = (
        text.value_counts(name="n")
        .sort(["n", text.name], descending=[True, False])
        .filter(pl.col("n") >= min_share * text.len())
    )
    return counts.get_column(text.name).head(max_categories).to_list()


def _categorical_counts(values: pl.Series, kept: list[str], seen: set[str]) -> np.ndarray:
    """Counts per kept category, then ``(other)`` (seen in the reference), ``(new)``, missing."""
    text = values.cast(pl.Utf8)
    index = {category: i for i, category in enumerate(kept)}
    counts = np.zeros(len(kept) + 3)
    for value, n in text.value_counts(name="n").iter_rows():
        if value is None:
            counts[-1] += n
        elif value in index:
            counts[index[value]] += n
        else:
            counts[len(kept) + (0 if value in seen else 1)] += n
    return counts


def feature_psi(
    reference: pl.Series, current: pl.Series, kind: str, settings: DriftSettings
) -> tuple[float, int, str]:
    """PSI of one feature, the number of bins, and the bin whose share moved most (text).

    ``kind`` is ``numeric`` (quantile bins of the reference) or ``categorical`` (one bin per
    frequent reference category, ``(other)``, ``(new)`` and ``(missing)``).
    """
    if kind == "numeric":
        edges = numeric_edges(reference, settings.n_bins)
        ref_counts = _numeric_counts(reference, edges)
        cur_counts = _numeric_counts(current, edges)
        labels = _numeric_labels(edges)
    elif kind == "categorical":
        kept = categorical_buckets(reference, settings.max_categories, settings.min_category_share)
        seen = set(reference.cast(pl.Utf8).drop_nulls().unique().to_list())
        ref_counts = _categorical_counts(reference, kept, seen)
        cur_counts = _categorical_counts(current, kept, seen)
        labels = [*kept, OTHER, NEW, MISSING]
    else:
        raise MLInputError(f"feature kind must be 'numeric' or 'categorical'; got {kind!r}.")
    value = psi(ref_counts, cur_counts)
    ref_share = ref_counts / ref_counts.sum()
    cur_share = cur_counts / cur_counts.sum()
    moved = int(np.argmax(np.abs(cur_share - ref_share)))
    shift = f"{labels[moved]}: {ref_share[moved]:.1%} -> {cur_share[moved]:.1%}"
    used = int(((ref_counts > 0) | (cur_counts > 0)).sum())
    return value, used, shift


def _drift_kind(name: str, bundle: ModelBundle) -> str:
    """Categoricals and booleans are compared by category, everything else by quantile bins."""
    if name in bundle.spec.categorical or bundle.spec.dtypes.get(name) == "Boolean":
        return "categorical"
    return "numeric"


def champion_probability(bundle: ModelBundle, rows: pl.DataFrame) -> np.ndarray:
    """The champion's calibrated probability for each row (no reasons: fast)."""
    if rows.height == 0:
        return np.empty(0)
    probability, _, _ = predict_frame(bundle, prepare_features(rows, bundle.spec))
    return probability


def importance_ranks(importance_json: str | None) -> dict[str, int]:
    """Feature -> rank (1 = most important) from a registry row's importance JSON."""
    if not importance_json:
        return {}
    items = json.loads(importance_json)
    ordered = sorted(
        items, key=lambda item: (-float(item.get("importance_mean") or 0.0), item["feature"])
    )
    return {item["feature"]: rank for rank, item in enumerate(ordered, start=1)}


def drift_table(
    rows: pl.DataFrame, champions: pl.DataFrame | None, settings: DriftSettings | None = None
) -> pl.DataFrame:
    """PSI of each of the champion's features and of its probability, training window vs now.

    Args:
        rows: feature rows with a ``population`` column: ``reference`` for rows of the
            champion's training window (as-of dates train_start..train_end, possibly a
            sample) and ``current`` for the rows scored now.
        champions: the ``ml_champion`` model ordered by ``champion_rank`` (the champion is
            the first row).
        settings: thresholds and binning.

    Returns:
        One row per feature plus one row ``model_score`` (kind ``score``: the champion's
        probability on both populations, binned at the reference's deciles), with the
        columns of :data:`DRIFT_SCHEMA`, most drifted first. Empty when there is no champion
        or one of the populations has no rows.
    """
    settings = settings or DriftSettings()
    champion = first_champion(champions)
    if champion is None or champion.get("model_bundle") is None:
        return pl.DataFrame(schema=DRIFT_SCHEMA)
    if "population" not in rows.columns:
        raise MLInputError("drift rows need a 'population' column (reference or current).")
    reference = rows.filter(pl.col("population") == "reference")
    current = rows.filter(pl.col("population") == "current")
    if reference.height == 0 or current.height == 0:
        return pl.DataFrame(schema=DRIFT_SCHEMA)
    bundle = loads_bundle(champion["model_bundle"])
    ranks = importance_ranks(champion.get("importance"))
    records: list[dict[str, Any]] = []
    ref_p = pl.Series("p", champion_probability(bundle, reference))
    cur_p = pl.Series("p", champion_probability(bundle, current))
    score_psi, score_bins, score_shift = feature_psi(ref_p, cur_p, "numeric", settings)
    records.append(
        {
            "feature": SCORE_FEATURE,
            "feature_kind": "score",
            "psi": score_psi,
            "n_bins": score_bins,
            "importance_rank": None,
            "largest_shift": "probability " + score_shift,
        }
    )
    for name in bundle.spec.names:
        kind = _drift_kind(name, bundle)
        value, n_bins, shift = feature_psi(
            reference.get_column(name), current.get_column(name), kind, settings
        )
        records.append(
            {
                "feature": name,
                "feature_kind": kind,
                "psi": value,
                "n_bins": n_bins,
                "importance_rank": ranks.get(name),
                "largest_shift": shift,
            }
        )
    out = pl.DataFrame(records).with_columns(
        pl.col("psi").map_elements(settings.status, return_dtype=pl.Utf8).alias("status"),
        pl.lit(reference.height).alias("reference_rows"),
        pl.lit(current.height).alias("current_rows"),
        pl.lit(champion["run_id"]).alias("champion_run_id"),
        pl.lit(champion["version_id"]).alias("model_version"),
        pl.lit(champion["train_start"], pl.Date).alias("reference_start"),
        pl.lit(champion["train_end"], pl.Date).alias("reference_end"),
    )
    return (
        out.select(list(DRIFT_SCHEMA))
        .cast(DRIFT_SCHEMA)  # type: ignore[arg-type]
        .sort(["feature_kind", "psi", "feature"], descending=[True, True, False])
    )


# --------------------------------------------------------------------------- backtest


def replay_backtest(rows: pl.DataFrame, champions: pl.DataFrame | None) -> pl.DataFrame:
    """The champion's scores on past as-of dates, next to the points score and the outcome.

    Args:
        rows: one row per lead and as-of date: ``lead_id``, ``as_of_date``, ``label`` (null
            while the horizon is open), ``points_score``, the features, and what the score
            history says was given that day (``history_probability``, ``history_score``,
            ``history_model_version``; null when that day was not scored by a model).
        champions: the ``ml_champion`` model ordered by ``champion_rank`` (the champion is
            the first row).

    Returns:
        The columns of :data:`BACKTEST_SCHEMA`, in the order of ``rows``. Where the history
        holds a model score it is kept (``score_source`` ``history``); every other row is
        scored by the champion (``replay``); without a champion the model columns are null
        (``none``).
    """
    needed = ["lead_id", "as_of_date", "label", "points_score"]
    history = ["history_probability", "history_score", "history_model_version"]
    missing = [c for c in needed + history if c not in rows.columns]
    if missing:
        raise MLInputError(
            f"backtest rows lack column(s) {missing}; build them with models/ml/"
            "ml_backtest_rows.sql."
        )
    champion = first_champion(champions)
    has_history = pl.col("history_probability").is_not_null()
    base = rows.select(
        pl.col("lead_id").cast(pl.Utf8),
        pl.col("as_of_date").cast(pl.Date),
        pl.col("label").cast(pl.Int32),
        pl.col("points_score").cast(pl.Int32),
        pl.col("history_probability").cast(pl.Float64),
        pl.col("history_score").cast(pl.Int32),
        pl.col("history_model_version").cast(pl.Utf8),
    )
    probability = np.full(rows.height, np.nan)
    score = np.zeros(rows.height, dtype=np.int32)
    replay = np.zeros(rows.height, dtype=bool)
    version = None
    run_id = None
    if champion is not None and champion.get("model_bundle") is not None:
        bundle = loads_bundle(champion["model_bundle"])
        version, run_id = bundle.version_id, champion["run_id"]
        replay = ~rows.select(has_history).to_series().to_numpy()
        to_replay = rows.filter(~has_history)
        if to_replay.height:
            p = champion_probability(bundle, to_replay)
            probability[replay] = p
            score[replay] = to_score(p, bundle.reference, bundle.score_scale)  # type: ignore[arg-type]
    replayed = pl.DataFrame(
        {
            "replay_probability": pl.Series(probability).fill_nan(None),
            "replay_score": pl.Series(score, dtype=pl.Int32),
            "is_replay": pl.Series(replay, dtype=pl.Boolean),
        }
    )
    out = pl.concat([base, replayed], how="horizontal").with_columns(
        pl.when("is_replay")
        .then("replay_probability")
        .otherwise("history_probability")
        .alias("model_probability"),
        pl.when("is_replay").then("replay_score").otherwise("history_score").alias("model_score"),
        pl.when("is_replay")
        .then(pl.lit(version, pl.Utf8))
        .otherwise("history_model_version")
        .alias("model_version"),
        pl.when("is_replay")
        .then(pl.lit("replay"))
        .when(pl.col("history_probability").is_not_null())
        .then(pl.lit("history"))
        .otherwise(pl.lit("none"))
        .alias("score_source"),
        pl.lit(run_id, pl.Utf8).alias("champion_run_id"),
    )
    return out.select(list(BACKTEST_SCHEMA)).cast(BACKTEST_SCHEMA)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- retraining


def retraining_alert(
    alert_history: pl.DataFrame | None,
    runs: pl.DataFrame | None,
    score_date: dt.date,
) -> tuple[bool, str]:
    """Whether the previous build raised a monitoring alert for the model still champion.

    The previous build is the latest run in ``runs``; its alerts are the rows of
    ``alert_history`` at that run's score date whose ``champion_run_id`` is the current
    champion's run. A champion trained at this same score date is not retrained again: it
    has seen all the data there is, so a retrain would give the same model.

    Returns:
        ``(True, reason)`` with the alerts in words, or ``(False, why not)``.
    """
    champion = champion_run(runs)
    if champion is None or runs is None:
        return False, "no champion to monitor"
    if alert_history is None or alert_history.height == 0:
        return False, "no monitoring alerts recorded"
    previous = runs.sort(["ran_at", "run_id"]).row(-1, named=True)
    raised = alert_history.filter(
        (pl.col("score_date") == previous["score_date"])
        & (pl.col("champion_run_id") == champion["run_id"])
    ).sort(["kind", "subject"])
    if raised.height == 0:
        return False, (
            f"the previous build (score date {previous['score_date']}) raised no alert for the "
            f"champion {champion['version_id']}"
        )
    if champion["score_date"] is not None and champion["score_date"] >= score_date:
        return False, (
            f"alerts for the champion {champion['version_id']}, but it was trained at this "
            "score date already"
        )
    shown = [f"{kind}: {reason}" for kind, reason in raised.select("kind", "reason").iter_rows()]
    more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
    return True, (
        f"monitoring alert from the build of {previous['score_date']} on champion "
        f"{champion['version_id']}: " + "; ".join(shown[:3]) + more
    )


def with_alert_reason(run: pl.DataFrame, drift_alert: bool, alert_reason: str) -> pl.DataFrame:
    """Put what monitoring said into a training run's ``action_reason``.

    The lifecycle records generic words for the alert flag: when the run retrained because of
    an alert (``drift_alert``), its reason becomes the alerts themselves; when it did not, the
    closing "no drift alert" says why instead (e.g. no alert for this champion, or alerts for
    a champion trained at this score date already). Other reasons are left untouched.
    """
    if drift_alert:
        return run.with_columns(
            pl.when(pl.col("action_reason") == _POLICY_ALERT_REASON)
            .then(pl.lit(f"retrained on a {alert_reason}"))
            .otherwise(pl.col("action_reason"))
            .alias("action_reason")
        )
    reason = pl.col("action_reason")
    return run.with_columns(
        pl.when(reason.str.ends_with(_POLICY_NO_ALERT_SUFFIX))
        .then(reason.str.strip_suffix(_POLICY_NO_ALERT_SUFFIX) + pl.lit(f"; {alert_reason}"))
        .otherwise(reason)
        .alias("action_reason")
    )
