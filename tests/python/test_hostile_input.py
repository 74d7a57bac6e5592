"""No input changes the SQL that runs: a column header, a cell, a file name or a var value
crafted as SQL is read as data (or refused with a clear error), never executed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from dbt_helpers import FIXTURES, query, run_dbt

STAGING = ["build", "--select", "+stg_crm__leads", "--indirect-selection", "cautious"]
# A header that, unescaped inside "...", would close the identifier and read a local file.
HOSTILE_HEADER = "x\" , (select content from read_text('/etc/hostname')) as \"leak"
HOSTILE_CELL = "'); drop table staging.base_crm__leads; --"


def _export(tmp_path: Path) -> Path:
    folder = tmp_path / "crm"
    shutil.copytree(FIXTURES / "mini_crm", folder)
    path = folder / "leads.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[0].append(HOSTILE_HEADER)
    for row in rows[1:]:
        row.append(HOSTILE_CELL)
    rows[1][4] = HOSTILE_CELL  # a job title too
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def test_a_sql_header_and_sql_cells_are_read_as_data(tmp_path: Path) -> None:
    folder = _export(tmp_path)
    database = tmp_path / "db.duckdb"
    result = run_dbt(STAGING, database, {"raw_data_path": str(folder)})
    assert result.returncode == 0, result.stdout[-3000:]
    # the header became one custom property holding the cells as they were
    columns = [
        row[0]
        for row in query(
            database,
            "select column_name from information_schema.columns"
            " where table_schema = 'staging' and table_name = 'base_crm__leads'",
        )
    ]
    hostile = "custom_x_select_content_from_read_text_etc_hostname_as_leak"
    assert {c for c in columns if c.startswith("custom_")} == {"custom_landing_page_id", hostile}
    values = {row[0] for row in query(database, f"select {hostile} from staging.base_crm__leads")}
    assert values == {HOSTILE_CELL}
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else None
    if hostname:
        dumped = query(database, "select * from staging.base_crm__leads")
        assert not any(hostname == str(value).strip() for row in dumped for value in row)
    # the table the cell names is still there
    assert query(database, "select count(*) > 0 from staging.base_crm__leads") == [(True,)]


def test_a_file_name_var_with_sql_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    folder = _export(tmp_path)
    result = run_dbt(
        STAGING,
        tmp_path / "db.duckdb",
        {"raw_data_path": str(folder), "raw_tables": {"leads": "leads') union select 1 --"}},
    )
    assert result.returncode != 0
    assert "var raw_tables" in result.stdout, result.stdout[-2000:]
