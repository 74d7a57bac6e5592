"""Append-only table files: CSV (ISO timestamps, true/false) or Parquet (zstd).

Files are written under a temporary name and renamed into place on `close`, so a reader
never sees half a file and an interrupted run leaves the previous files intact.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")
PARQUET_TS = pa.timestamp("us")


def _parquet_schema(schema: pa.Schema) -> pa.Schema:
    """Parquet has no second resolution: store microseconds (DuckDB's TIMESTAMP)."""
    return pa.schema(
        [pa.field(f.name, PARQUET_TS) if pa.types.is_timestamp(f.type) else f for f in schema]
    )


class TableFile:
    """One output table, written in batches."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.fmt = fmt
        self.rows = 0
        self.schema = _parquet_schema(schema) if fmt == "parquet" else schema
        self._writer: pacsv.CSVWriter | pq.ParquetWriter
        if fmt == "csv":
            self._writer = pacsv.CSVWriter(str(self.tmp), schema)
        else:
            self._writer = pq.ParquetWriter(
                str(self.tmp), self.schema, compression="zstd", write_statistics=True
            )

    def write(self, table: pa.Table, batch_rows: int = 500_000) -> None:
        if table.num_rows == 0:
            return
        table = table.cast(self.schema)
        for start in range(0, table.num_rows, batch_rows):
            self._writer.write_table(table.slice(start, batch_rows))
        self.rows += table.num_rows

    def close(self) -> None:
        self._writer.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self.tmp.unlink(missing_ok=True)
