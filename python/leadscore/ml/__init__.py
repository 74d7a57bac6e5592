"""The learning core of leadscore: train, calibrate, score and explain lead conversion models.

The dbt Python models in ``models/ml/`` only read a polars frame, call one function from here
and return a table. Everything is a typed, pure function: the same data, configuration and
seed give the same model, the same version id and the same scores.

Input
-----
A feature panel: one row per (``lead_id``, ``as_of_date``), built point-in-time by the
feature model, with ``label`` (1 if the lead converted within the horizon after the as-of
date, 0 if not, null while the horizon is still open), the rules baseline ``points_score``
(0-100; never a feature, always evaluated beside the model) and the features. Unless the
config lists them, the features are every other column except the excluded ones (``email``,
``fit_points``, ``engagement_points``, anything starting with ``_``); numeric and boolean
columns are numeric features, strings categorical (:mod:`leadscore.ml.features`).

Time split (:mod:`leadscore.ml.split`)
--------------------------------------
Never random across time. The most recent ``n_validation_dates`` labelled as-of dates (8
weekly dates by default) form the validation period. Training uses only as-of dates at least
``gap_days`` (default: the 90-day horizon) before the first validation date, so no training
label can see the validation period. The validation period is itself split in time: its
earlier dates (calibration) select the model and fit the calibrator; its most recent
``n_test_dates`` (test) are used for nothing but the reported metrics.

Candidates and selection (:mod:`leadscore.ml.candidates`, :mod:`leadscore.ml.train`)
------------------------------------------------------------------------------------
Each candidate is one scikit-learn ``Pipeline(ColumnTransformer, model)``, so preprocessing
travels with the model: an L2-regularised ``LogisticRegression`` (mean imputation with
missing indicators, scaling, one-hot encoding with infrequent grouping and unknown categories
ignored) and a ``HistGradientBoostingClassifier`` (native categorical support, early stopping
off for determinism). Both fit unweighted (``ModelParams.class_weight``; ``balanced`` fell
behind a plain logistic regression on the Olist funnel). The winner has the best PR AUC on the
calibration dates: PR AUC ignores calibration, which is right because every candidate is
recalibrated afterwards, and it focuses on the top of the ranking that sales works.

Importance (:mod:`leadscore.ml.importance`)
-------------------------------------------
Permutation importance (scikit-learn, seeded, 3 repeats, at most 20,000 rows) of the selected
model on the calibration dates. With ``max_features=k`` the model is refit on the top k
features and the smaller model is kept only if its PR AUC on the calibration dates is within
``max_features_tolerance`` (0.005) of the full model's.

Calibration (:mod:`leadscore.ml.train`)
---------------------------------------
``CalibratedClassifierCV(FrozenEstimator(pipeline))`` fitted on the calibration dates, so the
test dates stay unseen by both the model and the calibrator. The default is ``sigmoid``
(Platt scaling): it needs few positives and is strictly monotone, so the ranking, and hence
the 0-100 score, keeps full resolution; ``isotonic`` is available for large data but makes
ties. Metrics (:mod:`leadscore.ml.metrics`): ROC AUC, PR AUC, Brier, log loss, expected
calibration error, top-decile conversion and lift, conversion per tier, for the model and for
``points_score`` on exactly the same test rows.

Score scale (:mod:`leadscore.ml.scale`)
---------------------------------------
``probability`` is the calibrated conversion probability. By default ``score`` is the
percentile of that probability in a frozen reference population (the validation-period
probabilities stored in the bundle): score 80 means hotter than 80% of the reference leads, a
lead at the reference median scores 50. Ties take the mid-rank; scores are integers 0-100 and
do not depend on the other leads being scored. ``score_scale='probability'`` makes the score
the probability times 100 instead.

Reasons (:mod:`leadscore.ml.explain`, :mod:`leadscore.ml.reasons`)
-----------------------------------------------------------------
Each lead gets per-feature contributions in log-odds that add up exactly to its log-odds minus
a stated baseline: ``coefficient x (transformed value - reference mean)`` summed per input
feature for the logistic model (baseline: the reference mean row); path attributions through
every tree for gradient boosting (baseline: the expected log-odds of a training row).
:func:`leadscore.ml.reasons.choose_reasons`
groups related features (a behaviour's counts and recency) into one reason, skips unknown
values and reasons whose sign contradicts their meaning, and phrases the three strongest in
stable words such as "+ Requested a demo about 4 months ago" or "\u2212 Lead created over a
year ago"; the top contributions are also returned as structured (feature, value,
contribution) records for the score-history mart.

Registry and champion policy (:mod:`leadscore.ml.bundle`, :mod:`leadscore.ml.policy`)
------------------------------------------------------------------------------------
A :class:`~leadscore.ml.bundle.ModelBundle` holds the calibrated pipeline, the reference
distribution, the feature list with dtypes, the explainer and metadata: a version id (hash of
the data window, row counts, features, parameters and seed), ``trained_at`` (given by the
caller), windows, counts, parameters, metrics, importance and library versions. Bundles are
saved with skops, never raw pickle; loading refuses any object type outside an allow-list.

* Cold start: :func:`~leadscore.ml.policy.choose_scoring_method` keeps the rules score until
  there are enough labelled and converted (and not-converted) leads (vars
  ``cold_start_min_labelled``, ``cold_start_min_conversions``).
* Retraining: :func:`~leadscore.ml.policy.needs_retraining` with policy ``always``, ``never``
  or ``auto`` (no champion, a drift alert, the champion older than the maximum age, or enough
  newly converted leads since it was trained).
* Promotion: the challenger's test window is the most recent; the champion is re-evaluated on
  exactly those rows (:func:`~leadscore.ml.scoring.evaluate_bundle`) and
  :func:`~leadscore.ml.policy.should_promote` promotes the challenger unless its PR AUC is
  worse by more than the tolerance or its Brier score is worse by more than its tolerance.

Typical use (inside the dbt Python models)::

    config = lifecycle_settings(model_vars(dbt.config.get("meta"))).train  # leadscore.settings
    result = train_model(panel, trained_at=run_started_at, config=config)
    blob = dumps_bundle(result.bundle)                 # -> registry row
    scores = score_leads(loads_bundle(blob), today)   # -> lead scores table
"""

from leadscore.ml.bundle import ModelBundle, dumps_bundle, loads_bundle, untrusted_types
from leadscore.ml.config import (
    FeatureConfig,
    ModelParams,
    ScoringConfig,
    SplitConfig,
    TrainConfig,
    config_to_dict,
)
from leadscore.ml.errors import MLInputError, UntrustedModelError
from leadscore.ml.features import FeatureSpec, infer_feature_spec, labelled_rows, prepare_features
from leadscore.ml.metrics import Evaluation, Metrics, evaluate_scores
from leadscore.ml.policy import (
    PromotionDecision,
    choose_scoring_method,
    needs_retraining,
    should_promote,
)
from leadscore.ml.reasons import describe, format_reason
from leadscore.ml.scale import percentile_of, reference_distribution, to_score
from leadscore.ml.scoring import evaluate_bundle, score_leads
from leadscore.ml.split import TimeSplit, apply_split, time_split
from leadscore.ml.train import TrainResult, train_model

__all__ = [
    "Evaluation",
    "FeatureConfig",
    "FeatureSpec",
    "MLInputError",
    "Metrics",
    "ModelBundle",
    "ModelParams",
    "PromotionDecision",
    "ScoringConfig",
    "SplitConfig",
    "TimeSplit",
    "TrainConfig",
    "TrainResult",
    "UntrustedModelError",
    "apply_split",
    "choose_scoring_method",
    "config_to_dict",
    "describe",
    "dumps_bundle",
    "evaluate_bundle",
    "evaluate_scores",
    "format_reason",
    "infer_feature_spec",
    "labelled_rows",
    "loads_bundle",
    "needs_retraining",
    "percentile_of",
    "prepare_features",
    "reference_distribution",
    "score_leads",
    "should_promote",
    "time_split",
    "to_score",
    "train_model",
    "untrusted_types",
]
