"""One export with every kind of bad row at once (issue 15): nothing vanishes silently.

A small CRM export is written with clean rows plus one row of each kind of dirt a real
export has: missing, unreadable and future dates, unknown ids, exact and older copies, lines
that are not UTF-8 or have a column too many, unreadable optional values, values staging
clears (a malformed email, a negative revenue, an unknown device) or fills in, SQL and
spreadsheet formulas in cells, a header with a quote in it. One build must keep the clean
rows, reject each bad row with its reason (``rejected_rows``), count each unreadable optional
value (``unreadable_values``), keep cells as data, neutralise formulas in the CSV exports only,
and balance every table: raw rows = kept + duplicates + rejected, and per column the values
given = kept + unreadable + cleared (``raw_value_reconciliation``).

The inputs that stop a build (a missing required column or table, an empty leads file, a
column in a format the project does not read, a file in another encoding, bad vars, a file
name or header crafted to run SQL, an unwritable report path) have their own tests:
test_staging_contract, test_unreadable_values, test_unreadable_lines, test_var_spec,
test_hostile_input, test_own_data_recipes and test_report; the faults (a damaged champion,
a build failing late) test_unusable_champion and test_publish.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from dbt_helpers import query, run_dbt

SELECT = [
    "build",
    "--select",
    "+rejected_rows",
    "+raw_row_reconciliation",
    "+unreadable_values",
    "+raw_value_reconciliation",
    "+export_files",
    "--indirect-selection",
    "cautious",
]
LEAD_COLUMNS = [
    "lead_id", "email", "job_title", "company_name", "account_id", "country", "lead_source",
    "created_at", "updated_at", "converted_at", "is_disqualified", "disqualified_at", 'we"ird',
]  # fmt: skip
ACTIVITY_COLUMNS = ["activity_id", "lead_id", "occurred_at", "activity_type", "url", "device_type"]
ACCOUNT_COLUMNS = ["account_id", "company_name", "employee_count", "annual_revenue"]
REP_COLUMNS = ["rep_id", "name", "email", "segment", "region", "daily_capacity", "is_active"]
FORMULA_ID = "=cmd|' /C calc'!A0"
SQL_CELL = "x'); drop table staging.base_crm__leads; --"

# (table, id of the bad row, reason in rejected_rows)
REJECTED = [
    ("leads", "", "missing lead_id"),
    ("leads", "L-no-created", "missing created_at"),
    ("leads", "L-dmy", "unreadable created_at"),
    ("leads", "L-future", "created_at in the future"),
    ("leads", "L-latin1", "unreadable line (not utf-8; var raw_encodings)"),
    ("leads", "L-wide", "unreadable line (too many columns)"),
    ("activities", "", "missing activity_id"),
    ("activities", "A-no-lead", "missing lead_id"),
    ("activities", "A-no-type", "missing activity_type"),
    ("activities", "A-dmy", "unreadable occurred_at"),
    ("activities", "A-future", "occurred_at in the future"),
    ("activities", "A-ghost", "unknown lead_id"),
    ("activities", "A-early", "occurred before the lead was created"),
]
# (table, column): one unreadable value each, on a kept row
UNREADABLE = [
    ("leads", "converted_at"),
    ("leads", "is_disqualified"),
    ("leads", "updated_at"),
    ("leads", "disqualified_at"),
    ("accounts", "annual_revenue"),
    ("sales_reps", "is_active"),
]
# (table, column): (given, kept, unreadable, cleared, staging, filled) on the kept rows:
# 44 leads (L00-L39, L-bad-values, L-sql, the formula id, L-bad-email), 6 accounts
# (ACC0-ACC3, ACC-bad, ACC-neg), 120 activities (A000-A119), 3 sales reps.
VALUES = {
    # every fifth of L00-L39, L-sql (95) and L-bad-values' unreadable '12/03/2025'
    ("leads", "converted_at"): (10, 9, 1, 0, 9, 0),
    # on every kept lead; for L-bad-values' 'soon', staging fills in created_at
    ("leads", "updated_at"): (44, 43, 1, 0, 44, 1),
    # L-bad-email's 'lead97 at acme1' is malformed: null in staging
    ("leads", "email"): (44, 43, 0, 1, 43, 0),
    # not in the export: staging fills in false
    ("leads", "email_opt_out"): (0, 0, 0, 0, 44, 44),
    # clean: ACC0-ACC3 and ACC-neg (ACC-bad gives none)
    ("accounts", "employee_count"): (5, 5, 0, 0, 5, 0),
    # ACC-bad's 'about 5M' cannot be read, ACC-neg's -250000 is cleared
    ("accounts", "annual_revenue"): (6, 4, 1, 1, 4, 0),
    # A001 'Mobile', A002 'phone' (a mobile), A003 'Smart TV' (unknown: null)
    ("activities", "device_type"): (3, 2, 0, 1, 2, 0),
    # clean: every activity has one
    ("activities", "url"): (120, 120, 0, 0, 120, 0),
    # R2's 'bob at corp' is malformed
    ("sales_reps", "email"): (2, 1, 0, 1, 1, 0),
    # R2's '???' has no letter or digit left: ''
    ("sales_reps", "segment"): (3, 2, 0, 1, 2, 0),
    # R2's 3000000000 is a whole number (it was once lost: read as a 32-bit integer);
    # R3 gives none: 0
    ("sales_reps", "daily_capacity"): (2, 2, 0, 0, 3, 1),
    # R2's 'maybe' cannot be read; R2 and R3 are then active by default
    ("sales_reps", "is_active"): (2, 1, 1, 0, 3, 2),
}


def _lead(i: int, **values: str) -> dict[str, str]:
    day = i % 28 + 1
    return {
        "lead_id": f"L{i:02d}",
        "email": f"lead{i}@acme{i % 4}.com",
        "job_title": ["VP Sales", "CTO", "Analyst", "Head of Growth"][i % 4],
        "company_name": f"Acme {i % 4}",
        "account_id": "",
        "country": "US",
        "lead_source": ["Referral", "Webinar", "Paid Search"][i % 3],
        "created_at": f"2025-01-{day:02d} 10:00:00",
        "updated_at": f"2025-02-{day:02d} 10:00:00",
        "converted_at": f"2025-03-{day:02d} 09:00:00" if i % 5 == 0 else "",
        "is_disqualified": "false",
        "disqualified_at": "",
        'we"ird': f"w{i}",
    } | values


def _activity(
    activity_id: str, lead_id: str, occurred_at: str, kind: str = "page_view", device: str = ""
) -> dict:
    return {
        "activity_id": activity_id,
        "lead_id": lead_id,
        "occurred_at": occurred_at,
        "activity_type": kind,
        "url": "https://example.com/pricing",
        "device_type": device,
    }


def _write(path: Path, columns: list[str], rows: list[dict], extra: bytes = b"") -> int:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with path.open("ab") as handle:
        handle.write(extra)
    return len(path.read_bytes().splitlines()) - 1  # data lines


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("dirty")
    crm = root / "crm"
    crm.mkdir()
    leads = [_lead(i) for i in range(40)]
    leads += [
        _lead(90, lead_id=""),
        _lead(91, lead_id="L-no-created", created_at=""),
        _lead(92, lead_id="L-dmy", created_at="31/01/2025"),
        _lead(93, lead_id="L-future", created_at="2099-01-01 00:00:00"),
        # an older copy of L01 (the latest copy wins)
        _lead(1, updated_at="2025-01-15 10:00:00", job_title="Intern"),
        # one unreadable value in each of four optional columns, on kept rows
        _lead(
            94,
            lead_id="L-bad-values",
            converted_at="12/03/2025",
            is_disqualified="maybe",
            updated_at="soon",
            disqualified_at="last week",
        ),
        # SQL and spreadsheet formulas in cells are data
        _lead(95, lead_id="L-sql", company_name=SQL_CELL),
        _lead(96, lead_id=FORMULA_ID, email="-2+3@x.com"),
        # a malformed email on a kept row: null in staging, counted as cleared
        _lead(97, lead_id="L-bad-email", email="lead97 at acme1"),
    ]
    not_utf8 = (
        b"L-latin1,l@x.com,Gesch\xe4ftsf\xfchrer,Acme,,DE,Referral,2025-01-05 10:00:00,,,false,,w\n"
    )
    too_wide = b"L-wide,w@x.com,CTO,Acme,,US,Referral,2025-01-05 10:00:00,,,false,,w,extra\n"
    lead_lines = _write(crm / "leads.csv", LEAD_COLUMNS, leads, not_utf8 + too_wide)

    devices = {1: "Mobile", 2: "phone", 3: "Smart TV"}
    activities = [
        _activity(
            f"A{i:03d}",
            f"L{i % 40:02d}",
            f"2025-02-{i % 28 + 1:02d} 11:00:00",
            device=devices.get(i, ""),
        )
        for i in range(120)
    ]
    activities += [
        _activity("A000", "L00", "2025-02-01 11:00:00"),  # an exact copy
        _activity("", "L02", "2025-02-02 11:00:00"),
        _activity("A-no-lead", "", "2025-02-02 11:00:00"),
        _activity("A-no-type", "L03", "2025-02-02 11:00:00", kind=""),
        _activity("A-dmy", "L04", "02/02/2025"),
        _activity("A-future", "L05", "2099-02-02 11:00:00"),
        _activity("A-ghost", "L-nobody", "2025-02-02 11:00:00"),
        _activity("A-early", "L27", "2024-06-01 11:00:00"),
    ]
    activity_lines = _write(crm / "activities.csv", ACTIVITY_COLUMNS, activities)

    accounts = [
        {
            "account_id": f"ACC{i}",
            "company_name": f"Acme {i}",
            "employee_count": str(50 * (i + 1)),
            "annual_revenue": str(1_000_000 * (i + 1)),
        }
        for i in range(4)
    ]
    accounts += [
        accounts[0],  # an exact copy
        # an unreadable optional value on a kept row
        {"account_id": "ACC-bad", "company_name": "Bad Co", "annual_revenue": "about 5M"},
        # a negative revenue: null in staging, counted as cleared
        {
            "account_id": "ACC-neg",
            "company_name": "Neg Co",
            "employee_count": "10",
            "annual_revenue": "-250000",
        },
    ]
    account_lines = _write(crm / "accounts.csv", ACCOUNT_COLUMNS, accounts)

    reps = [
        ["R1", "Ann Rep", "ann@corp.com", "SMB", "US", "5", "true"],
        ["R2", "Bob Rep", "bob at corp", "???", "US", "3000000000", "maybe"],
        ["R3", "Cy Rep", "", "Enterprise", "EU", "", ""],
    ]
    _write(
        crm / "sales_reps.csv", REP_COLUMNS, [dict(zip(REP_COLUMNS, r, strict=True)) for r in reps]
    )

    database = root / "db.duckdb"
    exports = root / "exports"
    result = run_dbt(
        SELECT,
        database,
        {
            "raw_data_path": str(crm),
            "export_path": str(exports),
            "report_path": str(root / "report.html"),
            "score_date": "2025-03-31",
        },
    )
    return {
        "result": result,
        "database": database,
        "exports": exports,
        "lines": {"leads": lead_lines, "activities": activity_lines, "accounts": account_lines},
    }


def test_the_build_passes_and_warns_about_the_unreadable_values(dirty: dict) -> None:
    assert dirty["result"].returncode == 0, dirty["result"].stdout[-4000:]
    assert "Traceback" not in dirty["result"].stdout
    assert "unreadable" in dirty["result"].stdout  # the end-of-build warning


def test_every_bad_row_is_rejected_with_its_reason(dirty: dict) -> None:
    rejected = query(
        dirty["database"], "select source_table, reason, raw_record from marts.rejected_rows"
    )
    for table, bad_id, reason in REJECTED:
        found = [
            r
            for r in rejected
            if r[0] == table and r[1] == reason and (not bad_id or bad_id in (r[2] or ""))
        ]
        assert len(found) == 1, (table, bad_id, reason, [r[:2] for r in rejected])
    assert len(rejected) == len(REJECTED)  # and nothing else


def test_every_unreadable_optional_value_is_counted_on_a_kept_row(dirty: dict) -> None:
    counted = query(
        dirty["database"],
        "select source_table, column_name, unreadable_on_kept_rows, examples"
        " from marts.unreadable_values",
    )
    assert {(t, c) for t, c, _, _ in counted} == set(UNREADABLE)
    assert all(kept == 1 for _, _, kept, _ in counted)
    [(converted_at,)] = query(
        dirty["database"],
        "select converted_at from staging.stg_crm__leads where lead_id = 'L-bad-values'",
    )
    assert converted_at is None  # null on the kept row, and counted above


def test_raw_rows_are_kept_duplicates_or_rejected_in_every_table(dirty: dict) -> None:
    rows = query(
        dirty["database"],
        "select source_table, raw_rows, kept_rows, duplicate_rows, rejected_rows, is_reconciled"
        " from marts.raw_row_reconciliation",
    )
    by_table = {r[0]: r[1:] for r in rows}
    for table, lines in dirty["lines"].items():
        raw, kept, duplicates, rejected, balanced = by_table[table]
        assert raw == lines, table  # every line of the file is a raw row
        assert raw == kept + duplicates + rejected and balanced, table
        # the older copy of L01, the exact copies of A000 and ACC0
        assert duplicates == 1, table
    assert all(r[-1] for r in rows)


def test_every_value_given_is_kept_unreadable_or_cleared_in_every_column(dirty: dict) -> None:
    rows = query(
        dirty["database"],
        "select source_table, column_name, given_values, kept_values, unreadable_values,"
        " cleared_values, staging_values, filled_values, is_reconciled,"
        " cleared_rule, filled_rule from marts.raw_value_reconciliation",
    )
    by_column = {(r[0], r[1]): r[2:] for r in rows}
    for column, expected in VALUES.items():
        assert by_column[column][:6] == expected, column
    # every column adds up: given = kept + unreadable + cleared, staging = kept + filled
    for column, (given, kept, unreadable, cleared, staging, filled, *rest) in by_column.items():
        assert given == kept + unreadable + cleared and staging == kept + filled, column
        assert rest[0] is True, column
        assert (cleared == 0 or rest[1]) and (filled == 0 or rest[2]), column  # with the rule
    # every optional contract column of every table has a row
    assert len(by_column) == 41
    assert by_column[("leads", "email")][7] == "a malformed email is null (is_email_valid false)"
    assert by_column[("leads", "updated_at")][8] == "none read: created_at"
    # and the counts are those of the staging tables themselves
    [(capacity, segment)] = query(
        dirty["database"],
        "select daily_capacity, segment from staging.stg_crm__sales_reps where rep_id = 'R2'",
    )
    assert (capacity, segment) == (3_000_000_000, "")


def test_sql_and_quotes_in_cells_and_headers_stay_data(dirty: dict) -> None:
    [(company, custom)] = query(
        dirty["database"],
        "select company_name, custom_we_ird from staging.stg_crm__leads where lead_id = 'L-sql'",
    )
    assert company == SQL_CELL and custom == "w95"
    assert query(dirty["database"], "select count(*) from staging.base_crm__leads")[0][0] > 40


def test_formulas_are_neutralised_in_the_csv_exports_only(dirty: dict) -> None:
    exports: Path = dirty["exports"]
    routing = pl.read_parquet(exports / "lead_routing.parquet")
    assert FORMULA_ID in routing.get_column("lead_id").to_list()  # Parquet: the raw value
    with (exports / "lead_routing.csv").open(newline="") as handle:
        ids = [row["lead_id"] for row in csv.DictReader(handle)]
    assert "'" + FORMULA_ID in ids and FORMULA_ID not in ids
    text = (exports / "lead_routing.csv").read_text()
    assert "\n-2+3@x.com" not in text and ",-2+3@x.com" not in text
