"""Population stability index of the champion's features and score, training window vs now.

Thin: reads the two populations and the champions (ml_champion, in rank order), calls
leadscore.monitoring.drift.drift_table, returns its table.
"""

from leadscore.monitoring.drift import drift_table
from leadscore.progress import log_to_dbt
from leadscore.settings import drift_settings, model_vars


def model(dbt, session):
    rows = dbt.ref("ml_drift_rows").order("population, lead_id, as_of_date").pl()
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    with log_to_dbt():  # its progress lines in dbt's console and log
        drift = drift_table(rows, champions, drift_settings(model_vars(dbt.config.get("meta"))))
    return drift
