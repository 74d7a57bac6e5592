"""Backtest: the champion's probability and 0-100 score on past as-of dates.

:func:`replay_backtest` (``models/monitoring/ml_backtest_scores.py``): the scores the champion
would have given then, unless the score history already holds what was actually said that day.
"""

from __future__ import annotations

import logging

import numpy as np
import polars as pl

from leadscore.ml.bundle import loads_bundle
from leadscore.ml.errors import MLInputError
from leadscore.ml.lifecycle import first_champion
from leadscore.ml.scale import to_score
from leadscore.monitoring.scoring import champion_probability
from leadscore.progress import Stopwatch

LOG = logging.getLogger(__name__)

BACKTEST_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.Utf8,
    "as_of_date": pl.Date,
    "label": pl.Int32,
    "points_score": pl.Int32,
    "model_probability": pl.Float64,
    "model_score": pl.Int32,
    "model_version": pl.Utf8,
    "score_source": pl.Utf8,  # history | replay | none
    "champion_run_id": pl.Utf8,
}


def replay_backtest(rows: pl.DataFrame, champions: pl.DataFrame | None) -> pl.DataFrame:
    """The champion's scores on past as-of dates, next to the points score and the outcome.

    Args:
        rows: one row per lead and as-of date: ``lead_id``, ``as_of_date``, ``label`` (null
            while the horizon is open), ``points_score``, the features, and what the score
            history says was given that day (``history_probability``, ``history_score``,
            ``history_model_version``; null when that day was not scored by a model).
        champions: the ``ml_champion`` model ordered by ``champion_rank`` (the champion is
            the first row).

    Returns:
        The columns of :data:`BACKTEST_SCHEMA`, in the order of ``rows``. Where the history
        holds a model score it is kept (``score_source`` ``history``); every other row is
        scored by the champion (``replay``); without a champion the model columns are null
        (``none``).
    """
    needed = ["lead_id", "as_of_date", "label", "points_score"]
    history = ["history_probability", "history_score", "history_model_version"]
    missing = [c for c in needed + history if c not in rows.columns]
    if missing:
        raise MLInputError(
            f"backtest rows lack column(s) {missing}; build them with models/ml/"
            "ml_backtest_rows.sql."
        )
    watch = Stopwatch()
    champion = first_champion(champions)
    has_history = pl.col("history_probability").is_not_null()
    dates = rows.get_column("as_of_date")
    n_history = rows.select(has_history.sum()).item() if rows.height else 0
    LOG.info(
        "backtest: %s rows on %d as-of dates%s: %s from the score history, %s to replay%s",
        f"{rows.height:,}",
        dates.n_unique(),
        f" ({dates.min()} to {dates.max()})" if rows.height else "",
        f"{n_history:,}",
        f"{rows.height - n_history:,}",
        "" if champion is not None else " (no champion: left without a model score)",
    )
    base = rows.select(
        pl.col("lead_id").cast(pl.Utf8),
        pl.col("as_of_date").cast(pl.Date),
        pl.col("label").cast(pl.Int32),
        pl.col("points_score").cast(pl.Int32),
        pl.col("history_probability").cast(pl.Float64),
        pl.col("history_score").cast(pl.Int32),
        pl.col("history_model_version").cast(pl.Utf8),
    )
    probability = np.full(rows.height, np.nan)
    score = np.zeros(rows.height, dtype=np.int32)
    replay = np.zeros(rows.height, dtype=bool)
    version = None
    run_id = None
    if champion is not None and champion.get("model_bundle") is not None:
        bundle = loads_bundle(champion["model_bundle"])
        version, run_id = bundle.version_id, champion["run_id"]
        replay = ~rows.select(has_history).to_series().to_numpy()
        to_replay = rows.filter(~has_history)
        if to_replay.height:
            p = champion_probability(bundle, to_replay)
            probability[replay] = p
            score[replay] = to_score(p, bundle.reference, bundle.score_scale)  # type: ignore[arg-type]
        LOG.info(
            "backtest: replayed %s rows with model %s in %s",
            f"{to_replay.height:,}",
            version,
            watch,
        )
    replayed = pl.DataFrame(
        {
            "replay_probability": pl.Series(probability).fill_nan(None),
            "replay_score": pl.Series(score, dtype=pl.Int32),
            "is_replay": pl.Series(replay, dtype=pl.Boolean),
        }
    )
    out = pl.concat([base, replayed], how="horizontal").with_columns(
        pl.when("is_replay")
        .then("replay_probability")
        .otherwise("history_probability")
        .alias("model_probability"),
        pl.when("is_replay").then("replay_score").otherwise("history_score").alias("model_score"),
        pl.when("is_replay")
        .then(pl.lit(version, pl.Utf8))
        .otherwise("history_model_version")
        .alias("model_version"),
        pl.when("is_replay")
        .then(pl.lit("replay"))
        .when(pl.col("history_probability").is_not_null())
        .then(pl.lit("history"))
        .otherwise(pl.lit("none"))
        .alias("score_source"),
        pl.lit(run_id, pl.Utf8).alias("champion_run_id"),
    )
    return out.select(list(BACKTEST_SCHEMA)).cast(BACKTEST_SCHEMA)  # type: ignore[arg-type]
