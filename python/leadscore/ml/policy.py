"""Decisions around the model registry: cold start, when to retrain, when to promote.

* :func:`choose_scoring_method`: too few outcomes to learn from -> score with the rules.
* :func:`needs_retraining`: ``always`` / ``never`` / ``auto`` (no champion, drift alert, the
  champion too old, or enough new outcomes since it was trained).
* :func:`beats_rules`: the rules gate. No model goes live, not even the first, unless it beats
  the points score on the same test rows on both ROC AUC and PR AUC.
* :func:`should_promote`: the challenger (having passed the rules gate) replaces the champion
  only if, on the SAME most recent test window, its primary metric (PR AUC by default) is
  not worse than the champion's by more than ``tolerance`` and its Brier score is not worse
  by more than ``brier_tolerance``. A fresher model that is as good wins (it has seen recent
  data); a worse one does not. Evaluate the champion on the challenger's rows with
  :func:`leadscore.ml.scoring.evaluate_bundle` first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from leadscore.ml.errors import MLInputError
from leadscore.ml.metrics import Metrics

RetrainPolicy = Literal["auto", "always", "never"]

_HIGHER_IS_BETTER = {"pr_auc": True, "roc_auc": True, "log_loss": False, "brier": False}
_METRIC_LABELS = {
    "pr_auc": "PR AUC",
    "roc_auc": "ROC AUC",
    "log_loss": "log loss",
    "brier": "Brier",
}


@dataclass(frozen=True)
class PromotionDecision:
    """Whether to promote the challenger, and why (a sentence for the registry and logs)."""

    promote: bool
    reason: str


def choose_scoring_method(
    n_labelled: int,
    n_positive: int,
    min_labelled: int = 500,
    min_positive: int = 100,
    n_negative: int | None = None,
) -> tuple[Literal["model", "rules"], str]:
    """Cold start: learn only with enough labelled leads and enough leads of both outcomes.

    Counts are distinct leads, not lead-dates: ``n_labelled`` leads with at least one labelled
    as-of date, of which ``n_positive`` converted (have a positive row). A lead seen at 40
    weekly as-of dates is one lead: repeated rows of the same few leads teach little.

    Returns ``("model", reason)`` when ``n_labelled >= min_labelled`` and both the converted
    and the never-converted leads number at least ``min_positive``; otherwise
    ``("rules", reason)``. ``n_negative`` (leads with a row that did not convert within the
    horizon; a lead converting later has such rows too) defaults to the leads that never
    converted.
    """
    if n_labelled < 0 or n_positive < 0 or n_positive > n_labelled:
        raise MLInputError(f"inconsistent counts: {n_labelled} labelled, {n_positive} positive.")
    if n_negative is None:
        n_negative = n_labelled - n_positive
    if n_labelled < min_labelled:
        return "rules", (
            f"rules score: only {n_labelled} labelled leads in the labelled history (the model "
            f"needs {min_labelled})"
        )
    if n_positive < min_positive:
        return "rules", (
            f"rules score: only {n_positive} converted leads among {n_labelled} labelled "
            f"leads in the labelled history (the model needs {min_positive})"
        )
    if n_negative < min_positive:
        return "rules", (
            f"rules score: only {n_negative} leads with a row that did not convert (the model "
            f"needs {min_positive} of each outcome)"
        )
    return "model", (
        f"model: {n_labelled} labelled leads of which {n_positive} converted "
        f"(thresholds {min_labelled} and {min_positive})"
    )


def beats_rules(model: Metrics, points: Metrics | None) -> tuple[bool, str]:
    """The rules gate: a model may go live only if it ranks better than the points score.

    ``model`` and ``points`` are evaluated on the same test rows; the model must be strictly
    better on BOTH ROC AUC and PR AUC. Without a points score (``None``) there is nothing to
    compare with and the gate passes, saying so.
    """
    if points is None:
        return True, "no rules score on the test rows to compare with"
    figures = (
        f"ROC AUC {model.roc_auc:.4f} vs {points.roc_auc:.4f}, "
        f"PR AUC {model.pr_auc:.4f} vs {points.pr_auc:.4f}"
    )
    worse = [
        label
        for label, new, old in (
            ("ROC AUC", model.roc_auc, points.roc_auc),
            ("PR AUC", model.pr_auc, points.pr_auc),
        )
        if not new > old
    ]
    if worse:
        return False, (
            f"the model does not beat the rules score on {' and '.join(worse)} on the test "
            f"window ({figures})"
        )
    return True, f"beats the rules score on the test window ({figures})"


def needs_retraining(
    policy: RetrainPolicy,
    champion_trained_at: dt.date | dt.datetime | None,
    champion_age_max_days: int,
    new_outcomes_since: int,
    min_new_outcomes: int,
    drift_alert: bool,
    has_champion: bool,
    as_of: dt.date | dt.datetime,
) -> tuple[bool, str]:
    """Decide whether to train a challenger now.

    Args:
        policy: ``always`` retrains every run, ``never`` never does, ``auto`` decides.
        champion_trained_at: when the current champion was trained (None if unknown).
        champion_age_max_days: ``auto`` retrains once the champion is older than this.
        new_outcomes_since: labelled outcomes that appeared since the champion was trained.
        min_new_outcomes: ``auto`` retrains once at least this many new outcomes exist.
        drift_alert: a drift monitor flagged the inputs or the score distribution.
        has_champion: whether any champion exists.
        as_of: the date the build stands at (no clock is read).
    """
    if policy == "always":
        return True, "retraining policy 'always'"
    if policy == "never":
        if not has_champion:
            return False, "retraining policy 'never' and no champion: scoring uses the rules"
        return False, "retraining policy 'never': keeping the champion"
    if policy != "auto":
        raise MLInputError(f"retraining policy must be 'auto', 'always' or 'never'; got {policy!r}")
    if not has_champion:
        return True, "no champion model yet"
    if drift_alert:
        return True, "drift alert on the champion's inputs or scores"
    if champion_trained_at is None:
        return True, "champion's training date is unknown"
    age = (_to_date(as_of) - _to_date(champion_trained_at)).days
    if age > champion_age_max_days:
        return True, f"champion is {age} days old (max {champion_age_max_days})"
    if new_outcomes_since >= min_new_outcomes:
        return True, (
            f"{new_outcomes_since} new outcomes since the champion was trained "
            f"(threshold {min_new_outcomes})"
        )
    return False, (
        f"champion is {age} days old (max {champion_age_max_days}) and only "
        f"{new_outcomes_since} new outcomes (threshold {min_new_outcomes}); no drift alert"
    )


def should_promote(
    challenger: Metrics,
    champion: Metrics | None,
    tolerance: float = 0.005,
    metric: Literal["pr_auc", "roc_auc", "log_loss", "brier"] = "pr_auc",
    brier_tolerance: float = 0.002,
    points: Metrics | None = None,
) -> PromotionDecision:
    """Compare challenger and champion on the same rows and decide on promotion.

    With ``points`` (the rules score on the same test rows) the challenger must first pass
    :func:`beats_rules`, the first model too; a challenger that does not beat the rules is
    never promoted, whatever the champion.

    Raises:
        MLInputError: the two were not evaluated on the same number of rows and positives
            (re-evaluate the champion on the challenger's window first).
    """
    if points is not None:
        passed, gate = beats_rules(challenger, points)
        if not passed:
            keep = "keep champion" if champion is not None else "keep the rules score"
            return PromotionDecision(False, f"{keep}: {gate}")
        decision = should_promote(challenger, champion, tolerance, metric, brier_tolerance)
        return PromotionDecision(decision.promote, f"{decision.reason}; {gate}")
    if champion is None:
        return PromotionDecision(True, "promote: no champion yet")
    if (challenger.n_rows, challenger.n_positive) != (champion.n_rows, champion.n_positive):
        raise MLInputError(
            f"challenger ({challenger.n_rows} rows, {challenger.n_positive} positive) and "
            f"champion ({champion.n_rows} rows, {champion.n_positive} positive) were evaluated "
            "on different rows; evaluate the champion on the challenger's test window "
            "(evaluate_bundle) before comparing."
        )
    if metric not in _HIGHER_IS_BETTER:
        raise MLInputError(f"metric must be one of {sorted(_HIGHER_IS_BETTER)}; got {metric!r}.")
    higher = _HIGHER_IS_BETTER[metric]
    new, old = getattr(challenger, metric), getattr(champion, metric)
    gain = (new - old) if higher else (old - new)
    label = _METRIC_LABELS[metric]
    brier_loss = challenger.brier - champion.brier
    if gain < -tolerance:
        return PromotionDecision(
            False,
            f"keep champion: challenger is worse on {label} ({new:.4f} vs {old:.4f}, "
            f"{abs(gain):.4f} worse, tolerance {tolerance:.4f})",
        )
    if brier_loss > brier_tolerance:
        return PromotionDecision(
            False,
            f"keep champion: challenger's {label} is {new:.4f} vs {old:.4f} but its Brier score "
            f"is worse ({challenger.brier:.4f} vs {champion.brier:.4f}, tolerance "
            f"{brier_tolerance:.4f})",
        )
    verdict = "better" if gain > 0 else "within tolerance of the champion"
    return PromotionDecision(
        True,
        f"promote: challenger is {verdict} on {label} ({new:.4f} vs {old:.4f}, tolerance "
        f"{tolerance:.4f}) and Brier {challenger.brier:.4f} vs {champion.brier:.4f}; the "
        "fresher model wins",
    )


def _to_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
