"""Training: time split, candidates, selection, importance, calibration, bundle.

``train_model(panel, trained_at, config)`` is the one function the dbt training model calls.
It is pure: the same panel, config and ``trained_at`` give the same bundle (same
probabilities, same version id).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import scipy
import sklearn
import skops
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

import leadscore
from leadscore.ml.bundle import ModelBundle
from leadscore.ml.candidates import (
    CANDIDATES,
    ONE_TO_ONE,
    FittedCandidate,
    build_pipeline,
    fit_candidate,
    logistic_output_features,
    sign_constraint_plan,
)
from leadscore.ml.config import TrainConfig, config_to_dict
from leadscore.ml.errors import MLInputError
from leadscore.ml.explain import build_explainer
from leadscore.ml.features import (
    FeatureSpec,
    degenerate_features,
    infer_feature_spec,
    labelled_rows,
    prepare_features,
)
from leadscore.ml.importance import features_split_on, permutation_importance_table
from leadscore.ml.metrics import Evaluation
from leadscore.ml.scale import reference_distribution, to_score
from leadscore.ml.scoring import calibrated_probability, evaluate_with_points
from leadscore.ml.split import TimeSplit, apply_split, split_panel
from leadscore.progress import Stopwatch

LOG = logging.getLogger(__name__)

_HIGHER_IS_BETTER = {"pr_auc": True, "roc_auc": True, "log_loss": False, "brier": False}


@dataclass(frozen=True)
class TrainResult:
    """What training produced.

    Attributes:
        bundle: the calibrated model, ready to save (``dumps_bundle``) and score with.
        split: the as-of dates of training, calibration and test.
        candidates: one row per candidate: ``candidate``, ``selection_metric``, ``value`` (on
            the calibration dates), ``selected``.
        importance: permutation importance of the selected model (see ``importance.py``),
            with ``in_model`` telling whether the feature is in the final model.
        evaluation: model and rules-score metrics on the test dates (of the model selected
            and calibrated before the refit, which never saw them).
        test_rows: the test rows (key, label, points score) with ``_probability`` and
            ``_score``, the held-out probability and score behind ``evaluation``: a champion
            can be compared with this model on any subset of them.
    """

    bundle: ModelBundle
    split: TimeSplit
    candidates: pl.DataFrame
    importance: pl.DataFrame
    evaluation: Evaluation
    test_rows: pl.DataFrame


def train_model(
    panel: pl.DataFrame,
    trained_at: dt.datetime | dt.date | str,
    config: TrainConfig,
) -> TrainResult:
    """Train, select, calibrate and package a lead-scoring model from a feature panel.

    Args:
        panel: one row per (lead_id, as_of_date) with ``label`` (0/1, null while the horizon
            is open), optionally ``points_score``, and the features.
        trained_at: when this training runs (supplied by the caller; stored, not hashed).
        config: see :class:`leadscore.ml.config.TrainConfig`.

    Raises:
        MLInputError: with a message naming the problem, e.g. no labelled rows, too few
            as-of dates, a period without positives, missing columns.
    """
    _check_config(config)
    watch = Stopwatch()
    fc = config.features
    spec = infer_feature_spec(panel, fc)
    labelled = labelled_rows(panel, fc)
    split = split_panel(labelled, fc.date_column, fc.id_column, fc.label_column, config.split)
    train, calib, test = apply_split(labelled, split, fc.date_column)
    for part, name in ((train, "training"), (calib, "calibration"), (test, "test")):
        _require_both_classes(part, name, fc.label_column)
    LOG.info(
        "training: split by as-of date: %s",
        "; ".join(
            _period(name, part, dates, fc.label_column)
            for name, part, dates in (
                ("training", train, split.train_dates),
                ("calibration", calib, split.calibration_dates),
                ("test", test, split.test_dates),
            )
        ),
    )
    # A guard for callers that pass a panel straight in (benchmarks, tests): in the build,
    # ml_training_panel already holds at most max_train_rows labelled rows (sampled in SQL,
    # so Python never holds more), and neither this nor the refit's guard fires.
    if config.max_train_rows is not None and train.height > config.max_train_rows:
        rng = np.random.default_rng(config.seed)
        keep = np.sort(rng.choice(train.height, size=config.max_train_rows, replace=False))
        LOG.info(
            "training: sampled %s of the %s training rows (max_train_rows)",
            f"{config.max_train_rows:,}",
            f"{train.height:,}",
        )
        train = train[keep]
        _require_both_classes(train, "subsampled training", fc.label_column)

    X_train = prepare_features(train, spec)
    # 0. Drop the features the training rows cannot teach anything (all null, constant,
    #    single category): gradient boosting cannot even bin an all-null column.
    dropped = degenerate_features(X_train, spec)
    if dropped:
        names = {d["feature"] for d in dropped}
        if len(names) == len(spec.names):
            raise MLInputError(
                f"every feature is all null or constant on the {train.height} training rows "
                f"({', '.join(sorted(names))}); there is nothing to learn from. Check that the "
                "export carries columns that differ between leads (var column_map, var "
                "custom_properties), or add activities."
            )
        spec = spec.subset(set(spec.names) - names)
        X_train = X_train.select(spec.names)
    # 0b. Negative signals (var negative_signal_features) may only lower the score while var
    #     constrain_negative_signals is on; those null on some rows are left out.
    signs = sign_constraint_plan(
        X_train, spec, config.negative_signals, config.constrain_negative_signals
    )
    if signs.left_out:
        spec = spec.subset(set(spec.names) - {d["feature"] for d in signs.left_out})
        X_train = X_train.select(spec.names)
    decreasing = signs.decreasing
    LOG.info(
        "training: %d features%s%s",
        len(spec.names),
        f"; {len(dropped)} dropped (all null or constant)" if dropped else "",
        f"; {len(decreasing)} negative signals held to lowering the score" if decreasing else "",
    )
    X_cal = prepare_features(calib, spec)
    X_test = prepare_features(test, spec)
    y_train = _labels(train, fc.label_column)
    y_cal = _labels(calib, fc.label_column)
    y_test = _labels(test, fc.label_column)

    # 1. Fit every candidate on the training dates; compare them on the calibration dates.
    metric = config.selection_metric
    fitted: dict[str, FittedCandidate] = {}
    values: dict[str, float] = {}
    for i, name in enumerate(config.candidates, start=1):
        step = Stopwatch()
        what = f"candidate {i}/{len(config.candidates)} {name}"
        LOG.info(
            "training: %s on %s rows x %d features ...",
            what,
            f"{X_train.height:,}",
            len(spec.names),
        )
        fit = fit_candidate(name, spec, config.params, config.seed, X_train, y_train, decreasing)
        fitted[name] = fit
        values[name] = _metric(
            metric, y_cal, fit.pipeline.predict_proba(X_cal.select(fit.spec.names))[:, 1]
        )
        LOG.info(
            "training: %s fitted in %s, %s %.4f on %s calibration rows",
            what,
            step,
            _METRIC_NAMES[metric],
            values[name],
            f"{X_cal.height:,}",
        )
    higher = _HIGHER_IS_BETTER[metric]
    selected = max(config.candidates, key=lambda n: values[n] if higher else -values[n])
    LOG.info(
        "training: selected %s by %s (%s)",
        selected,
        _METRIC_NAMES[metric],
        ", ".join(f"{n} {values[n]:.4f}" for n in config.candidates),
    )
    pipe, spec = fitted[selected].pipeline, fitted[selected].spec
    held_at_zero = fitted[selected].held_at_zero
    X_train, X_cal, X_test = (X.select(spec.names) for X in (X_train, X_cal, X_test))

    # 2. Permutation importance of the selected model on the calibration dates.
    step = Stopwatch()
    importance = permutation_importance_table(
        pipe,
        X_cal,
        y_cal,
        spec,
        metric,
        config.importance_repeats,
        config.importance_max_rows,
        config.seed,
        one_to_one=selected in ONE_TO_ONE,
        output_features=(logistic_output_features(pipe, spec) if selected == "logistic" else None),
    )
    LOG.info(
        "training: permutation importance of %d features on %s calibration rows x %d repeats in %s",
        len(spec.names),
        f"{min(X_cal.height, config.importance_max_rows):,}",
        config.importance_repeats,
        step,
    )

    # 3. Optional top-k refit, kept only if it costs no more than the tolerance.
    reduction: dict[str, Any] = {"requested": config.max_features, "kept": False}
    if config.max_features is not None and config.max_features < len(spec.names):
        step = Stopwatch()
        top = set(importance.get_column("feature").head(config.max_features).to_list())
        small_fit = fit_candidate(
            selected, spec.subset(top), config.params, config.seed, X_train, y_train, decreasing
        )
        small_spec, small = small_fit.spec, small_fit.pipeline
        small_value = _metric(
            metric, y_cal, small.predict_proba(X_cal.select(small_spec.names))[:, 1]
        )
        loss = (values[selected] - small_value) if higher else (small_value - values[selected])
        reduction.update(
            full_value=values[selected],
            reduced_value=small_value,
            tolerance=config.max_features_tolerance,
        )
        if loss <= config.max_features_tolerance:
            reduction["kept"] = True
            spec, pipe = small_spec, small
            held_at_zero = held_at_zero + small_fit.held_at_zero
            X_cal, X_test = X_cal.select(spec.names), X_test.select(spec.names)
        LOG.info(
            "training: %s refitted on its top %d features in %s, %s %.4f vs %.4f: %s",
            selected,
            config.max_features,
            step,
            _METRIC_NAMES[metric],
            small_value,
            values[selected],
            "kept" if reduction["kept"] else "not kept (costs more than the tolerance)",
        )

    # 4. Calibrate on the calibration dates; the test dates stay unseen.
    step = Stopwatch()
    model = CalibratedClassifierCV(FrozenEstimator(pipe), method=config.calibration)
    model.fit(X_cal, y_cal)

    # 5. Reference population = the whole validation period; metrics on the test dates.
    X_val = pl.concat([X_cal, X_test], how="vertical")
    transformed = np.asarray(pipe.named_steps["preprocess"].transform(X_val), dtype=np.float64)
    raw = np.asarray(pipe.named_steps["model"].decision_function(transformed), dtype=np.float64)
    p_val = calibrated_probability(model, raw)
    reference = reference_distribution(p_val, config.reference_size)
    p_test = p_val[X_cal.height :]
    score_test = to_score(p_test, reference, config.score_scale)
    evaluation = evaluate_with_points(
        y_test,
        p_test,
        score_test,
        test,
        fc.points_column,
        config.tiers,
        config.calibration_bins,
    )
    LOG.info(
        "training: calibrated (%s) on %s calibration rows in %s; on %s test rows ROC AUC "
        "%.3f, PR AUC %.3f%s",
        config.calibration,
        f"{X_cal.height:,}",
        step,
        f"{test.height:,}",
        evaluation.model.roc_auc,
        evaluation.model.pr_auc,
        ""
        if evaluation.points is None
        else (
            f" (the points rules: ROC AUC {evaluation.points.roc_auc:.3f}, PR AUC "
            f"{evaluation.points.pr_auc:.3f})"
        ),
    )

    # 6. Refit on every labelled row the score date allows (the newest outcomes included):
    #    the held-out metrics above stay those of the model selected and calibrated before.
    refit_spec, refit_left_out = _refit_features(pipe, selected, spec, config, decreasing)
    refit = _refit(labelled, selected, refit_spec, config, decreasing)
    if refit["done"]:
        dropped = dropped + refit_left_out
    if not refit["done"]:
        LOG.info("training: not refitted: %s", refit["reason"])
    if refit["done"]:
        model = refit.pop("model")
        spec = refit.pop("spec")
        held_at_zero = held_at_zero + refit.pop("held_at_zero")
        pipe = model.calibrated_classifiers_[0].estimator
        X_val = X_val.select(spec.names)
        transformed = np.asarray(pipe.named_steps["preprocess"].transform(X_val), dtype=np.float64)
        raw = np.asarray(pipe.named_steps["model"].decision_function(transformed), np.float64)
        reference = reference_distribution(
            calibrated_probability(model, raw), config.reference_size
        )
    explainer = build_explainer(pipe, spec, transformed)
    LOG.info(
        "training: done in %s: %s on %d features%s",
        watch,
        selected,
        len(spec.names),
        f", refitted on {refit['rows']:,} rows" if refit["done"] else "",
    )
    importance = importance.with_columns(
        pl.col("feature").is_in(list(spec.names)).alias("in_model")
    )
    sign_constraints = signs.to_dict() | {
        "model_kind": selected,
        "decreasing": sorted(decreasing & set(spec.names)),
        "held_at_zero": held_at_zero,
        "how": (
            "monotonic_cst=-1"
            if selected == "hgb"
            else "coefficients <= 0 (active set: features held at 0 left out)"
        ),
    }
    if signs.enabled:
        LOG.info(
            "training: negative signals (%s): constrained %s; left out (null on some rows) %s; "
            "held at 0 %s; absent %s",
            selected,
            sign_constraints["decreasing"],
            [d["feature"] for d in signs.left_out],
            [d["feature"] for d in held_at_zero],
            signs.absent,
        )

    candidates = pl.DataFrame(
        {
            "candidate": list(config.candidates),
            "selection_metric": [metric] * len(config.candidates),
            "value": [values[n] for n in config.candidates],
            "selected": [n == selected for n in config.candidates],
        }
    )
    counts = {
        "train_rows": train.height,
        "train_positive": int(y_train.sum()),
        "calibration_rows": calib.height,
        "calibration_positive": int(y_cal.sum()),
        "test_rows": test.height,
        "test_positive": int(y_test.sum()),
        "reference_size": int(reference.size),
        "refit_rows": int(refit.get("rows", 0)),
        "refit_positive": int(refit.get("positive", 0)),
    }
    params = config_to_dict(config)
    metadata: dict[str, Any] = {
        "version_id": version_id(split, counts, params, spec),
        "trained_at": _iso(trained_at),
        "model_kind": selected,
        "calibration": config.calibration,
        "windows": split.windows(),
        "gap_days": split.gap_days,
        "counts": counts,
        "params": params,
        "features": list(spec.names),
        "dropped_features": dropped + signs.left_out + held_at_zero,
        "sign_constraints": sign_constraints,
        "candidates": candidates.to_dicts(),
        "feature_reduction": reduction,
        "refit": refit,
        "metrics": evaluation.to_dict(),
        "importance": importance.to_dicts(),
        "explainer": {
            "kind": explainer.kind,
            "explained": [spec.names[i] for i in explainer.explained],
            "baseline": explainer.baseline,
        },
        "library_versions": library_versions(),
    }
    bundle = ModelBundle(
        model=model, spec=spec, reference=reference, explainer=explainer, metadata=metadata
    )
    return TrainResult(
        bundle=bundle,
        split=split,
        candidates=candidates,
        importance=importance,
        evaluation=evaluation,
        test_rows=test.select(
            *(
                c
                for c in (fc.id_column, fc.date_column, fc.label_column, fc.points_column)
                if c in test.columns
            )
        ).with_columns(pl.Series("_probability", p_test), pl.Series("_score", score_test)),
    )


def _refit_features(
    pipe: Any,
    selected: str,
    spec: FeatureSpec,
    config: TrainConfig,
    decreasing: frozenset[str] = frozenset(),
) -> tuple[FeatureSpec, list[dict[str, str]]]:
    """The features the refit learns from, and those left out with why.

    With ``config.refit_split_features_only`` and gradient boosting selected: the features
    its trees split on (:func:`leadscore.ml.importance.features_split_on`) and the negative
    signals held to lowering the score (listed by the user: with more rows the refit may
    find their splits); otherwise all.
    """
    if not (config.refit and config.refit_split_features_only and selected in ONE_TO_ONE):
        return spec, []
    used = features_split_on(pipe.named_steps["model"])
    if used is None or used.size == 0:
        return spec, []
    keep = {spec.names[i] for i in used.tolist()} | (decreasing & set(spec.names))
    if len(keep) == len(spec.names):
        return spec, []
    left_out = [
        {
            "feature": name,
            "why": (
                "no tree of the gradient boosting fitted on the training dates splits on it "
                "(importance 0): left out of the refit"
            ),
        }
        for name in spec.names
        if name not in keep
    ]
    LOG.info(
        "training: the refit learns from %d features: those the trees split on and the "
        "negative signals (%d others never used)",
        len(keep),
        len(left_out),
    )
    return spec.subset(keep), left_out


def _refit(
    labelled: pl.DataFrame,
    selected: str,
    spec: FeatureSpec,
    config: TrainConfig,
    decreasing: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Fit the selected candidate again on every labelled row, calibrated out of fold.

    ``CalibratedClassifierCV(ensemble=False)`` fits the calibrator on out-of-fold
    predictions (folds grouped by lead, so no lead is in both halves of a fold) and the
    pipeline on all rows. With sign constraints on a logistic model, the active set runs again
    on all rows first (it may hold more negative signals at 0 than on the training dates);
    the fold models, which only calibrate, use its features. Returns ``{"done": True,
    "model": ..., "spec": ..., "held_at_zero": [...], rows, positive, leads, start, end,
    folds}`` or ``{"done": False, "reason": ...}``.
    """
    fc = config.features
    if not config.refit:
        return {"done": False, "reason": "var model_refit is off"}
    rows = labelled
    if config.max_train_rows is not None and rows.height > config.max_train_rows:
        rng = np.random.default_rng(config.seed)
        rows = rows[np.sort(rng.choice(rows.height, size=config.max_train_rows, replace=False))]
    y = _labels(rows, fc.label_column)
    groups = rows.get_column(fc.id_column).cast(pl.String).to_numpy()
    converted = rows.filter(pl.col(fc.label_column) == 1).get_column(fc.id_column).n_unique()
    folds = config.refit_folds
    if converted < folds or (rows.height - int(y.sum())) < folds:
        return {
            "done": False,
            "reason": f"{converted} converted leads are too few for {folds} calibration folds",
        }
    watch = Stopwatch()
    LOG.info(
        "training: refit %s on %s labelled rows (%s positive) as of %s to %s, with %d "
        "calibration folds ...",
        selected,
        f"{rows.height:,}",
        f"{int(y.sum()):,}",
        rows.get_column(fc.date_column).min(),
        rows.get_column(fc.date_column).max(),
        folds,
    )
    X = prepare_features(rows, spec)
    held_at_zero: list[dict[str, str]] = []
    if selected == "logistic" and decreasing & set(spec.names):
        step = Stopwatch()
        fit = fit_candidate(selected, spec, config.params, config.seed, X, y, decreasing)
        spec, held_at_zero = fit.spec, fit.held_at_zero
        X = X.select(spec.names)
        LOG.info(
            "training: refit: negative signals checked on all rows in %s (%d held at 0)",
            step,
            len(held_at_zero),
        )
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    splits = list(cv.split(np.zeros(rows.height), y, groups))
    if any(len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2 for train, test in splits):
        return {"done": False, "reason": "a calibration fold lacks one of the two outcomes"}
    base = build_pipeline(selected, spec, config.params, config.seed, decreasing)
    model = CalibratedClassifierCV(base, method=config.calibration, cv=splits, ensemble=False)
    model.fit(X, y)
    model.cv = folds  # the fold indices are not worth storing in the bundle
    LOG.info("training: refit done in %s", watch)
    dates = rows.get_column(fc.date_column)
    return {
        "done": True,
        "model": model,
        "spec": spec,
        "held_at_zero": held_at_zero,
        "rows": rows.height,
        "positive": int(y.sum()),
        "leads": rows.get_column(fc.id_column).n_unique(),
        "converted_leads": converted,
        "start": dates.min().isoformat(),
        "end": dates.max().isoformat(),
        "folds": folds,
    }


def version_id(
    split: TimeSplit, counts: dict[str, int], params: dict[str, Any], spec: FeatureSpec
) -> str:
    """Deterministic model version id: hash of data window, row counts, features, params, seed.

    The seed is part of ``params``; ``trained_at`` and library versions are not hashed, so
    retraining the same data with the same settings gives the same id.
    """
    payload = {
        "train_dates": [d.isoformat() for d in split.train_dates],
        "calibration_dates": [d.isoformat() for d in split.calibration_dates],
        "test_dates": [d.isoformat() for d in split.test_dates],
        "counts": counts,
        "features": {"names": list(spec.names), "dtypes": spec.dtypes},
        "params": params,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return f"lsm-{digest[:16]}"


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model (stored in its metadata)."""
    return {
        "python": platform.python_version(),
        "leadscore": leadscore.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "polars": pl.__version__,
        "skops": skops.__version__,
    }


#: How the progress lines name each selection metric.
_METRIC_NAMES = {"pr_auc": "PR AUC", "roc_auc": "ROC AUC", "log_loss": "log loss", "brier": "Brier"}


def _period(name: str, part: pl.DataFrame, dates: tuple[dt.date, ...], label: str) -> str:
    """One period of the split for a progress line: rows, positives, as-of dates."""
    positive = int(part.get_column(label).cast(pl.Int64).sum())
    return (
        f"{name} {part.height:,} rows ({positive:,} positive) on {len(dates)} as-of dates "
        f"{dates[0]} to {dates[-1]}"
    )


def _metric(name: str, y: np.ndarray, p: np.ndarray) -> float:
    if name == "pr_auc":
        return float(average_precision_score(y, p))
    if name == "roc_auc":
        return float(roc_auc_score(y, p))
    if name == "log_loss":
        return float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1]))
    if name == "brier":
        return float(brier_score_loss(y, p))
    raise MLInputError(f"unknown selection metric {name!r}")


def _labels(frame: pl.DataFrame, label_column: str) -> np.ndarray:
    return frame.get_column(label_column).cast(pl.Int64).to_numpy()


def _require_both_classes(frame: pl.DataFrame, part: str, label_column: str) -> None:
    n = frame.height
    positives = int(frame.get_column(label_column).cast(pl.Int64).sum()) if n else 0
    if positives == 0 or positives == n:
        what = "no converted leads" if positives == 0 else "only converted leads"
        raise MLInputError(
            f"the {part} period has {n} labelled rows and {what}; a model needs both outcomes "
            "in every period. Add history, widen the validation window (n_validation_dates), "
            "or keep scoring with the rules until more conversions exist."
        )


def _check_config(config: TrainConfig) -> None:
    if not config.candidates:
        raise MLInputError("no candidate models configured; use e.g. ('logistic', 'hgb').")
    unknown = [c for c in config.candidates if c not in CANDIDATES]
    if unknown:
        raise MLInputError(f"unknown candidate model(s) {unknown}; choose from {list(CANDIDATES)}.")
    if config.selection_metric not in _HIGHER_IS_BETTER:
        raise MLInputError(
            f"selection_metric must be one of {sorted(_HIGHER_IS_BETTER)}; "
            f"got {config.selection_metric!r}."
        )
    if config.calibration not in ("sigmoid", "isotonic"):
        raise MLInputError(
            f"calibration must be 'sigmoid' or 'isotonic'; got {config.calibration!r}."
        )
    if config.score_scale not in ("percentile", "probability"):
        raise MLInputError(
            f"score_scale must be 'percentile' or 'probability'; got {config.score_scale!r}."
        )
    if config.max_features is not None and config.max_features < 1:
        raise MLInputError(f"max_features must be >= 1 or None; got {config.max_features}.")


def _iso(value: dt.datetime | dt.date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()
