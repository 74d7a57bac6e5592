"""Write-audit-publish: what BI and reverse-ETL read (schema ``marts``) switches to a new
build only when every model and test of it passed; a failed build leaves the previous
complete set readable; an identical rerun publishes the same set again (issue 15).

The marts build into ``marts_audit``; ``macros/publish_marts.sql`` copies them to ``marts``
in one transaction at the end of a build where nothing failed.

One small CRM that trains a model (test_own_data_recipes' flat leads export, 1,100 leads,
44 of them converted) is built in full, as the quickstart builds. Three builds each start
from a copy of that warehouse, so none depends on another:

* the next day's build fails late through a model, after ``lead_scores`` and
  ``lead_routing`` were rebuilt: the export folder is a file, so ``export_files`` (the last
  model) cannot write;
* the next day's build fails late through a data test: a copy of the project with one more
  singular test, on ``lead_routing``, that returns rows. The product has no hook for this:
  the test is a file of the copy;
* the same build again (same data, score date and vars), as a user reruns the quickstart:
  the same marts, row for row, and no second model in the registry, although the first
  build's monitoring raised alerts on the model it had just trained;
* the report alone (``dbt run -s model_report``) to a ``report_path`` that cannot be
  written (a file where its folder should be): one clear message naming the path and the
  var, no Python traceback, nothing published.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import PROJECT_DIR, query, run_dbt
from test_own_data_recipes import flat_leads_export, recipe_vars

N_LEADS = 1100
#: the failing builds: the marts, from the raw files to the export
SELECT = ["build", "--select", "+export_files", "--indirect-selection", "cautious"]
FAILING_TEST = "assert_fails_after_the_marts"
RUNS = (
    "select action, action_reason, version_id, model_bundle from ml.ml_training_runs"
    " order by ran_at"
)

#: Columns a rerun writes anew: when the build ran, not what it computed.
STAMPED = {
    "lead_scores": {"scored_at"},
    "model_health_alerts": {"raised_at"},
    "model_report": {"written_at"},
}
#: Averages of doubles taken in SQL (avg() in DuckDB's parallel aggregation) and what is
#: computed from them. The threads add in the order they finish, so a rerun differs in the
#: last bits (seen: 0.15000000000000122, then 0.14999999999999913): compared to a relative
#: 1e-9, not exactly; a real change moves them by far more.
AVERAGED = {
    "model_calibration_bands": {"predicted_rate"},
    "model_calibration_slices": {"predicted_rate", "gap", "tolerance"},
    # a calibration alert's rates (none is raised on this CRM: its alerts are on drift)
    "model_health_alerts": {"metric_value", "threshold"},
    "model_health_weekly": {"predicted_rate", "brier"},
}


def _score_date(database: Path, schema: str) -> dt.date | None:
    """The as-of date of the lead scores in ``schema``: which build they come from."""
    return query(database, f"select max(features_as_of) from {schema}.lead_scores")[0][0]


def _marts(database: Path, schema: str, marts: list[str]) -> dict[str, list[tuple]]:
    """Every row of each of ``marts`` in ``schema``, sorted."""
    return {m: query(database, f"select * from {schema}.{m} order by all") for m in marts}


def _columns(database: Path, mart: str) -> list[str]:
    """The column names of ``marts.<mart>``, in order."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(f"select * from marts.{mart}").columns


def _comparable(mart: str, columns: list[str], rows: list[tuple]) -> list[tuple]:
    """``rows`` without the columns in STAMPED and with those in AVERAGED approximate."""
    kept = [i for i, column in enumerate(columns) if column not in STAMPED.get(mart, set())]
    averaged = AVERAGED.get(mart, set())
    return [
        tuple(
            pytest.approx(row[i], rel=1e-9)
            if columns[i] in averaged and isinstance(row[i], float)
            else row[i]
            for i in kept
        )
        for row in rows
    ]


def _copy_of_the_first_build(first: dict, name: str) -> Path:
    """A copy of the first build's warehouse, in a folder of its own."""
    folder = first["root"] / name
    folder.mkdir()
    shutil.copy2(first["database"], folder / "db.duckdb")
    return folder / "db.duckdb"


def _project_with_a_failing_test(folder: Path) -> Path:
    """A copy of the dbt project with one more singular data test, on ``lead_routing``,
    that fails whenever lead_routing has rows. Python models import the installed
    ``leadscore`` package; the vars of every path are passed, so nothing else is needed."""
    folder.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, folder / name)
    for name in ("models", "macros", "seeds", "tests/data"):
        shutil.copytree(
            PROJECT_DIR / name, folder / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    (folder / "tests" / "data" / f"{FAILING_TEST}.sql").write_text(
        "-- fails after lead_scores and lead_routing were rebuilt: every routed lead\n"
        "select lead_id from {{ ref('lead_routing') }}\n"
    )
    return folder


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The first build, in full, published: where the other builds start."""
    root = tmp_path_factory.mktemp("publish")
    flat_leads_export(root / "crm", n=N_LEADS)
    database = root / "first" / "db.duckdb"
    database.parent.mkdir()
    variables = recipe_vars(root / "crm") | {
        "export_path": str(root / "first" / "exports"),
        "report_path": str(root / "first" / "report.html"),
        # 44 converted leads: enough to train a model
        "cold_start_min_conversions": 30,
    }
    result = run_dbt(["build"], database, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    # the published marts: the tables of marts_audit, copied into marts
    marts = [
        name
        for (name,) in query(
            database,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts_audit' order by 1",
        )
    ]
    return {
        "root": root,
        "database": database,
        "variables": variables,
        "result": result,
        "day_1": _score_date(database, "marts"),
        "marts": marts,
        "columns": {mart: _columns(database, mart) for mart in marts},
        "published": _marts(database, "marts", marts),
        "runs": query(database, RUNS),
        "history": query(database, "select count(*) from marts.lead_score_history")[0][0],
    }


def _failed(
    first: dict, day_2: dt.date, result: subprocess.CompletedProcess[str], database: Path
) -> dict:
    """What a failed build of ``day_2`` left: its output and the two schemas."""
    return {
        "day_2": day_2,
        "result": result,
        "published": _score_date(database, "marts"),
        "audit": _score_date(database, "marts_audit"),
        "marts": _marts(database, "marts", first["marts"]),
    }


@pytest.fixture(scope="module")
def model_failed(first: dict) -> dict:
    """The next day's build, whose last model (export_files) fails."""
    database = _copy_of_the_first_build(first, "model_failed")
    blocker = database.parent / "not_a_folder"
    blocker.write_text("a file where the export folder should be\n")
    day_2 = first["day_1"] + dt.timedelta(days=1)
    result = run_dbt(
        SELECT,
        database,
        first["variables"] | {"score_date": day_2.isoformat(), "export_path": str(blocker)},
    )
    return _failed(first, day_2, result, database)


@pytest.fixture(scope="module")
def data_test_failed(first: dict) -> dict:
    """The next day's build with a data test that fails once the marts are rebuilt."""
    database = _copy_of_the_first_build(first, "data_test_failed")
    project = _project_with_a_failing_test(database.parent / "project")
    day_2 = first["day_1"] + dt.timedelta(days=1)
    result = run_dbt(
        SELECT,
        database,
        first["variables"]
        | {
            "score_date": day_2.isoformat(),
            "export_path": str(database.parent / "exports"),
            "report_path": str(database.parent / "report.html"),
        },
        project_dir=project,
    )
    return _failed(first, day_2, result, database)


@pytest.fixture(scope="module")
def report_blocked(first: dict) -> dict:
    """The report alone, written where it cannot be: under a file."""
    database = _copy_of_the_first_build(first, "report_blocked")
    blocker = database.parent / "not_a_folder"
    blocker.write_text("a file where the report's folder should be\n")
    report = blocker / "model_report.html"
    result = run_dbt(
        ["run", "--select", "model_report"],
        database,
        first["variables"] | {"report_path": str(report)},
    )
    return {"result": result, "report": report, "marts": _marts(database, "marts", first["marts"])}


@pytest.fixture(scope="module")
def rerun(first: dict) -> dict:
    """The first build again, unchanged: the same command, data, score date and vars."""
    database = _copy_of_the_first_build(first, "rerun")
    result = run_dbt(["build"], database, first["variables"])
    return {
        "result": result,
        "published": _marts(database, "marts", first["marts"]),
        "runs": query(database, RUNS),
        "history": query(database, "select count(*) from marts.lead_score_history")[0][0],
    }


def test_a_passing_build_publishes_its_marts(first: dict) -> None:
    assert "leadscore: published" in first["result"].stdout
    assert {"lead_scores", "lead_routing", "lead_routing_changes"} <= set(first["marts"])
    assert first["published"]["lead_scores"] and first["published"]["lead_routing"]


def _assert_nothing_published(first: dict, failed: dict) -> None:
    assert failed["result"].returncode != 0
    assert "NOT PUBLISHED" in failed["result"].stdout
    assert "leadscore: published" not in failed["result"].stdout
    # the failed build did rebuild the marts, in marts_audit ...
    assert failed["audit"] == failed["day_2"]
    # ... and BI still reads the previous complete build, every mart of it, unchanged
    assert failed["published"] == first["day_1"]
    for mart in first["marts"]:
        assert failed["marts"][mart] == first["published"][mart], mart


def test_a_build_whose_last_model_fails_publishes_nothing(first: dict, model_failed: dict) -> None:
    assert "export_files" in model_failed["result"].stdout
    _assert_nothing_published(first, model_failed)


def test_a_build_whose_data_test_fails_publishes_nothing(
    first: dict, data_test_failed: dict
) -> None:
    assert FAILING_TEST in data_test_failed["result"].stdout
    _assert_nothing_published(first, data_test_failed)


def test_an_unwritable_report_path_stops_the_build_saying_where_and_which_var(
    first: dict, report_blocked: dict
) -> None:
    result = report_blocked["result"]
    assert result.returncode != 0
    # one line names the path and the var to change; dbt's own error frame, no traceback
    assert f"cannot write the model report to {report_blocked['report']}" in result.stdout
    assert "var report_path" in result.stdout
    assert "Traceback" not in result.stdout
    assert "NOT PUBLISHED" in result.stdout
    for mart in first["marts"]:
        assert report_blocked["marts"][mart] == first["published"][mart], mart


def test_an_identical_rerun_publishes_the_same_marts(first: dict, rerun: dict) -> None:
    assert rerun["result"].returncode == 0, rerun["result"].stdout[-4000:]
    assert "leadscore: published" in rerun["result"].stdout
    # the rerun's own marts, scored anew ...
    at = first["columns"]["lead_scores"].index("scored_at")
    scored = [row[at] for row in rerun["published"]["lead_scores"]]
    assert min(scored) > max(row[at] for row in first["published"]["lead_scores"])
    # ... with the same rows, the change feed's too (nothing was marked synced: it offers
    # the same leads again)
    for mart in first["marts"]:
        columns = first["columns"][mart]
        assert _comparable(mart, columns, rerun["published"][mart]) == _comparable(
            mart, columns, first["published"][mart]
        ), mart
    # the score history holds each lead once at this score date, as before
    assert rerun["history"] == first["history"]


def test_an_identical_rerun_trains_no_second_model(first: dict, rerun: dict) -> None:
    [(action, _, version_id, bundle)] = first["runs"]
    assert action == "trained" and version_id and bundle
    # the rerun records one more run, which trained nothing: the champion was trained at
    # this score date, so the alerts the first build raised on it do not retrain it
    assert rerun["runs"][: len(first["runs"])] == first["runs"]
    [(action, reason, version_id, bundle)] = rerun["runs"][len(first["runs"]) :]
    assert (action, version_id, bundle) == ("kept_champion", None, None), reason
    assert "trained at this score date already" in reason
    # the registry BI reads still lists the one model
    assert len(rerun["published"]["model_registry"]) == 1
