"""Build report rows from per-lead arrays (scores and outcomes of the evaluation leads).

Pure numpy helpers for the charts no mart aggregates (gains, tiers, score distribution); the
calibration deciles come from the mart ``model_calibration_bands``. Each returns a tuple of the
row dataclasses :class:`ReportData` takes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from leadscore.report.data import (
    TIERS,
    GainsPoint,
    ScoreBin,
    TierRow,
    TierThresholds,
)

ArrayLike = npt.ArrayLike | Sequence[float]


def _pair(values: ArrayLike, converted: ArrayLike, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate one score array and its 0/1 outcomes; return them as float and bool arrays."""
    x = np.asarray(values, dtype=float)
    y = np.asarray(converted)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"{what}: scores and outcomes must be 1-D arrays")
    if x.shape != y.shape:
        raise ValueError(
            f"{what}: scores ({x.shape[0]}) and outcomes ({y.shape[0]}) differ in length"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what}: scores contain NaN or infinite values; drop or fill them first")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError(f"{what}: outcomes must be 0/1 (or booleans)")
    return x, y.astype(bool)


def gains_curve(
    score: ArrayLike, converted: ArrayLike, scorer: str = "model", n_points: int = 20
) -> tuple[GainsPoint, ...]:
    """Cumulative gains: share of conversions reached when contacting the top k% by score.

    Returns ``n_points + 1`` points from (0, 0) to (1, 1); empty when nobody converted.
    """
    s, y = _pair(score, converted, "gains_curve")
    if n_points < 1:
        raise ValueError("gains_curve: n_points must be at least 1")
    total = int(y.sum())
    if s.size == 0 or total == 0:
        return ()
    order = np.argsort(-s, kind="stable")
    captured = np.concatenate([[0], np.cumsum(y[order])])
    out = []
    for share in np.linspace(0.0, 1.0, n_points + 1):
        k = int(np.ceil(share * s.size - 1e-9))
        out.append(
            GainsPoint(
                scorer=scorer,
                share_contacted=float(share),
                share_converted=float(captured[k] / total),
            )
        )
    return tuple(out)


def score_histogram(
    score: ArrayLike, converted: ArrayLike, bin_width: float = 5
) -> tuple[ScoreBin, ...]:
    """Counts of converted / not converted leads per band of the 0-100 score."""
    s, y = _pair(score, converted, "score_histogram")
    if not 0 < bin_width <= 100:
        raise ValueError("score_histogram: bin_width must be in (0, 100]")
    if s.size and (s.min() < 0 or s.max() > 100):
        raise ValueError("score_histogram: scores must be on the 0-100 scale")
    edges = np.append(np.arange(0, 100, bin_width), 100.0)
    idx = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, edges.size - 2)
    pos = np.bincount(idx[y], minlength=edges.size - 1)
    neg = np.bincount(idx[~y], minlength=edges.size - 1)
    return tuple(
        ScoreBin(
            bin_start=float(edges[i]),
            bin_end=float(edges[i + 1]),
            converted=int(pos[i]),
            not_converted=int(neg[i]),
        )
        for i in range(edges.size - 1)
    )


def tier_rows(
    score: ArrayLike,
    converted: ArrayLike,
    thresholds: TierThresholds,
    scorer: str = "model",
) -> tuple[TierRow, ...]:
    """Leads and conversions per tier, tiers cut from the 0-100 score by ``thresholds``."""
    s, y = _pair(score, converted, "tier_rows")
    t = thresholds
    tiers = np.where(s >= t.sales_now, 0, np.where(s >= t.nurture, 1, 2))
    return tuple(
        TierRow(
            scorer=scorer,
            tier=name,
            leads=int((tiers == i).sum()),
            converted=int(y[tiers == i].sum()),
        )
        for i, name in enumerate(TIERS)
    )
