"""Realistic bad data, added to clean tables at a configurable rate.

`rate` is the approximate share of rows touched per table, split across kinds of dirt.
Extra rows (duplicates, rows with nulls in required columns, future or pre-creation
timestamps, unknown leads or types) are *added* and the clean rows are kept, so the truth
stays the truth; in-place dirt (placeholders, casing, whitespace, activity type spellings)
changes only how a value is written, not what it means. Malformed e-mail addresses are
decided with the lead (people.make_profiles), because such leads bounce.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from leadscore_demo import vocab
from leadscore_demo.simulate import SECONDS_PER_DAY
from leadscore_demo.tables import ActivityPools, ActivityRows

# shares of the dirt rate per kind
ACTIVITY_DIRT = {
    "exact_duplicate": 0.35,
    "null_required": 0.05,
    "future_timestamp": 0.04,
    "unknown_lead": 0.05,
    "before_created": 0.04,
    "unknown_type": 0.05,
    "type_spelling": 0.30,
}
LEAD_DIRT = {
    "stale_version": 0.25,
    "newer_version": 0.08,
    "exact_duplicate": 0.12,
    "null_lead_id": 0.03,
    "null_created_at": 0.03,
    "placeholder": 0.35,
    "casing_whitespace": 0.15,
}
ACCOUNT_DIRT = {"placeholder": 0.5, "casing_whitespace": 0.5}


def interleave(n_clean: int, n_extra: int, rng: np.random.Generator) -> np.ndarray:
    """Order that inserts n_extra rows (indices n_clean..) at random places among the clean."""
    pos = np.sort(rng.integers(0, n_clean + 1, size=n_extra))
    return np.insert(np.arange(n_clean), pos, n_clean + np.arange(n_extra))


def dirty_activities(
    rng: np.random.Generator,
    rows: ActivityRows,
    lead_created_sec: np.ndarray,
    rate: float,
    pools: ActivityPools,
    n_leads: int,
    end_sec: int,
    next_number: int,
) -> tuple[ActivityRows, int]:
    """Add activity dirt; returns the rows and the next free activity number."""
    n = len(rows)
    if rate <= 0 or n == 0:
        return rows, next_number
    k = {
        kind: int(rng.binomial(n, min(rate * share, 1.0))) for kind, share in ACTIVITY_DIRT.items()
    }
    extras: list[ActivityRows] = []

    def copies(count: int, renumber: bool) -> tuple[ActivityRows, np.ndarray]:
        nonlocal next_number
        src = rng.integers(0, n, size=count)
        c = rows.take(src)
        if renumber:
            c.number = next_number + np.arange(count, dtype=np.int64)
            next_number += count
        return c, src

    extras.append(copies(k["exact_duplicate"], renumber=False)[0])

    c, _ = copies(k["null_required"], renumber=True)
    which = rng.integers(0, 4, size=len(c))
    c.lead_number = np.where(which == 0, -1, c.lead_number)
    c.sec_null = which == 1
    c.type_idx = np.where(which == 2, -1, c.type_idx).astype(np.int32)
    c.number = np.where(which == 3, -1, c.number)
    extras.append(c)

    c, _ = copies(k["future_timestamp"], renumber=True)
    # Decades ahead (like the 2099-12-31 placeholders of real exports), so they stay in the
    # future whenever the demo is built and never move the default score date.
    c.sec = end_sec + ((20 + rng.random(len(c)) * 40) * 365 * SECONDS_PER_DAY).astype(np.int64)
    extras.append(c)

    c, _ = copies(k["unknown_lead"], renumber=True)
    c.lead_number = n_leads + 1 + rng.integers(0, 5_000_000, size=len(c))
    extras.append(c)

    c, src = copies(k["before_created"], renumber=True)
    created = lead_created_sec[src]
    c.sec = created - 3600 - (rng.random(len(c)) * 120 * SECONDS_PER_DAY).astype(np.int64)
    extras.append(c)

    c, _ = copies(k["unknown_type"], renumber=True)
    first_unknown = pools.n_clean_types * (1 + pools.n_variants_per_type)
    c.type_idx = (first_unknown + rng.integers(0, pools.n_unknown_types, size=len(c))).astype(
        np.int32
    )
    c.url_idx = np.full(len(c), -1, dtype=np.int32)
    extras.append(c)

    out = ActivityRows.concat([rows, *extras])
    # in place: the same type spelled differently (PAGE_VIEW, ' email_open ', Page View)
    sp = rng.choice(n, size=min(k["type_spelling"], n), replace=False)
    clean_type = out.type_idx[sp]
    variant = rng.integers(0, pools.n_variants_per_type, size=len(sp))
    out.type_idx[sp] = (
        pools.n_clean_types + clean_type * pools.n_variants_per_type + variant
    ).astype(np.int32)
    order = interleave(n, len(out) - n, rng)
    return out.take(order), next_number


def _placeholder(rng: np.random.Generator) -> str:
    return vocab.PLACEHOLDERS[int(rng.integers(0, len(vocab.PLACEHOLDERS)))]


def _mess_case(value: str | None, u: float) -> str | None:
    if value is None:
        return None
    if u < 0.3:
        return value.upper()
    if u < 0.55:
        return value.lower()
    if u < 0.8:
        return f"  {value} "
    return value.replace(" ", "  ")


def _set(table: pa.Table, name: str, values: list | np.ndarray | pa.Array) -> pa.Table:
    i = table.schema.get_field_index(name)
    field = table.schema.field(i)
    arr = values if isinstance(values, pa.Array) else pa.array(values, field.type)
    return table.set_column(i, field, arr)


def dirty_text(
    rng: np.random.Generator,
    table: pa.Table,
    columns: tuple[str, ...],
    rate: float,
    shares: dict[str, float],
) -> pa.Table:
    """Placeholders ('Select', 'N/A', ...) and casing/whitespace noise in text columns."""
    n = table.num_rows
    if rate <= 0 or n == 0:
        return table
    cols = {c: table.column(c).to_pylist() for c in columns}
    for kind in ("placeholder", "casing_whitespace"):
        count = int(rng.binomial(n, min(rate * shares[kind], 1.0)))
        rows = rng.integers(0, n, size=count)
        which = rng.integers(0, len(columns), size=count)
        us = rng.random(count)
        for r, w, u in zip(rows.tolist(), which.tolist(), us.tolist(), strict=True):
            col = cols[columns[w]]
            col[r] = _placeholder(rng) if kind == "placeholder" else _mess_case(col[r], u)
    for c in columns:
        table = _set(table, c, cols[c])
    return table


def dirty_leads(rng: np.random.Generator, table: pa.Table, rate: float, end_epoch: int) -> pa.Table:
    """Duplicates (stale, newer, exact), nulls in required columns, placeholders, casing."""
    n = table.num_rows
    if rate <= 0 or n == 0:
        return table
    table = dirty_text(
        rng,
        table,
        ("job_title", "company_name", "country", "lead_source", "email"),
        rate,
        LEAD_DIRT,
    )
    k = {kind: int(rng.binomial(n, min(rate * share, 1.0))) for kind, share in LEAD_DIRT.items()}
    created = table.column("created_at").cast(pa.int64()).to_numpy()
    updated = table.column("updated_at").cast(pa.int64()).to_numpy()
    extras: list[pa.Table] = []

    def older_versions(count: int) -> pa.Table:
        """Rows as the CRM exported them earlier: before conversion, owner or opt-out."""
        src = rng.integers(0, n, size=count)
        t = table.take(pa.array(src))
        old = created[src] + (rng.random(count) * (updated[src] - created[src])).astype(np.int64)
        conv = t.column("converted_at").cast(pa.int64()).fill_null(0).to_numpy()
        disq = t.column("disqualified_at").cast(pa.int64()).fill_null(0).to_numpy()
        conv_f = t.column("converted_at").is_null().to_numpy(zero_copy_only=False)
        disq_f = t.column("disqualified_at").is_null().to_numpy(zero_copy_only=False)
        keep_conv = ~conv_f & (conv <= old)
        keep_disq = ~disq_f & (disq <= old)
        ts = pa.timestamp("s")
        t = _set(t, "updated_at", pa.array(old, ts))
        t = _set(t, "converted_at", pa.array(conv, ts, mask=~keep_conv))
        t = _set(t, "disqualified_at", pa.array(disq, ts, mask=~keep_disq))
        t = _set(t, "is_disqualified", keep_disq.tolist())
        t = _set(t, "email_opt_out", [False] * count)
        t = _set(t, "owner_id", [None] * count)
        titles = t.column("job_title").to_pylist()
        u = rng.random(count)
        t = _set(
            t,
            "job_title",
            [_mess_case(x, v) if v < 0.5 else x for x, v in zip(titles, u, strict=True)],
        )
        return t

    extras.append(older_versions(k["stale_version"]))
    # newer export of the same lead: same facts, cosmetically different, later updated_at
    src = rng.integers(0, n, size=k["newer_version"])
    newer = table.take(pa.array(src))
    newer = _set(
        newer,
        "company_name",
        [
            _mess_case(x, v)
            for x, v in zip(
                newer.column("company_name").to_pylist(), rng.random(len(src)), strict=True
            )
        ],
    )
    extras.append(newer)
    # exact re-exports
    extras.append(table.take(pa.array(rng.integers(0, n, size=k["exact_duplicate"]))))
    t = older_versions(k["null_lead_id"])
    extras.append(_set(t, "lead_id", [None] * t.num_rows))
    t = older_versions(k["null_created_at"])
    extras.append(_set(t, "created_at", [None] * t.num_rows))

    all_rows = pa.concat_tables([table, *extras])
    # the newer versions must carry the latest updated_at: bump after the originals
    n_extra = all_rows.num_rows - n
    order = interleave(n, n_extra, rng)
    upd = all_rows.column("updated_at").cast(pa.int64()).fill_null(0).to_numpy().copy()
    lo = n + k["stale_version"]
    hi = lo + k["newer_version"]
    bumped = updated[src] + 1 + (rng.random(len(src)) * 3600).astype(np.int64)
    upd[lo:hi] = np.minimum(bumped, end_epoch)
    all_rows = _set(all_rows, "updated_at", pa.array(upd, pa.timestamp("s")))
    return all_rows.take(pa.array(order))


def dirty_accounts(rng: np.random.Generator, table: pa.Table, rate: float) -> pa.Table:
    return dirty_text(rng, table, ("company_name", "industry", "country"), rate, ACCOUNT_DIRT)
