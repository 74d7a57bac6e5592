"""The model lifecycle that the dbt Python models run: train or not, promote or not, score.

Two pure functions, one per dbt model:

- :func:`training_run` (``models/state/ml_training_runs.py``, incremental): given the labelled
  panel, the earlier runs and the settings, decide whether to train (cold start and the
  retraining policy), train a challenger, re-evaluate the current champion on the
  challenger's test window and decide on promotion. Returns ONE row for this build: what
  was decided and why, and, when a model was trained, its metrics and serialised bundle;
  before it, a ``marked_unusable`` row for each champion whose bundle cannot be loaded.
- :func:`score_with_champion` (``models/ml/ml_lead_scores.py``): score the open leads with the
  champion (rank 1 of the ``ml_champion`` model, falling back along its ranks when a bundle
  cannot be read), or with the points score when there is none.

Neither reads a clock, the environment or files: the caller passes ``ran_at`` and the data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from leadscore.ml.bundle import dumps_bundle, loads_bundle
from leadscore.ml.config import FeatureConfig, ScoringConfig, TrainConfig
from leadscore.ml.errors import MLInputError
from leadscore.ml.metrics import Metrics, evaluate_scores
from leadscore.ml.policy import (
    AlertCheck,
    PromotionDecision,
    RetrainWhy,
    beats_rules,
    choose_scoring_method,
    needs_retraining,
    should_promote,
    with_rules_prefix,
)
from leadscore.ml.scoring import evaluate_bundle, score_leads
from leadscore.ml.split import split_panel
from leadscore.ml.train import train_model
from leadscore.progress import Stopwatch

LOG = logging.getLogger(__name__)

#: The columns of one training run (one row per build), in order.
RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Utf8,
    "score_date": pl.Date,
    "ran_at": pl.Datetime("us"),
    "action": pl.Utf8,  # trained | kept_champion | cold_start | failed | marked_unusable
    "action_reason": pl.Utf8,
    "version_id": pl.Utf8,
    "is_promoted": pl.Boolean,
    "promotion_reason": pl.Utf8,
    "model_kind": pl.Utf8,
    "train_start": pl.Date,
    "train_end": pl.Date,
    "validation_start": pl.Date,
    "validation_end": pl.Date,
    "test_start": pl.Date,
    "test_end": pl.Date,
    "train_rows": pl.Int64,
    "train_positive": pl.Int64,
    "validation_rows": pl.Int64,
    "validation_positive": pl.Int64,
    "test_rows": pl.Int64,
    "test_positive": pl.Int64,
    # the refit on every labelled row (null when the model was not refitted)
    "refit_end": pl.Date,
    "refit_rows": pl.Int64,
    "refit_positive": pl.Int64,
    "refit_reason": pl.Utf8,  # why a trained model was not refitted (null when it was)
    "labelled_rows": pl.Int64,
    "labelled_positive": pl.Int64,
    "labelled_leads": pl.Int64,  # distinct leads with a labelled row
    "converted_leads": pl.Int64,  # distinct leads with a positive row
    "roc_auc": pl.Float64,
    "pr_auc": pl.Float64,
    "brier": pl.Float64,
    "log_loss": pl.Float64,
    "ece": pl.Float64,
    "top_decile_lift": pl.Float64,
    "top_decile_conversion_rate": pl.Float64,
    "points_roc_auc": pl.Float64,
    "points_pr_auc": pl.Float64,
    "points_top_decile_conversion_rate": pl.Float64,
    "champion_version_id": pl.Utf8,
    "champion_pr_auc_on_test": pl.Float64,
    "features": pl.Utf8,  # JSON list
    "params": pl.Utf8,  # JSON
    "metrics": pl.Utf8,  # JSON: model and points metrics incl. tiers
    "importance": pl.Utf8,  # JSON list of {feature, importance, ...}
    "library_versions": pl.Utf8,  # JSON
    "model_bundle": pl.Binary,  # skops bytes
    # JSON {"lead_id": [...], "as_of_date": [...], "label": [...], "probability": [...],
    # "score": [...], "points": [...]}: the held-out
    # test predictions (seeded sample of at most TEST_PREDICTIONS_MAX rows), for the report's
    # charts: a refitted champion replayed on its test window would be scored in sample
    "test_predictions": pl.Utf8,
    "dropped_features": pl.Utf8,  # JSON list of {feature, why}: degenerate, not fitted
    "preflight": pl.Utf8,  # JSON: labelled and converted leads per period, and advice
    # null when a healthy model scores; else one sentence: the cause and the fix
    "warning": pl.Utf8,
}


#: The most held-out test predictions a training run keeps (seeded sample above).
TEST_PREDICTIONS_MAX = 20_000


def _test_predictions(
    test: pl.DataFrame, label: str, points: str, seed: int, keys: tuple[str, str]
) -> str:
    if test.height > TEST_PREDICTIONS_MAX:
        test = test.sample(TEST_PREDICTIONS_MAX, seed=seed)
    columns = {
        # the lead-dates, so the health marts can slice the held-out rows by lead
        "lead_id": test.get_column(keys[0]).cast(pl.Utf8).to_list(),
        "as_of_date": test.get_column(keys[1]).cast(pl.Utf8).to_list(),
        "label": test.get_column(label).cast(pl.Int64).to_list(),
        "probability": [round(p, 6) for p in test.get_column("_probability").to_list()],
        "score": test.get_column("_score").cast(pl.Int64).to_list(),
    }
    if points in test.columns:
        columns["points"] = test.get_column(points).cast(pl.Float64).to_list()
    return json.dumps(columns)


@dataclass(frozen=True)
class LifecycleSettings:
    """The dbt vars that steer the lifecycle (see README, "Retraining"); no defaults here:
    :func:`leadscore.settings.lifecycle_settings` builds them from the vars
    (``dbt_project.yml``).

    Attributes:
        retrain_policy: ``auto`` | ``always`` | ``never``.
        retrain_max_age_days: ``auto`` retrains a champion older than this.
        retrain_min_new_conversions: ``auto`` retrains once this many leads converted after
            the last as-of date the last model trained (the champion, or a challenger that
            was not promoted) learned from.
        promotion_tolerance: a challenger may be this much worse (PR AUC) than a champion
            that is old or alerting and still win.
        promotion_min_gain: a challenger must be this much better (PR AUC) to replace a
            champion that is neither.
        min_labelled, min_conversions: the cold-start minimums.
        champion_version: var champion_version: scoring is pinned to this trained model
            (``ml_champion`` ranks it first); training may still run, but no model is
            promoted while it is set, so nothing changes what scores. None: not pinned.
        train: the training configuration.
    """

    retrain_policy: str
    retrain_max_age_days: int
    retrain_min_new_conversions: int
    promotion_tolerance: float
    promotion_min_gain: float
    min_labelled: int
    min_conversions: int
    champion_version: str | None
    train: TrainConfig


def empty_runs() -> pl.DataFrame:
    """A run table with no rows (the schema of :data:`RUN_SCHEMA`)."""
    return pl.DataFrame(schema=RUN_SCHEMA)


def champion_run(runs: pl.DataFrame | None) -> dict[str, Any] | None:
    """The run of the current champion among ``runs``: the most recently promoted model, or None.

    The writer's view: only the registry's writer (:func:`training_run`, and
    ``retraining_alert`` in monitoring), which runs inside ``ml_training_runs`` on that
    model's own earlier rows, uses it. Every reader uses the ``ml_champion`` model
    (``models/ml/ml_champion.sql``), the one definition of the champion.
    """
    if runs is None or runs.height == 0:
        return None
    # a mark covers the runs of its version made before it: the same version trained again
    # later (same data, same settings) is a new, loadable bundle
    marked = (
        runs.filter(pl.col("action") == UNUSABLE)
        .group_by("version_id")
        .agg(pl.col("ran_at").max().alias("_marked_at"))
    )
    promoted = (
        runs.filter(pl.col("is_promoted").fill_null(False))
        .join(marked, on="version_id", how="left")
        .filter(pl.col("_marked_at").is_null() | (pl.col("ran_at") > pl.col("_marked_at")))
        .drop("_marked_at")
        .sort(["ran_at", "run_id"], descending=True)
    )
    return None if promoted.height == 0 else promoted.row(0, named=True)


#: The action of a registry row that marks a model unusable: its bundle cannot be loaded.
UNUSABLE = "marked_unusable"


def unusable_champions(
    runs: pl.DataFrame | None, score_date: dt.date, ran_at: dt.datetime
) -> pl.DataFrame:
    """Registry rows marking every champion, newest first, whose bundle cannot be loaded.

    Walks the champions as :func:`champion_run` picks them: while the champion's bundle cannot
    be loaded (damaged, or object types outside the allow-list), it gets a row with action
    ``marked_unusable`` and the error, and the previous promoted model is the champion
    instead. The runs of that version up to the mark never score again, and ``ml_champion``
    leaves them out (a later training of the same version is a new bundle). The rows
    are stamped one microsecond before ``ran_at``: the check comes before this build's run,
    whose row stays the latest.
    """
    marks: list[pl.DataFrame] = []
    marked_at = ran_at - dt.timedelta(microseconds=1)
    current = runs
    while (champion := champion_run(current)) is not None:
        try:
            loads_bundle(champion["model_bundle"])
            break
        except Exception as error:
            reason = (
                f"model {champion['version_id']} cannot be loaded ({type(error).__name__}: "
                f"{error}); the previous usable model, or the points rules, scores instead"
            )
            mark = _row(
                {
                    "run_id": f"{score_date.isoformat()}@{marked_at.isoformat()} "
                    f"{UNUSABLE} {champion['version_id']}",
                    "score_date": score_date,
                    "ran_at": marked_at,
                },
                action=UNUSABLE,
                action_reason=reason,
                version_id=champion["version_id"],
                is_promoted=False,
                model_kind=champion["model_kind"],
                warning=f"The champion {reason}.",
            )
            marks.append(mark)
            current = mark if current is None else pl.concat([current, mark], how="diagonal")
    return pl.concat(marks) if marks else empty_runs()


def training_run(
    panel: pl.DataFrame,
    previous_runs: pl.DataFrame | None,
    settings: LifecycleSettings,
    score_date: dt.date,
    ran_at: dt.datetime,
    alert: AlertCheck | None = None,
    horizons: pl.DataFrame | None = None,
    whole_panel: Callable[[], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Decide, train and promote for one build; return its run record.

    One row, after one ``marked_unusable`` row for each champion whose bundle cannot be
    loaded (:func:`unusable_champions`). With ``settings.champion_version`` set (var
    champion_version) scoring is pinned: the run is decided and trained as usual, but nothing
    is promoted, and its ``action_reason`` (and the ``promotion_reason`` of a model that
    would have been promoted) says so, so the registry records the pin.

    Args:
        panel: the labelled training rows (``lead_id``, ``as_of_date``, ``label`` 0/1,
            ``points_score`` and the features), sorted by key for determinism.
        previous_runs: the runs of earlier builds (``None`` or empty on the first build).
        settings: see :class:`LifecycleSettings`.
        score_date: the date the build stands at.
        ran_at: when the build runs (recorded, never hashed).
        alert: what the previous build's monitoring said about the champion
            (:func:`leadscore.monitoring.alerts.retraining_alert`; None: not checked). An alert
            raised makes policy ``auto`` retrain, and the run's reason names it.
        horizons: ``ml_training_preflight``: labelled and converted leads per candidate
            horizon and look-back, for the advice a run that cannot learn gives.
        whole_panel: reads the panel with its features, the same rows in the same order;
            None when ``panel`` holds them. With it, ``panel`` need only the id, date and
            label columns (all the decision reads), and a build that does not train never
            reads the features.
    """
    # a champion that cannot be loaded is marked unusable first (rows of their own), and the
    # previous usable model is the champion this run decides against
    marks = unusable_champions(previous_runs, score_date, ran_at)
    if marks.height:
        previous_runs = (
            marks if previous_runs is None else pl.concat([previous_runs, marks], how="diagonal")
        )
    run = _training_run(
        panel, previous_runs, settings, score_date, ran_at, alert, horizons, whole_panel
    )
    run = _pinned(run, settings.champion_version)
    if not marks.height:
        return run
    # the build's warning (its latest run's) says so too
    warnings = [*marks.get_column("warning").to_list(), run.item(0, "warning")]
    run = run.with_columns(pl.lit(" ".join(w for w in warnings if w)).alias("warning"))
    return pl.concat([marks, run])


def _with_features(labelled: pl.DataFrame, whole: pl.DataFrame, fc: FeatureConfig) -> pl.DataFrame:
    """The labelled rows of the panel read whole: the rows the decision counted, now with
    their features (a panel that changed in between is an error, not another sample)."""
    whole = whole.filter(pl.col(fc.label_column).is_not_null())
    keys = [fc.id_column, fc.date_column, fc.label_column]
    if not whole.select(keys).equals(labelled.select(keys)):
        raise MLInputError(
            f"the training panel read with its features ({whole.height:,} labelled rows) is "
            f"not the one counted ({labelled.height:,}): did ml_training_panel change while "
            "the build ran?"
        )
    return whole


def _pinned(run: pl.DataFrame, pinned: str | None) -> pl.DataFrame:
    """The build's one run row under var champion_version: nothing promoted, and it says so."""
    if pinned is None:
        return run
    note = f"scoring pinned to {pinned} by var champion_version"
    would_promote = bool(run.item(0, "is_promoted"))
    return run.with_columns(
        pl.concat_str(pl.col("action_reason"), pl.lit(f"; {note}")).alias("action_reason"),
        pl.when(pl.col("is_promoted").is_not_null())
        .then(pl.lit(False))
        .otherwise(None)
        .alias("is_promoted"),
        (
            pl.concat_str(pl.lit(f"not promoted, {note} (else: "), "promotion_reason", pl.lit(")"))
            if would_promote
            else pl.col("promotion_reason")
        ).alias("promotion_reason"),
    )


def _training_run(
    panel: pl.DataFrame,
    previous_runs: pl.DataFrame | None,
    settings: LifecycleSettings,
    score_date: dt.date,
    ran_at: dt.datetime,
    alert: AlertCheck | None,
    horizons: pl.DataFrame | None,
    whole_panel: Callable[[], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """:func:`training_run` once unusable champions are marked: its one row."""
    watch = Stopwatch()
    label = settings.train.features.label_column
    date_column = settings.train.features.date_column
    id_column = settings.train.features.id_column
    labelled = panel.filter(pl.col(label).is_not_null())
    n_labelled = labelled.height
    n_positive = int(labelled.get_column(label).sum() or 0) if n_labelled else 0
    n_leads = labelled.get_column(id_column).n_unique() if n_labelled else 0
    n_converted = (
        labelled.filter(pl.col(label) == 1).get_column(id_column).n_unique() if n_labelled else 0
    )
    cap = settings.train.max_train_rows
    LOG.info(
        "training: panel of %s rows: %s labelled (%s positive) on %s leads (%s converted)%s",
        f"{panel.height:,}",
        f"{n_labelled:,}",
        f"{n_positive:,}",
        f"{n_leads:,}",
        f"{n_converted:,}",
        (
            f", a sample: var model_max_train_rows caps the labelled rows at {cap:,}"
            if cap is not None and n_labelled >= cap
            else ""
        ),
    )
    checks = preflight(labelled, settings, n_leads, n_converted, horizons)
    advice = checks.get("advice")
    run: dict[str, Any] = {
        "run_id": f"{score_date.isoformat()}@{ran_at.isoformat()}",
        "score_date": score_date,
        "ran_at": ran_at,
        "labelled_rows": n_labelled,
        "labelled_positive": n_positive,
        "labelled_leads": n_leads,
        "converted_leads": n_converted,
        "preflight": json.dumps(checks, sort_keys=True, default=str),
    }
    champion = champion_run(previous_runs)

    # the data-sufficiency rule counts distinct leads, not lead-dates
    n_negative = (
        labelled.filter(pl.col(label) == 0).get_column(id_column).n_unique() if n_labelled else 0
    )
    scoring = choose_scoring_method(
        n_leads, n_converted, settings.min_labelled, settings.min_conversions, n_negative
    )
    if scoring.method == "rules" and champion is None:
        LOG.info("training: not trained (cold start): %s", scoring.sentence)
        return _row(
            run,
            action="cold_start",
            action_reason=scoring.sentence,
            warning=(
                f"No model yet: {scoring.detail}. Every lead is scored by the "
                "points rules (seeds/points_rules.csv). "
                + (
                    advice
                    or "To learn sooner: lower var cold_start_min_conversions or "
                    "cold_start_min_labelled, lengthen var training_lookback_days, or "
                    "shorten var horizon_days."
                )
            ),
        )

    # newly converted leads: distinct leads (a lead that converts counts once, not once for
    # every weekly row labelled with its conversion) whose conversion the last model trained
    # could not have learned: positive on an as-of date after the last one it learned from,
    # and on none it learned from. Each week one more as-of date becomes labelled, and most of
    # its positive leads had already converted where that model saw them (20k demo: ~400 such
    # leads a week, which made policy auto retrain every week). The last model trained is the
    # champion, or a later challenger that was not promoted: its data was tried already, so
    # only conversions after it call for another try (else, once a challenger lost, every
    # following build retrained on nearly the same rows).
    new_conversions = n_positive
    seen_until = None if champion is None else _last_learned(previous_runs, champion, score_date)
    if seen_until is not None:
        positive = labelled.filter(pl.col(label) == 1)
        newer = positive.filter(pl.col(date_column) > seen_until).select(id_column).unique()
        known = positive.filter(pl.col(date_column) <= seen_until).select(id_column).unique()
        new_conversions = newer.join(known, on=id_column, how="anti").height
    retraining = needs_retraining(
        settings.retrain_policy,  # type: ignore[arg-type]
        # the champion's age in the data's time (score dates), so rebuilding a past score
        # date behaves as it did then
        champion_trained_at=None if champion is None else champion["score_date"],
        champion_age_max_days=settings.retrain_max_age_days,
        new_outcomes_since=new_conversions,
        min_new_outcomes=settings.retrain_min_new_conversions,
        has_champion=champion is not None,
        as_of=score_date,
        alert=alert,
    )
    if scoring.method == "rules":
        retraining = retraining.keeping_for_too_few_outcomes(scoring)
    if not retraining.retrain:
        action = "kept_champion" if champion is not None else "cold_start"
        LOG.info("training: not trained (%s): %s", action, retraining.sentence)
        return _row(run, action=action, action_reason=retraining.sentence)
    LOG.info("training: training a challenger: %s", retraining.sentence)

    keeps = (
        "The champion keeps scoring."
        if champion is not None
        else "Every lead is scored by the points rules (seeds/points_rules.csv)."
    )
    try:
        if whole_panel is not None:
            labelled = _with_features(labelled, whole_panel(), settings.train.features)
        result = train_model(labelled, ran_at, settings.train)
        # a champion that is old or alerting yields to a challenger within tolerance; a
        # sound one only to a challenger better by the margin
        stale = retraining.why in (RetrainWhy.MAX_AGE, RetrainWhy.ALERT, RetrainWhy.UNKNOWN_AGE)
        decision, champion_metrics, champion_version = _promotion(
            result,
            champion,
            labelled,
            settings,
            date_column,
            min_gain=None if stale else settings.promotion_min_gain,
        )
    except MLInputError as error:
        # Not enough data of the right shape (e.g. a period without conversions): say so and
        # keep scoring with the champion or the rules.
        LOG.warning("training: failed after %s: %s", watch, error)
        return _row(
            run,
            action="failed",
            action_reason=f"training failed: {error}",
            warning=" ".join(
                part
                for part in (f"Training could not learn from this data: {error}", keeps, advice)
                if part
            ),
        )
    except Exception as error:
        detail = f"{type(error).__name__}: {error}"
        LOG.warning("training: failed unexpectedly after %s: %s", watch, detail)
        return _row(
            run,
            action="failed",
            action_reason=f"training failed unexpectedly ({detail})",
            warning=(
                f"Training failed unexpectedly ({detail}). {keeps} This is a bug in leadscore, "
                "not in your data: please report it with the dbt log."
            ),
        )

    bundle = result.bundle
    metadata = bundle.metadata
    windows = metadata["windows"]
    challenger_metrics = result.evaluation.model
    points = result.evaluation.points
    warning = None
    if not decision.promote and champion is None:
        warning = (
            f"No model went live: {decision.detail} (the trained model was "
            f"{metadata['model_kind']}). Every lead is scored by the points rules until a model "
            "beats them; more outcomes, activities or custom_properties give the model more to "
            "learn from."
        )
    counts = metadata["counts"]
    refit = metadata.get("refit") or {}
    LOG.info(
        "training: %s %s in %s: %s",
        bundle.version_id,
        "promoted" if decision.promote else "not promoted",
        watch,
        decision.reason,
    )
    return _row(
        run,
        action="trained",
        action_reason=retraining.sentence,
        version_id=bundle.version_id,
        is_promoted=decision.promote,
        promotion_reason=decision.reason,
        model_kind=metadata["model_kind"],
        train_start=_date(windows["train_start"]),
        train_end=_date(windows["train_end"]),
        validation_start=_date(windows["calibration_start"]),
        validation_end=_date(windows["test_end"]),
        test_start=_date(windows["test_start"]),
        test_end=_date(windows["test_end"]),
        train_rows=counts["train_rows"],
        train_positive=counts["train_positive"],
        validation_rows=counts["calibration_rows"] + counts["test_rows"],
        validation_positive=counts["calibration_positive"] + counts["test_positive"],
        test_rows=counts["test_rows"],
        test_positive=counts["test_positive"],
        refit_end=_date(refit["end"]) if refit.get("done") else None,
        refit_rows=counts.get("refit_rows") if refit.get("done") else None,
        refit_positive=counts.get("refit_positive") if refit.get("done") else None,
        refit_reason=None if refit.get("done") else refit.get("reason"),
        roc_auc=challenger_metrics.roc_auc,
        pr_auc=challenger_metrics.pr_auc,
        brier=challenger_metrics.brier,
        log_loss=challenger_metrics.log_loss,
        ece=challenger_metrics.ece,
        top_decile_lift=challenger_metrics.top_decile_lift,
        top_decile_conversion_rate=challenger_metrics.top_decile_conversion_rate,
        points_roc_auc=None if points is None else points.roc_auc,
        points_pr_auc=None if points is None else points.pr_auc,
        points_top_decile_conversion_rate=(
            None if points is None else points.top_decile_conversion_rate
        ),
        champion_version_id=champion_version,
        champion_pr_auc_on_test=None if champion_metrics is None else champion_metrics.pr_auc,
        features=json.dumps(metadata["features"]),
        params=json.dumps(metadata["params"], sort_keys=True),
        metrics=json.dumps(metadata["metrics"], sort_keys=True),
        importance=json.dumps(metadata["importance"], sort_keys=True, default=str),
        library_versions=json.dumps(metadata["library_versions"], sort_keys=True),
        model_bundle=dumps_bundle(bundle),
        test_predictions=_test_predictions(
            result.test_rows,
            settings.train.features.label_column,
            settings.train.features.points_column,
            settings.train.seed,
            (settings.train.features.id_column, settings.train.features.date_column),
        ),
        dropped_features=json.dumps(metadata.get("dropped_features", [])),
        warning=warning,
    )


def _promotion(
    result: Any,
    champion: dict[str, Any] | None,
    labelled: pl.DataFrame,
    settings: LifecycleSettings,
    date_column: str,
    min_gain: float | None = None,
) -> tuple[Any, Metrics | None, str | None]:
    """The promotion decision: beat the rules score, then the champion, on the same rows.

    The rules gate uses the challenger's whole test window. The champion is compared on the
    test dates it never learned from: a refitted champion has seen every labelled as-of date
    up to its ``refit_end``, so only later test dates count, with the challenger's held-out
    probabilities on the same rows. When no such date holds both outcomes, the champion stays
    (the challenger learned from nothing newer). A champion whose bundle cannot be read is not
    compared with.
    """
    version = None if champion is None else champion["version_id"]
    champion_bundle = None
    if champion is not None and champion["model_bundle"] is not None:
        try:
            champion_bundle = loads_bundle(champion["model_bundle"])
        except Exception:
            champion_bundle = None
    challenger_all = result.evaluation.model
    points = result.evaluation.points
    if champion_bundle is None:
        decision = should_promote(
            challenger_all, None, tolerance=settings.promotion_tolerance, points=points
        )
        return decision, None, version
    gate = ""
    if points is not None:
        passed, gate = beats_rules(challenger_all, points)
        if not passed:
            return PromotionDecision(False, "keep champion", gate), None, version
    fc = settings.train.features
    test = result.test_rows
    seen_until = _seen_until(champion)
    if seen_until is not None:
        test = test.filter(pl.col(date_column) > seen_until)
    n_positive = int(test.get_column(fc.label_column).sum() or 0) if test.height else 0
    if n_positive == 0 or n_positive == test.height:
        # nothing the champion has not learned from: the challenger is no fresher
        what = (
            "no test date is newer"
            if test.height == 0
            else f"the {test.height} test rows newer than that hold only one outcome"
        )
        return (
            PromotionDecision(
                False,
                "keep champion",
                f"it learned from every as-of date up to {seen_until} and {what}, "
                "so the challenger cannot be compared with it on rows it never saw",
            ),
            None,
            version,
        )
    rows = test.select(fc.id_column, date_column).join(
        labelled, on=[fc.id_column, date_column], how="left"
    )
    champion_metrics = evaluate_bundle(champion_bundle, rows).model
    y = test.get_column(fc.label_column).cast(pl.Int64).to_numpy()
    p = test.get_column("_probability").to_numpy()
    score = test.get_column("_score").to_numpy()
    challenger = evaluate_scores(y, p, score, settings.train.tiers, settings.train.calibration_bins)
    decision = should_promote(
        challenger, champion_metrics, tolerance=settings.promotion_tolerance, min_gain=min_gain
    )
    if seen_until is not None and test.height < challenger_all.n_rows:
        decision = decision.with_detail(
            f" (compared on the {test.height} test rows after {seen_until}, which the "
            "champion never learned from)"
        )
    if gate:
        decision = decision.with_detail(f"; {gate}")
    return decision, champion_metrics, version


def _last_learned(
    runs: pl.DataFrame, champion: dict[str, Any], score_date: dt.date
) -> dt.date | None:
    """The last as-of date the last model trained up to ``score_date`` learned from: the
    champion's, or a later trained (not promoted) challenger's."""
    dates = [_seen_until(champion)]
    trained = runs.filter(
        (pl.col("action") == "trained") & (pl.col("score_date") <= score_date)
    ).to_dicts()
    dates += [_seen_until(run) for run in trained]
    known = [date for date in dates if date is not None]
    return max(known) if known else None


def _seen_until(champion: dict[str, Any]) -> dt.date | None:
    """The last as-of date a champion learned from: the end of its refit, or, not refitted,
    the day before its test window (its calibrator saw the dates before)."""
    if champion.get("refit_end") is not None:
        return champion["refit_end"]
    if champion.get("test_start") is not None:
        return champion["test_start"] - dt.timedelta(days=1)
    return None


def preflight(
    labelled: pl.DataFrame,
    settings: LifecycleSettings,
    n_leads: int,
    n_converted: int,
    horizons: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """What the labelled history holds, and what would let a model learn when it cannot.

    Counts distinct leads (all, converted) overall and per period of the time split the
    training would use (``periods``), and, from ``ml_training_preflight``, per candidate
    horizon and look-back (``horizons``). When the configured pair cannot learn (too few
    leads for the cold-start minimums, or no time split), ``advice`` is one sentence naming
    the var to turn, with the nearest candidate that has enough (``suggestion``) or the best
    there is.
    """
    fc = settings.train.features
    out: dict[str, Any] = {
        "labelled_leads": n_leads,
        "converted_leads": n_converted,
        "labelled_rows": labelled.height,
        "min_labelled_leads": settings.min_labelled,
        "min_converted_leads": settings.min_conversions,
    }
    candidates = (
        [] if horizons is None else horizons.sort("lookback_days", "horizon_days").to_dicts()
    )
    if candidates:
        out["horizons"] = candidates
    enough = n_leads >= settings.min_labelled and n_converted >= settings.min_conversions
    if labelled.height == 0:
        out["split_error"] = "no as-of date is a whole horizon before the score date"
    else:
        dates = labelled.get_column(fc.date_column)
        out["first_labelled_date"] = dates.min()
        out["last_labelled_date"] = dates.max()
        try:
            out["periods"] = _periods(labelled, settings)
        except MLInputError as error:
            out["split_error"] = str(error)
    if enough and "split_error" not in out:
        return out
    out |= _advice(out, candidates, settings)
    return out


def _periods(labelled: pl.DataFrame, settings: LifecycleSettings) -> dict[str, Any]:
    """Rows, leads and converted leads of the training, calibration and test periods."""
    fc = settings.train.features
    split = split_panel(
        labelled, fc.date_column, fc.id_column, fc.label_column, settings.train.split
    )
    periods = {}
    for name, part_dates in (
        ("train", split.train_dates),
        ("calibration", split.calibration_dates),
        ("test", split.test_dates),
    ):
        part = labelled.filter(pl.col(fc.date_column).is_in(list(part_dates)))
        periods[name] = {
            "start": part_dates[0],
            "end": part_dates[-1],
            "rows": part.height,
            "leads": part.get_column(fc.id_column).n_unique(),
            "converted_leads": part.filter(pl.col(fc.label_column) == 1)
            .get_column(fc.id_column)
            .n_unique(),
        }
    return periods


def _advice(
    checks: dict[str, Any], rows: list[dict[str, Any]], settings: LifecycleSettings
) -> dict[str, Any]:
    """``advice`` (one sentence) and ``suggestion`` (a candidate, or None) for a run whose
    configured horizon and look-back cannot learn.

    The suggestion is the candidate that meets the cold-start minimums nearest the configured
    horizon, at the configured look-back before a longer one. The sentence does not restate
    the problem: the run's warning says it just before.
    """
    horizon = settings.train.split.gap_days
    configured = [r for r in rows if r["is_configured"]]
    lookback = configured[0]["lookback_days"] if configured else None
    workable = [
        r
        for r in rows
        if not r["is_configured"]
        and r["labelled_leads"] >= settings.min_labelled
        and r["converted_leads"] >= settings.min_conversions
    ]
    workable.sort(key=lambda r: (r["lookback_days"] != lookback, abs(r["horizon_days"] - horizon)))
    if workable:
        best = workable[0]
        change = [f"var horizon_days: {best['horizon_days']}"]
        if best["lookback_days"] != lookback:
            change.append(f"var training_lookback_days: {best['lookback_days']}")
        return {
            "suggestion": best,
            "advice": (
                f"Preflight: {' and '.join(change)} would give {best['labelled_leads']:,} "
                f"labelled and {best['converted_leads']:,} converted leads, above the minimums "
                f"(horizon_days {horizon} gives {checks['labelled_leads']:,} and "
                f"{checks['converted_leads']:,}; ml_training_preflight lists every candidate)."
            ),
        }
    if rows:
        most = max(rows, key=lambda r: (r["converted_leads"], r["labelled_leads"]))
        return {
            "suggestion": None,
            "advice": (
                f"Preflight: no horizon from {min(r['horizon_days'] for r in rows)} to "
                f"{max(r['horizon_days'] for r in rows)} days gives enough (at most "
                f"{most['converted_leads']:,} converted leads, with horizon_days "
                f"{most['horizon_days']} and a {most['lookback_days']}-day look-back; the "
                f"model needs {settings.min_conversions:,}): the export needs more outcomes, "
                "or lower var cold_start_min_conversions."
            ),
        }
    return {
        "suggestion": None,
        "advice": (
            "Preflight: lengthen var training_lookback_days, shorten var horizon_days, or lower "
            "var min_test_converted_leads / min_calibration_converted_leads."
        ),
    }


#: The columns of the scored leads, in order.
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.Utf8,
    "probability": pl.Float64,
    "percentile": pl.Float64,
    "score": pl.Int32,
    # how much of the score is who the lead is / what it did (the points rules' split when
    # the rules score)
    "fit_score": pl.Int32,
    "engagement_score": pl.Int32,
    "scoring_method": pl.Utf8,
    "scoring_method_reason": pl.Utf8,
    "model_version": pl.Utf8,
    "reason_1": pl.Utf8,
    "reason_2": pl.Utf8,
    "reason_3": pl.Utf8,
    "contributions": pl.Utf8,  # JSON list of {feature, value, contribution}
}


def score_with_champion(
    rows: pl.DataFrame,
    champions: pl.DataFrame | None,
    scoring: ScoringConfig | None = None,
    latest_run: Mapping[str, Any] | None = None,
    has_trained_model: bool = False,
) -> pl.DataFrame:
    """Score the open leads with the champion, or with the points score when there is none.

    Args:
        rows: one row per open lead at the score date: ``lead_id``, every feature, the
            points score with its reasons (``points_score``, ``points_reason_1..3``) and, from
            ``ml_scoring_rows``, the points on the score scale (``rules_score``,
            ``rules_uses_scale``, ``rules_unscaled_reason``, ``rules_reference_rows``,
            ``rules_sales_now_points``, ``rules_nurture_points``; without them the rules score
            is the points score).
        champions: the ``ml_champion`` model ordered by ``champion_rank``: the champion first,
            then the earlier champions in the order scoring falls back to them when a model
            bundle cannot be read. ``None`` or empty: there is no champion.
        scoring: scoring options (e.g. ``score_scale='probability'``).
        latest_run: the latest training run (its ``action_reason`` and ``warning``), which
            says why the rules score when there is no champion; ``None`` before any run.
        has_trained_model: whether any run of this warehouse trained a model, champion or
            not: with var rules_on_score_scale ``cold_start`` the rules score is then the
            points score itself, not the points on the score scale.

    Returns:
        One row per lead with the columns of :data:`SCORE_SCHEMA`.
    """
    bundle, champion, unusable = _loadable_champion(champions)
    if champion is None or bundle is None:
        if unusable:
            reason = f"rules score: {unusable}"
        elif latest_run is None:
            reason = "rules score: no model has been trained yet"
        elif latest_run.get("warning"):
            reason = f"rules score: {latest_run['warning']}"
        else:
            reason = with_rules_prefix(latest_run["action_reason"])
        scale = (scoring or ScoringConfig()).rules_on_score_scale
        if scale == "cold_start" and has_trained_model and "rules_score" in rows.columns:
            # once a model was trained here the rules score only when no model beat it:
            # the points as they are, as the model's comparison saw them
            rows = rows.with_columns(
                pl.col("points_score").alias("rules_score"),
                pl.lit(False).alias("rules_uses_scale"),
                pl.lit(
                    "var rules_on_score_scale is cold_start and this warehouse has trained a model"
                ).alias("rules_unscaled_reason"),
            )
        reason += _rules_scale_note(rows)
        rules_score = "rules_score" if "rules_score" in rows.columns else "points_score"
        LOG.info("scoring: %s leads by the points rules (%s)", f"{rows.height:,}", reason)
        return rows.select(
            pl.col("lead_id").cast(pl.Utf8),
            pl.lit(None, pl.Float64).alias("probability"),
            pl.lit(None, pl.Float64).alias("percentile"),
            pl.col(rules_score).cast(pl.Int32).alias("score"),
            _points_split(rows, "fit_score"),
            _points_split(rows, "engagement_score"),
            pl.lit("rules").alias("scoring_method"),
            pl.lit(reason).alias("scoring_method_reason"),
            pl.lit(None, pl.Utf8).alias("model_version"),
            pl.col("points_reason_1").alias("reason_1"),
            pl.col("points_reason_2").alias("reason_2"),
            pl.col("points_reason_3").alias("reason_3"),
            pl.lit(None, pl.Utf8).alias("contributions"),
        ).cast(SCORE_SCHEMA)  # type: ignore[arg-type]

    scored = score_leads(bundle, rows, scoring)
    reason = (
        f"model {bundle.version_id} ({champion['model_kind']}), trained "
        f"{champion['ran_at']:%Y-%m-%d} on as-of dates {champion['train_start']} to "
        f"{champion['train_end']}"
    )
    if unusable:
        reason += f"; {unusable}"
    return scored.select(
        pl.col("lead_id").cast(pl.Utf8),
        "probability",
        "percentile",
        pl.col("score").cast(pl.Int32),
        "fit_score",
        "engagement_score",
        pl.lit("model").alias("scoring_method"),
        pl.lit(reason).alias("scoring_method_reason"),
        pl.col("model_version").cast(pl.Utf8),
        "reason_1",
        "reason_2",
        "reason_3",
        # JSON in polars itself: no Python call per lead on the 1M-lead scoring path
        pl.concat_str(
            pl.lit("["),
            pl.col("contributions").list.eval(pl.element().struct.json_encode()).list.join(","),
            pl.lit("]"),
        ).alias("contributions"),
    ).cast(SCORE_SCHEMA)  # type: ignore[arg-type]


def _points_split(rows: pl.DataFrame, column: str) -> pl.Expr:
    """The points rules' fit or engagement score of the scoring rows (null when not given)."""
    if column in rows.columns:
        return pl.col(column).cast(pl.Int32)
    return pl.lit(None, pl.Int32).alias(column)


def _rules_scale_note(rows: pl.DataFrame) -> str:
    """What the rules score is on (``lead_points_scale``), for ``scoring_method_reason``."""
    if rows.height == 0 or "rules_uses_scale" not in rows.columns:
        return ""
    first = rows.row(0, named=True)
    if first["rules_uses_scale"]:
        return (
            f"; the points are on the score scale of {first['rules_reference_rows']:,} earlier "
            f"lead-dates ({first['rules_sales_now_points']} points score the sales_now "
            f"threshold, {first['rules_nurture_points']} the nurture one)"
        )
    why = first.get("rules_unscaled_reason")
    return "; the score is the points score" + (f" ({why})" if why else "")


def _loadable_champion(
    champions: pl.DataFrame | None,
) -> tuple[Any, dict[str, Any] | None, str | None]:
    """The first champion, in rank order, whose bundle loads: (bundle, its run, what was skipped).

    ``champions`` are the ``ml_champion`` rows in ``champion_rank`` order; they are taken as
    given (no re-sorting, no filtering). A champion whose bundle cannot be read (damaged, or
    with object types outside the allow-list) never blocks scoring: the next rank scores
    instead, or the rules when there is none, and the third value says which model was
    skipped and why.
    """
    if champions is None or champions.height == 0:
        return None, None, None
    skipped: list[str] = []
    for run in champions.iter_rows(named=True):
        try:
            bundle = loads_bundle(run["model_bundle"])
        except Exception as error:
            skipped.append(f"{run['version_id']} ({type(error).__name__}: {error})")
            continue
        note = f"champion bundle unreadable, skipped: {'; '.join(skipped)}" if skipped else None
        return bundle, run, note
    note = (
        f"the champion's model bundle cannot be read ({'; '.join(skipped)}); retrain with "
        "retrain_policy 'always' to replace it"
        if skipped
        else None
    )
    return None, None, note


def first_champion(champions: pl.DataFrame | None) -> dict[str, Any] | None:
    """The champion (``champion_rank`` 1) of the ``ml_champion`` rows, or None when empty.

    ``champions`` must be ordered by ``champion_rank``, as the readers pass it
    (``dbt.ref("ml_champion").order("champion_rank")``).
    """
    if champions is None or champions.height == 0:
        return None
    return champions.row(0, named=True)


def _row(run: dict[str, Any], **values: Any) -> pl.DataFrame:
    record = {name: None for name in RUN_SCHEMA} | run | values
    return pl.DataFrame([record], schema=RUN_SCHEMA)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
