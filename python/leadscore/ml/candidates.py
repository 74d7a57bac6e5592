"""The candidate model pipelines: one ``Pipeline(ColumnTransformer, model)`` each.

* ``logistic``: numerics get mean imputation + missing indicators + standard scaling in one
  block; each categorical gets its own one-hot encoder (infrequent categories grouped, unknown
  categories ignored, null its own category); an L2-regularised ``LogisticRegression``. The
  output-column-to-feature map (:func:`logistic_output_features`) uses only public fitted
  attributes and feeds the exact linear explanations.
* ``hgb``: categoricals ordinal-encoded (unknown -> missing) and passed to
  ``HistGradientBoostingClassifier`` as native categorical features; numerics pass through
  (gradient boosting handles missing values itself). Early stopping is off, so the fit is
  deterministic.

Both take the polars frame of :func:`leadscore.ml.features.prepare_features` directly and
weight classes as configured.

Negative signals (:func:`sign_constraint_plan`, :func:`fit_candidate`): features whose higher
values mean a worse lead can be held to lowering the score only: a decreasing monotonic
constraint (``monotonic_cst=-1``) in gradient boosting, coefficients at or below 0 in the
logistic regression (an active set: a feature whose coefficient comes out positive is left
out and the model refitted; a left-out feature whose loss gradient at 0 asks for a negative
coefficient is taken back; the result is the bounded optimum with those coefficients at 0).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from leadscore.ml.config import ModelParams
from leadscore.ml.errors import MLInputError
from leadscore.ml.features import FeatureSpec

CANDIDATES: tuple[str, ...] = ("logistic", "hgb")
#: Candidates whose preprocessing outputs exactly one column per feature, in ``spec.names`` order.
ONE_TO_ONE: frozenset[str] = frozenset({"hgb"})


def build_pipeline(
    name: str,
    spec: FeatureSpec,
    params: ModelParams,
    seed: int,
    decreasing: frozenset[str] = frozenset(),
) -> Pipeline:
    """Return an unfitted candidate pipeline by name (``logistic`` or ``hgb``).

    ``decreasing``: features gradient boosting may only decrease in (``monotonic_cst``); the
    logistic regression's sign constraints need its fit (:func:`fit_candidate`).
    """
    if name == "logistic":
        return build_logistic_pipeline(spec, params, seed)
    if name == "hgb":
        return build_hgb_pipeline(spec, params, seed, decreasing)
    raise ValueError(f"unknown candidate model {name!r}; choose from {list(CANDIDATES)}")


def build_logistic_pipeline(spec: FeatureSpec, params: ModelParams, seed: int) -> Pipeline:
    """Regularised logistic regression on imputed, scaled numerics and one-hot categoricals.

    Transformers: ``numeric`` (all numerics: mean imputation with missing indicators, then
    scaling) and ``c{i}`` (one-hot encoder of ``spec.categorical[i]``). One encoder per
    categorical keeps the mapping from output columns to features exact (``output_indices_``)
    while the numerics share one block (few transformers keep prediction overhead low).
    """
    transformers: list[tuple[str, object, list[str]]] = []
    if spec.numeric:
        numeric = Pipeline(
            [
                # mean, not median: SimpleImputer's median goes through numpy's masked
                # arrays (4 s a fit on the 20k demo's panel, half the logistic fit); with
                # the missing indicators beside it, the fitted model scores the same (ROC
                # and PR AUC equal to 5 decimals on the demo and on Olist)
                (
                    "impute",
                    SimpleImputer(strategy="mean", add_indicator=True, keep_empty_features=True),
                ),
                ("scale", StandardScaler()),
            ]
        )
        transformers.append(("numeric", numeric, list(spec.numeric)))
    for i, name in enumerate(spec.categorical):
        encoder = OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            min_frequency=params.min_category_fraction,
            max_categories=params.max_categories,
            sparse_output=False,
        )
        transformers.append((f"c{i}", encoder, [name]))
    pre = ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
    # Newton-Cholesky: a few exact Newton steps on the L2-penalised loss. With many more rows
    # than columns (the training panel) it reaches the same optimum as lbfgs about 2.4x faster
    # (20k demo: 8 s vs 19 s, ROC AUC 0.8275 vs 0.8277 on later dates).
    model = LogisticRegression(
        C=params.logistic_c,
        solver="newton-cholesky",
        max_iter=params.logistic_max_iter,
        class_weight=params.class_weight,
        random_state=seed,
    )
    return Pipeline([("preprocess", pre), ("model", model)])


def logistic_output_features(pipeline: Pipeline, spec: FeatureSpec) -> np.ndarray:
    """For a fitted logistic pipeline, the index (in ``spec.names``) of each output column."""
    pre = pipeline.named_steps["preprocess"]
    n_out = sum(s.stop - s.start for s in pre.output_indices_.values())
    columns = np.full(n_out, -1, dtype=np.int64)
    names = spec.names
    if spec.numeric:
        block = pre.output_indices_["numeric"]
        numeric_index = np.array([names.index(f) for f in spec.numeric], dtype=np.int64)
        impute = pre.named_transformers_["numeric"].named_steps["impute"]
        with_indicator = (
            np.asarray(impute.indicator_.features_, dtype=np.int64)
            if impute.indicator_ is not None
            else np.empty(0, dtype=np.int64)
        )
        mapped = np.concatenate([numeric_index, numeric_index[with_indicator]])
        if mapped.size != block.stop - block.start:
            raise ValueError("unexpected width of the numeric preprocessing block")
        columns[block] = mapped
    for i, name in enumerate(spec.categorical):
        columns[pre.output_indices_[f"c{i}"]] = names.index(name)
    if (columns < 0).any():
        raise ValueError("preprocessing output columns that map to no feature")
    return columns


def build_hgb_pipeline(
    spec: FeatureSpec, params: ModelParams, seed: int, decreasing: frozenset[str] = frozenset()
) -> Pipeline:
    """Gradient boosting with native categorical support; output columns follow ``spec.names``.

    Features in ``decreasing`` get a decreasing monotonic constraint (numerics only).
    """
    transformers: list[tuple[str, object, list[str]]] = []
    if spec.categorical:
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
            min_frequency=params.min_category_fraction,
            max_categories=min(params.max_categories, 254),
        )
        transformers.append(("categorical", encoder, list(spec.categorical)))
    if spec.numeric:
        transformers.append(("numeric", "passthrough", list(spec.numeric)))
    pre = ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
    model = HistGradientBoostingClassifier(
        learning_rate=params.hgb_learning_rate,
        max_iter=params.hgb_max_iter,
        max_leaf_nodes=params.hgb_max_leaf_nodes,
        min_samples_leaf=params.hgb_min_samples_leaf,
        l2_regularization=params.hgb_l2,
        categorical_features=list(range(len(spec.categorical))) or None,
        monotonic_cst=(
            [-1 if name in decreasing else 0 for name in spec.names]
            if decreasing & set(spec.numeric)
            else None
        ),
        early_stopping=False,
        class_weight=params.class_weight,
        random_state=seed,
    )
    return Pipeline([("preprocess", pre), ("model", model)])


@dataclass(frozen=True)
class SignPlan:
    """How the negative signals of one panel are handled.

    Attributes:
        enabled: var ``constrain_negative_signals``.
        decreasing: the listed features in the model, held to lowering the score.
        left_out: ``[{"feature", "why"}]``: listed features left out of the model (null on
            some training rows).
        absent: listed names (or patterns) that match no feature of the panel.
    """

    enabled: bool
    decreasing: frozenset[str]
    left_out: list[dict[str, str]]
    absent: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (stored in the bundle's metadata)."""
        return {
            "enabled": self.enabled,
            "decreasing": sorted(self.decreasing),
            "left_out": self.left_out,
            "absent": self.absent,
        }


def sign_constraint_plan(
    X: pl.DataFrame, spec: FeatureSpec, listed: tuple[str, ...], enabled: bool
) -> SignPlan:
    """Which features of the prepared training rows ``X`` are negative signals, and how.

    ``listed`` holds names or ``*`` patterns; those matching nothing are reported in
    ``absent`` and otherwise ignored (an export without activities has no bounce counts).
    A matching numeric feature that is null on some training rows is left out: monotonic
    constraints and sign bounds govern values, not missingness, so for a feature like
    ``days_since_last_email_bounce`` (null when the lead never bounced) "never" could still
    score above "happened"; the flag and the counts of the same signal stay in the model.

    Raises:
        MLInputError: a listed feature is categorical.
    """
    matched: list[str] = []
    absent: list[str] = []
    for pattern in listed:
        hits = [name for name in spec.names if fnmatch.fnmatchcase(name, pattern)]
        if not hits:
            absent.append(pattern)
        matched.extend(h for h in hits if h not in matched)
    categorical = [name for name in matched if name in spec.categorical]
    if categorical and enabled:
        raise MLInputError(
            f"negative signals must be numbers or flags; {categorical} are categorical (a "
            "category has no direction). Remove them from var negative_signal_features or "
            "turn a category into a flag in the feature model (e.g. is_student)."
        )
    if not enabled:
        return SignPlan(enabled=False, decreasing=frozenset(), left_out=[], absent=absent)
    nulls = X.select(pl.col(matched).null_count()).row(0, named=True) if matched else {}
    left_out = [
        {
            "feature": name,
            "why": (
                f"negative signal null on {nulls[name]} of {X.height} training rows: left "
                "out, as no sign constraint governs missing values (var "
                "constrain_negative_signals)"
            ),
        }
        for name in matched
        if nulls[name] > 0
    ]
    out = {d["feature"] for d in left_out}
    decreasing = frozenset(name for name in matched if name not in out)
    return SignPlan(enabled=True, decreasing=decreasing, left_out=left_out, absent=absent)


@dataclass(frozen=True, eq=False)
class FittedCandidate:
    """A fitted candidate and the features it uses.

    Attributes:
        pipeline: the fitted ``Pipeline(preprocess, model)``.
        spec: its features (the logistic regression's may lack negative signals held at 0).
        held_at_zero: ``[{"feature", "why"}]``: negative signals the logistic regression left
            out because their coefficient would have raised the score.
    """

    pipeline: Pipeline
    spec: FeatureSpec
    held_at_zero: list[dict[str, str]]


def fit_candidate(
    name: str,
    spec: FeatureSpec,
    params: ModelParams,
    seed: int,
    X: pl.DataFrame,
    y: np.ndarray,
    decreasing: frozenset[str] = frozenset(),
) -> FittedCandidate:
    """Fit a candidate with the negative signals in ``decreasing`` held to lowering the score.

    Gradient boosting: one fit with ``monotonic_cst``. Logistic regression: an active set on
    the preprocessed columns (preprocessed once: each numeric column is imputed and scaled on
    its own, so leaving a feature out leaves the other columns as they are). Fit; leave out
    the constrained features with a positive coefficient; refit; take back a left-out
    feature when the loss gradient at coefficient 0 asks for a clearly negative coefficient
    (:data:`READD_GRADIENT`; each feature at most once, so near-zero effects cannot make it
    cycle); repeat until neither happens. Left-out features are dropped from the spec and the
    pipeline fitted once more on it (the same columns, so the same coefficients): a plain
    pipeline, the bounded optimum with their coefficients at 0.
    """
    X = X.select(spec.names)
    constrained = decreasing & set(spec.numeric)
    pipe = build_pipeline(name, spec, params, seed, constrained)
    if name != "logistic" or not constrained:
        return FittedCandidate(pipeline=pipe.fit(X, y), spec=spec, held_at_zero=[])
    # what Pipeline.fit does, keeping the preprocessed columns for the active set
    Z = np.asarray(pipe.named_steps["preprocess"].fit_transform(X, y), dtype=np.float64)
    pipe.named_steps["model"].fit(Z, y)
    columns = logistic_output_features(pipe, spec)
    index = {f: np.flatnonzero(columns == spec.names.index(f)) for f in constrained}
    weights = compute_sample_weight(params.class_weight, y) if params.class_weight else None
    model = pipe.named_steps["model"]
    out: set[str] = set()
    taken_back: set[str] = set()
    for _ in range(4 * len(constrained) + 4):
        keep = np.flatnonzero(~np.isin(columns, [spec.names.index(f) for f in out]))
        coef = np.zeros(columns.size)
        coef[keep] = model.coef_[0]
        wrong = {f for f in constrained - out if coef[index[f]].max() > 0}
        if wrong:
            out |= wrong
        else:
            residual = (model.predict_proba(Z[:, keep])[:, 1] - y) * (
                weights if weights is not None else 1.0
            )
            gradient = {
                f: float((residual @ Z[:, index[f]]).max()) / y.size for f in out - taken_back
            }
            back = max(sorted(gradient), key=gradient.__getitem__, default=None)
            if back is None or gradient[back] <= READD_GRADIENT:
                break
            out.discard(back)
            taken_back.add(back)
        keep = np.flatnonzero(~np.isin(columns, [spec.names.index(f) for f in out]))
        model = _warm_started(pipe.named_steps["model"], coef, model.intercept_, keep)
        model.fit(Z[:, keep], y).set_params(warm_start=False)
    if not out:
        return FittedCandidate(pipeline=pipe, spec=spec, held_at_zero=[])
    current = spec.subset(set(spec.names) - out)
    rows = X.select(current.names)
    final = build_pipeline(name, current, params, seed)
    preprocess = final.named_steps["preprocess"].fit(rows, y)
    keep = np.flatnonzero(~np.isin(columns, [spec.names.index(f) for f in out]))
    # Preprocessing is fitted column by column and applied row by row, so a fitted state
    # that differed (a mean, a scale, a category) would change the column on nearly every
    # row: comparing evenly spaced rows shows it without transforming every row again.
    sample = np.unique(np.linspace(0, rows.height - 1, num=min(rows.height, 5000)).astype(int))
    if np.array_equal(preprocess.transform(rows[sample]), Z[np.ix_(sample, keep)], equal_nan=True):
        # the reduced preprocessing gives exactly the columns the last fit saw: no refit
        final = Pipeline([("preprocess", preprocess), ("model", model)])
    else:
        final.fit(rows, y)
    wrong = {
        f for f, c in _feature_coefficients(final, current).items() if f in constrained and c > 0
    }
    if wrong:  # the loop stopped at its cap with a violation: leave those out too
        out |= wrong
        current = spec.subset(set(spec.names) - out)
        final = build_pipeline(name, current, params, seed).fit(X.select(current.names), y)
    held = [
        {
            "feature": f,
            "why": (
                "negative signal whose logistic coefficient would raise the score: held at 0 "
                "(var constrain_negative_signals)"
            ),
        }
        for f in spec.names
        if f in out
    ]
    return FittedCandidate(pipeline=final, spec=current, held_at_zero=held)


def _warm_started(
    model: LogisticRegression, coef: np.ndarray, intercept: np.ndarray, keep: np.ndarray
) -> LogisticRegression:
    """An unfitted copy of ``model`` that starts from ``coef`` (one per output column) on the
    columns ``keep``: the active set's next fit starts from the last optimum, so Newton's
    method needs fewer steps to the same optimum (within the solver's tolerance)."""
    start = clone(model).set_params(warm_start=True)
    start.coef_ = coef[keep][np.newaxis, :].copy()
    start.intercept_ = np.array(intercept, dtype=np.float64, copy=True)
    return start


#: A left-out negative signal is taken back when the mean (weighted) loss gradient of its
#: standardised column at coefficient 0 exceeds this: the coefficient it would get is then
#: clearly negative, not solver noise around 0.
READD_GRADIENT = 1e-4


def _feature_coefficients(pipe: Pipeline, spec: FeatureSpec) -> dict[str, float]:
    """The largest logistic coefficient among each feature's output columns."""
    columns = logistic_output_features(pipe, spec)
    coef = np.asarray(pipe.named_steps["model"].coef_[0], dtype=np.float64)
    return {name: float(coef[columns == i].max()) for i, name in enumerate(spec.names)}
