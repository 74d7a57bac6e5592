"""The champion's probability on monitoring rows (the backtest's past rows, drift's populations)."""

from __future__ import annotations

import numpy as np
import polars as pl

from leadscore.ml.bundle import ModelBundle
from leadscore.ml.features import prepare_features
from leadscore.ml.scoring import predict_frame


def champion_probability(bundle: ModelBundle, rows: pl.DataFrame) -> np.ndarray:
    """The champion's calibrated probability for each row (no reasons: fast)."""
    if rows.height == 0:
        return np.empty(0)
    probability, _, _ = predict_frame(bundle, prepare_features(rows, bundle.spec))
    return probability
