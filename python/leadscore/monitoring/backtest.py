"""Backtest: the champion's probability and 0-100 score on past as-of dates.

:func:`replay_backtest` (``models/monitoring/ml_backtest_scores.py``): the scores the champion
would have given then, unless the score history already holds what was actually said that day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np
import polars as pl

from leadscore.ml.bundle import ModelBundle, loads_bundle
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
    # the row's features (ml_backtest_rows), for the next build's reuse of this replay
    "feature_fingerprint": pl.UInt64,
}

#: The columns of the backtest rows that :func:`replay_backtest` needs besides the features
#: (which it reads only for the rows it replays, when given a loader).
BACKTEST_ROW_COLUMNS = [
    "lead_id",
    "as_of_date",
    "label",
    "points_score",
    "history_probability",
    "history_score",
    "history_model_version",
    "feature_fingerprint",
]

#: The columns of an earlier build's replays that :func:`replay_backtest` reuses.
EARLIER_REPLAY_COLUMNS = [
    "lead_id",
    "as_of_date",
    "feature_fingerprint",
    "model_version",
    "model_probability",
    "model_score",
]


def replay_backtest(
    rows: pl.DataFrame,
    champions: pl.DataFrame | None,
    earlier: pl.DataFrame | None = None,
    features: Callable[[pl.DataFrame], Iterable[pl.DataFrame]] | None = None,
) -> pl.DataFrame:
    """The champion's scores on past as-of dates, next to the points score and the outcome.

    Args:
        rows: one row per lead and as-of date: ``lead_id``, ``as_of_date``, ``label`` (null
            while the horizon is open), ``points_score``, the features, and what the score
            history says was given that day (``history_probability``, ``history_score``,
            ``history_model_version``; null when that day was not scored by a model).
        champions: the ``ml_champion`` model ordered by ``champion_rank`` (the champion is
            the first row).
        earlier: the replays of an earlier build (:data:`EARLIER_REPLAY_COLUMNS`, from this
            model's previous table), or None. A row whose lead, as-of date and
            ``feature_fingerprint`` (a hash of its features, a column of ``rows``; null: never
            reused) match an earlier replay by the champion's version takes that replay's
            probability and score instead of being scored again: the same model on the same
            features gives the same figures.
        features: given ``lead_id`` and ``as_of_date`` of the rows to replay, their feature
            rows in that order, in batches (each is scored and let go: the memory held does
            not grow with the rows replayed); None when ``rows`` hold the features. With it,
            ``rows`` need only :data:`BACKTEST_ROW_COLUMNS`, and rows that are reused are
            never read whole.

    Returns:
        The columns of :data:`BACKTEST_SCHEMA`, in the order of ``rows``. Where the history
        holds a model score it is kept (``score_source`` ``history``); every other row is
        scored by the champion (``replay``; taken from ``earlier`` when it holds the same
        replay); without a champion the model columns are null (``none``).
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
    fingerprint = (
        pl.col("feature_fingerprint").cast(pl.UInt64)
        if "feature_fingerprint" in rows.columns
        else pl.lit(None, pl.UInt64).alias("feature_fingerprint")
    )
    base = rows.select(
        pl.col("lead_id").cast(pl.Utf8),
        pl.col("as_of_date").cast(pl.Date),
        pl.col("label").cast(pl.Int32),
        pl.col("points_score").cast(pl.Int32),
        pl.col("history_probability").cast(pl.Float64),
        pl.col("history_score").cast(pl.Int32),
        pl.col("history_model_version").cast(pl.Utf8),
        fingerprint,
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
        kept = _earlier_replays(base, earlier, version)
        reuse = replay & kept["model_score"].is_not_null().to_numpy()
        probability[reuse] = kept["model_probability"].to_numpy()[reuse]
        score[reuse] = kept["model_score"].to_numpy()[reuse]
        scored = replay & ~reuse
        to_replay = rows.filter(pl.Series(scored))
        if to_replay.height:
            p = (
                champion_probability(bundle, to_replay)
                if features is None
                else _replayed_in_batches(
                    bundle, to_replay.select("lead_id", "as_of_date"), features
                )
            )
            probability[scored] = p
            score[scored] = to_score(p, bundle.reference, bundle.score_scale)  # type: ignore[arg-type]
        LOG.info(
            "backtest: replayed %s rows with model %s in %s%s",
            f"{to_replay.height:,}",
            version,
            watch,
            f" ({int(reuse.sum()):,} more as an earlier build replayed them: the same model"
            " on the same features)"
            if reuse.any()
            else "",
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


def _replayed_in_batches(
    bundle: ModelBundle,
    wanted: pl.DataFrame,
    features: Callable[[pl.DataFrame], Iterable[pl.DataFrame]],
) -> np.ndarray:
    """The champion's probability on the feature rows of ``wanted``, read in batches."""
    parts: list[np.ndarray] = []
    done = 0
    for batch in features(wanted):
        if not batch.select("lead_id", "as_of_date").equals(wanted.slice(done, batch.height)):
            break
        parts.append(champion_probability(bundle, batch))
        done += batch.height
    if done != wanted.height or sum(part.size for part in parts) != done:
        raise MLInputError(
            "the backtest's feature rows do not match the rows to replay (lead_id, "
            "as_of_date, in order); check ml_backtest_rows for repeated keys."
        )
    return np.concatenate(parts)


def _earlier_replays(
    base: pl.DataFrame, earlier: pl.DataFrame | None, version: str
) -> pl.DataFrame:
    """Per row of ``base`` (same order), an earlier replay of the same features by ``version``:
    ``model_probability`` and ``model_score``, null where there is none."""
    empty = pl.DataFrame(
        {
            "model_probability": pl.Series([None] * base.height, dtype=pl.Float64),
            "model_score": pl.Series([None] * base.height, dtype=pl.Int32),
        }
    )
    if earlier is None or earlier.height == 0 or base.height == 0:
        return empty
    missing = [c for c in EARLIER_REPLAY_COLUMNS if c not in earlier.columns]
    if missing:
        LOG.info("backtest: the earlier replays lack %s; replaying every row", missing)
        return empty
    same = (
        earlier.filter(
            (pl.col("model_version") == version) & pl.col("feature_fingerprint").is_not_null()
        )
        .select(
            pl.col("lead_id").cast(pl.Utf8),
            pl.col("as_of_date").cast(pl.Date),
            pl.col("feature_fingerprint").cast(pl.UInt64),
            pl.col("model_probability").cast(pl.Float64),
            pl.col("model_score").cast(pl.Int32),
        )
        .unique(["lead_id", "as_of_date", "feature_fingerprint"], keep="first")
    )
    keys = ["lead_id", "as_of_date", "feature_fingerprint"]
    joined = base.select(keys).join(same, on=keys, how="left", maintain_order="left")
    return joined.select("model_probability", "model_score")
