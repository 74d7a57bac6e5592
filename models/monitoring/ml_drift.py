"""Population stability index of the champion's features and score, training window vs now.

Thin: reads the champions (ml_champion, in rank order), this model's previous table (what it
measured of the reference: the same champion on the same reference rows is not measured
again), today's scores (ml_lead_scores: the champion's probabilities are not computed twice)
and the two populations (only the current one when the reference is reused), calls
leadscore.monitoring.drift.drift_table, returns its table.
"""

import duckdb
from leadscore.monitoring.drift import EARLIER_DRIFT_COLUMNS, drift_table, reusable_reference
from leadscore.progress import log_to_dbt
from leadscore.settings import drift_settings, model_vars


def earlier_drift(dbt, session):
    """The previous build's drift table (polars), or None before the first build wrote it."""
    try:
        return session.sql(f"select {', '.join(EARLIER_DRIFT_COLUMNS)} from {dbt.this}").pl()
    except (duckdb.CatalogException, duckdb.BinderException):  # no table, or an older one
        return None


def model(dbt, session):
    settings = drift_settings(model_vars(dbt.config.get("meta")))
    champions = dbt.ref("ml_champion").order("champion_rank").pl()
    populations = dbt.ref("ml_drift_rows")
    # today's probabilities, when the champion gave them (and drift runs after scoring,
    # not beside it: the two never hold their rows in memory at once)
    scores = dbt.ref("ml_lead_scores").select("lead_id, probability, model_version").pl()

    def fingerprints():  # the reference rows' fingerprints, read only to compare
        reference = populations.filter("population = 'reference'")
        return reference.select("feature_fingerprint").pl().get_column("feature_fingerprint")

    with log_to_dbt():  # its progress lines in dbt's console and log
        reference = reusable_reference(
            earlier_drift(dbt, session), champions, fingerprints, settings
        )
        if reference is not None:
            populations = populations.filter("population = 'current'")
        rows = populations.order("population, lead_id, as_of_date").pl()
        drift = drift_table(rows, champions, settings, reference, scores)
    return drift
