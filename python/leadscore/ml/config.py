"""Configuration dataclasses for training and scoring.

A field that mirrors a dbt var (the seed, the score scale, the tiers, the horizon, ...) has no
default here: its one default is in ``dbt_project.yml``, and :mod:`leadscore.settings` builds
these configs from the vars the dbt Python models pass. Internal algorithm constants that are
no dbt var (e.g. ``hgb_max_iter``, ``n_validation_dates``) keep their defaults here. All configs
are frozen, keyword-only and JSON-friendly (see :func:`config_to_dict`), so they can be hashed
into a model version id and stored in the registry.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

#: Columns that are never model features (besides anything starting with ``_``).
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "label",
    "points_score",
    "fit_points",
    "engagement_points",
    "lead_id",
    "as_of_date",
    "email",
)

ScoreScale = Literal["percentile", "probability"]
RulesScale = Literal["cold_start", "always", "never"]
CalibrationMethod = Literal["sigmoid", "isotonic"]
SelectionMetric = Literal["pr_auc", "roc_auc", "log_loss", "brier"]
CandidateName = Literal["logistic", "hgb"]


@dataclass(frozen=True)
class FeatureConfig:
    """Which panel columns are keys, label, baseline, and features.

    Attributes:
        features: explicit feature list; ``None`` infers it (every column except the keys, the
            label, ``exclude`` and names starting with one of ``exclude_prefixes``).
        exclude: columns never used as features when inferring.
        exclude_prefixes: name prefixes never used as features when inferring.
        categorical: columns to treat as categorical even if numeric (e.g. integer codes).
        id_column, date_column, label_column, points_column: the panel's key, as-of date,
            0/1 label (null while the horizon is open) and rules score (0-100) columns.
    """

    features: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    exclude_prefixes: tuple[str, ...] = ("_",)
    categorical: tuple[str, ...] = ()
    id_column: str = "lead_id"
    date_column: str = "as_of_date"
    label_column: str = "label"
    points_column: str = "points_score"


@dataclass(frozen=True, kw_only=True)
class SplitConfig:
    """How labelled as-of dates are split in time.

    Attributes:
        n_validation_dates: the most recent labelled as-of dates held out (e.g. 8 weekly dates).
        n_test_dates: the most recent of those, used only to report metrics; the earlier
            ``n_validation_dates - n_test_dates`` dates select the model and fit the calibrator.
        gap_days: training uses only as-of dates at least this many days before the first
            validation date, so training labels (which look ``horizon`` days ahead) cannot see
            the validation period: the label horizon (var ``horizon_days``).
        min_test_converted_leads, min_calibration_converted_leads: vars of those names. When
            set (the dbt build sets them; ``None`` splits by a count of dates), the test and
            calibration periods are chosen by how many distinct converted leads they hold
            instead of a fixed count of dates: the test period is
            the most recent as-of dates that together hold at least this many converted leads,
            the calibration period the dates before it likewise. With few conversions each
            target shrinks to a fifth of all converted leads, but never below
            ``min_converted_leads_floor``. The date counts above are then unused.
        period_days: with the converted-lead targets, the periods grow by whole periods of
            this many days counted back from the most recent labelled date (the build passes
            var ``training_step_days``), so each holds whole weeks: every weekly as-of date
            with the creation rows around it. ``1`` walks date by date.
    """

    n_validation_dates: int = 8
    n_test_dates: int = 4
    gap_days: int
    min_test_converted_leads: int | None
    min_calibration_converted_leads: int | None
    min_converted_leads_floor: int = 10
    period_days: int = 1


@dataclass(frozen=True)
class ModelParams:
    """Hyper-parameters of the candidate models (regularised, deterministic).

    Attributes:
        logistic_c: inverse L2 strength of the logistic regression (on standardised inputs).
        logistic_max_iter: Newton-Cholesky iterations (it converges in a handful).
        hgb_max_iter, hgb_learning_rate, hgb_max_leaf_nodes, hgb_min_samples_leaf, hgb_l2:
            HistGradientBoosting settings; early stopping is off so the fit is deterministic.
        max_categories: most categories kept per categorical feature (rarer ones are grouped
            as "infrequent"); at most 254 for gradient boosting.
        min_category_fraction: categories rarer than this share of training rows are grouped.
        class_weight: ``None`` (default) fits unweighted, on the log loss the calibration
            then refines; ``"balanced"`` re-weights classes during fitting (calibration undoes
            the resulting probability shift). Unweighted by default: on the Olist funnel
            (about 1.5% positive rows, a 495-value categorical) the model's ROC AUC was above
            a plain unweighted logistic regression's on 8 of 9 rolling test weeks unweighted,
            on 1 of 9 balanced (``bench/rolling_baseline.py``; README, "Recipe: won deals in
            a separate file").
    """

    logistic_c: float = 1.0
    logistic_max_iter: int = 300
    hgb_max_iter: int = 100
    hgb_learning_rate: float = 0.1
    hgb_max_leaf_nodes: int = 31
    hgb_min_samples_leaf: int = 40
    hgb_l2: float = 1.0
    max_categories: int = 30
    min_category_fraction: float = 0.001
    class_weight: Literal["balanced"] | None = None


@dataclass(frozen=True, kw_only=True)
class TrainConfig:
    """Everything :func:`leadscore.ml.train.train_model` needs besides the data.

    Attributes:
        features, split, params: see their classes.
        candidates: model families to fit; the best on the selection dates wins.
        selection_metric: how candidates are compared on the calibration dates. The default
            PR AUC ranks without regard to calibration, which is right because every candidate
            is recalibrated afterwards; ``log_loss``/``brier`` would reward the candidate that
            happens to be calibrated already.
        calibration: var ``calibration_method``: ``sigmoid`` (Platt; keeps the model's
            ordering strictly, so the 0-100 score keeps full resolution, and needs few
            positives) or ``isotonic`` (more flexible, needs
            many positives, produces ties).
        seed: all randomness (subsampling, permutation importance, model seeds); var
            ``model_seed``.
        score_scale: default meaning of the 0-100 score in the bundle (see ``scale.py``); var
            ``score_scale``.
        reference_size: at most this many sorted reference probabilities are stored.
        importance_repeats, importance_max_rows: permutation importance settings.
        max_features: var ``model_max_features``: if set, refit on the top-k features by
            importance and keep the smaller model only if its selection metric is within
            ``max_features_tolerance`` of the full.
        negative_signals: var ``negative_signal_features``: features (names, or patterns with
            ``*`` such as ``n_email_bounce_*``) whose higher values mean a worse lead (a
            bounce, an unsubscribe, a sales rejection, ...). Names absent from a panel are
            ignored; a listed categorical is an error (a category has no direction).
        constrain_negative_signals: var of that name. On: those features can only lower the
            score. Gradient boosting gets a decreasing monotonic constraint on each; the
            logistic regression keeps their coefficients at or below 0 (a feature whose
            coefficient would be positive is left out and the model refitted, until none
            is). A listed feature that is null on some training rows (e.g.
            ``days_since_last_email_bounce``, null when it never happened) is left out of the
            model: no constraint orders "never" against "happened" (see
            :func:`leadscore.ml.candidates.sign_constraint_plan`).
        max_train_rows: var ``model_max_train_rows``: if set, a seeded subsample of training
            rows bounds time and memory.
        refit: var ``model_refit``: after selection, calibration and the held-out metrics, fit
            the selected model again on every labelled row (the newest outcomes included) and
            calibrate it out of
            fold (``refit_folds`` folds grouped by lead). The bundle scores with the refit
            model; the metrics stay those of the held-out run.
        refit_split_features_only: when the selected model is gradient boosting, the refit
            learns only from the features its trees split on (the others have importance 0:
            permuting them changes no prediction) and the negative signals it holds to
            lowering the score. Fewer columns make the refit's four fits
            faster; ``bench/bench_refit.py --refit-features all split`` compares both on
            later weeks.
        tiers: tier name and minimum score, highest first (var ``tier_thresholds``).
        calibration_bins: bins for the expected calibration error.
    """

    features: FeatureConfig = field(default_factory=FeatureConfig)
    split: SplitConfig
    params: ModelParams = field(default_factory=ModelParams)
    candidates: tuple[CandidateName, ...] = ("logistic", "hgb")
    selection_metric: SelectionMetric = "pr_auc"
    calibration: CalibrationMethod
    seed: int
    score_scale: ScoreScale
    reference_size: int = 10_001
    importance_repeats: int = 3
    importance_max_rows: int = 20_000
    max_features: int | None
    max_features_tolerance: float = 0.005
    negative_signals: tuple[str, ...]
    constrain_negative_signals: bool
    max_train_rows: int | None
    refit: bool
    refit_folds: int = 3
    refit_split_features_only: bool = True
    tiers: tuple[tuple[str, int], ...]
    calibration_bins: int = 10


@dataclass(frozen=True)
class ScoringConfig:
    """Options of :func:`leadscore.ml.scoring.score_leads`.

    Attributes:
        score_scale: override the bundle's score scale (``None`` keeps the bundle's).
        n_contributions: how many top contributions go into the structured column (>= 3).
        batch_size: rows scored at a time (bounds memory).
        min_abs_contribution: contributions smaller than this (log-odds) give no reason.
        rules_on_score_scale: var of that name: when the rules score, whether it is the points
            on the score scale (``ml_scoring_rows.rules_score``): ``always``, ``never``, or
            ``cold_start``, only while no model has been trained.
    """

    score_scale: ScoreScale | None = None
    rules_on_score_scale: RulesScale = "always"
    n_contributions: int = 3
    batch_size: int = 100_000
    min_abs_contribution: float = 1e-6


def config_to_dict(config: Any) -> dict[str, Any]:
    """Return a JSON-friendly dict of a (nested) config dataclass; tuples become lists."""
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        raise TypeError(f"expected a config dataclass instance, got {type(config).__name__}")
    return _jsonable(dataclasses.asdict(config))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
