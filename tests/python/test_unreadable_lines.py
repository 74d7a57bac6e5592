"""A line of a CSV export that cannot be read is a rejected row, not a failed build
(issue 15): one title with a byte that is not UTF-8 (a Latin-1 'ü'), one activity line with
a column too many. Every other row is kept, the rejects say why and hold the line, and the
reconciliation still balances (raw = kept + duplicates + rejected). With the file's encoding
set (var raw_encodings) the line reads; a file where most lines cannot be read stops the
build with the fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dbt_helpers import FIXTURES, query, run_dbt

SELECTION = [
    "build",
    "--select",
    "+rejected_rows",
    "+raw_row_reconciliation",
    "+stg_crm__leads",
    "--indirect-selection",
    "cautious",
]
NOT_UTF8 = "unreadable line (not utf-8; var raw_encodings)"


def _export(folder: Path) -> Path:
    """The mini CRM with one Latin-1 title in leads.csv and one bad line in activities.csv."""
    shutil.copytree(FIXTURES / "mini_crm", folder)
    leads = (folder / "leads.csv").read_bytes().splitlines(keepends=True)
    # the last lead's job title gets a Latin-1 'ü' (0xFC: not UTF-8)
    fields = leads[-1].split(b",")
    fields[4] = b"Gesch\xe4ftsf\xfchrer"
    leads[-1] = b",".join(fields)
    (folder / "leads.csv").write_bytes(b"".join(leads))
    with (folder / "activities.csv").open("ab") as handle:
        handle.write(
            b"X-1,L1,2025-03-01 10:00:00,page_view,https://x.com,desktop,spring,one too many\n"
        )
    return folder


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) - 1  # without the header


def test_an_unreadable_line_is_a_rejected_row_not_a_failed_build(tmp_path: Path) -> None:
    crm = _export(tmp_path / "crm")
    database = tmp_path / "db.duckdb"
    result = run_dbt(SELECTION, database, {"raw_data_path": str(crm)})
    assert result.returncode == 0, result.stdout[-4000:]
    rejected = query(
        database,
        "select source_table, reason, raw_record from marts.rejected_rows"
        " where reason like 'unreadable line%' order by 1",
    )
    assert [(table, reason) for table, reason, _ in rejected] == [
        ("activities", "unreadable line (too many columns)"),
        ("leads", NOT_UTF8),
    ]
    assert "one too many" in rejected[0][2]
    assert "Gesch" in rejected[1][2]
    # nothing vanished: every line of both files is kept, a duplicate or rejected
    for table in ("leads", "activities"):
        ((raw, balanced),) = query(
            database,
            "select raw_rows, is_reconciled from marts.raw_row_reconciliation"
            f" where source_table = '{table}'",
        )
        assert raw == _lines(crm / f"{table}.csv")
        assert balanced


def test_the_encoding_of_a_file_is_configuration(tmp_path: Path) -> None:
    crm = _export(tmp_path / "crm")
    database = tmp_path / "db.duckdb"
    variables = {"raw_data_path": str(crm), "raw_encodings": {"leads": "latin-1"}}
    result = run_dbt(SELECTION, database, variables)
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(database, f"select count(*) from marts.rejected_rows where reason = '{NOT_UTF8}'")[
        0
    ] == (0,)
    titles = [t for (t,) in query(database, "select job_title from staging.base_crm__leads")]
    assert "Geschäftsführer" in titles


def test_a_file_in_another_encoding_stops_with_the_fix(tmp_path: Path) -> None:
    crm = tmp_path / "crm"
    shutil.copytree(FIXTURES / "mini_crm", crm)
    # every title Latin-1: the whole file is in another encoding
    lines = (crm / "leads.csv").read_bytes().splitlines(keepends=True)
    out = [lines[0]]
    for line in lines[1:]:
        fields = line.split(b",")
        fields[4] = b"Gesch\xe4ftsf\xfchrer"
        out.append(b",".join(fields))
    (crm / "leads.csv").write_bytes(b"".join(out))
    result = run_dbt(SELECTION, tmp_path / "db.duckdb", {"raw_data_path": str(crm)})
    assert result.returncode != 0
    assert "lines of" in result.stdout and "leads.csv" in result.stdout
    assert "raw_encodings: {leads: latin-1}" in result.stdout
    assert "Traceback" not in result.stdout
