"""Benchmark the demo CRM generator: wall time, peak memory, rows and bytes per file.

Runs ``python -m leadscore_demo`` (tools/) as a child process (so its peak RSS is measured alone,
from RUSAGE_CHILDREN) into a temporary folder, then reports every file it wrote.

    python bench/bench_generate.py                      # 1,000,000 leads, parquet
    python bench/bench_generate.py --leads 200000 --format csv parquet
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def count_rows(path: Path) -> int:
    """Rows of a parquet file (from its footer) or a CSV file (lines minus the header)."""
    if path.suffix == ".parquet":
        return pq.read_metadata(path).num_rows
    lines = 0
    with path.open("rb") as f:
        while block := f.read(1 << 24):
            lines += block.count(b"\n")
    return lines - 1


def run_once(leads: int, fmt: str, out: Path, extra: list[str]) -> dict[str, float]:
    """Generate into `out`; return wall seconds and the child's own peak RSS (MB)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tools"), env.get("PYTHONPATH", "")])
    cmd = [sys.executable, "-m", "leadscore_demo", "--out", str(out), "--leads", str(leads)]
    cmd += ["--format", fmt, "--quiet", *extra]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(child.pid, 0)  # this child's rusage alone
    seconds = time.perf_counter() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"generator failed with exit code {child.returncode}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}  # KB on Linux


def report(leads: int, fmt: str, stats: dict[str, float], out: Path) -> None:
    print(
        f"\n== {leads:,} leads, {fmt}: {stats['seconds']:.1f} s wall, "
        f"peak RSS {stats['peak_rss_mb']:,.0f} MB"
    )
    total = 0
    for path in sorted(out.glob(f"*.{fmt}")) + sorted((out / "_truth").glob("*.parquet")):
        size = path.stat().st_size
        total += size
        name = str(path.relative_to(out))
        print(f"  {name:36s} {count_rows(path):>14,} rows {size / 1e6:>10,.1f} MB")
    print(f"  {'total':36s} {'':>14s}      {total / 1e6:>10,.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--format", nargs="+", default=["parquet"], choices=["csv", "parquet"])
    parser.add_argument("--keep", type=Path, help="write here instead of a temporary folder")
    parser.add_argument("extra", nargs="*", help="more generator flags, after --")
    args = parser.parse_args(argv)
    for fmt in args.format:
        with tempfile.TemporaryDirectory(prefix="leadscore-bench-") as tmp:
            out = (args.keep / fmt) if args.keep else Path(tmp)
            stats = run_once(args.leads, fmt, out, args.extra)
            report(args.leads, fmt, stats, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
