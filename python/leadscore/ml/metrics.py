"""Quality metrics for a score, computed the same way for the model and the rules score.

``evaluate_scores`` takes labels, a probability-like value in [0, 1] and the 0-100 score, and
returns discrimination (ROC AUC, PR AUC), probability quality (Brier, log loss, expected
calibration error), top-decile lift and conversion, and conversion per tier. For the rules
baseline the "probability" is ``points_score / 100``: its calibration figures show how far
points are from being probabilities, its ranking figures are directly comparable.

Ties are handled without randomness: the top 10% is the expected conversion when tied rows at
the cut-off are taken in random order (tied rows count in proportion).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from leadscore.ml.errors import MLInputError


@dataclass(frozen=True)
class TierStat:
    """Conversion inside one tier of the 0-100 score."""

    tier: str
    min_score: int
    n_rows: int
    n_converted: int
    conversion_rate: float | None


@dataclass(frozen=True)
class Metrics:
    """Quality of one score on one set of labelled rows.

    ``top_decile_lift`` is the conversion rate in the top 10% divided by the overall rate.
    ``ece`` is the expected calibration error over equal-width probability bins.
    """

    n_rows: int
    n_positive: int
    positive_rate: float
    roc_auc: float
    pr_auc: float
    brier: float
    log_loss: float
    ece: float
    top_decile_conversion_rate: float
    top_decile_lift: float
    tiers: tuple[TierStat, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (tiers as a list of dicts)."""
        out = asdict(self)
        out["tiers"] = [asdict(t) for t in self.tiers]
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Metrics:
        """Inverse of :meth:`to_dict`."""
        values = dict(raw)
        values["tiers"] = tuple(TierStat(**t) for t in raw["tiers"])
        return cls(**values)


@dataclass(frozen=True)
class Evaluation:
    """The model and the rules score evaluated on exactly the same rows."""

    model: Metrics
    points: Metrics | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return {
            "model": self.model.to_dict(),
            "points": None if self.points is None else self.points.to_dict(),
        }


def evaluate_scores(
    y: np.ndarray,
    probability: np.ndarray,
    score: np.ndarray,
    tiers: tuple[tuple[str, int], ...],
    n_bins: int = 10,
) -> Metrics:
    """Compute all metrics for one score.

    Args:
        y: 0/1 labels.
        probability: values in [0, 1] (calibrated probability, or points / 100).
        score: the 0-100 score, used for the tiers (ranking metrics use ``probability``).
        tiers: (name, minimum score) pairs, highest first.
        n_bins: bins of the expected calibration error.

    Raises:
        MLInputError: lengths differ, or the rows hold only one class (AUCs undefined).
    """
    y = np.asarray(y, dtype=np.int64)
    p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
    s = np.asarray(score, dtype=np.float64)
    if not (len(y) == len(p) == len(s)):
        raise MLInputError("labels, probabilities and scores must have the same length.")
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == len(y):
        raise MLInputError(
            f"cannot evaluate on {len(y)} rows with {n_pos} positive(s): both converted and "
            "non-converted leads are needed. Use a longer evaluation window."
        )
    rate = n_pos / len(y)
    top_rate = top_fraction_conversion(y, p, 0.1)
    return Metrics(
        n_rows=len(y),
        n_positive=n_pos,
        positive_rate=rate,
        roc_auc=float(roc_auc_score(y, p)),
        pr_auc=float(average_precision_score(y, p)),
        brier=float(brier_score_loss(y, p)),
        log_loss=float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
        ece=expected_calibration_error(y, p, n_bins),
        top_decile_conversion_rate=top_rate,
        top_decile_lift=top_rate / rate,
        tiers=tier_conversion(y, s, tiers),
    )


def expected_calibration_error(y: np.ndarray, probability: np.ndarray, n_bins: int = 10) -> float:
    """Row-weighted mean |mean(probability) - conversion rate| over equal-width bins of [0, 1]."""
    if n_bins < 1:
        raise MLInputError(f"n_bins must be >= 1; got {n_bins}.")
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
    bins = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    sum_p = np.bincount(bins, weights=p, minlength=n_bins)
    sum_y = np.bincount(bins, weights=y, minlength=n_bins)
    return float(np.abs(sum_p - sum_y).sum() / len(y))


def top_fraction_conversion(y: np.ndarray, score: np.ndarray, fraction: float) -> float:
    """Expected conversion rate among the top ``fraction`` of rows by score.

    Rows tied with the cut-off score count in proportion to how many of them fit, i.e. the
    expectation over random tie-breaking, so the figure is deterministic and fair to coarse
    scores such as rule points.
    """
    y = np.asarray(y, dtype=np.float64)
    s = np.asarray(score, dtype=np.float64)
    k = max(1, math.ceil(fraction * len(y)))
    order = np.argsort(-s, kind="stable")
    cut = s[order[k - 1]]
    above = s > cut
    tied = s == cut
    n_above = int(above.sum())
    n_tied = int(tied.sum())
    converted = y[above].sum() + (k - n_above) * (y[tied].sum() / n_tied)
    return float(converted / k)


def tier_conversion(
    y: np.ndarray, score: np.ndarray, tiers: tuple[tuple[str, int], ...]
) -> tuple[TierStat, ...]:
    """Conversion per tier; a row belongs to the first tier (highest first) it reaches."""
    ordered = sorted(tiers, key=lambda t: -t[1])
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(score, dtype=np.float64)
    taken = np.zeros(len(s), dtype=bool)
    out = []
    for name, minimum in ordered:
        member = (s >= minimum) & ~taken
        taken |= member
        n = int(member.sum())
        conv = int(y[member].sum())
        out.append(TierStat(name, int(minimum), n, conv, conv / n if n else None))
    return tuple(out)


def compare_to_baseline(model: Metrics, points: Metrics | None) -> dict[str, float | None]:
    """Differences model - points for the headline metrics (positive = model better)."""
    if points is None:
        return {"roc_auc": None, "pr_auc": None, "top_decile_lift": None}
    return {
        "roc_auc": model.roc_auc - points.roc_auc,
        "pr_auc": model.pr_auc - points.pr_auc,
        "top_decile_lift": model.top_decile_lift - points.top_decile_lift,
    }
