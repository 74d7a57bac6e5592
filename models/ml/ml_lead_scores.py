"""Scores of the open leads at the score date, by the champion or the rules.

Thin: reads the scoring rows and the training runs, calls
leadscore.ml.lifecycle.score_with_champion, returns its table.
"""

from leadscore.ml.dbt_settings import scoring_config
from leadscore.ml.lifecycle import score_with_champion


def model(dbt, session):
    rows = dbt.ref("ml_scoring_rows").order("lead_id").pl()
    runs = dbt.ref("ml_training_runs").pl()
    return score_with_champion(rows, runs, scoring_config(dbt.config.get("meta")))
