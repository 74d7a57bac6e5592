"""Per-lead feature contributions, in log-odds of the (uncalibrated) base model.

Contributions say how much each feature moves a lead's log-odds away from a typical
("reference") lead; the reference is the validation-period population the score scale uses.
Calibration is a monotone map applied afterwards, so a positive contribution always pushes the
score up.

* Logistic regression (``linear``): exact. For every output column of the preprocessing,
  ``coef * (transformed value - reference mean)``, summed back over the columns that came from
  the same input feature (one-hot columns, missing indicator). The contributions add up to the
  lead's log-odds minus the reference lead's.
* Gradient boosting (``occlusion``): for each of the ``explain_top_k`` most important features,
  replace the lead's (encoded) value by the reference value (median for numerics, most
  frequent category for categoricals) and measure the drop in log-odds. Rows whose value
  already equals the reference are skipped (contribution 0), which for sparse activity counts
  skips most rows. Cost: one prediction pass per explained feature over the rows that differ,
  in batches, so a million leads take seconds to tens of seconds. Features outside the top-k
  get contribution 0 and never appear as reasons; interactions are attributed to each feature
  involved (occlusion effects need not add up to the total).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from leadscore.ml.candidates import logistic_output_features
from leadscore.ml.features import FeatureSpec


@dataclass(frozen=True, eq=False)
class Explainer:
    """What is needed to explain predictions of one fitted base pipeline.

    Attributes:
        kind: ``linear`` or ``occlusion``.
        features: the feature names (``FeatureSpec.names`` order); contributions have one
            column per feature in this order.
        columns: for each output column of the preprocessing, the index of its feature.
        reference: per output column, the reference value (linear: mean; occlusion: median
            or most frequent code; NaN means "missing").
        coef: per output column, the logistic coefficient (linear only; empty otherwise).
        explained: indices of the features explained (occlusion: the top-k; linear: all).
    """

    kind: str
    features: tuple[str, ...]
    columns: np.ndarray
    reference: np.ndarray
    coef: np.ndarray
    explained: np.ndarray

    def to_state(self) -> dict[str, Any]:
        """A dict of plain types and numpy arrays (serializable by skops)."""
        return {
            "kind": self.kind,
            "features": list(self.features),
            "columns": self.columns,
            "reference": self.reference,
            "coef": self.coef,
            "explained": self.explained,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Explainer:
        """Inverse of :meth:`to_state`."""
        return cls(
            kind=str(state["kind"]),
            features=tuple(state["features"]),
            columns=np.asarray(state["columns"], dtype=np.int64),
            reference=np.asarray(state["reference"], dtype=np.float64),
            coef=np.asarray(state["coef"], dtype=np.float64),
            explained=np.asarray(state["explained"], dtype=np.int64),
        )


def build_explainer(
    pipeline: Pipeline,
    spec: FeatureSpec,
    reference_transformed: np.ndarray,
    importance_order: list[str],
    top_k: int,
) -> Explainer:
    """Build the explainer of a fitted candidate pipeline.

    Args:
        pipeline: fitted ``Pipeline(preprocess, model)`` from :mod:`leadscore.ml.candidates`.
        spec: its feature spec.
        reference_transformed: the preprocessed reference rows (validation period).
        importance_order: feature names, most important first (used by occlusion only).
        top_k: how many features occlusion explains.
    """
    model = pipeline.named_steps["model"]
    names = spec.names
    n_out = reference_transformed.shape[1]
    if hasattr(model, "coef_"):
        columns = logistic_output_features(pipeline, spec)
        if columns.size != n_out:
            raise ValueError("preprocessing output width does not match the reference rows")
        return Explainer(
            kind="linear",
            features=names,
            columns=columns,
            reference=np.nanmean(reference_transformed, axis=0),
            coef=np.asarray(model.coef_[0], dtype=np.float64),
            explained=np.arange(len(names), dtype=np.int64),
        )
    # Gradient boosting: output columns follow spec.names one to one.
    columns = np.arange(n_out, dtype=np.int64)
    n_cat = len(spec.categorical)
    reference = np.empty(n_out, dtype=np.float64)
    for j in range(n_out):
        col = reference_transformed[:, j]
        finite = col[~np.isnan(col)]
        if finite.size == 0:
            reference[j] = np.nan
        elif j < n_cat:
            codes, counts = np.unique(finite, return_counts=True)
            reference[j] = codes[np.argmax(counts)]
        else:
            reference[j] = float(np.median(finite))
    rank = {name: r for r, name in enumerate(importance_order)}
    by_importance = sorted(range(len(names)), key=lambda i: (rank.get(names[i], len(rank)), i))
    explained = np.array(sorted(by_importance[: max(0, top_k)]), dtype=np.int64)
    return Explainer(
        kind="occlusion",
        features=names,
        columns=columns,
        reference=reference,
        coef=np.empty(0, dtype=np.float64),
        explained=explained,
    )


def contributions(
    explainer: Explainer, model: Any, transformed: np.ndarray, raw: np.ndarray
) -> np.ndarray:
    """Per-row, per-feature contributions (n_rows x n_features, log-odds).

    Args:
        explainer: from :func:`build_explainer`.
        model: the fitted final estimator of the base pipeline.
        transformed: preprocessed rows.
        raw: the model's log-odds for those rows (``decision_function``).
    """
    n_features = len(explainer.features)
    out = np.zeros((transformed.shape[0], n_features), dtype=np.float64)
    if explainer.kind == "linear":
        weighted = (transformed - explainer.reference) * explainer.coef
        np.nan_to_num(weighted, copy=False)
        groups = np.zeros((explainer.columns.size, n_features), dtype=np.float64)
        groups[np.arange(explainer.columns.size), explainer.columns] = 1.0
        return weighted @ groups
    if explainer.kind != "occlusion":
        raise ValueError(f"unknown explainer kind {explainer.kind!r}")
    for j in explainer.explained:
        col = int(np.flatnonzero(explainer.columns == j)[0])
        ref = explainer.reference[col]
        values = transformed[:, col]
        same = np.isnan(values) if np.isnan(ref) else values == ref
        rows = np.flatnonzero(~same)
        if rows.size == 0:
            continue
        occluded = transformed[rows]
        occluded[:, col] = ref
        out[rows, j] = raw[rows] - model.decision_function(occluded)
    return out
