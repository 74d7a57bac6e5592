"""One row per build: whether a model was trained and promoted, and why.

Thin: reads the labelled panel (its keys and labels; its features only when it trains), the
earlier runs, the preflight's counts for other horizons and the previous build's monitoring
alerts, calls leadscore.ml.lifecycle.training_run, returns its one row (appended). Its
progress lines (leadscore.progress) show in dbt's console and log while it runs.

Monitoring feeds back into retraining: when the previous build raised an alert (calibration,
AUC or drift; table model_health_alert_history) for the model that is still champion,
that alert goes into the lifecycle, so retrain_policy ``auto`` retrains
(leadscore.monitoring.alerts.retraining_alert decides). The alert table is built downstream of
this model, so it is read as the source previous_build.model_health_alert_history (what the
previous build wrote; var health_alert_history), and only when it exists.
"""

import datetime as dt

import duckdb
import polars as pl
from leadscore.ml.lifecycle import training_run
from leadscore.monitoring.alerts import retraining_alert
from leadscore.progress import log_to_dbt
from leadscore.settings import lifecycle_settings, model_vars


def previous_alerts(dbt):
    """The previous builds' alert history (polars), or None before the first one wrote it."""
    try:
        return dbt.source("previous_build", "model_health_alert_history").pl()
    except duckdb.CatalogException:
        return None


def model(dbt, session):
    values = model_vars(dbt.config.get("meta"))
    settings = lifecycle_settings(values)
    # the decision reads the keys and labels; the features only when it trains
    panel_rows = dbt.ref("ml_training_panel").order("lead_id, as_of_date")
    keys = settings.train.features
    panel = panel_rows.select(", ".join((keys.id_column, keys.date_column, keys.label_column))).pl()
    score_date = dbt.ref("int_score_date").pl().item(0, "score_date")
    previous = None
    if dbt.is_incremental:
        # the runs up to this score date: a backtest never learns from a later run
        previous = session.sql(f"select * from {dbt.this}").pl()
        previous = previous.filter(pl.col("score_date") <= score_date)
    alert = None
    if previous is not None:
        alerts = previous_alerts(dbt)
        alert = retraining_alert(alerts, previous, score_date)
    horizons = dbt.ref("ml_training_preflight").pl()
    with log_to_dbt():  # its progress lines in dbt's console and log
        run = training_run(
            panel,
            previous,
            settings,
            score_date=score_date,
            ran_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            alert=alert,
            horizons=horizons,
            whole_panel=panel_rows.pl,
        )
    return run
