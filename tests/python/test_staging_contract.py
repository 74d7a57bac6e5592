"""The input contract end to end: dirty files in, clean staging out, every
rejected row accounted for, and clear errors for data that breaks it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import FIXTURES, query, run_dbt

STAGING = [
    "--select",
    "+rejected_rows",
    "+raw_row_reconciliation",
    "+raw_value_reconciliation",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("mini") / "mini.duckdb"
    result = run_dbt(["build", *STAGING], database, {"raw_data_path": str(FIXTURES / "mini_crm")})
    assert result.returncode == 0, result.stdout[-3000:]
    return database


def test_every_raw_row_is_kept_duplicated_or_rejected(mini_build: Path) -> None:
    rows = query(
        mini_build,
        "select source_table, raw_rows, kept_rows, duplicate_rows, rejected_rows"
        " from marts.raw_row_reconciliation order by 1",
    )
    counts = {row[0]: row[1:] for row in rows}
    # leads.csv: 9 rows = 4 kept + 2 older/repeated copies + 3 unusable
    assert counts["leads"] == (9, 4, 2, 3)
    # activities.csv: 11 rows = 5 kept + 1 repeated id + 5 rejected
    assert counts["activities"] == (11, 5, 1, 5)
    assert counts["accounts"] == (3, 2, 0, 1)
    # optional tables that are absent behave as empty
    assert counts["sales_reps"] == (0, 0, 0, 0)


def test_every_value_given_is_kept_or_counted(mini_build: Path) -> None:
    rows = query(
        mini_build,
        "select source_table, column_name, given_values, kept_values, unreadable_values,"
        " cleared_values, is_reconciled from marts.raw_value_reconciliation",
    )
    by_column = {(r[0], r[1]): r[2:] for r in rows}
    # the kept leads L1 (its latest copy), L2, L3 and L6: L2's 'bob at beta.io' is malformed
    assert by_column[("leads", "email")] == (4, 3, 0, 1, True)
    # the kept activities E1-E4 and E8 each give one (Desktop, mobile, desktop, ...)
    assert by_column[("activities", "device_type")] == (5, 5, 0, 0, True)
    assert all(r[-1] for r in rows)


def test_rejected_rows_say_why(mini_build: Path) -> None:
    reasons = dict(
        query(
            mini_build,
            "select row_key, reason from marts.rejected_rows where row_key not like '(row %'",
        )
    )
    assert reasons == {
        "L4": "unreadable created_at",
        "L5": "created_at in the future",
        "E5": "unknown lead_id",
        "E6": "occurred before the lead was created",
        "E7": "occurred_at in the future",
        "E9": "missing occurred_at",
    }


def test_latest_copy_wins_and_text_is_cleaned(mini_build: Path) -> None:
    rows = query(
        mini_build,
        "select lead_id, email, job_title, company_name, country, lead_source,"
        " is_email_valid, converted_at is not null, custom_landing_page_id"
        " from staging.stg_crm__leads order by lead_id",
    )
    by_id = {row[0]: row[1:] for row in rows}
    # L1 was exported twice: the later copy (updated 2025-03-01) wins
    assert by_id["L1"][:2] == ("ann@acme.com", "VP Engineering")
    assert by_id["L1"][6] is True
    # malformed email -> null and flagged; placeholders -> null
    assert by_id["L2"][0] is None and by_id["L2"][5] is False
    assert by_id["L2"][2:4] == (None, None)
    assert by_id["L3"][4] is None  # lead_source '-'
    # custom properties are kept, as custom_<name>
    assert by_id["L1"][7] == "lp_1"


def _copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "crm"
    shutil.copytree(FIXTURES / "mini_crm", folder)
    return folder


def test_missing_required_column_names_table_column_and_fix(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * exclude (occurred_at) from read_csv('{folder}/activities.csv',"
            f" all_varchar = true)) to '{folder}/activities.csv' (header)"
        )
    result = run_dbt(["build", *STAGING], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    assert result.returncode != 0
    assert "table 'activities'" in result.stdout
    assert "has no column 'occurred_at'" in result.stdout
    # the fix: map a column of another name, or rename it
    assert "column_map" in result.stdout
    assert "rename it in the export" in result.stdout


def test_missing_required_table_is_a_clear_error(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    (folder / "leads.csv").unlink()
    result = run_dbt(["build", *STAGING], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    assert result.returncode != 0
    assert "the required table 'leads' was not found" in result.stdout


@pytest.mark.parametrize(
    ("content", "what"),
    [("header", "has a header but no rows"), ("nothing", "is empty (no header, no rows)")],
)
def test_an_empty_leads_file_is_a_clear_error(tmp_path: Path, content: str, what: str) -> None:
    folder = _copy_fixture(tmp_path)
    leads = folder / "leads.csv"
    header = leads.read_text().splitlines()[0]
    leads.write_text(header + "\n" if content == "header" else "")
    result = run_dbt(["build", *STAGING], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    assert result.returncode != 0
    assert f"the required table 'leads' (file {leads}) {what}" in result.stdout, result.stdout[
        -2000:
    ]


def test_an_empty_optional_file_is_read_as_an_empty_table(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    (folder / "activities.csv").write_text("")
    database = tmp_path / "db.duckdb"
    result = run_dbt(["build", *STAGING], database, {"raw_data_path": str(folder)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "optional table 'activities'" in result.stdout
    assert "is empty (no header, no rows); treating it as empty" in result.stdout
    assert query(database, "select count(*) from staging.stg_crm__activities") == [(0,)]


def test_wrong_type_in_a_typed_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace (true as created_at) from read_csv('{folder}/leads.csv',"
            f" all_varchar = true)) to '{folder}/leads.parquet'"
        )
    result = run_dbt(["build", *STAGING], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    assert result.returncode != 0
    assert "column 'created_at' of table 'leads'" in result.stdout
    assert "BOOLEAN" in result.stdout


def test_parquet_files_and_a_warehouse_schema_give_the_same_staging(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    with duckdb.connect() as connection:
        for table in ("leads", "accounts", "activities"):
            connection.execute(
                f"copy (from read_csv('{folder}/{table}.csv', all_varchar = true))"
                f" to '{folder}/{table}.parquet'"
            )
            (folder / f"{table}.csv").unlink()
    parquet_db = tmp_path / "parquet" / "db.duckdb"
    parquet_db.parent.mkdir()
    assert run_dbt(["build", *STAGING], parquet_db, {"raw_data_path": str(folder)}).returncode == 0

    schema_db = tmp_path / "schema" / "db.duckdb"
    schema_db.parent.mkdir()
    with duckdb.connect(str(schema_db)) as connection:
        connection.execute("create schema crm_export")
        for table in ("leads", "accounts", "activities"):
            connection.execute(
                f"create table crm_export.{table} as from '{folder}/{table}.parquet'"
            )
    result = run_dbt(["build", *STAGING], schema_db, {"raw_schema": "crm_export"})
    assert result.returncode == 0, result.stdout[-3000:]

    sql = "select * exclude (raw_record) from marts.rejected_rows order by all"
    assert query(parquet_db, sql) == query(schema_db, sql)
    sql = "select * from staging.stg_crm__leads order by lead_id"
    assert query(parquet_db, sql) == query(schema_db, sql)
    assert len(query(schema_db, sql)) == 4
