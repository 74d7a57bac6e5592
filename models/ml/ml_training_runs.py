"""One row per build: whether a model was trained and promoted, and why.

Thin: reads the labelled panel and the earlier runs, calls
leadscore.ml.lifecycle.training_run, returns its one row (appended).
"""

import datetime as dt

from leadscore.ml.dbt_settings import lifecycle_settings
from leadscore.ml.lifecycle import training_run


def model(dbt, session):
    settings = lifecycle_settings(dbt.config.get("meta"))
    panel = dbt.ref("ml_training_panel").order("lead_id, as_of_date").pl()
    score_date = dbt.ref("int_score_date").pl().item(0, "score_date")
    previous = session.sql(f"select * from {dbt.this}").pl() if dbt.is_incremental else None
    drift_alert = False
    return training_run(
        panel,
        previous,
        settings,
        score_date=score_date,
        ran_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        drift_alert=drift_alert,
    )
