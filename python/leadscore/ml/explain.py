"""Per-lead feature contributions, in log-odds of the (uncalibrated) base model.

Contributions say how much each feature moves a lead's log-odds away from a stated baseline
(``Explainer.baseline``); for both model kinds they add up exactly to the lead's log-odds minus
it (tests/python/test_ml_attributions.py). Calibration is a monotone map applied afterwards, so
a positive contribution always pushes the score up.

* Logistic regression (``linear``): exact. For every output column of the preprocessing,
  ``coef * (transformed value - reference mean)``, summed back over the columns that came from
  the same input feature (one-hot columns, missing indicator). The contributions add up to the
  lead's log-odds minus the reference lead's.
* Gradient boosting (``tree_path``): exact path attributions (Saabas). Every node of every
  tree gets an expected value: a leaf its (shrunk) value, an internal node the mean of its
  children's expected values weighted by their training-sample counts. Going down a lead's path,
  each split moves the expected value from the node to the child the lead goes to; that move
  is credited to the split's feature. Per tree, the moves add up to the lead's leaf value minus
  the root's expected value, so over all trees the contributions add up exactly to the lead's
  log-odds minus the **baseline** ``model._baseline_prediction + sum of the roots' expected
  values`` (the expected log-odds of a training row). The leaf each row reaches is found by
  scikit-learn's own compiled predictor (a copy of each tree whose leaf values are leaf ids),
  so numeric thresholds, native categorical splits, unknown categories and missing values are
  routed exactly as in ``decision_function``; the path sums are then one sparse matrix product
  (rows x leaves, leaves x features), with no Python loop over rows. Two scikit-learn details
  this relies on (checked against 1.9.1's ``grower.py``): the root's stored ``value`` is 0 and
  internal nodes' values are not multiplied by the learning rate (only leaves are), hence
  expected values are recomputed from the leaves rather than read from the nodes.
  It reads private attributes (``_predictors``, ``_bin_mapper``, ``_baseline_prediction``,
  ``_preprocess_X``) of scikit-learn 1.9; the additivity tests fail if an upgrade changes them.
  Why not ``shap.TreeExplainer``: shap/shap#3436 reports that it reads HistGradientBoosting's
  native categorical splits as numeric thresholds (not re-checked on the latest shap here),
  and it would add numba/llvmlite to a build that has neither.
* ``occlusion`` (bundles trained before ``tree_path``): for each of the ``explain_top_k`` most
  important features, replace the lead's (encoded) value by the reference value and measure
  the drop in log-odds. Not additive; kept so that models already in a registry score and
  explain as they did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
from sklearn.pipeline import Pipeline
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from leadscore.ml.candidates import logistic_output_features
from leadscore.ml.features import FeatureSpec

KINDS: tuple[str, ...] = ("linear", "tree_path", "occlusion")


@dataclass(frozen=True, eq=False)
class Explainer:
    """What is needed to explain predictions of one fitted base pipeline.

    Attributes:
        kind: ``linear``, ``tree_path`` or (older bundles) ``occlusion``.
        features: the feature names (``FeatureSpec.names`` order); contributions have one
            column per feature in this order.
        columns: for each output column of the preprocessing, the index of its feature.
        reference: per output column, the reference value (linear: mean of the reference rows;
            occlusion: median or most frequent code, NaN meaning "missing"; tree_path: empty,
            its baseline is the model's expected log-odds, see ``baseline``).
        coef: per output column, the logistic coefficient (linear only; empty otherwise).
        explained: indices of the features explained (occlusion: the top-k; others: all).
        baseline: the log-odds the contributions are measured from: linear, the log-odds of
            the reference (mean) row; tree_path, ``_baseline_prediction`` plus the trees'
            root expected values; NaN for occlusion bundles.
    """

    kind: str
    features: tuple[str, ...]
    columns: np.ndarray
    reference: np.ndarray
    coef: np.ndarray
    explained: np.ndarray
    baseline: float = float("nan")

    def to_state(self) -> dict[str, Any]:
        """A dict of plain types and numpy arrays (serializable by skops)."""
        return {
            "kind": self.kind,
            "features": list(self.features),
            "columns": self.columns,
            "reference": self.reference,
            "coef": self.coef,
            "explained": self.explained,
            "baseline": float(self.baseline),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Explainer:
        """Inverse of :meth:`to_state` (bundles saved before ``baseline`` existed load too)."""
        return cls(
            kind=str(state["kind"]),
            features=tuple(state["features"]),
            columns=np.asarray(state["columns"], dtype=np.int64),
            reference=np.asarray(state["reference"], dtype=np.float64),
            coef=np.asarray(state["coef"], dtype=np.float64),
            explained=np.asarray(state["explained"], dtype=np.int64),
            baseline=float(state.get("baseline", float("nan"))),
        )


def build_explainer(
    pipeline: Pipeline, spec: FeatureSpec, reference_transformed: np.ndarray
) -> Explainer:
    """Build the explainer of a fitted candidate pipeline.

    Args:
        pipeline: fitted ``Pipeline(preprocess, model)`` from :mod:`leadscore.ml.candidates`.
        spec: its feature spec.
        reference_transformed: the preprocessed reference rows (validation period); the
            linear model's contributions are measured from their mean.
    """
    model = pipeline.named_steps["model"]
    names = spec.names
    n_out = reference_transformed.shape[1]
    everything = np.arange(len(names), dtype=np.int64)
    if hasattr(model, "coef_"):
        columns = logistic_output_features(pipeline, spec)
        if columns.size != n_out:
            raise ValueError("preprocessing output width does not match the reference rows")
        reference = np.nanmean(reference_transformed, axis=0)
        coef = np.asarray(model.coef_[0], dtype=np.float64)
        return Explainer(
            kind="linear",
            features=names,
            columns=columns,
            reference=reference,
            coef=coef,
            explained=everything,
            baseline=float(reference @ coef + model.intercept_[0]),
        )
    if n_out != len(names):
        raise ValueError("gradient boosting preprocessing is not one column per feature")
    return Explainer(
        kind="tree_path",
        features=names,
        columns=np.arange(n_out, dtype=np.int64),
        reference=np.empty(0, dtype=np.float64),
        coef=np.empty(0, dtype=np.float64),
        explained=everything,
        baseline=TreePaths.of(model).baseline,
    )


def log_odds_and_contributions(
    explainer: Explainer, model: Any, transformed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The model's log-odds (``decision_function``) and the contributions of the same rows.

    For trees both come from one walk down the trees (the leaf each row reaches in each),
    the log-odds to the last bit of ``decision_function``'s; for the other kinds, the
    log-odds and then :func:`contributions`.
    """
    if explainer.kind == "tree_path":
        paths = TreePaths.of(model)
        leaves = paths.leaves(transformed)
        return paths.log_odds(leaves), paths.contributions_of(leaves)
    raw = np.asarray(model.decision_function(transformed), dtype=np.float64)
    return raw, contributions(explainer, model, transformed, raw)


def contributions(
    explainer: Explainer, model: Any, transformed: np.ndarray, raw: np.ndarray
) -> np.ndarray:
    """Per-row, per-feature contributions (n_rows x n_features, log-odds).

    They add up to ``raw - explainer.baseline`` (linear and tree_path).

    Args:
        explainer: from :func:`build_explainer`.
        model: the fitted final estimator of the base pipeline.
        transformed: preprocessed rows.
        raw: the model's log-odds for those rows (``decision_function``).
    """
    n_features = len(explainer.features)
    if explainer.kind == "linear":
        weighted = (transformed - explainer.reference) * explainer.coef
        np.nan_to_num(weighted, copy=False)
        groups = np.zeros((explainer.columns.size, n_features), dtype=np.float64)
        groups[np.arange(explainer.columns.size), explainer.columns] = 1.0
        return weighted @ groups
    if explainer.kind == "tree_path":
        return TreePaths.of(model).contributions(transformed)
    if explainer.kind != "occlusion":
        raise ValueError(f"unknown explainer kind {explainer.kind!r}")
    out = np.zeros((transformed.shape[0], n_features), dtype=np.float64)
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


@dataclass(frozen=True, eq=False)
class TreePaths:
    """The path attributions of a fitted binary ``HistGradientBoostingClassifier``.

    Attributes:
        baseline: ``_baseline_prediction`` plus the sum of the roots' expected values.
        path: sparse (all leaves x features): for each leaf (numbered over all trees), the
            change of expected value credited to each feature on the way from the root.
        leaf_finders: per tree, a copy of its predictor whose leaves return their leaf number.
        raw_baseline: the model's ``_baseline_prediction`` (where its log-odds start).
        leaf_values: each leaf's value (numbered over all trees), what the tree adds.
    """

    baseline: float
    path: sp.csr_matrix
    leaf_finders: tuple[TreePredictor, ...]
    model: Any
    raw_baseline: float
    leaf_values: np.ndarray

    @classmethod
    def of(cls, model: Any) -> TreePaths:
        """Read the trees of ``model`` (a fitted binary HistGradientBoostingClassifier)."""
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("path attributions support binary classifiers only")
        n_features = int(model.n_features_in_)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        finders: list[TreePredictor] = []
        baseline = raw_baseline = float(np.ravel(model._baseline_prediction)[0])
        values: list[np.ndarray] = []
        offset = 0
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            expected, leaf_rows, leaf_cols, leaf_vals, leaf_of_node = _tree_paths(nodes)
            baseline += float(expected[0])
            rows.append(leaf_rows + offset)
            cols.append(leaf_cols)
            vals.append(leaf_vals)
            numbered = nodes.copy()
            leaves = np.flatnonzero(nodes["is_leaf"])
            value = np.empty(leaves.size, dtype=np.float64)
            value[leaf_of_node[leaves]] = nodes["value"][leaves]
            values.append(value)
            numbered["value"][leaves] = leaf_of_node[leaves] + offset
            finders.append(
                TreePredictor(
                    numbered, predictor.binned_left_cat_bitsets, predictor.raw_left_cat_bitsets
                )
            )
            offset += leaves.size
        path = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(offset, n_features),
        )
        return cls(
            baseline=baseline,
            path=path,
            leaf_finders=tuple(finders),
            model=model,
            raw_baseline=raw_baseline,
            leaf_values=np.concatenate(values) if values else np.empty(0),
        )

    def leaves(self, transformed: np.ndarray) -> np.ndarray:
        """The leaf number (over all trees) each row reaches in each tree (n_rows x n_trees)."""
        X = self.model._preprocess_X(transformed, reset=False)
        known, f_idx_map = self.model._bin_mapper.make_known_categories_bitsets()
        n_threads = _openmp_effective_n_threads()
        out = np.empty((X.shape[0], len(self.leaf_finders)), dtype=np.int32)
        for t, finder in enumerate(self.leaf_finders):
            out[:, t] = finder.predict(X, known, f_idx_map, n_threads)
        return out

    def log_odds(self, leaves: np.ndarray) -> np.ndarray:
        """The model's log-odds (``decision_function``) from the leaves the rows reach: the
        baseline plus each tree's leaf value, added tree by tree as scikit-learn adds them
        (the same figures to the last bit), without walking the trees again."""
        raw = np.full(leaves.shape[0], self.raw_baseline, dtype=np.float64)
        for t in range(leaves.shape[1]):
            raw += self.leaf_values[leaves[:, t]]
        return raw

    def contributions(self, transformed: np.ndarray) -> np.ndarray:
        """Per-row, per-feature contributions; each row sums to log-odds minus baseline."""
        return self.contributions_of(self.leaves(transformed))

    def contributions_of(self, leaves: np.ndarray) -> np.ndarray:
        """:meth:`contributions` from the leaves the rows reach (:meth:`leaves`)."""
        n, n_trees = leaves.shape
        which = sp.csr_matrix(
            (
                np.ones(n * n_trees, dtype=np.float64),
                leaves.ravel(),
                np.arange(0, n * n_trees + 1, n_trees, dtype=np.int64),
            ),
            shape=(n, self.path.shape[0]),
        )
        return np.asarray((which @ self.path).toarray(), dtype=np.float64)


def _tree_paths(
    nodes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected values and per-leaf path contributions of one tree's node array.

    Nodes are stored in pre-order (children after their parent), so one backward pass gives
    the expected values and one forward pass the paths. Loops run over nodes (at most
    ``max_leaf_nodes * 2``), never over rows.

    Returns:
        expected value per node; the leaf number (within the tree), feature and value of each
        nonzero path contribution; the leaf number of each node (-1 for internal nodes).
    """
    n = nodes.shape[0]
    is_leaf = nodes["is_leaf"].astype(bool)
    left = nodes["left"].astype(np.int64)
    right = nodes["right"].astype(np.int64)
    count = nodes["count"].astype(np.float64)
    expected = nodes["value"].astype(np.float64).copy()
    for i in range(n - 1, -1, -1):
        if not is_leaf[i]:
            lc, rc = count[left[i]], count[right[i]]
            total = lc + rc
            expected[i] = (
                (lc * expected[left[i]] + rc * expected[right[i]]) / total
                if total > 0
                else 0.5 * (expected[left[i]] + expected[right[i]])
            )
    paths: list[dict[int, float]] = [dict() for _ in range(n)]
    leaf_of_node = np.full(n, -1, dtype=np.int64)
    leaf_rows: list[int] = []
    leaf_cols: list[int] = []
    leaf_vals: list[float] = []
    n_leaves = 0
    for i in range(n):
        if is_leaf[i]:
            leaf_of_node[i] = n_leaves
            for feature, value in sorted(paths[i].items()):
                leaf_rows.append(n_leaves)
                leaf_cols.append(feature)
                leaf_vals.append(value)
            n_leaves += 1
            continue
        feature = int(nodes["feature_idx"][i])
        for child in (left[i], right[i]):
            path = dict(paths[i])
            path[feature] = path.get(feature, 0.0) + (expected[child] - expected[i])
            paths[child] = path
        paths[i] = {}
    return (
        expected,
        np.asarray(leaf_rows, dtype=np.int64),
        np.asarray(leaf_cols, dtype=np.int64),
        np.asarray(leaf_vals, dtype=np.float64),
        leaf_of_node,
    )
