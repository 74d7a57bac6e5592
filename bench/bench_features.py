"""Speed and memory of the feature build at scale: one scoring date, then the full panel.

Runs `dbt build` up to the points score (staging, features, labels, points) twice on the
same data, each in a fresh database: once with only the scoring date
(training_lookback_days 0) and once with the full training panel (the defaults), under a
DuckDB memory limit. Prints wall time, peak memory (max RSS of the dbt process), row
counts, the time of the feature models apart from reading and cleaning the export, and
the ratio between the two runs.

    PYTHONPATH=tools python -m leadscore_demo --out /tmp/demo1m --leads 1000000 --format parquet
    python bench/bench_features.py --data /tmp/demo1m --memory-limit 8GB
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parents[1]
# Reading and cleaning the activity export, and the feature build proper: the
# daily and weekly activity tables, behaviour at each as-of date, the feature
# table and the points score (the models whose time grows with the panel).
STAGING = {
    "base_crm__activities",
    "base_crm__activities_checked",
    "base_crm__leads",
    "stg_crm__activities",
}
FEATURE_MODELS = {
    "int_lead_activity_daily",
    "int_lead_activity_weekly",
    "int_lead_behaviour",
    "lead_features",
    "lead_points_scores",
}

# Runs one command and prints its peak memory: RUSAGE_CHILDREN covers only this process's
# children, so each measurement gets a fresh wrapper.
WRAPPER = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:]).returncode;"
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
    "sys.exit(code)"
)


def build(data: Path, work: Path, name: str, variables: dict, memory_limit: str) -> dict:
    database = work / f"{name}.duckdb"
    env = dict(
        os.environ,
        LEADSCORE_DUCKDB_PATH=str(database),
        DBT_PROFILES_DIR=str(PROJECT),
        LEADSCORE_DUCKDB_MEMORY_LIMIT=memory_limit,
        OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"),
    )
    command = [
        sys.executable,
        "-c",
        WRAPPER,
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--project-dir",
        str(PROJECT),
        "--select",
        "+lead_points_scores",
        "--exclude",
        "test_type:data",
        "--target-path",
        str(work / f"target-{name}"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps({"raw_data_path": str(data), **variables}),
    ]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:])
        raise SystemExit(f"{name}: dbt build failed")
    peak_kb = int(result.stdout.rsplit("MAXRSS_KB", 1)[1].split()[0])
    timings = json.loads((work / f"target-{name}" / "run_results.json").read_text())
    node_seconds = {
        r["unique_id"].split(".")[-1]: r["execution_time"]
        for r in timings["results"]
        if r["unique_id"].startswith("model.")
    }
    slowest = sorted(((t, n) for n, t in node_seconds.items()), reverse=True)[:5]
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.sql(
            "select count(*), count(distinct as_of_date) from features.lead_features"
        ).fetchall()[0]
        activities = connection.sql("select count(*) from staging.stg_crm__activities").fetchall()[
            0
        ]
    return {
        "seconds": seconds,
        "peak_gb": peak_kb / 1024 / 1024,
        "feature_rows": rows[0],
        "as_of_dates": rows[1],
        "activities": activities[0],
        "slowest": slowest,
        "staging_seconds": sum(t for n, t in node_seconds.items() if n in STAGING),
        "feature_seconds": sum(t for n, t in node_seconds.items() if n in FEATURE_MODELS),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of contract files")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leadscore-bench-features-"))
    runs = {
        "scoring date only": build(
            args.data, work, "scoring", {"training_lookback_days": 0}, args.memory_limit
        ),
        "full training panel": build(args.data, work, "panel", {}, args.memory_limit),
    }
    for name, run in runs.items():
        print(
            f"{name:<20} {run['seconds']:7.1f} s  peak {run['peak_gb']:5.2f} GB  "
            f"{run['feature_rows']:>11,} feature rows over {run['as_of_dates']} as-of dates "
            f"from {run['activities']:,} activities"
        )
        print(
            f"    feature models {run['feature_seconds']:.1f} s, reading and cleaning the"
            f" export {run['staging_seconds']:.1f} s"
        )
        print("    slowest nodes: " + ", ".join(f"{n} {t:.1f}s" for t, n in run["slowest"]))
    panel, scoring = runs["full training panel"], runs["scoring date only"]
    ratio = panel["seconds"] / scoring["seconds"]
    features = panel["feature_seconds"] / scoring["feature_seconds"]
    print(
        f"full panel / scoring date: {ratio:.1f}x the time ({features:.1f}x for the feature models)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
