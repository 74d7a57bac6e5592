"""The model bundle and its safe (de)serialisation with skops.

A bundle is everything scoring needs: the calibrated pipeline, the frozen reference
distribution of the score scale, the feature spec, the explainer, and metadata (version id,
windows, counts, params, metrics, library versions). It is stored as skops bytes (never raw
pickle): loading first lists the object types the bytes would create
(``skops.io.get_untrusted_types``) and refuses any type outside :data:`ALLOWED_TYPES`, then
loads trusting exactly the listed types.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

from leadscore.ml.errors import MLInputError, UntrustedModelError
from leadscore.ml.explain import Explainer
from leadscore.ml.features import FeatureSpec

BUNDLE_FORMAT = "leadscore-model/1"

#: Types skops does not trust by default but that a leadscore bundle legitimately contains.
#: Everything else (custom classes, arbitrary functions) is refused.
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "functools.partial",
        "sklearn.utils.validation.check_array",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.isotonic.IsotonicRegression",
        "sklearn.frozen._frozen.FrozenEstimator",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.link.LogitLink",
    }
)


@dataclass(frozen=True, eq=False)
class ModelBundle:
    """A trained, calibrated model with everything needed to score and explain.

    Attributes:
        model: ``CalibratedClassifierCV(FrozenEstimator(pipeline))`` calibrated on held-out
            dates, or, refitted, ``CalibratedClassifierCV(pipeline, ensemble=False)``.
        spec: the features and their training dtypes.
        reference: sorted calibrated probabilities of the reference population.
        explainer: see :mod:`leadscore.ml.explain`.
        metadata: JSON-friendly dict (``version_id``, ``trained_at``, windows, counts,
            params, metrics, importance, library versions, ...).
    """

    model: CalibratedClassifierCV
    spec: FeatureSpec
    reference: np.ndarray
    explainer: Explainer
    metadata: dict[str, Any]

    @property
    def version_id(self) -> str:
        """Deterministic id of this model version (hash of data window, params and seed)."""
        return str(self.metadata["version_id"])

    @property
    def score_scale(self) -> str:
        """The default score scale of this model (``percentile`` or ``probability``)."""
        return str(self.metadata["params"]["score_scale"])

    @property
    def base_pipeline(self) -> Pipeline:
        """The fitted, uncalibrated ``Pipeline(preprocess, model)`` inside the calibrator.

        Calibrated on held-out dates, the model wraps a ``FrozenEstimator``; refitted on every
        labelled row (``ensemble=False``), its one calibrated classifier holds the pipeline.
        """
        if isinstance(self.model.estimator, FrozenEstimator):
            return self.model.estimator.estimator
        return self.model.calibrated_classifiers_[0].estimator


def dumps_bundle(bundle: ModelBundle) -> bytes:
    """Serialise a bundle to (deflate-compressed) skops bytes."""
    state = {
        "format": BUNDLE_FORMAT,
        "model": bundle.model,
        "spec": bundle.spec.to_json(),
        "reference": np.asarray(bundle.reference, dtype=np.float64),
        "explainer": bundle.explainer.to_state(),
        "metadata": json.dumps(bundle.metadata, sort_keys=True, default=str),
    }
    return sio.dumps(state, compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def untrusted_types(data: bytes) -> list[str]:
    """The object types in ``data`` that skops does not trust by default."""
    return sorted(sio.get_untrusted_types(data=data))


def loads_bundle(data: bytes, extra_trusted: Iterable[str] = ()) -> ModelBundle:
    """Load a bundle from skops bytes, refusing types outside the allow-list.

    Args:
        data: bytes from :func:`dumps_bundle` (e.g. read from the model registry).
        extra_trusted: further type names to allow (only for types you have reviewed).

    Raises:
        UntrustedModelError: the bytes contain types outside the allow-list.
        MLInputError: the bytes are not a leadscore model bundle.
    """
    try:
        found = untrusted_types(data)
    except Exception as exc:
        raise MLInputError(f"not a readable skops model file: {exc}") from exc
    allowed = ALLOWED_TYPES | frozenset(extra_trusted)
    refused = [t for t in found if t not in allowed]
    if refused:
        raise UntrustedModelError(
            f"refusing to load the model: it contains types outside the allow-list: {refused}. "
            "Only load models produced by leadscore; review these types before passing them "
            "as extra_trusted."
        )
    state = sio.loads(data, trusted=found)
    if not isinstance(state, dict) or state.get("format") != BUNDLE_FORMAT:
        got = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise MLInputError(
            f"not a leadscore model bundle (format {got!r}, expected {BUNDLE_FORMAT!r})."
        )
    return ModelBundle(
        model=state["model"],
        spec=FeatureSpec.from_json(state["spec"]),
        reference=np.asarray(state["reference"], dtype=np.float64),
        explainer=Explainer.from_state(state["explainer"]),
        metadata=json.loads(state["metadata"]),
    )
