"""Monitoring alerts fed back into retraining.

:func:`retraining_alert` and :func:`with_alert_reason` (``models/state/ml_training_runs.py``):
whether the previous build raised a monitoring alert for the model that is still champion,
which makes the ``auto`` retraining policy retrain, and the reason recorded for it. They run
inside the registry's writer on its own earlier rows, so they take the champion as the writer
sees it (:func:`leadscore.ml.lifecycle.champion_run`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from leadscore.ml.lifecycle import champion_run

#: What ``needs_retraining`` says about the alert flag (replaced by the details).
_POLICY_ALERT_REASON = "drift alert on the champion's inputs or scores"
_POLICY_NO_ALERT_SUFFIX = "; no drift alert"


def retraining_alert(
    alert_history: pl.DataFrame | None,
    runs: pl.DataFrame | None,
    score_date: dt.date,
) -> tuple[bool, str]:
    """Whether the previous build raised a monitoring alert for the model still champion.

    The previous build is the latest run in ``runs``; its alerts are the rows of
    ``alert_history`` at that run's score date whose ``champion_run_id`` is the current
    champion's run. A champion trained at this same score date is not retrained again: it
    has seen all the data there is, so a retrain would give the same model.

    Returns:
        ``(True, reason)`` with the alerts in words, or ``(False, why not)``.
    """
    champion = champion_run(runs)
    if champion is None or runs is None:
        return False, "no champion to monitor"
    if alert_history is None or alert_history.height == 0:
        return False, "no monitoring alerts recorded"
    previous = runs.sort(["ran_at", "run_id"]).row(-1, named=True)
    raised = alert_history.filter(
        (pl.col("score_date") == previous["score_date"])
        & (pl.col("champion_run_id") == champion["run_id"])
    ).sort(["kind", "subject"])
    if raised.height == 0:
        return False, (
            f"the previous build (score date {previous['score_date']}) raised no alert for the "
            f"champion {champion['version_id']}"
        )
    if champion["score_date"] is not None and champion["score_date"] >= score_date:
        return False, (
            f"alerts for the champion {champion['version_id']}, but it was trained at this "
            "score date already"
        )
    shown = [f"{kind}: {reason}" for kind, reason in raised.select("kind", "reason").iter_rows()]
    more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
    return True, (
        f"monitoring alert from the build of {previous['score_date']} on champion "
        f"{champion['version_id']}: " + "; ".join(shown[:3]) + more
    )


def with_alert_reason(run: pl.DataFrame, drift_alert: bool, alert_reason: str) -> pl.DataFrame:
    """Put what monitoring said into a training run's ``action_reason``.

    The lifecycle records generic words for the alert flag: when the run retrained because of
    an alert (``drift_alert``), its reason becomes the alerts themselves; when it did not, the
    closing "no drift alert" says why instead (e.g. no alert for this champion, or alerts for
    a champion trained at this score date already). Other reasons are left untouched.
    """
    if drift_alert:
        return run.with_columns(
            pl.when(pl.col("action_reason") == _POLICY_ALERT_REASON)
            .then(pl.lit(f"retrained on a {alert_reason}"))
            .otherwise(pl.col("action_reason"))
            .alias("action_reason")
        )
    reason = pl.col("action_reason")
    return run.with_columns(
        pl.when(reason.str.ends_with(_POLICY_NO_ALERT_SUFFIX))
        .then(reason.str.strip_suffix(_POLICY_NO_ALERT_SUFFIX) + pl.lit(f"; {alert_reason}"))
        .otherwise(reason)
        .alias("action_reason")
    )
