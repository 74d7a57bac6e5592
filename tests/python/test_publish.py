"""Write-audit-publish: what BI and reverse-ETL read (schema ``marts``) switches to a new
build only when every model and test of it passed; a failed build leaves the previous
complete set readable (issue 15).

The marts build into ``marts_audit``; ``macros/publish_marts.sql`` copies them to ``marts``
in one transaction at the end of a build where nothing failed. Here a build fails late,
after ``lead_scores`` and ``lead_routing`` were rebuilt: the export folder is a file, so
``export_files`` (the last model) cannot write.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_helpers import FIXTURES, query, run_dbt

SELECT = ["build", "--select", "+export_files", "--indirect-selection", "cautious"]


def _score_date(database: Path, schema: str) -> dt.date | None:
    """The as-of date of the lead scores in ``schema``: which build they come from."""
    return query(database, f"select max(features_as_of) from {schema}.lead_scores")[0][0]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("publish")
    database = root / "db.duckdb"
    variables = {
        "raw_data_path": str(FIXTURES / "mini_crm"),
        "export_path": str(root / "exports"),
        "report_path": str(root / "report.html"),
    }
    first = run_dbt(SELECT, database, variables)
    assert first.returncode == 0, first.stdout[-4000:]
    day_1 = query(database, "select score_date from intermediate.int_score_date")[0][0]
    # the published marts: the tables of marts_audit, copied into marts
    marts = [
        name
        for (name,) in query(
            database,
            "select table_name from information_schema.tables "
            "where table_schema = 'marts_audit' order by 1",
        )
    ]
    published_1 = {m: query(database, f"select * from marts.{m} order by all") for m in marts}

    blocker = root / "not_a_folder"
    blocker.write_text("a file where the export folder should be\n")
    day_2 = day_1 + dt.timedelta(days=1)
    failed = run_dbt(
        SELECT,
        database,
        variables | {"score_date": day_2.isoformat(), "export_path": str(blocker)},
    )
    state = {
        "published": _score_date(database, "marts"),
        "audit": _score_date(database, "marts_audit"),
        "marts": {m: query(database, f"select * from marts.{m} order by all") for m in marts},
    }
    return {
        "marts": marts,
        "day_1": day_1,
        "day_2": day_2,
        "first": first,
        "published_1": published_1,
        "failed": failed,
        "after_failure": state,
    }


def test_a_passing_build_publishes_its_marts(builds: dict) -> None:
    assert "leadscore: published" in builds["first"].stdout
    assert {"lead_scores", "lead_routing", "lead_routing_changes"} <= set(builds["marts"])
    assert builds["published_1"]["lead_scores"] and builds["published_1"]["lead_routing"]


def test_a_build_that_fails_late_publishes_nothing(builds: dict) -> None:
    failed = builds["failed"]
    assert failed.returncode != 0
    assert "export_files" in failed.stdout
    assert "NOT PUBLISHED" in failed.stdout
    assert "leadscore: published" not in failed.stdout
    # the failed build did rebuild the marts, in marts_audit ...
    assert builds["after_failure"]["audit"] == builds["day_2"]
    # ... and BI still reads the previous complete build, every mart of it, unchanged
    assert builds["after_failure"]["published"] == builds["day_1"]
    for mart in builds["marts"]:
        assert builds["after_failure"]["marts"][mart] == builds["published_1"][mart], mart
