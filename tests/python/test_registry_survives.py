"""The model registry (ml.ml_training_runs) outlives builds: `--full-refresh`, which rebuilds
every other table, appends this build's run to it instead of wiping the champions."""

from __future__ import annotations

from pathlib import Path

from dbt_helpers import query, run_dbt
from test_own_data_recipes import flat_leads_export, recipe_vars


def test_a_full_refresh_keeps_the_model_registry(tmp_path: Path) -> None:
    flat_leads_export(tmp_path / "export", n=80)
    variables = recipe_vars(tmp_path / "export")
    database = tmp_path / "db.duckdb"
    built = run_dbt(
        ["build", "--select", "+ml_training_runs", "--indirect-selection", "cautious"],
        database,
        variables,
    )
    assert built.returncode == 0, built.stdout[-3000:]
    [(first_run,)] = query(database, "select run_id from ml.ml_training_runs")

    again = run_dbt(["run", "--select", "ml_training_runs", "--full-refresh"], database, variables)
    assert again.returncode == 0, again.stdout[-3000:]
    runs = [row[0] for row in query(database, "select run_id from ml.ml_training_runs")]
    assert len(runs) == 2 and first_run in runs
