"""Write the model report (self-contained HTML) to var report_path; return its manifest.

Thin: reads the champions (ml_champion, in rank order), the registry, the scores, the health
marts (the rows the champion is judged on, model_evaluation_rows, and their calibration
deciles in model_calibration_bands and the calibration by slice among them) and the scoring
warnings, builds the report data with
leadscore.report.build_from_tables.report_data_from_tables, writes the page with
leadscore.report.write_report and returns one row (path, written_at, sections).
"""

import datetime as dt

from leadscore.report import write_report
from leadscore.report.build_from_tables import report_data_from_tables, report_manifest
from leadscore.settings import model_vars, report_path, report_settings


def model(dbt, session):
    settings = model_vars(dbt.config.get("meta"))
    written_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    data = report_data_from_tables(
        champions=dbt.ref("ml_champion").order("champion_rank").pl(),
        runs=dbt.ref("ml_training_runs").pl(),
        scores=dbt.ref("lead_scores").select("scoring_method, scoring_method_reason").pl(),
        weekly=dbt.ref("model_health_weekly").pl(),
        evaluation=dbt.ref("model_evaluation_rows").order("evaluation_row").pl(),
        bands=dbt.ref("model_calibration_bands").filter("rows_from = 'evaluation'").pl(),
        drift=dbt.ref("model_drift").pl(),
        alerts=dbt.ref("model_health_alert_history").pl(),
        warnings=dbt.ref("scoring_warnings").pl(),
        slices=dbt.ref("model_calibration_slices").pl(),
        settings=report_settings(settings),
        generated_at=written_at,
    )
    path = write_report(data, report_path(settings))
    return report_manifest(str(path), written_at, data)
