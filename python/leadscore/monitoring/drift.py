"""Drift: the population stability index (PSI) of the champion's features and probability.

:func:`drift_table` (``models/monitoring/ml_drift.py``): the PSI of every model feature and of
the model's probability, between the champion's training window and the rows scored now,
each marked ``ok``, ``watch`` or ``drift`` by the :class:`~leadscore.monitoring.bands.PsiBands`.
What it measured of the reference (its bins, per feature) is in its table:
:func:`reusable_reference` gives it back to the next build when the champion and the
reference's rows are the same, so the reference is neither read nor scored again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from collections.abc import Callable, Sequence
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
    # what the next build reuses (reusable_reference): the reference's fingerprint and the
    # feature's reference bins (JSON)
    "reference_fingerprint": pl.Utf8,
    "reference_bins": pl.Utf8,
}

#: Columns of an earlier drift table that :func:`reusable_reference` reads.
EARLIER_DRIFT_COLUMNS = ("feature", "model_version", "reference_fingerprint", "reference_bins")


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


def reference_bins(reference: pl.Series, kind: str, settings: DriftSettings) -> dict[str, Any]:
    """What a current population is measured against: the reference's bins and counts.

    ``kind`` is ``numeric`` (quantile bins of the reference: ``edges``) or ``categorical``
    (one bin per frequent reference category, ``kept``, then ``(other)`` for the rest of the
    categories ``seen``, ``(new)`` and ``(missing)``). Plain JSON values (:func:`measure`).
    """
    if kind == "numeric":
        edges = numeric_edges(reference, settings.n_bins)
        counts = _numeric_counts(reference, edges)
        return {"kind": kind, "edges": edges.tolist(), "counts": counts.tolist()}
    if kind == "categorical":
        kept = categorical_buckets(reference, settings.max_categories, settings.min_category_share)
        seen = sorted(reference.cast(pl.Utf8).drop_nulls().unique().to_list())
        counts = _categorical_counts(reference, kept, set(seen))
        return {"kind": kind, "kept": kept, "seen": seen, "counts": counts.tolist()}
    raise MLInputError(f"feature kind must be 'numeric' or 'categorical'; got {kind!r}.")


def measure(bins: dict[str, Any], current: pl.Series) -> tuple[float, int, str]:
    """PSI of ``current`` against reference ``bins`` (:func:`reference_bins`), the number of
    bins used, and the bin whose share moved most (text)."""
    if bins["kind"] == "numeric":
        edges = np.asarray(bins["edges"], dtype=np.float64)
        cur_counts = _numeric_counts(current, edges)
        labels = _numeric_labels(edges)
    else:
        cur_counts = _categorical_counts(current, bins["kept"], set(bins["seen"]))
        labels = [*bins["kept"], OTHER, NEW, MISSING]
    ref_counts = np.asarray(bins["counts"], dtype=np.float64)
    value = psi(ref_counts, cur_counts)
    ref_share = ref_counts / ref_counts.sum()
    cur_share = cur_counts / cur_counts.sum()
    moved = int(np.argmax(np.abs(cur_share - ref_share)))
    shift = f"{labels[moved]}: {ref_share[moved]:.1%} -> {cur_share[moved]:.1%}"
    used = int(((ref_counts > 0) | (cur_counts > 0)).sum())
    return value, used, shift


def feature_psi(
    reference: pl.Series, current: pl.Series, kind: str, settings: DriftSettings
) -> tuple[float, int, str]:
    """PSI of one feature, the number of bins, and the bin whose share moved most (text).

    ``kind`` is ``numeric`` (quantile bins of the reference) or ``categorical`` (one bin per
    frequent reference category, ``(other)``, ``(new)`` and ``(missing)``).
    """
    return measure(reference_bins(reference, kind, settings), current)


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


@dataclass(frozen=True)
class Reference:
    """What drift keeps of a reference population: enough to measure a current one against.

    Attributes:
        fingerprint: :func:`reference_fingerprint` of its rows (None: not reusable).
        n_rows: how many rows it has.
        bins: per feature, and for :data:`SCORE_FEATURE` (the champion's probability), the
            :func:`reference_bins`.
    """

    fingerprint: str | None
    n_rows: int
    bins: dict[str, dict[str, Any]]


def reference_fingerprint(fingerprints: pl.Series, settings: DriftSettings) -> str | None:
    """One text for a reference population, in any row order: its rows' feature fingerprints
    (``ml_drift_rows.feature_fingerprint``, a hash of the lead, the as-of date and every
    feature) and the binning settings. None when it has no rows or a row has no fingerprint
    (a warehouse without the hash): never reused then."""
    if fingerprints.len() == 0 or fingerprints.null_count() > 0:
        return None
    digest = hashlib.sha256(np.sort(fingerprints.cast(pl.UInt64).to_numpy()).tobytes())
    digest.update(
        f"|{settings.n_bins}|{settings.max_categories}|{settings.min_category_share}".encode()
    )
    return digest.hexdigest()[:32]


def reusable_reference(
    earlier: pl.DataFrame | None,
    champions: pl.DataFrame | None,
    fingerprints: pl.Series | Callable[[], pl.Series],
    settings: DriftSettings,
) -> Reference | None:
    """The reference an earlier build measured, when it is this build's.

    Args:
        earlier: the earlier build's drift table (:data:`EARLIER_DRIFT_COLUMNS`), or None.
        champions: the ``ml_champion`` rows in rank order.
        fingerprints: this build's reference rows' ``feature_fingerprint``, or a function
            that reads them: called only when ``earlier`` measured the champion's version
            (a new champion is measured again without them being read).
        settings: the binning (part of the fingerprint).

    Returns:
        The earlier reference when every row of ``earlier`` was measured for the champion's
        version on a reference of the same fingerprint and holds the bins of the score and of
        every feature of the champion; else None (the reference is read and scored again).
    """
    champion = first_champion(champions)
    if earlier is None or earlier.height == 0 or champion is None:
        return None
    if champion.get("model_bundle") is None or not set(EARLIER_DRIFT_COLUMNS) <= set(
        earlier.columns
    ):
        return None
    if earlier.filter(pl.col("model_version") == champion["version_id"]).height != earlier.height:
        return None  # measured for another model
    if callable(fingerprints):
        fingerprints = fingerprints()
    fingerprint = reference_fingerprint(fingerprints, settings)
    if fingerprint is None:
        return None
    same = (pl.col("model_version") == champion["version_id"]) & (
        pl.col("reference_fingerprint") == fingerprint
    )
    if earlier.filter(same & pl.col("reference_bins").is_not_null()).height != earlier.height:
        return None
    bins = {
        feature: json.loads(text)
        for feature, text in earlier.select("feature", "reference_bins").iter_rows()
    }
    if not {SCORE_FEATURE, *loads_bundle(champion["model_bundle"]).spec.names} <= set(bins):
        return None
    return Reference(fingerprint=fingerprint, n_rows=fingerprints.len(), bins=bins)


def measured_reference(
    reference: pl.DataFrame, bundle: ModelBundle, settings: DriftSettings
) -> Reference:
    """The bins of the champion's probability and of each of its features on ``reference``
    (rows of ``ml_drift_rows``; their ``feature_fingerprint``, when present, makes it
    reusable)."""
    probability = pl.Series("p", champion_probability(bundle, reference))
    bins = {SCORE_FEATURE: reference_bins(probability, "numeric", settings)}
    for name in bundle.spec.names:
        bins[name] = reference_bins(reference.get_column(name), _drift_kind(name, bundle), settings)
    fingerprint = (
        reference_fingerprint(reference.get_column("feature_fingerprint"), settings)
        if "feature_fingerprint" in reference.columns
        else None
    )
    return Reference(fingerprint=fingerprint, n_rows=reference.height, bins=bins)


def drift_table(
    rows: pl.DataFrame,
    champions: pl.DataFrame | None,
    settings: DriftSettings,
    reference: Reference | None = None,
    scores: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """PSI of each of the champion's features and of its probability, training window vs now.

    Args:
        rows: feature rows with a ``population`` column: ``reference`` for rows of the
            champion's training window (as-of dates train_start..train_end, possibly a
            sample) and ``current`` for the rows scored now.
        champions: the ``ml_champion`` model ordered by ``champion_rank`` (the champion is
            the first row).
        settings: thresholds and binning.
        reference: the reference as an earlier build measured it (:func:`reusable_reference`);
            the ``reference`` rows of ``rows`` are then not read (they may be left out).
        scores: today's scores (``ml_lead_scores``: ``lead_id``, ``probability``,
            ``model_version``); when the champion scored every current lead, its
            probabilities are taken from there instead of scoring the leads again.

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
    current = rows.filter(pl.col("population") == "current")
    reference_rows = (
        None if reference is not None else rows.filter(pl.col("population") == "reference")
    )
    n_reference = reference.n_rows if reference is not None else reference_rows.height
    LOG.info(
        "drift: %s reference rows (as-of dates %s to %s%s) vs %s current rows",
        f"{n_reference:,}",
        champion["train_start"],
        champion["train_end"],
        "; measured by an earlier build: the same model and rows" if reference is not None else "",
        f"{current.height:,}",
    )
    if n_reference == 0 or current.height == 0:
        return pl.DataFrame(schema=DRIFT_SCHEMA)
    bundle = loads_bundle(champion["model_bundle"])
    if reference is None:
        reference = measured_reference(reference_rows, bundle, settings)
    ranks = importance_ranks(champion.get("importance"))
    records: list[dict[str, Any]] = []
    cur_p = _scored_probability(current, scores, bundle.version_id)
    if cur_p is None:
        cur_p = pl.Series("p", champion_probability(bundle, current))
    score_psi, score_bins, score_shift = measure(reference.bins[SCORE_FEATURE], cur_p)
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
        value, n_bins, shift = measure(reference.bins[name], current.get_column(name))
        records.append(
            {
                "feature": name,
                "feature_kind": _drift_kind(name, bundle),
                "psi": value,
                "n_bins": n_bins,
                "importance_rank": ranks.get(name),
                "largest_shift": shift,
            }
        )
    out = pl.DataFrame(records).with_columns(
        pl.col("psi").map_elements(settings.bands.status, return_dtype=pl.Utf8).alias("status"),
        pl.lit(reference.n_rows).alias("reference_rows"),
        pl.lit(current.height).alias("current_rows"),
        pl.lit(champion["run_id"]).alias("champion_run_id"),
        pl.lit(champion["version_id"]).alias("model_version"),
        pl.lit(champion["train_start"], pl.Date).alias("reference_start"),
        pl.lit(champion["train_end"], pl.Date).alias("reference_end"),
        pl.lit(reference.fingerprint, pl.Utf8).alias("reference_fingerprint"),
        pl.col("feature")
        .replace_strict(
            {feature: json.dumps(bins) for feature, bins in reference.bins.items()},
            return_dtype=pl.Utf8,
        )
        .alias("reference_bins"),
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


def _scored_probability(
    current: pl.DataFrame, scores: pl.DataFrame | None, version: str
) -> pl.Series | None:
    """The champion's probability of each current row as today's scoring gave it, or None
    when a current lead was not scored by that model version."""
    if scores is None or scores.height == 0:
        return None
    by_champion = scores.filter(pl.col("model_version") == version).select(
        pl.col("lead_id").cast(pl.Utf8), pl.col("probability").cast(pl.Float64)
    )
    found = current.select(pl.col("lead_id").cast(pl.Utf8)).join(
        by_champion, on="lead_id", how="left", maintain_order="left"
    )
    if found.height != current.height or found["probability"].null_count() > 0:
        return None
    LOG.info("drift: today's probabilities as ml_lead_scores gave them (the same model)")
    return found["probability"].alias("p")
