"""The sync checkpoint: which version of each lead the CRM last received.

`exports/state/last_synced.parquet` holds one row per lead: lead_id, sync_hash,
synced_at (naive UTC timestamp), and the values the CRM received (RECEIVED_SCHEMA:
score, tier, action, assigned_rep_id, model_version, and
last_behaviour_date, the latest day the lead had done something when that version
was built). The dbt build compares the current `lead_routing` with these values to
write `lead_routing_changes` (a change is a new tier, action or owner, or a
score moved by at least var sync_min_score_change, or
sync_min_time_score_change when only time moved it); this module records them
after a successful sync.

Older checkpoints (lead_id, sync_hash, synced_at only) still work: their rows
read with null values, and the build compares such a row by hash, as before,
until the next sync records the values. Likewise an export written before
these columns existed records nulls, never an error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from leadscore.sync.tables import SyncInputError, atomic_write, read_table, require_columns

# What the CRM received of each lead, beside its sync_hash (the columns of the
# export with these names; null when the export has no such column).
RECEIVED_SCHEMA: dict[str, pl.DataType] = {
    "score": pl.Int32(),
    "tier": pl.String(),
    "action": pl.String(),
    "assigned_rep_id": pl.String(),
    "model_version": pl.String(),
    "last_behaviour_date": pl.Date(),
}

STATE_SCHEMA: dict[str, pl.DataType] = {
    "lead_id": pl.String(),
    "sync_hash": pl.String(),
    "synced_at": pl.Datetime("us"),
    **RECEIVED_SCHEMA,
}
# The columns every checkpoint has (an older mark-synced wrote only these).
REQUIRED_STATE_COLUMNS: tuple[str, ...] = ("lead_id", "sync_hash", "synced_at")


def empty_state() -> pl.DataFrame:
    """A checkpoint with no leads (nothing synced yet)."""
    return pl.DataFrame(schema=STATE_SCHEMA)


def normalise_state(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Check and cast a checkpoint read from disk to STATE_SCHEMA (UTC, no time zone).

    A checkpoint from an older mark-synced (no received values) gets null values.
    """
    require_columns(frame, REQUIRED_STATE_COLUMNS, source)
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
        *_received_values(frame),
    )


def synced_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """What a sync of `frame` (lead_routing or lead_routing_changes rows) gave the CRM.

    lead_id, sync_hash and the RECEIVED_SCHEMA columns; a column the export lacks
    (an export from before it existed) is null. CSV text is cast; a value that
    cannot be read is null, which the build treats as a change, never as none.
    """
    return frame.select(
        pl.col("lead_id").cast(pl.String),
        pl.col("sync_hash").cast(pl.String),
        *_received_values(frame),
    )


def _received_values(frame: pl.DataFrame) -> list[pl.Expr]:
    values = []
    for column, dtype in RECEIVED_SCHEMA.items():
        if column not in frame.columns:
            values.append(pl.lit(None, dtype=dtype).alias(column))
        elif dtype == pl.Date() and frame.schema[column] == pl.String:
            values.append(pl.col(column).str.to_date(strict=False).alias(column))
        else:
            values.append(pl.col(column).cast(dtype, strict=False).alias(column))
    return values


def read_state(path: Path | str) -> pl.DataFrame:
    """The checkpoint at `path`, or an empty one if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        return empty_state()
    return normalise_state(read_table(path), str(path))


def merge_state(previous: pl.DataFrame, synced: pl.DataFrame, synced_at: datetime) -> pl.DataFrame:
    """The new checkpoint: `synced` (lead_id, sync_hash, received values) over `previous`.

    Leads not in `synced` keep their previous row. A synced lead whose hash is
    already recorded keeps its old synced_at, so recording the same sync twice
    gives the same checkpoint (idempotent); its values are the synced ones (an
    older checkpoint row gains them). `synced` may lack the received-value
    columns (null then). Sorted by lead_id.
    """
    when = _naive_utc(synced_at)
    previous = normalise_state(previous, "previous checkpoint")
    synced = synced_rows(synced)
    conflicting = synced.unique(subset=["lead_id", "sync_hash"]).filter(
        pl.col("lead_id").is_duplicated()
    )
    if conflicting.height:
        examples = ", ".join(sorted(conflicting["lead_id"].unique())[:5])
        raise SyncInputError(
            f"lead_id {examples} appear(s) with different sync_hash values in the synced rows; "
            "rebuild the export with `dbt build`."
        )
    synced = synced.unique(subset=["lead_id"], keep="first", maintain_order=True)
    updated = (
        synced.join(
            previous.select("lead_id", "sync_hash", "synced_at"),
            on="lead_id",
            how="left",
            suffix="_previous",
        )
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
