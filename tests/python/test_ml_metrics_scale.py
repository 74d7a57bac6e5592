"""Metrics and the 0-100 score scale, on hand-checkable numbers."""

from __future__ import annotations

import numpy as np
import pytest
from leadscore.ml import MLInputError, evaluate_scores, percentile_of, reference_distribution
from leadscore.ml import to_score as score_of
from leadscore.ml.metrics import (
    expected_calibration_error,
    tier_conversion,
    top_fraction_conversion,
)

TIERS = (("A", 80), ("B", 60), ("C", 40), ("D", 0))


def test_percentile_score_is_share_of_reference_leads_below() -> None:
    reference = reference_distribution(np.arange(1, 101) / 101.0)  # 100 distinct values
    # Hotter than exactly 80 reference leads (between the 80th and 81st values).
    assert score_of(np.array([80.5 / 101.0]), reference, "percentile").tolist() == [80]
    assert score_of(np.array([0.0, 1.0]), reference, "percentile").tolist() == [0, 100]


def test_lead_at_the_reference_median_scores_50() -> None:
    rng = np.random.default_rng(3)
    reference = reference_distribution(rng.beta(1, 8, size=2001))
    median = np.median(reference)
    assert score_of(np.array([median]), reference, "percentile").tolist() == [50]
    assert percentile_of(np.array([median]), reference)[0] == pytest.approx(50.0)


def test_ties_use_the_mid_rank_deterministically() -> None:
    reference = reference_distribution(np.array([0.1, 0.2, 0.2, 0.2, 0.3]))
    # Below 1, tied with 3: mid-rank (1 + 4) / 2 = 2.5 of 5 -> 50.
    assert percentile_of(np.array([0.2]), reference).tolist() == [50.0]
    assert score_of(np.array([0.2, 0.2]), reference, "percentile").tolist() == [50, 50]


def test_percentile_scores_of_the_reference_itself_are_uniform() -> None:
    rng = np.random.default_rng(0)
    p = rng.beta(1, 6, size=5000)
    scores = score_of(p, reference_distribution(p), "percentile")
    counts = np.bincount(scores // 10, minlength=11)[:10]
    assert counts.min() >= 480 and counts.max() <= 520


def test_large_reference_is_reduced_to_quantiles_without_moving_scores() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(50_000)
    small = reference_distribution(p, max_size=1001)
    assert small.size == 1001 and np.all(np.diff(small) >= 0)
    full = reference_distribution(p, max_size=100_000)
    probe = rng.random(1000)
    diff = score_of(probe, small, "percentile").astype(int) - score_of(probe, full, "percentile")
    assert np.abs(diff).max() <= 1


def test_probability_scale_is_probability_times_100_rounded() -> None:
    reference = np.array([0.5])
    assert score_of(
        np.array([0.0, 0.124, 0.125, 0.999, 1.0]), reference, "probability"
    ).tolist() == [
        0,
        12,
        13,
        100,
        100,
    ]


def test_unknown_scale_is_rejected() -> None:
    with pytest.raises(MLInputError, match="score_scale"):
        score_of(np.array([0.5]), np.array([0.5]), "rank")  # type: ignore[arg-type]


def test_ece_is_zero_for_perfectly_calibrated_bins_and_large_when_off() -> None:
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    p = np.array([0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75])
    assert expected_calibration_error(y, p, 10) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.full(8, 0.95), 10) == pytest.approx(0.45)


def test_top_decile_counts_ties_in_proportion() -> None:
    y = np.array([1, 0] + [0] * 18)
    score = np.array([5.0, 5.0] + [1.0] * 18)
    # Top 10% = 2 rows: the two tied at 5, one converted -> 0.5.
    assert top_fraction_conversion(y, score, 0.1) == pytest.approx(0.5)
    tied = np.ones(20)
    y2 = np.array([1] * 5 + [0] * 15)
    assert top_fraction_conversion(y2, tied, 0.1) == pytest.approx(0.25)


def test_tiers_take_the_highest_tier_reached() -> None:
    stats = tier_conversion(np.array([1, 0, 1, 0]), np.array([95, 80, 61, 5]), TIERS)
    assert [(t.tier, t.n_rows, t.n_converted) for t in stats] == [
        ("A", 2, 1),
        ("B", 1, 1),
        ("C", 0, 0),
        ("D", 1, 0),
    ]
    assert stats[2].conversion_rate is None


def test_evaluate_scores_reports_lift_against_the_base_rate() -> None:
    y = np.array([1] * 10 + [0] * 90)
    p = np.concatenate([np.full(10, 0.9), np.full(90, 0.05)])
    m = evaluate_scores(y, p, np.round(p * 100), TIERS)
    assert m.roc_auc == pytest.approx(1.0)
    assert m.top_decile_conversion_rate == pytest.approx(1.0)
    assert m.top_decile_lift == pytest.approx(10.0)
    assert m.n_rows == 100 and m.n_positive == 10


def test_evaluate_scores_needs_both_classes() -> None:
    with pytest.raises(MLInputError, match="0 positive"):
        evaluate_scores(np.zeros(5), np.full(5, 0.1), np.full(5, 10), TIERS)
