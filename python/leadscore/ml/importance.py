"""Permutation importance of the selected model on held-out (validation-period) rows.

Uses ``sklearn.inspection.permutation_importance`` (seeded, a few repeats, at most
``max_rows`` rows) with the same metric that selects the model. For gradient boosting, whose
preprocessing is one column per feature, the rows are preprocessed once and the final model is
permuted directly, and only the features its trees split on (the others cannot change a
prediction: importance 0), re-running only the trees that split on the permuted feature; the
same result, to the last bit, as permuting every feature through the whole model. Otherwise
scikit-learn hands the estimator a NumPy array, so a small adapter rebuilds the polars frame
(with the spec's types) before calling the pipeline; the permutation itself is always
scikit-learn's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from leadscore.ml.features import FeatureSpec

#: scikit-learn scorer names for each selection metric (all "higher is better").
SCORERS: dict[str, str] = {
    "pr_auc": "average_precision",
    "roc_auc": "roc_auc",
    "log_loss": "neg_log_loss",
    "brier": "neg_brier_score",
}


class _Prefitted(ClassifierMixin, BaseEstimator):
    """A transient wrapper (never serialised) around a fitted classifier, ``_wrapped``, for
    scikit-learn's permutation importance: fitting is a no-op, the classes are the wrapped
    one's."""

    _wrapped: Any

    def fit(self, X: Any, y: Any = None) -> _Prefitted:
        """No-op: the wrapped model is already fitted."""
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    @property
    def classes_(self) -> np.ndarray:
        """Classes of the wrapped model."""
        return self._wrapped.classes_


class FrameAdapter(_Prefitted):
    """Present a fitted polars-input pipeline to code that passes NumPy arrays.

    Converts an object array whose columns follow ``spec.names`` back to a polars frame and
    delegates ``predict_proba``.
    """

    def __init__(self, pipeline: Pipeline | None = None, spec: FeatureSpec | None = None):
        self.pipeline = pipeline
        self.spec = spec

    @property
    def _wrapped(self) -> Any:
        return self.pipeline

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the wrapped pipeline."""
        return self.pipeline.predict_proba(self._frame(X))

    def _frame(self, X: Any) -> pl.DataFrame:
        if isinstance(X, pl.DataFrame):
            return X
        assert self.spec is not None
        arr = np.asarray(X, dtype=object)
        cols: dict[str, pl.Series] = {}
        for j, name in enumerate(self.spec.names):
            if name in self.spec.categorical:
                cols[name] = pl.Series(name, arr[:, j].tolist(), dtype=pl.String)
            else:
                cols[name] = pl.Series(name, arr[:, j].astype(np.float64), nan_to_null=True)
        return pl.DataFrame(cols)


def features_split_on(model: Any) -> np.ndarray | None:
    """The columns a fitted HistGradientBoosting model splits on, sorted; None if unknown.

    Reads the fitted trees (``_predictors``, each tree's ``nodes`` array: ``feature_idx`` of
    each split node); any other model, or a scikit-learn whose trees look otherwise, gives None.
    """
    try:
        used: set[int] = set()
        for iteration in model._predictors:
            for tree in iteration:
                nodes = tree.nodes
                used.update(nodes["feature_idx"][nodes["is_leaf"] == 0].tolist())
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return np.array(sorted(used), dtype=np.int64)


class _OnlyColumns(_Prefitted):
    """A fitted model shown only the columns ``used`` of ``rows``; the others keep their
    values."""

    def __init__(self, model: Any = None, rows: Any = None, used: Any = None):
        self.model = model
        self.rows = rows
        self.used = used

    @property
    def _wrapped(self) -> Any:
        return self.model

    def _full(self, X: Any) -> np.ndarray:
        full = self.rows.copy()
        full[:, self.used] = X
        return full

    def decision_function(self, X: Any) -> np.ndarray:
        """The wrapped model's decision function (scikit-learn's AUC scorers prefer it)."""
        return self.model.decision_function(self._full(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """The wrapped model's class probabilities."""
        return self.model.predict_proba(self._full(X))


class _ChangedTreesOnly(_OnlyColumns):
    """:class:`_OnlyColumns` for a binary gradient boosting model whose decision function
    re-runs only the trees that split on a column that differs from ``rows``.

    Permuting one feature changes only the trees that split on it; the other trees' values
    are those of the unpermuted rows, computed once. The sum runs as scikit-learn's
    ``_raw_predict`` runs it (the baseline, then each tree in order, in float64), so the
    decision function is exactly the model's. Reads the fitted trees (``_predictors``) and
    their ``predict``, as :func:`features_split_on` does; :func:`fast_tree_path` says
    whether a model has them.
    """

    def __init__(self, model: Any = None, rows: Any = None, used: Any = None):
        super().__init__(model, rows, used)
        X = model._preprocess_X(rows, reset=False)
        bitsets, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        self._trees = []
        for (tree,) in model._predictors:
            nodes = tree.nodes
            features = frozenset(nodes["feature_idx"][nodes["is_leaf"] == 0].tolist())
            self._trees.append((tree, features, self._predict(tree, X, bitsets, f_idx_map)))
        self._bitsets, self._f_idx_map = bitsets, f_idx_map

    def _predict(self, tree: Any, X: np.ndarray, bitsets: Any, f_idx_map: Any) -> np.ndarray:
        return tree.predict(X, bitsets, f_idx_map, _openmp_effective_n_threads())

    def decision_function(self, X: Any) -> np.ndarray:
        """The wrapped model's decision function, from the trees ``X`` changes."""
        X = np.asarray(X, dtype=np.float64)
        unpermuted = self.rows[:, self.used]
        same = np.equal(X, unpermuted) | (np.isnan(X) & np.isnan(unpermuted))
        changed = frozenset(self.used[~same.all(axis=0)].tolist())
        full = self.model._preprocess_X(self._full(X), reset=False) if changed else None
        raw = np.zeros(X.shape[0], dtype=self.model._baseline_prediction.dtype)
        raw += self.model._baseline_prediction[0, 0]
        for tree, features, cached in self._trees:
            if features & changed:
                raw += self._predict(tree, full, self._bitsets, self._f_idx_map)
            else:
                raw += cached
        return raw


def fast_tree_path(model: Any) -> bool:
    """Whether :class:`_ChangedTreesOnly` can stand in for ``model``: a binary gradient
    boosting model with one tree per iteration, as scikit-learn 1.9 stores it."""
    try:
        return (
            model.n_trees_per_iteration_ == 1
            and all(len(trees) == 1 for trees in model._predictors)
            and callable(model._preprocess_X)
            and callable(model._bin_mapper.make_known_categories_bitsets)
            and model._baseline_prediction.shape == (1, 1)
        )
    except (AttributeError, TypeError, IndexError):
        return False


def permutation_importance_table(
    pipeline: Pipeline,
    X: pl.DataFrame,
    y: np.ndarray,
    spec: FeatureSpec,
    metric: str,
    n_repeats: int,
    max_rows: int,
    seed: int,
    one_to_one: bool = False,
    output_features: np.ndarray | None = None,
) -> pl.DataFrame:
    """Permutation importance per feature, most important first.

    Args:
        one_to_one: the preprocessing maps each feature to exactly one output column in
            ``spec.names`` order and acts row by row (true for ``hgb``). Then shuffling an
            output column is the same as shuffling the feature, so the rows are preprocessed
            once and only the final model is re-run (same result, much faster).

    Returns columns ``feature``, ``importance_mean``, ``importance_std`` (drop of the metric
    when the feature is shuffled; higher = more important) and ``rank`` (1 = most important;
    ties broken by name).

    With ``output_features`` (for each preprocessing output column, the index of the feature
    in ``spec.names`` it comes from; see ``candidates.logistic_output_features``) and
    row-wise, feature-wise preprocessing, shuffling a feature equals shuffling its block of
    output columns together: the rows are preprocessed once and the blocks are permuted
    (same result as scikit-learn's, without re-running the preprocessing each time).
    """
    X = X.select(spec.names)
    y = np.asarray(y)
    if X.height > max_rows:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(X.height, size=max_rows, replace=False))
        X = X[keep]
        y = y[keep]
    if output_features is not None:
        return _grouped_permutation_table(
            pipeline, X, y, spec, metric, n_repeats, seed, output_features
        )
    means = np.zeros(len(spec.names), dtype=np.float64)
    stds = np.zeros(len(spec.names), dtype=np.float64)
    columns = np.arange(len(spec.names))
    if one_to_one:
        transformed = np.asarray(pipeline.named_steps["preprocess"].transform(X), dtype=np.float64)
        if transformed.shape[1] != len(spec.names):
            raise ValueError("preprocessing is not one column per feature")
        estimator, data = pipeline.named_steps["model"], transformed
        used = features_split_on(estimator)
        if used is not None and used.size < columns.size:
            # a feature no tree splits on cannot change a prediction: its importance is 0
            columns = used
        if fast_tree_path(estimator):
            estimator = _ChangedTreesOnly(estimator, transformed, columns)
            data = transformed[:, columns]
        elif columns.size < transformed.shape[1]:
            estimator, data = _OnlyColumns(estimator, transformed, columns), transformed[:, columns]
    else:
        estimator, data = FrameAdapter(pipeline, spec), X
    if columns.size:
        # scikit-learn shuffles every column with the same seed drawn from random_state, so
        # the importances of the columns passed are those of a run over all columns
        result = permutation_importance(
            estimator,
            data,
            y,
            scoring=SCORERS[metric],
            n_repeats=n_repeats,
            random_state=seed,
        )
        means[columns] = result.importances_mean
        stds[columns] = result.importances_std
    table = pl.DataFrame(
        {"feature": list(spec.names), "importance_mean": means, "importance_std": stds}
    )
    return table.sort(["importance_mean", "feature"], descending=[True, False]).with_columns(
        pl.int_range(1, pl.len() + 1).alias("rank")
    )


_METRIC_FUNCTIONS = {
    "pr_auc": lambda y, p: average_precision_score(y, p),
    "roc_auc": lambda y, p: roc_auc_score(y, p),
    "log_loss": lambda y, p: -log_loss(y, p, labels=[0, 1]),
    "brier": lambda y, p: -brier_score_loss(y, p),
}


def _grouped_permutation_table(
    pipeline: Pipeline,
    X: pl.DataFrame,
    y: np.ndarray,
    spec: FeatureSpec,
    metric: str,
    n_repeats: int,
    seed: int,
    output_features: np.ndarray,
) -> pl.DataFrame:
    """Permutation importance by shuffling each feature's block of preprocessed columns."""
    transformed = np.array(pipeline.named_steps["preprocess"].transform(X), dtype=np.float64)
    model = pipeline.named_steps["model"]
    score = _METRIC_FUNCTIONS[metric]
    baseline = score(y, model.predict_proba(transformed)[:, 1])
    rng = np.random.RandomState(seed)
    means, stds = [], []
    for index in range(len(spec.names)):
        block = np.flatnonzero(output_features == index)
        saved = transformed[:, block].copy()
        drops = []
        for _ in range(n_repeats):
            transformed[:, block] = saved[rng.permutation(transformed.shape[0])]
            drops.append(baseline - score(y, model.predict_proba(transformed)[:, 1]))
        transformed[:, block] = saved
        means.append(float(np.mean(drops)))
        stds.append(float(np.std(drops)))
    table = pl.DataFrame(
        {
            "feature": list(spec.names),
            "importance_mean": np.asarray(means, dtype=np.float64),
            "importance_std": np.asarray(stds, dtype=np.float64),
        }
    )
    return table.sort(["importance_mean", "feature"], descending=[True, False]).with_columns(
        pl.int_range(1, pl.len() + 1).alias("rank")
    )
