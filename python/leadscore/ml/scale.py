"""The 0-100 score scale.

``percentile`` (default): the score is the percentile of a lead's calibrated probability in a
fixed reference population, the calibrated probabilities of the validation period stored with
the model. Score 80 means the lead is hotter than 80% of the reference leads. Ties use the
mid-rank (a lead equal to k reference values counts as hotter than half of them), so a lead at
the reference median scores 50, and the score is ``floor(100 * mid-rank share)``: integers
0-100, deterministic, unchanged by the rest of the batch being scored. Because the reference
is frozen with the model, scores are comparable across days for one model version; a new model
version brings its own reference.

``probability``: the score is the calibrated probability times 100, rounded half up.
"""

from __future__ import annotations

import numpy as np

from leadscore.ml.config import ScoreScale
from leadscore.ml.errors import MLInputError


def reference_distribution(probabilities: np.ndarray, max_size: int = 10_001) -> np.ndarray:
    """Return the sorted reference probabilities, reduced to ``max_size`` quantiles if larger.

    Raises:
        MLInputError: no finite probability was given.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    p = np.sort(p[np.isfinite(p)])
    if p.size == 0:
        raise MLInputError("the reference population is empty; cannot build the score scale.")
    if max_size < 2:
        raise MLInputError(f"reference size must be at least 2; got {max_size}.")
    if p.size <= max_size:
        return p
    return np.quantile(p, np.linspace(0.0, 1.0, max_size), method="linear")


def percentile_of(probabilities: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Mid-rank percentile (0-100, float) of each probability within the sorted reference."""
    p = np.asarray(probabilities, dtype=np.float64)
    left = np.searchsorted(reference, p, side="left")
    right = np.searchsorted(reference, p, side="right")
    return (left + right) * (50.0 / reference.size)


def to_score(probabilities: np.ndarray, reference: np.ndarray, scale: ScoreScale) -> np.ndarray:
    """Integer 0-100 scores for calibrated probabilities on the given scale."""
    p = np.asarray(probabilities, dtype=np.float64)
    if scale == "percentile":
        left = np.searchsorted(reference, p, side="left")
        right = np.searchsorted(reference, p, side="right")
        # floor(100 * (left + right) / (2 n)) in exact integer arithmetic.
        score = (100 * (left + right)) // (2 * reference.size)
    elif scale == "probability":
        score = np.floor(np.clip(p, 0.0, 1.0) * 100.0 + 0.5)
    else:
        raise MLInputError(f"score_scale must be 'percentile' or 'probability'; got {scale!r}.")
    return np.clip(score, 0, 100).astype(np.int16)
