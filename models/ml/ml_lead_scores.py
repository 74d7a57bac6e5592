"""Scores of the open leads at the score date, by the champion or the rules.

Thin: reads the scoring rows, the champions (ml_champion, in rank order), the latest
training run (why the rules score when there is no champion) and whether any run trained a
model (the end of cold start), calls
leadscore.ml.lifecycle.score_with_champion, returns its table.
"""

from leadscore.ml.lifecycle import score_with_champion
from leadscore.progress import log_to_dbt
from leadscore.settings import model_vars, scoring_config


def model(dbt, session):
    rows = dbt.ref("ml_scoring_rows").order("lead_id").pl()
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    latest = (
        dbt.ref("ml_training_runs")
        .order("ran_at desc, run_id desc")
        .limit(1)
        .select("action_reason, warning")
        .pl()
        .to_dicts()
    )
    # cold start lasts until a first model is trained (var rules_on_score_scale)
    trained = (
        dbt.ref("ml_training_runs").filter("version_id is not null").select("version_id").limit(1)
    ).pl()
    with log_to_dbt():  # its progress lines in dbt's console and log
        scores = score_with_champion(
            rows,
            champions,
            scoring_config(model_vars(dbt.config.get("meta"))),
            latest_run=latest[0] if latest else None,
            has_trained_model=trained.height > 0,
        )
    return scores
