"""Values of a typed column that cannot be read never vanish silently.

A column in a format the project does not read (every converted_at in DD/MM/YYYY) stops
the build with a contract error naming the table, the column, examples and the fix; a few
unreadable values (an employee_count of '50-100', an updated_at of '31/01/2025') are null
on kept rows, counted in marts.unreadable_values and printed as warnings; a clean export
warns about nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dbt_helpers import query, run_dbt

SELECTION = [
    "--select",
    "+unreadable_values",
    "+raw_row_reconciliation",
    "+raw_value_reconciliation",
    "--indirect-selection",
    "cautious",
]

LEAD_COLUMNS = ["lead_id", "email", "account_id", "created_at", "updated_at", "converted_at"]


def write_export(
    folder: Path,
    n: int = 30,
    converted_at: str = "2025-03-{day:02d} 09:00:00",
    created_at: str = "2025-01-{day:02d} 10:00:00",
    bad_updated_at: dict[int, str] | None = None,
    bad_employee_count: dict[int, str] | None = None,
) -> Path:
    """leads.csv (every third lead converted) and accounts.csv, clean unless told."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "leads.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LEAD_COLUMNS)
        for i in range(n):
            day = i % 28 + 1
            updated = (bad_updated_at or {}).get(i, f"2025-02-{day:02d} 10:00:00")
            writer.writerow(
                [
                    f"L{i:03d}",
                    f"lead{i}@acme{i % 5}.com",
                    f"A{i % 5}",
                    created_at.format(day=day),
                    updated,
                    converted_at.format(day=day) if i % 3 == 0 else "",
                ]
            )
    with (folder / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account_id", "company_name", "employee_count", "annual_revenue"])
        for i in range(5):
            employees = (bad_employee_count or {}).get(i, f"{(i + 1) * 100}")
            writer.writerow([f"A{i}", f"Acme {i}", employees, f"{(i + 1) * 1_000_000}"])
    return folder


def test_a_column_of_unreadable_dates_stops_the_build_with_the_fix(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "crm", converted_at="{day:02d}/03/2025")
    result = run_dbt(["build"], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "column 'converted_at' of table 'leads'" in result.stdout
    assert "cannot be read as timestamp" in result.stdout
    # how many, and examples as given
    assert "10 of its 10 non-empty values are unreadable" in result.stdout
    assert "e.g. '01/03/2025', '28/03/2025'" in result.stdout
    # the fix: reformat the export, or drop the column
    assert "Export it as ISO-8601 text" in result.stdout
    assert "drop the column from the export" in result.stdout
    assert "var unreadable_values_stop" in result.stdout
    assert "Traceback" not in output
    # nothing was scored from the unreadable column
    assert "base_crm__leads" in result.stdout
    assert "leadscore (unreadable values)" not in result.stdout


def test_a_required_column_of_unreadable_dates_stops_the_build_with_the_fix(
    tmp_path: Path,
) -> None:
    """Every created_at in DD/MM/YYYY: not 30 rejected rows and an empty CRM, but a stop that
    names the table, the column, examples and the fix."""
    folder = write_export(tmp_path / "crm", created_at="{day:02d}/01/2025 10:00")
    result = run_dbt(["build", *SELECTION], tmp_path / "db.duckdb", {"raw_data_path": str(folder)})
    assert result.returncode != 0
    assert "column 'created_at' of table 'leads'" in result.stdout
    assert "cannot be read as timestamp" in result.stdout
    assert "30 of its 30 non-empty values are unreadable" in result.stdout
    assert "Every row with such a value would be rejected" in result.stdout
    assert "Export it as ISO-8601 text" in result.stdout
    assert "drop the column" not in result.stdout  # the contract requires it
    assert "Traceback" not in result.stdout + result.stderr


def test_a_mapped_column_of_unreadable_numbers_names_the_mapping(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "crm")
    with (folder / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account_id", "Employees"])
        for i, size in enumerate(["1-10", "11-50", "51-200", "201-500", "500+", "1000"]):
            writer.writerow([f"A{i}", size])
    result = run_dbt(
        ["build", *SELECTION],
        tmp_path / "db.duckdb",
        {
            "raw_data_path": str(folder),
            "column_map": {"accounts": {"Employees": "employee_count"}},
        },
    )
    assert result.returncode != 0
    assert "column 'Employees' of table 'accounts'" in result.stdout
    assert "read as 'employee_count', cannot be read as integer" in result.stdout
    assert "5 of its 6 non-empty values are unreadable, e.g. '1-10', '51-200'" in result.stdout
    assert "remove 'Employees' from var column_map.accounts" in result.stdout
    assert "custom_employees" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_few_unreadable_values_are_null_listed_and_warned(tmp_path: Path) -> None:
    folder = write_export(
        tmp_path / "crm",
        bad_updated_at={4: "31/01/2025", 7: "yesterday"},
        bad_employee_count={2: "50-100"},
    )
    # a verdict with an unreadable given_at: listed, and its row rejected as such
    (folder / "lead_feedback.csv").write_text(
        "lead_id,rep_id,given_at,verdict\n"
        "L001,R1,2025-02-03 10:00:00,accepted\n"
        "L002,R1,last week,rejected\n"
    )
    database = tmp_path / "db.duckdb"
    result = run_dbt(["build", *SELECTION], database, {"raw_data_path": str(folder)})
    assert result.returncode == 0, result.stdout[-3000:]
    rows = query(
        database,
        "select source_table, column_name, contract_type, unreadable_values,"
        " unreadable_on_kept_rows, examples from marts.unreadable_values order by 1, 2",
    )
    assert rows == [
        ("accounts", "employee_count", "integer", 1, 1, "'50-100'"),
        ("lead_feedback", "given_at", "timestamp", 1, 0, "'last week'"),
        ("leads", "updated_at", "timestamp", 2, 2, "'31/01/2025', 'yesterday'"),
    ]
    # the rows are kept, the values read as null (staging then uses created_at)
    kept = query(
        database,
        "select base.lead_id, base.updated_at is null, stg.updated_at = stg.created_at"
        " from staging.base_crm__leads as base"
        " inner join staging.stg_crm__leads as stg on base.lead_id = stg.lead_id"
        " where base.lead_id in ('L004', 'L005', 'L007') order by 1",
    )
    assert kept == [("L004", True, True), ("L005", False, False), ("L007", True, True)]
    accounts = query(
        database, "select employee_count from staging.stg_crm__accounts where account_id = 'A2'"
    )
    assert accounts == [(None,)]
    # and the value reconciliation counts them: given = kept + unreadable; staging fills in
    # created_at for the two updated_at
    reconciled = query(
        database,
        "select source_table, column_name, given_values, kept_values, unreadable_values,"
        " staging_values, filled_values from marts.raw_value_reconciliation"
        " where column_name in ('updated_at', 'employee_count') order by 1",
    )
    assert reconciled == [
        ("accounts", "employee_count", 5, 4, 1, 4, 0),
        ("leads", "updated_at", 30, 28, 2, 30, 2),
    ]
    # and the build says so at its end
    assert (
        "leadscore (unreadable values): leads.updated_at: 2 values could not be read as"
        " timestamp and are null instead (2 on rows kept), e.g. '31/01/2025', 'yesterday'."
        in result.stdout
    )
    assert "accounts.employee_count: 1 value could not be read as integer" in result.stdout
    # a count below var unreadable_values_stop.min_values never stops the build
    assert query(database, "select row_key, reason from marts.rejected_rows") == [
        ("L002", "unreadable given_at")
    ]


def test_a_clean_export_warns_about_nothing(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "crm")
    database = tmp_path / "db.duckdb"
    result = run_dbt(["build", *SELECTION], database, {"raw_data_path": str(folder)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert query(database, "select count(*) from marts.unreadable_values") == [(0,)]
    assert "leadscore (unreadable values)" not in result.stdout


def test_the_stop_is_configurable_and_the_values_are_then_listed(tmp_path: Path) -> None:
    folder = write_export(tmp_path / "crm", converted_at="{day:02d}/03/2025")
    database = tmp_path / "db.duckdb"
    result = run_dbt(
        ["build", *SELECTION],
        database,
        {"raw_data_path": str(folder), "unreadable_values_stop": {"share": None, "min_values": 5}},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert query(
        database,
        "select column_name, unreadable_values, unreadable_on_kept_rows, examples"
        " from marts.unreadable_values",
    ) == [("converted_at", 10, 10, "'01/03/2025', '28/03/2025'")]
    assert "leads.converted_at: 10 values could not be read as timestamp" in result.stdout

    bad = run_dbt(
        ["build", *SELECTION],
        tmp_path / "bad.duckdb",
        {"raw_data_path": str(folder), "unreadable_values_stop": {"share": 50}},
    )
    assert bad.returncode != 0
    assert "var unreadable_values_stop must be {share:" in bad.stdout
