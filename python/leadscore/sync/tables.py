"""Reading the export files, checking their columns, and turning cells into CRM text.

The dbt build writes `lead_routing` and `lead_routing_changes` as Parquet and CSV.
This module reads either, checks that the columns a command needs are present,
and holds the small helpers every CRM target shares: value formatting, field maps,
choosing the rows that carry a usable CRM id, and atomic file writes.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

# The columns of `lead_routing`, in file order (see docs/reverse_etl.md).
ROUTING_COLUMNS: tuple[str, ...] = (
    "lead_id",
    "email",
    "score",
    "tier",
    "action",
    "assigned_rep_id",
    "routing_status",
    "reason_1",
    "reason_2",
    "reason_3",
    "model_version",
    "tier_changed_at",
    "sync_hash",
    # not sent: recorded in the sync checkpoint to tell behaviour from other causes
    "last_behaviour_date",
)
# `lead_routing_changes` holds the same columns plus how and why the row changed.
CHANGES_COLUMNS: tuple[str, ...] = (*ROUTING_COLUMNS, "change_type", "change_cause")

# A pragmatic email shape check: something@something.tld, no spaces. CRMs reject
# worse, and one bad id can fail a whole batch, so such rows are skipped instead.
_EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Private column names used while partitioning rows; never written out.
_ID = "__sync_id"
_KEY = "__sync_key"
_ORDER = "__sync_order"
_REASON = "__sync_reason"


class SyncInputError(ValueError):
    """Bad input or configuration: the message says what is wrong and how to fix it."""


def read_table(path: Path | str) -> pl.DataFrame:
    """Read a Parquet or CSV export (chosen by the file extension).

    CSV is read with every column as text so ids such as "00123" keep their
    leading zeros; empty CSV cells are null.
    """
    path = Path(path)
    if not path.is_file():
        raise SyncInputError(
            f"{path}: file not found. Run `dbt build` first, or pass the right path."
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise SyncInputError(f"{path}: cannot be read as {suffix[1:]}: {error}") from error
    raise SyncInputError(f"{path}: unsupported file type {suffix!r}; use .parquet or .csv.")


def require_columns(frame: pl.DataFrame, required: Iterable[str], source: str) -> None:
    """Raise SyncInputError naming every required column missing from `frame`."""
    missing = [column for column in dict.fromkeys(required) if column not in frame.columns]
    if missing:
        raise SyncInputError(
            f"{source}: missing column(s) {', '.join(missing)}. "
            f"Found: {', '.join(frame.columns) or '(none)'}. Point the command at the "
            "lead_routing / lead_routing_changes export, or fix the field map."
        )


def format_value(value: object) -> str | None:
    """Render one cell as the text a CRM receives; None for null (and NaN).

    Integers stay integers ("87", never "87.0"); booleans are "true"/"false";
    timestamps become ISO 8601 UTC with milliseconds ("2026-01-02T03:04:05.000Z",
    accepted by HubSpot datetime properties and Salesforce Bulk API); naive
    timestamps are taken as UTC, like every timestamp in this project.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return None if not value.is_finite() else format(value, "f")
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_field_map(items: Sequence[str], defaults: Mapping[str, str]) -> dict[str, str]:
    """Apply `COLUMN=crm_name` overrides to a default column -> CRM field map.

    `COLUMN=` (nothing after the `=`) removes the column from the sync.
    """
    fields = dict(defaults)
    for item in items:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column:
            raise SyncInputError(
                f"bad field mapping {item!r}: write COLUMN=crm_name, e.g. score=lead_score "
                "(or COLUMN= to leave that column out)."
            )
        if target:
            fields[column] = target
        else:
            fields.pop(column, None)
    check_unique_targets(fields)
    return fields


def check_unique_targets(fields: Mapping[str, str]) -> None:
    """Raise if two columns map to the same CRM field (the CRM would get one of them)."""
    seen: dict[str, str] = {}
    for column, target in fields.items():
        if target in seen:
            raise SyncInputError(
                f"columns {seen[target]!r} and {column!r} both map to CRM field {target!r}; "
                "map each CRM field once."
            )
        seen[target] = column


@dataclass(frozen=True)
class Partition:
    """Rows to sync and rows skipped, with why.

    `rows`: the input rows (sorted by lead_id) plus `__sync_id`, the CRM id value.
    `skipped`: lead_id, id_field, id_value, reason (one row per lead not synced).
    """

    rows: pl.DataFrame
    skipped: pl.DataFrame


SKIPPED_SCHEMA: dict[str, type[pl.DataType]] = {
    "lead_id": pl.String,
    "id_field": pl.String,
    "id_value": pl.String,
    "reason": pl.String,
}


def partition_by_id(
    frame: pl.DataFrame,
    id_column: str,
    *,
    id_field: str,
    is_email: bool,
) -> Partition:
    """Split rows into those with a usable, unique CRM id and those skipped.

    A row is skipped, never silently dropped, when its id column is null or
    blank, when it must be an email and is not shaped like one, or when another
    row has the same id (one CRM record can take only one set of values: the
    row with the higher score wins, then the lower lead_id). Emails compare
    case-insensitively, as CRMs match them.
    """
    duplicated = frame.filter(pl.col("lead_id").is_duplicated())
    if duplicated.height:
        examples = ", ".join(sorted(duplicated["lead_id"].cast(pl.String).unique())[:5])
        raise SyncInputError(
            f"lead_id must be unique in the export, but {examples} appear more than once; "
            "rebuild the export with `dbt build`."
        )
    text = pl.col(id_column).cast(pl.String).str.strip_chars()
    reason = pl.when(text.is_null() | (text == "")).then(pl.lit(f"no {id_column}"))
    if is_email:
        reason = reason.when(~text.str.contains(_EMAIL_PATTERN)).then(pl.lit("malformed email"))
    work = (
        frame.sort("lead_id")
        .with_row_index(_ORDER)
        .with_columns(
            text.alias(_ID),
            (text.str.to_lowercase() if is_email else text).alias(_KEY),
            reason.otherwise(None).alias(_REASON),
        )
    )
    usable = work.filter(pl.col(_REASON).is_null())
    rank_by = ["score", _ORDER] if "score" in frame.columns else [_ORDER]
    ranked = usable.sort(rank_by, descending=[c == "score" for c in rank_by], nulls_last=True)
    ranked = ranked.with_columns(
        pl.col(_ORDER).first().over(_KEY).alias("__winner_order"),
        pl.col("lead_id").first().over(_KEY).cast(pl.String).alias("__winner"),
    )
    kept = ranked.filter(pl.col(_ORDER) == pl.col("__winner_order")).sort(_ORDER)
    duplicates = ranked.filter(pl.col(_ORDER) != pl.col("__winner_order")).with_columns(
        (
            pl.lit(f"same {id_column} as lead_id ")
            + pl.col("__winner")
            + pl.lit(" (one CRM record; the higher score is synced)")
        ).alias(_REASON)
    )
    skipped = (
        pl.concat([work.filter(pl.col(_REASON).is_not_null()), duplicates], how="diagonal")
        .sort(_ORDER)
        .select(
            pl.col("lead_id").cast(pl.String),
            pl.lit(id_field).alias("id_field"),
            pl.col(_ID).alias("id_value"),
            pl.col(_REASON).alias("reason"),
        )
    )
    rows = kept.drop(_ORDER, _KEY, _REASON, "__winner_order", "__winner")
    return Partition(rows=rows, skipped=skipped.cast(SKIPPED_SCHEMA))  # type: ignore[arg-type]


def atomic_write(path: Path | str, write: Callable[[Path], None]) -> None:
    """Write a file so readers see the old file or the complete new one, never half.

    `write` writes to a temporary file in the same folder; it is flushed to disk
    and renamed over `path` (an atomic replace on POSIX and Windows). If `write`
    fails, the temporary file is removed and `path` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh unique name the writer creates itself, so the usual umask applies.
    temporary_path = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
    try:
        write(temporary_path)
        with temporary_path.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary_path, path)
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    """Persist a rename on POSIX; a no-op where folders cannot be opened (Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
