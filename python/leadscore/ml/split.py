"""Splitting labelled panel rows by time (never at random across time).

::

    as-of dates:  t1 t2 ... tk  |  (gap >= gap_days)  |  v1 .. v4      v5 .. v8
                  training      |  unused              |  calibration   test
                                                       |<---- validation period ---->|

* validation = the ``n_validation_dates`` most recent labelled as-of dates;
* training = as-of dates at least ``gap_days`` before the first validation date, so the
  outcome window of every training label (``horizon`` days after its as-of date) ends before
  the validation period starts and no training label can see it;
* inside validation, the earlier dates select the model and fit the calibrator, the most
  recent ``n_test_dates`` are only used to report metrics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from leadscore.ml.config import SplitConfig
from leadscore.ml.errors import MLInputError


@dataclass(frozen=True)
class TimeSplit:
    """The as-of dates of each part of a time split (each tuple sorted ascending)."""

    train_dates: tuple[dt.date, ...]
    calibration_dates: tuple[dt.date, ...]
    test_dates: tuple[dt.date, ...]
    gap_days: int

    @property
    def validation_dates(self) -> tuple[dt.date, ...]:
        """Calibration and test dates together: the validation period."""
        return self.calibration_dates + self.test_dates

    def windows(self) -> dict[str, str]:
        """First and last date of each part, as ISO strings (for the registry)."""
        return {
            "train_start": self.train_dates[0].isoformat(),
            "train_end": self.train_dates[-1].isoformat(),
            "calibration_start": self.calibration_dates[0].isoformat(),
            "calibration_end": self.calibration_dates[-1].isoformat(),
            "test_start": self.test_dates[0].isoformat(),
            "test_end": self.test_dates[-1].isoformat(),
        }


def time_split(dates: Iterable[dt.date], config: SplitConfig) -> TimeSplit:
    """Split a set of labelled as-of dates into training, calibration and test dates.

    Raises:
        MLInputError: the config is inconsistent, or there are too few dates to hold out
            ``n_validation_dates`` and still keep training dates ``gap_days`` earlier.
    """
    if config.n_validation_dates < 2:
        raise MLInputError("n_validation_dates must be at least 2 (calibration and test).")
    if not 1 <= config.n_test_dates < config.n_validation_dates:
        raise MLInputError(
            f"n_test_dates must be between 1 and n_validation_dates - 1 "
            f"({config.n_validation_dates - 1}); got {config.n_test_dates}."
        )
    if config.gap_days < 0:
        raise MLInputError(f"gap_days must be >= 0; got {config.gap_days}.")
    unique = sorted({_as_date(d) for d in dates})
    needed = config.n_validation_dates + 1
    if len(unique) < needed:
        raise MLInputError(
            f"only {len(unique)} labelled as-of date(s); need at least {needed} "
            f"({config.n_validation_dates} for validation plus training dates at least "
            f"{config.gap_days} days earlier). Add history, or lower n_validation_dates."
        )
    validation = unique[-config.n_validation_dates :]
    cutoff = validation[0] - dt.timedelta(days=config.gap_days)
    train = [d for d in unique if d <= cutoff and d < validation[0]]
    if not train:
        raise MLInputError(
            f"no labelled as-of date is at least {config.gap_days} days before the validation "
            f"period ({validation[0].isoformat()}); the earliest is {unique[0].isoformat()}. "
            "Add older history, or lower gap_days / n_validation_dates."
        )
    n_cal = config.n_validation_dates - config.n_test_dates
    return TimeSplit(
        train_dates=tuple(train),
        calibration_dates=tuple(validation[:n_cal]),
        test_dates=tuple(validation[n_cal:]),
        gap_days=config.gap_days,
    )


def lead_time_split(
    converted_by_date: dict[dt.date, set[str]], dates: Iterable[dt.date], config: SplitConfig
) -> TimeSplit:
    """Split labelled as-of dates so that test and calibration each hold enough converted leads.

    ``converted_by_date`` maps an as-of date to the leads with a positive row that day
    (``dates`` lists every labelled as-of date, with or without conversions). Walking back
    from the most recent date, the test period takes dates until it holds
    ``min_test_converted_leads`` distinct converted leads, then the calibration period until
    it holds ``min_calibration_converted_leads``; training takes the dates at least
    ``gap_days`` before the first calibration date. Irregular dates (e.g. rows at each lead's
    creation) are fine: only their order matters.

    Raises:
        MLInputError: the history holds too few converted leads for the three periods; the
            message gives the counts and what to change.
    """
    unique = sorted({_as_date(d) for d in dates})
    by_date = {_as_date(d): set(leads) for d, leads in converted_by_date.items()}
    every: set[str] = set().union(*by_date.values()) if by_date else set()
    floor = config.min_converted_leads_floor
    targets = []
    for wanted in (config.min_test_converted_leads, config.min_calibration_converted_leads):
        if wanted is None or wanted < 1:
            raise MLInputError("min_test/calibration_converted_leads must be at least 1.")
        targets.append(max(min(wanted, len(every) // 5), min(floor, wanted)))
    if config.period_days < 1:
        raise MLInputError(f"period_days must be at least 1; got {config.period_days}.")
    # whole periods of period_days, counted back from the most recent date: with weekly
    # as-of dates each period holds one of them and the creation rows of its week, so the
    # calibration and test periods look like the weekly rows that are scored (a walk date
    # by date could end on a couple of creation days only).
    buckets: dict[int, list[dt.date]] = {}
    for day in unique:
        buckets.setdefault((unique[-1] - day).days // config.period_days, []).append(day)
    remaining = [buckets[key] for key in sorted(buckets)]
    periods: list[list[dt.date]] = []
    for target in targets:
        taken: list[dt.date] = []
        leads: set[str] = set()
        while remaining and len(leads) < target:
            days = remaining.pop(0)
            taken.extend(days)
            for day in days:
                leads |= by_date.get(day, set())
        if len(leads) < target:
            raise MLInputError(
                f"the labelled history holds {len(every)} converted leads; the test and "
                f"calibration periods need {targets[0]} and {targets[1]} (and training more, "
                f"{config.gap_days} days earlier). Lengthen var training_lookback_days, "
                "shorten var horizon_days, or wait for more outcomes."
            )
        periods.append(sorted(taken))
    test, calibration = periods
    cutoff = calibration[0] - dt.timedelta(days=config.gap_days)
    train = [d for d in unique if d <= cutoff and d < calibration[0]]
    train_converted: set[str] = set().union(*(by_date.get(d, set()) for d in train))
    if len(train_converted) < floor:
        raise MLInputError(
            f"only {len(train_converted)} converted leads have an as-of date at least "
            f"{config.gap_days} days (one horizon) before the validation period "
            f"({calibration[0].isoformat()}); training needs {floor}. Lengthen var "
            "training_lookback_days or shorten var horizon_days."
        )
    return TimeSplit(
        train_dates=tuple(train),
        calibration_dates=tuple(calibration),
        test_dates=tuple(test),
        gap_days=config.gap_days,
    )


def split_panel(
    labelled: pl.DataFrame, date_column: str, id_column: str, label_column: str, config: SplitConfig
) -> TimeSplit:
    """The time split of labelled panel rows: by converted leads (:func:`lead_time_split`)
    when ``config.min_test_converted_leads`` is set, else by a count of dates
    (:func:`time_split`). The one place training and the preflight choose their periods."""
    dates = labelled.get_column(date_column).unique().to_list()
    if config.min_test_converted_leads is None:
        return time_split(dates, config)
    positives = (
        labelled.filter(pl.col(label_column) == 1)
        .group_by(date_column)
        .agg(pl.col(id_column).cast(pl.String))
    )
    return lead_time_split({row[0]: set(row[1]) for row in positives.iter_rows()}, dates, config)


def apply_split(
    rows: pl.DataFrame, split: TimeSplit, date_column: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return (training, calibration, test) rows of ``rows`` for a :class:`TimeSplit`."""
    date = pl.col(date_column).cast(pl.Date)
    return (
        rows.filter(date.is_in(list(split.train_dates))),
        rows.filter(date.is_in(list(split.calibration_dates))),
        rows.filter(date.is_in(list(split.test_dates))),
    )


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
