"""Decisions around the model registry: cold start, when to retrain, when to promote.

* :func:`choose_scoring_method`: too few outcomes to learn from -> score with the rules.
* :func:`needs_retraining`: ``always`` / ``never`` / ``auto`` (no champion, a monitoring alert,
  the champion too old, or enough newly converted leads since it was trained).
* :func:`beats_rules`: the rules gate. No model goes live, not even the first, unless it beats
  the points score on the same test rows on both ROC AUC and PR AUC.
* :func:`should_promote`: the challenger (having passed the rules gate) replaces the champion
  only if, on the SAME most recent test window, its primary metric (PR AUC by default) is
  not worse than the champion's by more than ``tolerance`` and its Brier score is not worse
  by more than ``brier_tolerance``. A fresher model that is as good wins (it has seen recent
  data); a worse one does not. Evaluate the champion on the challenger's rows with
  :func:`leadscore.ml.scoring.evaluate_bundle` first.

Decisions are values, not sentences: :class:`ScoringMethodDecision`, :class:`AlertCheck` and
:class:`RetrainDecision` carry why (an enum) and the figures, and each renders its sentence for
the registry (``action_reason``) in one place, its ``sentence`` property. Nothing matches
these sentences by text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
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
    """Whether to promote the challenger, and why.

    Attributes:
        promote: promote the challenger.
        verdict: ``promote``, ``keep champion`` or ``keep the rules score``.
        detail: the figures behind the verdict, in words.
    """

    promote: bool
    verdict: str
    detail: str

    @property
    def reason(self) -> str:
        """The verdict and its detail: the registry's ``promotion_reason``."""
        return f"{self.verdict}: {self.detail}"

    def with_detail(self, more: str) -> PromotionDecision:
        """The same decision with ``more`` appended to its detail."""
        return dataclasses.replace(self, detail=self.detail + more)


class ScoringMethodWhy(StrEnum):
    """Why the training data does or does not suffice to learn (:func:`choose_scoring_method`)."""

    ENOUGH = "enough"
    TOO_FEW_LABELLED = "too_few_labelled"
    TOO_FEW_CONVERTED = "too_few_converted"
    TOO_FEW_NOT_CONVERTED = "too_few_not_converted"


#: How the sentence of a decision for the points score starts (scores and registry alike).
RULES_PREFIX = "rules score: "


@dataclass(frozen=True)
class ScoringMethodDecision:
    """The cold-start rule's verdict: learn (``model``) or score with the points (``rules``).

    Attributes:
        method: ``model`` or ``rules``.
        why: see :class:`ScoringMethodWhy`.
        n_labelled, n_positive, n_negative: labelled, converted and not-converted leads.
        min_labelled, min_positive: the minimums (vars ``cold_start_min_*``).
    """

    method: Literal["model", "rules"]
    why: ScoringMethodWhy
    n_labelled: int
    n_positive: int
    n_negative: int
    min_labelled: int
    min_positive: int

    @property
    def detail(self) -> str:
        """What the counts say, without the verdict (e.g. for a warning)."""
        if self.why is ScoringMethodWhy.TOO_FEW_LABELLED:
            return (
                f"only {self.n_labelled} labelled leads in the labelled history (the model "
                f"needs {self.min_labelled})"
            )
        if self.why is ScoringMethodWhy.TOO_FEW_CONVERTED:
            return (
                f"only {self.n_positive} converted leads among {self.n_labelled} labelled "
                f"leads in the labelled history (the model needs {self.min_positive})"
            )
        if self.why is ScoringMethodWhy.TOO_FEW_NOT_CONVERTED:
            return (
                f"only {self.n_negative} leads with a row that did not convert (the model "
                f"needs {self.min_positive} of each outcome)"
            )
        return (
            f"{self.n_labelled} labelled leads of which {self.n_positive} converted "
            f"(thresholds {self.min_labelled} and {self.min_positive})"
        )

    @property
    def sentence(self) -> str:
        """The verdict and the detail, as the registry records it."""
        prefix = RULES_PREFIX if self.method == "rules" else "model: "
        return prefix + self.detail


def with_rules_prefix(reason: str) -> str:
    """``reason`` as a points-score reason: :data:`RULES_PREFIX` in front, exactly once.

    For reasons read back from the registry (text), e.g. a run's ``action_reason``, which may
    be the sentence of a ``rules`` :class:`ScoringMethodDecision` already.
    """
    return RULES_PREFIX + reason.removeprefix(RULES_PREFIX)


def without_rules_prefix(reason: str) -> str:
    """``reason`` without any :data:`RULES_PREFIX` in front (where the page says "points
    rules" already)."""
    while reason.startswith(RULES_PREFIX):
        reason = reason.removeprefix(RULES_PREFIX)
    return reason


def choose_scoring_method(
    n_labelled: int,
    n_positive: int,
    min_labelled: int,
    min_positive: int,
    n_negative: int | None = None,
) -> ScoringMethodDecision:
    """Cold start: learn only with enough labelled leads and enough leads of both outcomes.

    Counts are distinct leads, not lead-dates: ``n_labelled`` leads with at least one labelled
    as-of date, of which ``n_positive`` converted (have a positive row). A lead seen at 40
    weekly as-of dates is one lead: repeated rows of the same few leads teach little.

    The decision's method is ``model`` when ``n_labelled >= min_labelled`` and both the
    converted and the never-converted leads number at least ``min_positive``; otherwise
    ``rules``. ``n_negative`` (leads with a row that did not convert within the horizon; a
    lead converting later has such rows too) defaults to the leads that never converted.
    """
    if n_labelled < 0 or n_positive < 0 or n_positive > n_labelled:
        raise MLInputError(f"inconsistent counts: {n_labelled} labelled, {n_positive} positive.")
    if n_negative is None:
        n_negative = n_labelled - n_positive
    counts = {
        "n_labelled": n_labelled,
        "n_positive": n_positive,
        "n_negative": n_negative,
        "min_labelled": min_labelled,
        "min_positive": min_positive,
    }
    if n_labelled < min_labelled:
        return ScoringMethodDecision("rules", ScoringMethodWhy.TOO_FEW_LABELLED, **counts)
    if n_positive < min_positive:
        return ScoringMethodDecision("rules", ScoringMethodWhy.TOO_FEW_CONVERTED, **counts)
    if n_negative < min_positive:
        return ScoringMethodDecision("rules", ScoringMethodWhy.TOO_FEW_NOT_CONVERTED, **counts)
    return ScoringMethodDecision("model", ScoringMethodWhy.ENOUGH, **counts)


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


class AlertStatus(StrEnum):
    """What the previous build's monitoring said about the model still champion."""

    RAISED = "raised"
    NO_CHAMPION = "no_champion"
    NONE_RECORDED = "none_recorded"
    NONE_FOR_CHAMPION = "none_for_champion"
    CHAMPION_TRAINED_NOW = "champion_trained_now"


@dataclass(frozen=True)
class AlertCheck:
    """The monitoring alerts that bear on retraining (built by
    :func:`leadscore.monitoring.alerts.retraining_alert`).

    Attributes:
        status: see :class:`AlertStatus`; only ``raised`` makes policy ``auto`` retrain.
        previous_score_date: the score date of the previous build (whose alerts count).
        champion_version: the champion the alerts are about.
        alerts: ``(kind, reason)`` of each alert raised, in order.
    """

    status: AlertStatus
    previous_score_date: dt.date | None = None
    champion_version: str | None = None
    alerts: tuple[tuple[str, str], ...] = ()

    @property
    def raised(self) -> bool:
        return self.status is AlertStatus.RAISED

    @property
    def sentence(self) -> str:
        """The alerts (at most three) or why there are none, in words."""
        if self.status is AlertStatus.NO_CHAMPION:
            return "no champion to monitor"
        if self.status is AlertStatus.NONE_RECORDED:
            return "no monitoring alerts recorded"
        if self.status is AlertStatus.NONE_FOR_CHAMPION:
            return (
                f"the previous build (score date {self.previous_score_date}) raised no alert "
                f"for the champion {self.champion_version}"
            )
        if self.status is AlertStatus.CHAMPION_TRAINED_NOW:
            return (
                f"alerts for the champion {self.champion_version}, but it was trained at this "
                "score date already"
            )
        shown = [f"{kind}: {reason}" for kind, reason in self.alerts]
        more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
        return (
            f"monitoring alert from the build of {self.previous_score_date} on champion "
            f"{self.champion_version}: " + "; ".join(shown[:3]) + more
        )


class RetrainWhy(StrEnum):
    """Why a build trains a challenger or not (:func:`needs_retraining`)."""

    POLICY_ALWAYS = "policy_always"
    POLICY_NEVER = "policy_never"
    NO_CHAMPION = "no_champion"
    ALERT = "alert"
    UNKNOWN_AGE = "unknown_age"
    MAX_AGE = "max_age"
    NEW_CONVERSIONS = "new_conversions"
    FRESH_CHAMPION = "fresh_champion"
    TOO_FEW_OUTCOMES = "too_few_outcomes"


@dataclass(frozen=True)
class RetrainDecision:
    """Whether to train a challenger now, and why (data; :attr:`sentence` renders it).

    Attributes:
        retrain: train a challenger.
        why: see :class:`RetrainWhy`.
        has_champion: whether a champion exists.
        age_days, max_age_days: the champion's age and the maximum (``auto``).
        new_outcomes, min_new_outcomes: distinct leads converted after the champion's data,
            and the threshold.
        alert: what monitoring said (None when not checked).
        scoring: the cold-start verdict when it overrides the policy (``too_few_outcomes``).
    """

    retrain: bool
    why: RetrainWhy
    has_champion: bool = True
    age_days: int | None = None
    max_age_days: int | None = None
    new_outcomes: int | None = None
    min_new_outcomes: int | None = None
    alert: AlertCheck | None = None
    scoring: ScoringMethodDecision | None = None

    def keeping_for_too_few_outcomes(self, scoring: ScoringMethodDecision) -> RetrainDecision:
        """No retraining: too few outcomes to learn from (the champion keeps scoring)."""
        return dataclasses.replace(
            self, retrain=False, why=RetrainWhy.TOO_FEW_OUTCOMES, scoring=scoring
        )

    @property
    def sentence(self) -> str:
        """Why, in words: the registry's ``action_reason``."""
        why = self.why
        if why is RetrainWhy.POLICY_ALWAYS:
            return "retraining policy 'always'"
        if why is RetrainWhy.POLICY_NEVER:
            if not self.has_champion:
                return "retraining policy 'never' and no champion: scoring uses the rules"
            return "retraining policy 'never': keeping the champion"
        if why is RetrainWhy.NO_CHAMPION:
            return "no champion model yet"
        if why is RetrainWhy.ALERT:
            if self.alert is not None and self.alert.raised:
                return f"retrained on a {self.alert.sentence}"
            return "drift alert on the champion's inputs or scores"
        if why is RetrainWhy.UNKNOWN_AGE:
            return "champion's training date is unknown"
        if why is RetrainWhy.MAX_AGE:
            return f"champion is {self.age_days} days old (max {self.max_age_days})"
        if why is RetrainWhy.NEW_CONVERSIONS:
            return (
                f"{self.new_outcomes} newly converted leads since the last model was trained "
                f"(threshold {self.min_new_outcomes})"
            )
        if why is RetrainWhy.TOO_FEW_OUTCOMES:
            scoring = "" if self.scoring is None else self.scoring.sentence
            return f"{scoring}; keeping the champion"
        no_alert = "no drift alert" if self.alert is None else self.alert.sentence
        return (
            f"champion is {self.age_days} days old (max {self.max_age_days}) and only "
            f"{self.new_outcomes} newly converted leads (threshold {self.min_new_outcomes}); "
            f"{no_alert}"
        )


def needs_retraining(
    policy: RetrainPolicy,
    champion_trained_at: dt.date | dt.datetime | None,
    champion_age_max_days: int,
    new_outcomes_since: int,
    min_new_outcomes: int,
    has_champion: bool,
    as_of: dt.date | dt.datetime,
    alert: AlertCheck | None = None,
) -> RetrainDecision:
    """Decide whether to train a challenger now.

    Args:
        policy: ``always`` retrains every run, ``never`` never does, ``auto`` decides.
        champion_trained_at: when the current champion was trained (None if unknown).
        champion_age_max_days: ``auto`` retrains once the champion is older than this.
        new_outcomes_since: distinct leads whose conversion was labelled after the champion's
            data (a lead counts once, however many weekly rows it converts on).
        min_new_outcomes: ``auto`` retrains once at least this many leads newly converted.
        has_champion: whether any champion exists.
        as_of: the date the build stands at (no clock is read).
        alert: what the previous build's monitoring said about the champion (None: not
            checked); ``auto`` retrains when it raised an alert.
    """
    if policy == "always":
        return RetrainDecision(True, RetrainWhy.POLICY_ALWAYS, has_champion, alert=alert)
    if policy == "never":
        return RetrainDecision(False, RetrainWhy.POLICY_NEVER, has_champion, alert=alert)
    if policy != "auto":
        raise MLInputError(f"retraining policy must be 'auto', 'always' or 'never'; got {policy!r}")
    if not has_champion:
        return RetrainDecision(True, RetrainWhy.NO_CHAMPION, has_champion, alert=alert)
    if alert is not None and alert.raised:
        return RetrainDecision(True, RetrainWhy.ALERT, has_champion, alert=alert)
    if champion_trained_at is None:
        return RetrainDecision(True, RetrainWhy.UNKNOWN_AGE, has_champion, alert=alert)
    age = (_to_date(as_of) - _to_date(champion_trained_at)).days
    figures = {
        "has_champion": has_champion,
        "age_days": age,
        "max_age_days": champion_age_max_days,
        "new_outcomes": new_outcomes_since,
        "min_new_outcomes": min_new_outcomes,
        "alert": alert,
    }
    if age > champion_age_max_days:
        return RetrainDecision(True, RetrainWhy.MAX_AGE, **figures)
    if new_outcomes_since >= min_new_outcomes:
        return RetrainDecision(True, RetrainWhy.NEW_CONVERSIONS, **figures)
    return RetrainDecision(False, RetrainWhy.FRESH_CHAMPION, **figures)


def should_promote(
    challenger: Metrics,
    champion: Metrics | None,
    tolerance: float,
    metric: Literal["pr_auc", "roc_auc", "log_loss", "brier"] = "pr_auc",
    brier_tolerance: float = 0.002,
    points: Metrics | None = None,
    min_gain: float | None = None,
) -> PromotionDecision:
    """Compare challenger and champion on the same rows and decide on promotion.

    With ``points`` (the rules score on the same test rows) the challenger must first pass
    :func:`beats_rules`, the first model too; a challenger that does not beat the rules is
    never promoted, whatever the champion. ``tolerance`` is var ``promotion_tolerance``: how
    much worse a challenger may be than a champion that is old or alerting. ``min_gain`` (var
    ``promotion_min_gain``), when given, is how much better a challenger must be to replace a
    champion that is neither: a swap for no gain would move every lead's score for nothing.

    Raises:
        MLInputError: the two were not evaluated on the same number of rows and positives
            (re-evaluate the champion on the challenger's window first).
    """
    if points is not None:
        passed, gate = beats_rules(challenger, points)
        if not passed:
            keep = "keep champion" if champion is not None else "keep the rules score"
            return PromotionDecision(False, keep, gate)
        decision = should_promote(
            challenger, champion, tolerance, metric, brier_tolerance, min_gain=min_gain
        )
        return decision.with_detail(f"; {gate}")
    if champion is None:
        return PromotionDecision(True, "promote", "no champion yet")
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
    if min_gain is not None and gain < min_gain:
        return PromotionDecision(
            False,
            "keep champion",
            f"challenger is not better on {label} by the margin ({new:.4f} vs {old:.4f}, "
            f"gain {gain:.4f}, margin {min_gain:.4f}) and the champion is neither old nor "
            "alerting",
        )
    if gain < -tolerance:
        return PromotionDecision(
            False,
            "keep champion",
            f"challenger is worse on {label} ({new:.4f} vs {old:.4f}, "
            f"{abs(gain):.4f} worse, tolerance {tolerance:.4f})",
        )
    if brier_loss > brier_tolerance:
        return PromotionDecision(
            False,
            "keep champion",
            f"challenger's {label} is {new:.4f} vs {old:.4f} but its Brier score "
            f"is worse ({challenger.brier:.4f} vs {champion.brier:.4f}, tolerance "
            f"{brier_tolerance:.4f})",
        )
    verdict = "better" if gain > 0 else "within tolerance of the champion"
    return PromotionDecision(
        True,
        "promote",
        f"challenger is {verdict} on {label} ({new:.4f} vs {old:.4f}, tolerance "
        f"{tolerance:.4f}) and Brier {challenger.brier:.4f} vs {champion.brier:.4f}; the "
        "fresher model wins",
    )


def _to_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
