"""Time split: validation is the most recent dates, training respects the gap, never random."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from leadscore.ml import MLInputError, apply_split, time_split
from project_settings import split_by_dates

MONDAY = dt.date(2025, 1, 6)


def weekly(n: int) -> list[dt.date]:
    return [MONDAY + dt.timedelta(weeks=i) for i in range(n)]


def test_validation_is_the_most_recent_dates_split_into_calibration_then_test() -> None:
    dates = weekly(30)
    split = time_split(dates, split_by_dates(n_validation_dates=8, n_test_dates=3, gap_days=90))
    assert split.validation_dates == tuple(dates[-8:])
    assert split.calibration_dates == tuple(dates[-8:-3])
    assert split.test_dates == tuple(dates[-3:])


def test_training_dates_end_at_least_gap_days_before_validation() -> None:
    dates = weekly(30)
    split = time_split(dates, split_by_dates(n_validation_dates=8, n_test_dates=4, gap_days=90))
    first_validation = split.validation_dates[0]
    assert max(split.train_dates) <= first_validation - dt.timedelta(days=90)
    # The latest date that satisfies the gap is used: nothing usable is thrown away.
    assert max(split.train_dates) + dt.timedelta(weeks=1) > first_validation - dt.timedelta(days=90)
    assert set(split.train_dates).isdisjoint(split.validation_dates)


def test_gap_zero_trains_right_up_to_validation() -> None:
    dates = weekly(12)
    split = time_split(dates, split_by_dates(n_validation_dates=4, n_test_dates=2, gap_days=0))
    assert split.train_dates == tuple(dates[:8])


def test_unsorted_and_duplicated_dates_give_the_same_split() -> None:
    dates = weekly(30)
    shuffled = dates[::-1] + dates[5:10]
    assert time_split(shuffled, split_by_dates()) == time_split(dates, split_by_dates())


def test_apply_split_never_puts_a_validation_date_row_in_training() -> None:
    dates = weekly(26)
    rows = pl.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(26 * 3)],
            "as_of_date": [d for d in dates for _ in range(3)],
        }
    )
    split = time_split(dates, split_by_dates(n_validation_dates=6, n_test_dates=2, gap_days=56))
    train, calib, test = apply_split(rows, split, "as_of_date")
    validation = set(split.validation_dates)
    assert not set(train.get_column("as_of_date").to_list()) & validation
    assert train.get_column("as_of_date").max() <= split.validation_dates[0] - dt.timedelta(56)
    assert calib.height == 4 * 3 and test.height == 2 * 3
    assert test.get_column("as_of_date").min() > calib.get_column("as_of_date").max()


def test_too_few_dates_is_a_clear_error() -> None:
    with pytest.raises(MLInputError, match=r"only 5 labelled as-of date\(s\); need at least 9"):
        time_split(weekly(5), split_by_dates(n_validation_dates=8))


def test_no_date_old_enough_for_the_gap_is_a_clear_error() -> None:
    with pytest.raises(MLInputError, match="at least 90 days before the validation period"):
        time_split(weekly(12), split_by_dates(n_validation_dates=8, gap_days=90))


def test_inconsistent_split_config_is_rejected() -> None:
    with pytest.raises(MLInputError, match="n_test_dates"):
        time_split(weekly(30), split_by_dates(n_validation_dates=4, n_test_dates=4))
