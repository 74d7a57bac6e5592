"""Drift: the population stability index (PSI) of the champion's features and probability.

:func:`drift_table` (``models/monitoring/ml_drift.py``): the PSI of every model feature and of
the model's probability, between the champion's training window and the rows scored now,
each marked ``ok``, ``watch`` or ``drift`` by the :class:`~leadscore.monitoring.bands.PsiBands`.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from leadscore.ml.bundle import ModelBundle, loads_bundle
from leadscore.ml.errors import MLInputError
from leadscore.ml.lifecycle import first_champion
from leadscore.monitoring.bands import PsiBands
from leadscore.monitoring.scoring import champion_probability
from leadscore.progress import Stopwatch

LOG = logging.getLogger(__name__)

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
    """How PSI is measured (the binning) and read (the bands).

    Attributes:
        bands: the PSI bands (vars ``health_psi_watch``, ``health_psi_drift``; no default:
            :func:`leadscore.settings.drift_settings` builds them from the vars).
        n_bins: numeric features are cut at the reference's quantiles into this many bins
            (fewer when values repeat, e.g. mostly-zero counts), plus one bin for missing.
        max_categories: categorical features keep at most this many reference categories
            (the most frequent); the rest are counted together as ``(other)``, and categories
            never seen in the reference as ``(new)``.
        min_category_share: categories rarer than this in the reference go to ``(other)``.
    """

    bands: PsiBands
    n_bins: int = 10
    max_categories: int = 20
    min_category_share: float = 0.005

    def __post_init__(self) -> None:
        if self.n_bins < 2:
            raise MLInputError(f"n_bins must be at least 2; got {self.n_bins}.")
        if self.max_categories < 1:
            raise MLInputError(f"max_categories must be at least 1; got {self.max_categories}.")


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
    rows: pl.DataFrame, champions: pl.DataFrame | None, settings: DriftSettings
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
    watch = Stopwatch()
    champion = first_champion(champions)
    if champion is None or champion.get("model_bundle") is None:
        LOG.info("drift: no champion, nothing to compare")
        return pl.DataFrame(schema=DRIFT_SCHEMA)
    if "population" not in rows.columns:
        raise MLInputError("drift rows need a 'population' column (reference or current).")
    reference = rows.filter(pl.col("population") == "reference")
    current = rows.filter(pl.col("population") == "current")
    LOG.info(
        "drift: %s reference rows (as-of dates %s to %s) vs %s current rows",
        f"{reference.height:,}",
        champion["train_start"],
        champion["train_end"],
        f"{current.height:,}",
    )
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
        pl.col("psi").map_elements(settings.bands.status, return_dtype=pl.Utf8).alias("status"),
        pl.lit(reference.height).alias("reference_rows"),
        pl.lit(current.height).alias("current_rows"),
        pl.lit(champion["run_id"]).alias("champion_run_id"),
        pl.lit(champion["version_id"]).alias("model_version"),
        pl.lit(champion["train_start"], pl.Date).alias("reference_start"),
        pl.lit(champion["train_end"], pl.Date).alias("reference_end"),
    )
    statuses = out.get_column("status").value_counts()
    LOG.info(
        "drift: PSI of %d features and the score of model %s in %s: %s",
        len(bundle.spec.names),
        bundle.version_id,
        watch,
        ", ".join(f"{n} {status}" for status, n in sorted(statuses.iter_rows())),
    )
    return (
        out.select(list(DRIFT_SCHEMA))
        .cast(DRIFT_SCHEMA)  # type: ignore[arg-type]
        .sort(["feature_kind", "psi", "feature"], descending=[True, True, False])
    )
