"""Progress lines of the long steps (training, scoring, backtest, drift) and their way into dbt.

A build's ML steps can take minutes; they log what they do and how far they are (rows with
thousands separators, candidates, seconds) on the ``leadscore`` loggers, and the dbt Python
models hand those lines to dbt's console and log (``leadscore.progress.log_to_dbt``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
import pytest
from champion_frames import champions
from leadscore.ml import ModelParams
from leadscore.ml.lifecycle import score_with_champion, training_run
from leadscore.monitoring.backtest import replay_backtest
from leadscore.monitoring.drift import drift_table
from leadscore.progress import LOGGER, DbtEventHandler, log_to_dbt
from project_settings import drift, lifecycle, scoring, split_by_dates, train_config
from synthetic_panel import make_synthetic_panel

SCORE_DATE = dt.date(2025, 8, 4)
SECONDS = r"\d+\.\d s"


@contextmanager
def leadscore_lines() -> Iterator[list[str]]:
    """The messages logged under ``leadscore`` at INFO and above while in the block."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger(LOGGER)
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    """300 leads x 30 weekly dates (9,000 rows), the last 2 unlabelled."""
    return make_synthetic_panel(n_leads=300, n_dates=30, seed=7, n_unlabelled_dates=2)


@pytest.fixture(scope="module")
def trained(panel: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """A training run with both candidates (the champion of the other tests), and its lines."""
    settings = lifecycle(
        min_labelled=100,
        min_conversions=20,
        train=train_config(
            split=split_by_dates(), params=ModelParams(hgb_max_iter=30), importance_repeats=1
        ),
    )
    with leadscore_lines() as lines:
        run = training_run(
            panel.sort("lead_id", "as_of_date"),
            None,
            settings,
            score_date=SCORE_DATE,
            ran_at=dt.datetime(2025, 8, 4, 6, 0),
        )
    assert run.item(0, "action") == "trained"
    return run, lines


def line(lines: list[str], pattern: str) -> int:
    """The index of the one line matching ``pattern`` (a regex, searched)."""
    found = [i for i, text in enumerate(lines) if re.search(pattern, text)]
    assert len(found) == 1, f"{pattern!r} matches {len(found)} of these lines:\n" + "\n".join(lines)
    return found[0]


def test_training_says_rows_candidates_scores_and_seconds(
    trained: tuple[pl.DataFrame, list[str]],
) -> None:
    run, lines = trained
    train_rows = run.item(0, "train_rows")
    assert train_rows >= 1_000  # so the thousands separator shows
    assert all(text.startswith("training: ") for text in lines)
    # the panel: rows with thousands separators, positives, leads
    line(lines, r"^training: panel of 9,000 rows: 8,400 labelled \([\d,]+ positive\) on 300 leads")
    line(lines, r"^training: training a challenger: no champion model yet")
    line(lines, rf"^training: split by as-of date: training {train_rows:,} rows \([\d,]+ posi")
    # each candidate: a line before its fit (what runs now) and one after (seconds, score)
    for i, name in ((1, "logistic"), (2, "hgb")):
        start = line(lines, rf"^training: candidate {i}/2 {name} on {train_rows:,} rows x \d+ ")
        done = line(
            lines,
            rf"^training: candidate {i}/2 {name} fitted in {SECONDS}, PR AUC 0\.\d{{4}} on "
            r"[\d,]+ calibration rows",
        )
        assert start < done
    selected = line(lines, r"^training: selected (logistic|hgb) by PR AUC")
    assert run.item(0, "model_kind") in lines[selected]
    line(lines, rf"^training: permutation importance of \d+ features .* in {SECONDS}$")
    line(lines, rf"^training: calibrated \(sigmoid\) on [\d,]+ calibration rows in {SECONDS}")
    refit = line(lines, r"^training: refit \w+ on 8,400 labelled rows \([\d,]+ positive\)")
    assert refit < line(lines, rf"^training: refit done in {SECONDS}$")
    line(lines, rf"^training: done in {SECONDS}")
    last = line(lines, rf"^training: {run.item(0, 'version_id')} promoted in {SECONDS}: promote")
    assert last == len(lines) - 1
    # few lines: one per step, never per row or per as-of date
    assert len(lines) <= 20


def test_a_run_that_does_not_train_says_why(panel: pl.DataFrame) -> None:
    settings = lifecycle(min_labelled=100_000)
    with leadscore_lines() as lines:
        training_run(panel, None, settings, SCORE_DATE, dt.datetime(2025, 8, 4, 6, 0))
    assert len(lines) == 2
    assert lines[1].startswith("training: not trained (cold start): ")


def test_scoring_counts_batches_with_rows_and_seconds(
    panel: pl.DataFrame, trained: tuple[pl.DataFrame, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    run, _ = trained
    rows = panel.filter(pl.col("as_of_date") >= dt.date(2025, 7, 7))  # 4 dates, 1,200 rows
    caplog.set_level(logging.INFO, logger=LOGGER)
    score_with_champion(rows, champions(run), scoring(batch_size=500))
    lines = caplog.messages
    version = run.item(0, "version_id")
    assert lines[0].startswith(f"scoring: 1,200 leads with model {version}, ")
    assert lines[0].endswith(" features, in 3 batches of 500 ...")
    assert re.fullmatch(rf"scoring: batch 1/3 done \(500 of 1,200 leads\) at {SECONDS}", lines[1])
    assert re.fullmatch(rf"scoring: batch 3/3 done \(1,200 of 1,200 leads\) at {SECONDS}", lines[3])
    assert re.fullmatch(rf"scoring: 1,200 leads scored in {SECONDS}", lines[4])
    assert len(lines) == 5

    caplog.clear()
    reasons = [pl.lit("a reason").alias(f"points_reason_{i}") for i in (1, 2, 3)]
    score_with_champion(rows.with_columns(reasons), None, scoring())
    assert caplog.messages == [
        "scoring: 1,200 leads by the points rules (rules score: no model has been trained yet)"
    ]


def test_backtest_and_drift_say_rows_dates_and_seconds(
    panel: pl.DataFrame, trained: tuple[pl.DataFrame, list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    run, _ = trained
    version = run.item(0, "version_id")
    caplog.set_level(logging.INFO, logger=LOGGER)
    rows = panel.filter(pl.col("as_of_date") >= dt.date(2025, 7, 7)).with_columns(
        pl.lit(None, pl.Float64).alias("history_probability"),
        pl.lit(None, pl.Int32).alias("history_score"),
        pl.lit(None, pl.Utf8).alias("history_model_version"),
    )
    replay_backtest(rows, champions(run))
    assert caplog.messages[0] == (
        "backtest: 1,200 rows on 4 as-of dates (2025-07-07 to 2025-07-28): 0 from the score "
        "history, 1,200 to replay"
    )
    assert re.fullmatch(
        rf"backtest: replayed 1,200 rows with model {version} in {SECONDS}", caplog.messages[1]
    )

    caplog.clear()
    champion = run.row(0, named=True)
    reference = panel.filter(
        pl.col("as_of_date").is_between(champion["train_start"], champion["train_end"])
    )
    current = panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
    drift_table(
        pl.concat(
            [
                reference.with_columns(pl.lit("reference").alias("population")),
                current.with_columns(pl.lit("current").alias("population")),
            ]
        ),
        champions(run),
        drift(),
    )
    assert caplog.messages[0] == (
        f"drift: {reference.height:,} reference rows (as-of dates {champion['train_start']} to "
        f"{champion['train_end']}) vs 300 current rows"
    )
    assert re.fullmatch(
        rf"drift: PSI of \d+ features and the score of model {version} in {SECONDS}: "
        r"\d+ \w+(, \d+ \w+)*",
        caplog.messages[1],
    )


def test_log_to_dbt_hands_the_lines_to_dbt_while_the_block_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from dbt_common.events.event_manager_client import get_event_manager

    events: list[tuple[str, str]] = []
    manager = get_event_manager()
    manager.add_callback(lambda e: events.append((e.info.level, e.info.msg)))
    caplog.set_level(logging.INFO, logger=LOGGER)
    logger = logging.getLogger(LOGGER)
    before = (list(logger.handlers), logger.propagate)
    try:
        with log_to_dbt():
            with log_to_dbt():  # dbt runs models on two threads: blocks overlap
                logging.getLogger("leadscore.ml.train").info("training: %s rows", f"{12345:,}")
            logging.getLogger("leadscore.monitoring.drift").warning("drift: slow")
            assert sum(isinstance(h, DbtEventHandler) for h in logger.handlers) == 1
        logging.getLogger("leadscore.ml.scoring").info("scoring: after the block")
    finally:
        manager.callbacks.pop()
    ours = [event for event in events if event[1].startswith("leadscore:")]
    assert ours == [
        ("info", "leadscore: training: 12,345 rows"),
        ("warn", "leadscore: drift: slow"),
    ]
    # inside the block the lines went to dbt only: dbt's process has a root handler on
    # stderr that would print each a second time; after it, logging is as it was. (dbt's
    # own file log, once an in-process dbt ran in this worker, logs under "file_log".)
    ours_in_root = [r.getMessage() for r in caplog.records if r.name.startswith(LOGGER)]
    assert ours_in_root == ["scoring: after the block"]
    assert (list(logger.handlers), logger.propagate) == before


def test_the_package_runs_without_importing_dbt() -> None:
    code = (
        "import sys, leadscore.progress, leadscore.ml.lifecycle, leadscore.monitoring.drift, "
        "leadscore.monitoring.backtest\n"
        "print(sorted(m for m in sys.modules if m == 'dbt' or m.startswith(('dbt.', 'dbt_'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
