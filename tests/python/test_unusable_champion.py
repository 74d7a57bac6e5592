"""A champion whose model bundle cannot be loaded never blocks a build (issue 15).

On a warehouse whose champion bundle was damaged, the next build marks it unusable in the
registry with the reason, scores with the previous usable model or the rules and says why.
That training then replaces it as usual is the lifecycle's unit test
(test_ml_lifecycle::test_a_champion_that_cannot_be_loaded_is_marked_unusable_and_replaced).
"""

from __future__ import annotations

import duckdb
import pytest
from dbt_helpers import query, run_dbt
from test_own_data_recipes import flat_leads_export, recipe_vars

SELECT = [
    "build",
    "--select",
    "+lead_scores",
    "+model_registry",
    "+ml_drift",
    "+scoring_warnings",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("unusable")
    flat_leads_export(root / "export", n=2400)
    variables = recipe_vars(root / "export")
    database = root / "db.duckdb"
    first = run_dbt(SELECT, database, variables)
    assert first.returncode == 0, first.stdout[-4000:]
    [(version,)] = query(database, "select version_id from ml.ml_training_runs where is_promoted")
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "update ml.ml_training_runs set model_bundle = 'damaged on disk'::blob"
            " where is_promoted"
        )
    kept = run_dbt(SELECT, database, variables | {"retrain_policy": "never"})
    after_kept = {
        "runs": query(
            database, "select action, version_id, action_reason from ml.ml_training_runs"
        ),
        "scores": query(
            database,
            "select distinct scoring_method, scoring_method_reason from marts.lead_scores",
        ),
        "registry": query(
            database, "select version_id, is_usable, unusable_reason from marts.model_registry"
        ),
        "warnings": query(database, "select message from marts.scoring_warnings"),
    }
    return {"version": version, "kept": kept, "after_kept": after_kept}


def test_the_build_passes_and_marks_the_champion_unusable_with_the_reason(damaged: dict) -> None:
    assert damaged["kept"].returncode == 0, damaged["kept"].stdout[-4000:]
    marks = [run for run in damaged["after_kept"]["runs"] if run[0] == "marked_unusable"]
    assert len(marks) == 1
    _, version, reason = marks[0]
    assert version == damaged["version"]
    assert reason.startswith(f"model {version} cannot be loaded (")
    assert damaged["after_kept"]["registry"] == [(version, False, reason)]


def test_the_rules_score_and_the_log_says_why(damaged: dict) -> None:
    [(method, _)] = damaged["after_kept"]["scores"]
    assert method == "rules"  # no earlier usable model here
    assert any(
        f"model {damaged['version']} cannot be loaded" in message
        for (message,) in damaged["after_kept"]["warnings"]
    )
    assert f"model {damaged['version']} cannot be loaded" in damaged["kept"].stdout
