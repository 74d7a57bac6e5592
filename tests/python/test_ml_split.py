"""Time split: validation is the most recent dates, training respects the gap, never random."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from leadscore.ml import MLInputError, apply_split, time_split
from leadscore.ml.split import lead_time_split
from project_settings import split_by_dates, split_config

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


def _creation_day_panel() -> tuple[dict[dt.date, set[str]], list[dt.date], list[dt.date]]:
    """Weekly as-of dates (every lead open that day) plus a row on every creation day
    between them; every date holds 60 converted leads of its own, more than each period's
    minimum of 50, as in a large CRM where one day's new leads already hold enough."""
    weeks = weekly(60)
    days = [weeks[0] + dt.timedelta(days=i) for i in range((weeks[-1] - weeks[0]).days + 4)]
    converted = {day: {f"{day}-{i}" for i in range(60)} for day in days}
    return converted, days, weeks


def test_converted_lead_periods_are_whole_weeks_each_holding_a_weekly_date() -> None:
    converted, days, weeks = _creation_day_panel()
    split = lead_time_split(converted, days, split_config())
    for period in (split.calibration_dates, split.test_dates):
        assert len(period) == 7, period
        assert sum(day in weeks for day in period) == 1, period
    assert split.test_dates[-1] == days[-1]
    assert split.calibration_dates[-1] + dt.timedelta(days=1) == split.test_dates[0]
    assert split.train_dates[-1] <= split.calibration_dates[0] - dt.timedelta(
        days=split_config().gap_days
    )


def test_period_days_one_walks_date_by_date() -> None:
    converted, days, _ = _creation_day_panel()
    split = lead_time_split(converted, days, split_config(period_days=1))
    assert split.test_dates == (days[-1],)
    assert split.calibration_dates == (days[-2],)
