"""Orchestration: accounts and reps once, then leads chunk by chunk, appended to the files.

Memory is bounded by the chunk size (leads per chunk), not by the number of leads: a chunk's
activities are built, dirtied and written before the next chunk starts. Every random stream
is seeded from (seed, stream, chunk), so the same arguments give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from leadscore_demo import dirt, tables
from leadscore_demo.accounts import accounts_table, make_accounts, make_reps
from leadscore_demo.people import lead_text, make_profiles
from leadscore_demo.simulate import (
    CATEGORY_CODE,
    HOURLY_CUM,
    SECONDS_PER_DAY,
    Calendar,
    simulate_chunk,
)
from leadscore_demo.writer import FORMATS, TableFile

CONTRACT_TABLES = (
    "leads",
    "accounts",
    "activities",
    "opportunities",
    "sales_reps",
    "lead_feedback",
)
TRUTH_DIR = "_truth"
TRUTH_FILES = ("lead_propensity.parquet", "lead_attributes.parquet")
MIN_HISTORY_DAYS = 548  # 18 months
LEAD_GROWTH = 2.0  # leads per day grow 3x over the period
DEFAULT_CHUNK = 50_000

# random streams
_ACCOUNTS, _REPS, _CREATED, _CHUNK, _ACCOUNT_TABLE = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class DemoConfig:
    """What to generate. Validate with `check`; the CLI maps its flags onto this."""

    n_leads: int = 20_000
    seed: int = 42
    dirt_rate: float = 0.03
    end_date: dt.date = dt.date(2026, 10, 31)
    history_days: int = 730
    fmt: str = "csv"
    activity_scale: float = 1.0
    out_dir: Path = Path("data/demo")
    chunk_size: int = DEFAULT_CHUNK
    write_truth: bool = True

    def check(self) -> list[str]:
        """Problems with this configuration, each naming the setting and the fix."""
        errors = []
        if self.n_leads < 1:
            errors.append(f"--leads must be at least 1 (got {self.n_leads})")
        if not 0.0 <= self.dirt_rate <= 0.5:
            errors.append(f"--dirt-rate must be between 0 and 0.5 (got {self.dirt_rate})")
        if self.history_days < MIN_HISTORY_DAYS:
            errors.append(
                f"--history-days must be at least {MIN_HISTORY_DAYS} (18 months), "
                f"got {self.history_days}"
            )
        if self.fmt not in FORMATS:
            errors.append(f"--format must be one of {', '.join(FORMATS)} (got {self.fmt!r})")
        if not 0.0 < self.activity_scale <= 50.0:
            errors.append(
                f"--activity-scale must be above 0 and at most 50 (got {self.activity_scale})"
            )
        if self.chunk_size < 1:
            errors.append(f"chunk size must be at least 1 (got {self.chunk_size})")
        if self.seed < 0:
            errors.append(f"--seed must be zero or positive (got {self.seed})")
        return errors

    @property
    def start_date(self) -> dt.date:
        return self.end_date - dt.timedelta(days=self.history_days - 1)


@dataclass
class Summary:
    """What was written: rows and bytes per file, and wall time."""

    rows: dict[str, int] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    converted_leads: int = 0

    def bytes(self, name: str) -> int:
        return self.paths[name].stat().st_size


def rng_for(seed: int, stream: int, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, chunk])


def asof_days(cal_days: int, start: dt.date) -> np.ndarray:
    """Mondays of the last 12 months of data, plus the last day."""
    end = start + dt.timedelta(days=cal_days - 1)
    first = max(0, cal_days - 365)
    days = [d for d in range(first, cal_days) if (start + dt.timedelta(days=d)).weekday() == 0]
    if (end - start).days not in days:
        days.append(cal_days - 1)
    return np.asarray(days, dtype=np.int64)


def creation_seconds(rng: np.random.Generator, n: int, n_days: int) -> np.ndarray:
    """Lead creation times (seconds since start), sorted: volume grows, weekdays busier."""
    g = LEAD_GROWTH
    u = rng.random(n)
    # inverse CDF of the density (1 + g x) / (1 + g/2) on [0, 1)
    x = (-1.0 + np.sqrt(1.0 + g * (2.0 + g) * u)) / g
    day = np.minimum((x * n_days).astype(np.int64), n_days - 1)
    hour = np.minimum(np.searchsorted(HOURLY_CUM[0], rng.random(n), side="right"), 23)
    # a UTC business rhythm of the Americas and Europe together
    sec = ((hour + 4) % 24) * 3600 + rng.integers(0, 3600, size=n)
    return np.sort(day * SECONDS_PER_DAY + sec)


def move_off_weekends(secs: np.ndarray, start: dt.date, rng: np.random.Generator) -> np.ndarray:
    """Push most weekend creations to the Friday before (forms are filled at work)."""
    day = secs // SECONDS_PER_DAY
    wd = (start.weekday() + day) % 7
    move = (wd >= 5) & (rng.random(len(secs)) < 0.6) & (day >= wd - 4)
    return np.sort(np.where(move, secs - (wd - 4) * SECONDS_PER_DAY, secs))


def prepare_out_dir(out: Path, fmt: str, write_truth: bool) -> None:
    """Create the folder; remove this generator's files that this run will not replace."""
    out.mkdir(parents=True, exist_ok=True)
    probe = out / ".leadscore-demo-write-test"
    probe.write_bytes(b"")
    probe.unlink()
    for name in CONTRACT_TABLES:
        for other in FORMATS:
            if other != fmt:
                (out / f"{name}.{other}").unlink(missing_ok=True)
    truth = out / TRUTH_DIR
    if write_truth:
        truth.mkdir(exist_ok=True)
    else:  # a truth from an earlier run would not match the new data
        for name in TRUTH_FILES:
            (truth / name).unlink(missing_ok=True)


def generate(cfg: DemoConfig, progress: Callable[[str], None] | None = None) -> Summary:
    """Write every contract table (and the truth) for `cfg`; return what was written."""
    problems = cfg.check()
    if problems:
        raise ValueError("; ".join(problems))
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    out = Path(cfg.out_dir)
    prepare_out_dir(out, cfg.fmt, cfg.write_truth)

    start, n_days = cfg.start_date, cfg.history_days
    epoch0 = int(
        (dt.datetime(start.year, start.month, start.day) - dt.datetime(1970, 1, 1)).total_seconds()
    )
    end_sec = n_days * SECONDS_PER_DAY - 1  # last second of the end date
    cal = Calendar(n_days, start.weekday(), asof_days(n_days, start), cfg.activity_scale)
    pools = tables.activity_pools(start, n_days)

    files: dict[str, TableFile] = {
        name: TableFile(out / f"{name}.{cfg.fmt}", tables.SCHEMAS[name], cfg.fmt)
        for name in CONTRACT_TABLES
    }
    if cfg.write_truth:
        files["truth"] = TableFile(out / TRUTH_DIR / TRUTH_FILES[0], tables.TRUTH_SCHEMA, "parquet")
        files["attributes"] = TableFile(
            out / TRUTH_DIR / TRUTH_FILES[1], tables.ATTRIBUTES_SCHEMA, "parquet"
        )
    summary = Summary()
    try:
        n_accounts = max(50, cfg.n_leads // 4)
        accounts = make_accounts(rng_for(cfg.seed, _ACCOUNTS), n_accounts)
        acc_rng = rng_for(cfg.seed, _ACCOUNT_TABLE)
        files["accounts"].write(
            dirt.dirty_accounts(acc_rng, accounts_table(acc_rng, accounts), cfg.dirt_rate)
        )
        reps = make_reps(rng_for(cfg.seed, _REPS), max(5, cfg.n_leads // 500))
        files["sales_reps"].write(reps.table)

        c_rng = rng_for(cfg.seed, _CREATED)
        created = move_off_weekends(creation_seconds(c_rng, cfg.n_leads, n_days), start, c_rng)
        n_chunks = math.ceil(cfg.n_leads / cfg.chunk_size)
        next_activity, next_opportunity = 1, 1
        for c in range(n_chunks):
            rng = rng_for(cfg.seed, _CHUNK, c)
            idx = np.arange(c, cfg.n_leads, n_chunks)  # interleaved: every chunk spans time
            p = make_profiles(rng, idx + 1, created[idx], accounts, CATEGORY_CODE, cfg.dirt_rate)
            res = simulate_chunk(rng, p, cal)
            outcome = tables.lead_outcomes(rng, res, p, reps, end_sec)

            rows = tables.activity_rows(res, p, pools, next_activity)
            next_activity += len(rows)
            rows, next_activity = dirt.dirty_activities(
                rng,
                rows,
                p.created_sec[res.ev_lead],
                cfg.dirt_rate,
                pools,
                cfg.n_leads,
                end_sec,
                next_activity,
            )
            for lo in range(0, len(rows), 500_000):
                part = rows.take(np.arange(lo, min(lo + 500_000, len(rows))))
                files["activities"].write(tables.activities_table(part, pools, epoch0))
            del rows

            text = lead_text(rng, p, accounts)
            leads = tables.leads_table(rng, p, text, outcome, accounts, reps, epoch0)
            files["leads"].write(dirt.dirty_leads(rng, leads, cfg.dirt_rate, epoch0 + end_sec))
            opps = tables.opportunities_table(
                rng, p, outcome, accounts, next_opportunity, epoch0, end_sec
            )
            next_opportunity += opps.num_rows
            files["opportunities"].write(opps)
            files["lead_feedback"].write(
                tables.feedback_table(rng, p, res, outcome, reps, epoch0, end_sec)
            )
            if cfg.write_truth:
                files["truth"].write(tables.truth_table(res, p, start))
                files["attributes"].write(tables.attributes_table(p, accounts))
            summary.converted_leads += int((outcome.converted >= 0).sum())
            say(
                f"chunk {c + 1}/{n_chunks}: {len(p):,} leads, "
                f"{files['activities'].rows:,} activities so far "
                f"({time.perf_counter() - t0:.1f} s)"
            )
    except BaseException:
        for f in files.values():
            f.abort()
        raise
    for name, f in files.items():
        f.close()
        summary.rows[name] = f.rows
        summary.paths[name] = f.path
    summary.seconds = time.perf_counter() - t0
    return summary
