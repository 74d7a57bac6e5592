"""Export files for tools outside the warehouse: each table as Parquet and CSV.

The dbt model `export_files` calls `write_exports` on every build with the
reverse-ETL marts (`lead_routing`, `lead_routing_changes`), so a reverse-ETL
tool or `python -m leadscore.sync` reads files and never needs the DuckDB file
that dbt holds open. Each file is written to a temporary file in the same
folder and renamed over the old one: a reader sees the previous export or the
complete new one, never half a file.

The CSV files are for people and spreadsheets: a text cell that a spreadsheet
would run as a formula (it starts with `=`, `+`, `-`, `@`, tab or CR) is
written with a leading `'` (see leadscore.csv_safety). The Parquet files keep
the raw values; tools that load the exports into a CRM should read those.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from leadscore.csv_safety import neutralise_text_columns
from leadscore.errors import UserFacingError
from leadscore.sync.tables import atomic_write

# ISO 8601 UTC with milliseconds, as leadscore.sync sends timestamps to CRMs,
# so the CSV and Parquet exports give the same text.
CSV_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.3fZ"

MANIFEST_SCHEMA: dict[str, pl.DataType] = {
    "table_name": pl.String(),
    "file_format": pl.String(),
    "file_path": pl.String(),
    "row_count": pl.Int64(),
}


class ExportError(ValueError, UserFacingError):
    """The export could not be written: the message names the file and the fix."""


def write_exports(
    tables: Mapping[str, pl.DataFrame],
    folder: Path | str,
    *,
    sort_by: str = "lead_id",
) -> pl.DataFrame:
    """Write every table as `<folder>/<name>.parquet` and `<folder>/<name>.csv`.

    The folder is created if needed. Rows are sorted by `sort_by` (when the
    table has that column) so the same data always gives the same files.
    Text cells that start with a formula trigger get a leading `'` in the CSV
    only (OWASP CSV injection rule); Parquet keeps the raw values.
    Returns the manifest: one row per file written (table_name, file_format,
    file_path, row_count), in the order written.
    """
    if not str(folder).strip():
        raise ExportError("export folder is empty: set dbt var export_path (default 'exports').")
    folder = Path(folder)
    rows: list[dict[str, object]] = []
    for name, frame in tables.items():
        ordered = frame.sort(sort_by, nulls_last=True) if sort_by in frame.columns else frame
        spreadsheet_safe = neutralise_text_columns(ordered)
        writers = {
            "parquet": ordered.write_parquet,
            "csv": lambda path, data=spreadsheet_safe: data.write_csv(
                path, datetime_format=CSV_DATETIME_FORMAT
            ),
        }
        for file_format, write in writers.items():
            path = folder / f"{name}.{file_format}"
            try:
                atomic_write(path, write)
            except OSError as error:
                raise ExportError(
                    f"cannot write {path}: {error}. Set dbt var export_path to a folder "
                    "this process can write to."
                ) from error
            rows.append(
                {
                    "table_name": name,
                    "file_format": file_format,
                    "file_path": str(path),
                    "row_count": ordered.height,
                }
            )
    return pl.DataFrame(rows, schema=MANIFEST_SCHEMA)
