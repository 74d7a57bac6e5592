"""The sync checkpoint: which version (sync_hash) of each lead the CRM last received.

`exports/state/last_synced.parquet` holds one row per lead: lead_id, sync_hash,
synced_at (naive UTC timestamp). The dbt build compares the current
`lead_routing` with it to write `lead_routing_changes`; this module records it
after a successful sync.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from leadscore.sync.tables import SyncInputError, atomic_write, read_table, require_columns

STATE_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.String(),
    "sync_hash": pl.String(),
    "synced_at": pl.Datetime("us"),
}


def empty_state() -> pl.DataFrame:
    """A checkpoint with no leads (nothing synced yet)."""
    return pl.DataFrame(schema=STATE_SCHEMA)


def normalise_state(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Check and cast a checkpoint read from disk to STATE_SCHEMA (UTC, no time zone)."""
    require_columns(frame, STATE_SCHEMA, source)
    synced_at = pl.col("synced_at")
    dtype = frame.schema["synced_at"]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        synced_at = synced_at.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    elif dtype == pl.String:
        synced_at = synced_at.str.to_datetime(time_unit="us")
    return frame.select(
        pl.col("lead_id").cast(pl.String),
        pl.col("sync_hash").cast(pl.String),
        synced_at.cast(pl.Datetime("us")).alias("synced_at"),
    )


def read_state(path: Path | str) -> pl.DataFrame:
    """The checkpoint at `path`, or an empty one if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        return empty_state()
    return normalise_state(read_table(path), str(path))


def merge_state(previous: pl.DataFrame, synced: pl.DataFrame, synced_at: datetime) -> pl.DataFrame:
    """The new checkpoint: `synced` (lead_id, sync_hash) recorded over `previous`.

    Leads not in `synced` keep their previous row. A synced lead whose hash is
    already recorded keeps its old synced_at, so recording the same sync twice
    gives the same checkpoint (idempotent). Sorted by lead_id.
    """
    when = _naive_utc(synced_at)
    synced = synced.select(pl.col("lead_id").cast(pl.String), pl.col("sync_hash").cast(pl.String))
    conflicting = synced.unique().filter(pl.col("lead_id").is_duplicated())
    if conflicting.height:
        examples = ", ".join(sorted(conflicting["lead_id"].unique())[:5])
        raise SyncInputError(
            f"lead_id {examples} appear(s) with different sync_hash values in the synced rows; "
            "rebuild the export with `dbt build`."
        )
    synced = synced.unique()
    updated = (
        synced.join(previous, on="lead_id", how="left", suffix="_previous")
        .with_columns(
            pl.when(pl.col("sync_hash") == pl.col("sync_hash_previous"))
            .then(pl.col("synced_at"))
            .otherwise(pl.lit(when, dtype=pl.Datetime("us")))
            .alias("synced_at")
        )
        .select(list(STATE_SCHEMA))
    )
    untouched = previous.join(synced, on="lead_id", how="anti")
    return pl.concat([untouched, updated]).cast(STATE_SCHEMA).sort("lead_id")  # type: ignore[arg-type]


def write_state(state: pl.DataFrame, path: Path | str) -> None:
    """Write the checkpoint atomically (Parquet, or CSV if the path ends in .csv)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        atomic_write(path, state.write_csv)
    else:
        atomic_write(path, state.write_parquet)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    """The current time as a naive UTC timestamp (the project's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)
