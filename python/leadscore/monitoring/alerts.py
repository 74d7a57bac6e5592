"""Monitoring alerts fed back into retraining.

:func:`retraining_alert` (``models/state/ml_training_runs.py``): whether the previous build
raised a monitoring alert for the model that is still champion, which makes the ``auto``
retraining policy retrain. The answer is data (:class:`~leadscore.ml.policy.AlertCheck`); the
retraining decision built on it words the run's ``action_reason`` once. It runs inside the
registry's writer on that model's own earlier rows, so it takes the champion as the writer
sees it (:func:`leadscore.ml.lifecycle.champion_run`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from leadscore.ml.lifecycle import champion_run
from leadscore.ml.policy import AlertCheck, AlertStatus


def retraining_alert(
    alert_history: pl.DataFrame | None,
    runs: pl.DataFrame | None,
    score_date: dt.date,
) -> AlertCheck:
    """Whether the previous build raised a monitoring alert for the model still champion.

    The previous build is the latest run in ``runs``; its alerts are the rows of
    ``alert_history`` at that run's score date whose ``champion_run_id`` is the current
    champion's run. A champion trained at this same score date is not retrained again: it
    has seen all the data there is, so a retrain would give the same model.

    Returns:
        An :class:`~leadscore.ml.policy.AlertCheck`: ``raised`` with the alerts (``kind``,
        ``reason``, sorted by kind and subject), or why not. The lifecycle passes it to
        :func:`~leadscore.ml.policy.needs_retraining`, whose decision words it.
    """
    champion = champion_run(runs)
    if champion is None or runs is None:
        return AlertCheck(AlertStatus.NO_CHAMPION)
    if alert_history is None or alert_history.height == 0:
        return AlertCheck(AlertStatus.NONE_RECORDED)
    previous = runs.sort(["ran_at", "run_id"]).row(-1, named=True)
    where = {
        "previous_score_date": previous["score_date"],
        "champion_version": champion["version_id"],
    }
    raised = alert_history.filter(
        (pl.col("score_date") == previous["score_date"])
        & (pl.col("champion_run_id") == champion["run_id"])
    ).sort(["kind", "subject"])
    if raised.height == 0:
        return AlertCheck(AlertStatus.NONE_FOR_CHAMPION, **where)
    if champion["score_date"] is not None and champion["score_date"] >= score_date:
        return AlertCheck(AlertStatus.CHAMPION_TRAINED_NOW, **where)
    return AlertCheck(
        AlertStatus.RAISED, **where, alerts=tuple(raised.select("kind", "reason").iter_rows())
    )
