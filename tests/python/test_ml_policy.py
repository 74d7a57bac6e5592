"""Cold start, retraining policy and champion/challenger decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from leadscore.ml import (
    Metrics,
    MLInputError,
    PromotionDecision,
    choose_scoring_method,
    needs_retraining,
    should_promote,
)
from leadscore.ml.policy import (
    AlertCheck,
    AlertStatus,
    RetrainDecision,
    RetrainWhy,
    ScoringMethodWhy,
)
from project_settings import project_vars

TODAY = dt.date(2025, 6, 30)


def promote(challenger: Metrics, champion: Metrics | None, **options: object) -> PromotionDecision:
    """should_promote with the project's var promotion_tolerance unless the test sets one."""
    tolerance = options.pop("tolerance", project_vars()["promotion_tolerance"])
    return should_promote(challenger, champion, tolerance, **options)  # type: ignore[arg-type]


def metrics(pr_auc: float, brier: float = 0.09, n_rows: int = 1000, n_pos: int = 120) -> Metrics:
    return Metrics(
        n_rows=n_rows,
        n_positive=n_pos,
        positive_rate=n_pos / n_rows,
        roc_auc=0.75,
        pr_auc=pr_auc,
        brier=brier,
        log_loss=0.3,
        ece=0.01,
        top_decile_conversion_rate=0.4,
        top_decile_lift=3.3,
        tiers=(),
    )


@pytest.mark.parametrize(
    ("n_labelled", "n_positive", "expected"),
    [
        (499, 200, "rules"),  # the minimum here is 500 labelled leads
        (500, 99, "rules"),
        (500, 100, "model"),
        (500, 401, "rules"),  # only 99 non-converted
        (50_000, 4000, "model"),
        (0, 0, "rules"),
    ],
)
def test_cold_start_switches_exactly_at_the_thresholds(
    n_labelled: int, n_positive: int, expected: str
) -> None:
    decision = choose_scoring_method(n_labelled, n_positive, min_labelled=500, min_positive=100)
    assert decision.method == expected
    assert (decision.why is ScoringMethodWhy.ENOUGH) == (expected == "model")
    assert decision.sentence.startswith(expected + (" score" if expected == "rules" else ":"))


def test_cold_start_reason_names_the_shortfall() -> None:
    decision = choose_scoring_method(5000, 40, min_labelled=1000, min_positive=100)
    assert decision.why is ScoringMethodWhy.TOO_FEW_CONVERTED
    reason = decision.sentence
    assert "only 40 converted leads" in reason and "100" in reason
    assert reason == f"rules score: {decision.detail}"


def test_cold_start_rejects_impossible_counts() -> None:
    with pytest.raises(MLInputError):
        choose_scoring_method(10, 11, min_labelled=500, min_positive=100)


ALERT = AlertCheck(
    AlertStatus.RAISED,
    previous_score_date=TODAY - dt.timedelta(days=7),
    champion_version="lsm-1",
    alerts=(("drift", "lead_source PSI 1.2"),),
)


def retrain(**overrides: object) -> RetrainDecision:
    args: dict[str, object] = {
        "policy": "auto",
        "champion_trained_at": TODAY - dt.timedelta(days=10),
        "champion_age_max_days": 30,
        "new_outcomes_since": 50,
        "min_new_outcomes": 500,
        "alert": None,
        "has_champion": True,
        "as_of": TODAY,
    }
    args.update(overrides)
    return needs_retraining(**args)  # type: ignore[arg-type]


def test_auto_keeps_a_young_champion_with_few_new_outcomes() -> None:
    decision = retrain()
    assert not decision.retrain
    assert decision.why is RetrainWhy.FRESH_CHAMPION
    reason = decision.sentence
    assert "10 days old" in reason and "50 newly converted leads" in reason


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"has_champion": False}, "no champion"),
        ({"alert": ALERT}, "drift"),
        ({"champion_trained_at": TODAY - dt.timedelta(days=31)}, "31 days old"),
        ({"new_outcomes_since": 500}, "500 newly converted leads"),
        ({"champion_trained_at": None}, "unknown"),
    ],
)
def test_auto_retrains_for_each_trigger(overrides: dict[str, object], fragment: str) -> None:
    decision = retrain(**overrides)
    assert decision.retrain
    assert fragment in decision.sentence


def test_always_and_never_override_the_triggers() -> None:
    assert retrain(policy="always").retrain
    assert not retrain(policy="never", alert=ALERT, has_champion=False).retrain
    assert "rules" in retrain(policy="never", has_champion=False).sentence


NOT_RAISED = AlertCheck(
    AlertStatus.CHAMPION_TRAINED_NOW, previous_score_date=TODAY, champion_version="lsm-1"
)


@pytest.mark.parametrize(
    ("overrides", "why", "sentence"),
    [
        ({"policy": "always"}, RetrainWhy.POLICY_ALWAYS, "retraining policy 'always'"),
        (
            {"policy": "never"},
            RetrainWhy.POLICY_NEVER,
            "retraining policy 'never': keeping the champion",
        ),
        (
            {"policy": "never", "has_champion": False},
            RetrainWhy.POLICY_NEVER,
            "retraining policy 'never' and no champion: scoring uses the rules",
        ),
        ({"has_champion": False}, RetrainWhy.NO_CHAMPION, "no champion model yet"),
        (
            {"alert": ALERT},
            RetrainWhy.ALERT,
            "retrained on a monitoring alert from the build of 2025-06-23 on champion lsm-1: "
            "drift: lead_source PSI 1.2",
        ),
        (
            {"champion_trained_at": None},
            RetrainWhy.UNKNOWN_AGE,
            "champion's training date is unknown",
        ),
        (
            {"champion_trained_at": TODAY - dt.timedelta(days=31)},
            RetrainWhy.MAX_AGE,
            "champion is 31 days old (max 30)",
        ),
        (
            {"new_outcomes_since": 500},
            RetrainWhy.NEW_CONVERSIONS,
            "500 newly converted leads since the last model was trained (threshold 500)",
        ),
        (
            {},
            RetrainWhy.FRESH_CHAMPION,
            "champion is 10 days old (max 30) and only 50 newly converted leads (threshold 500); "
            "no drift alert",
        ),
        (
            {"alert": NOT_RAISED},
            RetrainWhy.FRESH_CHAMPION,
            "champion is 10 days old (max 30) and only 50 newly converted leads (threshold 500); "
            "alerts for the champion lsm-1, but it was trained at this score date already",
        ),
    ],
)
def test_each_decision_is_data_worded_once_as_the_registry_records_it(
    overrides: dict[str, object], why: RetrainWhy, sentence: str
) -> None:
    """The registry's action_reason keeps its words; the decision carries why as data."""
    decision = retrain(**overrides)
    assert decision.why is why
    assert decision.sentence == sentence


def test_too_few_outcomes_keeps_the_champion_whatever_the_policy_says() -> None:
    scoring = choose_scoring_method(10, 2, min_labelled=500, min_positive=100)
    kept = retrain(policy="always").keeping_for_too_few_outcomes(scoring)
    assert (kept.retrain, kept.why) == (False, RetrainWhy.TOO_FEW_OUTCOMES)
    assert kept.sentence == (
        "rules score: only 10 labelled leads in the labelled history (the model needs 500); "
        "keeping the champion"
    )


def test_unknown_policy_is_rejected() -> None:
    with pytest.raises(MLInputError, match="retraining policy"):
        retrain(policy="sometimes")


def test_champion_is_kept_when_the_challenger_is_worse() -> None:
    decision = promote(metrics(0.30), metrics(0.36), tolerance=0.005)
    assert not decision.promote
    assert decision.reason.startswith("keep champion: challenger is worse on PR AUC")
    assert "0.3000 vs 0.3600" in decision.reason


def test_challenger_within_tolerance_is_promoted_as_fresher() -> None:
    decision = promote(metrics(0.358), metrics(0.36), tolerance=0.005)
    assert decision.promote
    assert "within tolerance" in decision.reason


def test_a_sound_champion_yields_only_to_a_challenger_better_by_the_margin() -> None:
    margin = project_vars()["promotion_min_gain"]
    same = promote(metrics(0.36), metrics(0.36), min_gain=margin)
    assert not same.promote
    assert "not better on PR AUC by the margin" in same.reason
    assert "neither old nor alerting" in same.reason
    slightly = promote(metrics(0.36 + margin / 2), metrics(0.36), min_gain=margin)
    assert not slightly.promote
    assert promote(metrics(0.36 + 2 * margin), metrics(0.36), min_gain=margin).promote
    # an old or alerting champion (no margin asked) yields to one within tolerance
    assert promote(metrics(0.36), metrics(0.36)).promote


def test_better_challenger_with_much_worse_brier_is_not_promoted() -> None:
    decision = promote(metrics(0.40, brier=0.12), metrics(0.36, brier=0.09))
    assert not decision.promote
    assert "Brier" in decision.reason


def test_better_challenger_is_promoted_and_no_champion_means_promote() -> None:
    assert promote(metrics(0.40), metrics(0.36)).promote
    assert promote(metrics(0.20), None).reason == "promote: no champion yet"


def test_comparing_metrics_from_different_rows_is_refused() -> None:
    other_window = dataclasses.replace(metrics(0.36), n_rows=900)
    with pytest.raises(MLInputError, match="different rows"):
        promote(metrics(0.40), other_window)
