"""The whole build against the floor: wall time, peak memory and ROC AUC on the same rows.

Generates the demo CRM at ``--leads`` (Parquet; or reuses ``--data``), runs the whole
``dbt build --full-refresh`` from scratch into a fresh DuckDB file, then, in the same run and
on the same files, ``bench/floor.py`` (DuckDB SQL features at the same as-of dates and one
HistGradientBoostingClassifier: no dbt, no tests). Prints for both the wall time and the peak
memory of the whole process tree, the ten slowest dbt nodes (``target/run_results.json``),
and ROC AUC on the same held-out rows, with the ratio build / floor.

The held-out rows are the champion's test window: every labelled row of
``ml.ml_training_panel`` whose as-of date lies in the trained run's ``test_start`` ..
``test_end`` (what the registry's test metrics were computed on). The build's ROC AUC is the
registry's (the model fitted and calibrated before that window; checked against its stored
test predictions when they are all there); the floor learns from the as-of dates up to the
run's ``train_end`` and scores exactly those rows (keys passed in). Both AUCs use the build's
labels; the floor's own labels on the rows are compared as a check.

Peak memory: the largest sum of resident memory over the process and its descendants, sampled
every 0.2 s from /proc (``tree``), and the largest single process (``ru_maxrss``, from
``wait4``).

    python bench/bench_build.py                       # 20,000 leads
    python bench/bench_build.py --leads 200000 --data /work/bench-data/demo-200000
    python bench/bench_build.py --data DIR --vars '{"model_max_train_rows": 500000}' --no-floor
    python bench/bench_build.py --data DIR --vars '{"week_ends_on": "sunday"}' --daily

``--daily``: the whole build stands a day before the score date (the latest day of the data,
or the day before it when a new week would begin between the two), then a second ``dbt
build`` (no ``--full-refresh``) on the same warehouse stands at the score date: the build a
team runs every morning on yesterday's warehouse, with one more day of data (the files hold
it already; the first build ignores what is after its score date). ``--daily-days N``: the
whole build N days before, then N daily builds a day apart (the later ones start from what a
daily build left, as every morning after the first does). ``--daily-vars`` adds vars
to it: by default ``retrain_policy: never``, the champion kept (at 200k leads a day brings
hundreds of new conversions, so the default policy retrains daily). Prints its wall time and
peak memory beside the whole build's, with the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

PROJECT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process below it (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError):
            continue
        parents[int(entry)] = int(fields[1])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def measured(command: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    """Run ``command``; its wall time, peak tree memory, largest process and exit code."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        timeline: list[tuple[float, int]] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                rss = tree_rss(process.pid)
                peak[0] = max(peak[0], rss)
                timeline.append((time.time(), rss))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
    return {
        "wall_s": time.perf_counter() - started,
        "tree_peak_gb": peak[0] / 1e9,
        "max_process_gb": usage.ru_maxrss * 1024 / 1e9,
        "returncode": os.waitstatus_to_exitcode(status),
        "timeline": timeline,
    }


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def slowest_nodes(target: Path, n: int = 10) -> list[tuple[str, float]]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:n]
    return [(r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in nodes]


def peak_by_node(
    target: Path, timeline: list[tuple[float, int]], n: int = 5
) -> list[tuple[str, float, float]]:
    """The nodes running when the tree's memory was highest: ``(node, peak GB, seconds)``.

    A node's peak is the largest tree memory sampled while it executed (dbt's ``execute``
    timing in ``run_results.json``); with two threads the other node running beside it counts
    too, so read the top rows together.
    """
    if not timeline:
        return []
    times = np.array([t for t, _ in timeline])
    rss = np.array([r for _, r in timeline], dtype=np.float64)
    peaks = []
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        for step in result.get("timing", []):
            if step["name"] != "execute" or not step.get("started_at"):
                continue
            start, end = (
                dt.datetime.fromisoformat(step[k].replace("Z", "+00:00")).timestamp()
                for k in ("started_at", "completed_at")
            )
            inside = (times >= start) & (times <= end)
            if inside.any():
                name = result["unique_id"].split(".", 2)[-1]
                peaks.append((name, float(rss[inside].max()) / 1e9, end - start))
    return sorted(peaks, key=lambda p: p[1], reverse=True)[:n]


def nodes_and_outcome(result: dict, target: Path, log: Path) -> bool:
    """Print a build's ten slowest nodes and those running when memory peaked; on failure
    its log's end. True when it passed."""
    if (target / "run_results.json").exists():
        print("ten slowest nodes:")
        for name, seconds in slowest_nodes(target):
            print(f"  {seconds:7.1f} s  {name}")
        print("nodes running at the highest memory (peak of the whole tree while each ran):")
        for name, gb, seconds in peak_by_node(target, result["timeline"]):
            print(f"  {gb:6.2f} GB  {name} ({seconds:.0f} s)")
    if result["returncode"] != 0:
        print(log.read_text()[-3000:])
    return result["returncode"] == 0


def daily_score_date(data: Path, week_ends_on: str, days: int = 1) -> dt.date:
    """The latest activity day of the data (not after today), or an earlier one so that no
    calendar week ends in the ``days`` days up to it (so the whole build ``days`` days before
    and every daily build after it share their closed weeks)."""
    activities = next(data.glob("activities.*"))
    with duckdb.connect() as con:
        [(day,)] = con.execute(
            f"select max(occurred_at::timestamp)::date from '{activities}'"
            " where occurred_at::timestamp <= now()"
        ).fetchall()
    n = days
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    if week_ends_on in days:
        week_end = days.index(week_ends_on)
        while any((day - dt.timedelta(days=back)).weekday() == week_end for back in range(n)):
            day -= dt.timedelta(days=1)  # a week ends in the daily builds: stand earlier
    return day


def held_out(database: Path, keys_path: Path) -> dict:
    """The trained run's test window, metrics and keys (written to ``keys_path``)."""
    with duckdb.connect(str(database), read_only=True) as con:
        runs = con.sql(
            "select * from ml.ml_training_runs where action = 'trained' order by ran_at desc"
        ).pl()
        if runs.height == 0:
            raise SystemExit("the build trained no model: nothing to compare")
        run = runs.row(0, named=True)
        keys = con.sql(
            "select lead_id, as_of_date, is_at_creation, label from ml.ml_training_panel"
            f" where as_of_date between '{run['test_start']}' and '{run['test_end']}'"
        ).pl()
        panel_rows = con.execute("select count(*) from ml.ml_training_panel").fetchall()[0][0]
        score_date = con.execute(
            "select score_date, week_end_date from intermediate.int_score_date"
        ).fetchall()
    keys.write_parquet(keys_path)
    metrics = json.loads(run["metrics"])
    predictions = json.loads(run["test_predictions"] or "{}")
    stored_auc = None
    if predictions and len(predictions["label"]) == keys.height:
        stored_auc = roc_auc_score(predictions["label"], predictions["probability"])
    return {
        "run": run,
        "keys": keys,
        "panel_rows": panel_rows,
        "score_date": score_date[0][0],
        "week_end_date": score_date[0][1],
        "model_auc": metrics["model"]["roc_auc"],
        "points_auc": metrics.get("points", {}).get("roc_auc"),
        "stored_auc": stored_auc,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, help="demo folder: reused, or generated there")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB's, for both")
    parser.add_argument("--vars", default="{}", help="more dbt vars, as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database and outputs")
    parser.add_argument("--work", type=Path, help="folder for the run (default: a temp dir)")
    parser.add_argument("--no-floor", action="store_true", help="only the build")
    parser.add_argument(
        "--daily",
        action="store_true",
        help="build a day before the score date, then the next day on the same warehouse",
    )
    parser.add_argument(
        "--daily-days",
        type=int,
        default=1,
        help="with --daily: this many daily builds, one day apart (the first reuses what "
        "the whole build left; the later ones what a daily build left)",
    )
    parser.add_argument(
        "--daily-vars",
        default='{"retrain_policy": "never"}',
        help="vars of the daily build on top of --vars (default: the champion kept)",
    )
    parser.add_argument(
        "--floor-batches",
        type=int,
        default=1,
        help="the floor builds its panel for 1/N of the leads at a time (4 at 1M leads)",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="leadscore-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    data = args.data or work / "crm"
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "passive"))
    print(f"load {load()} at start; work folder {work}")

    if not (data / "leads.parquet").exists() and not (data / "leads.csv").exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "leadscore_demo", "--out", str(data), "--leads",
             str(args.leads), "--seed", str(args.seed), "--format", "parquet", "--quiet"],
            check=True,
            env=dict(env, PYTHONPATH=str(PROJECT / "tools")),
        )  # fmt: skip
        print(
            f"generated {args.leads:,} leads into {data} in {time.perf_counter() - started:.0f} s"
        )
    with duckdb.connect() as con:
        leads, activities = (
            con.execute(f"select count(*) from '{next(data.glob(name + '.*'))}'").fetchall()[0][0]
            for name in ("leads", "activities")
        )
    print(f"data: {data}: {leads:,} lead rows, {activities:,} activity rows")

    extra_vars = json.loads(args.vars)
    if args.daily:
        score_date = daily_score_date(
            data, extra_vars.get("week_ends_on", "score_date"), args.daily_days
        )
        extra_vars["score_date"] = str(score_date - dt.timedelta(days=args.daily_days))
        print(
            f"daily: the whole build at {extra_vars['score_date']}, then {args.daily_days} "
            f"daily build(s) up to {score_date}"
        )

    # 1. the whole build, from scratch
    database = work / "build.duckdb"
    for stale in (database, database.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    target = work / "target"
    variables = {
        "raw_data_path": str(data),
        "export_path": str(work / "exports"),
        "report_path": str(work / "reports" / "model_report.html"),
        **extra_vars,
    }
    build_env = dict(
        env,
        LEADSCORE_DUCKDB_PATH=str(database),
        LEADSCORE_DUCKDB_MEMORY_LIMIT=args.memory_limit,
        DBT_PROFILES_DIR=str(PROJECT),
    )
    dbt = [
        str(Path(sys.executable).parent / "dbt"),
        "build", "--full-refresh", "--project-dir", str(PROJECT),
        "--target-path", str(target), "--log-path", str(work / "logs"),
        "--vars", json.dumps(variables),
    ]  # fmt: skip
    print(f"build: dbt build --full-refresh, vars {json.dumps(json.loads(args.vars))} ...")
    build = measured(dbt, build_env, work / "build.log")
    build["load_after"] = load()
    print(
        f"build: {build['wall_s']:.0f} s, peak {build['tree_peak_gb']:.2f} GB (tree), "
        f"{build['max_process_gb']:.2f} GB (largest process), exit {build['returncode']}, "
        f"load {build['load_after']}"
    )
    if not nodes_and_outcome(build, target, work / "build.log"):
        return 1
    truth = held_out(database, work / "held_out_keys.parquet")
    run, keys = truth["run"], truth["keys"]
    print(
        f"build: panel {truth['panel_rows']:,} rows; trained run {run['version_id']}: train "
        f"{run['train_start']}..{run['train_end']}, test {run['test_start']}..{run['test_end']}"
        f" ({keys.height:,} rows, {int(keys['label'].sum()):,} converted)"
    )
    for back in reversed(range(args.daily_days) if args.daily else ()):
        day = score_date - dt.timedelta(days=back)
        daily_vars = dict(variables, **json.loads(args.daily_vars), score_date=str(day))
        daily_dbt = [*dbt[:2], *dbt[3:-1], json.dumps(daily_vars)]  # no --full-refresh
        print(f"daily: dbt build at {day} on the same warehouse, vars {args.daily_vars} ...")
        log = work / f"daily-{day}.log"
        daily = measured(daily_dbt, build_env, log)
        print(
            f"daily: {daily['wall_s']:.0f} s, peak {daily['tree_peak_gb']:.2f} GB (tree), exit "
            f"{daily['returncode']}; {daily['wall_s'] / build['wall_s']:.1%} of the whole "
            f"build's {build['wall_s']:.0f} s"
        )
        if not nodes_and_outcome(daily, target, log):
            return 1
    if args.no_floor:
        print(f"build ROC AUC {truth['model_auc']:.4f} (points {truth['points_auc']:.4f})")
        return 0

    # 2. the floor, on the same files, learning from the same dates, scoring the same rows
    floor_out = work / "floor"
    floor_cmd = [
        sys.executable, str(PROJECT / "bench" / "floor.py"),
        "--data", str(data), "--out", str(floor_out),
        "--score-date", str(truth["score_date"]),
        "--week-end", str(truth["week_end_date"]),
        "--train-end", str(run["train_end"])[:10],
        "--eval-keys", str(work / "held_out_keys.parquet"),
        "--memory-limit", args.memory_limit,
        "--horizon-days", str(json.loads(args.vars).get("horizon_days", 90)),
        "--batches", str(args.floor_batches),
    ]  # fmt: skip
    if args.floor_batches > 1:
        # in a file: the 1M panel does not fit DuckDB's memory limit, nor its spill the disk
        floor_cmd += ["--database", str(work / "floor.duckdb")]
    floor = measured(floor_cmd, env, work / "floor.log")
    floor["load_after"] = load()
    print((work / "floor.log").read_text().strip())
    if floor["returncode"] != 0:
        return 1
    predictions = keys.join(
        pl.read_parquet(floor_out / "eval_predictions.parquet"),
        on=["lead_id", "as_of_date"],
        how="left",
    )
    missing = predictions.get_column("probability").null_count()
    y = predictions.get_column("label").to_numpy().astype(int)
    floor_auc = roc_auc_score(y, predictions.get_column("probability").fill_null(0.0).to_numpy())
    agree = float(np.mean(predictions.get_column("floor_label").to_numpy() == y))

    print()
    print(f"held-out rows: {keys.height:,} lead-dates ({run['test_start']}..{run['test_end']}),"
          f" {int(y.sum()):,} converted; floor scored {keys.height - missing:,} of them, "
          f"its own label agrees on {agree:.1%}")  # fmt: skip
    if truth["stored_auc"] is not None:
        print(f"build AUC from its stored test predictions: {truth['stored_auc']:.4f}")
    print(f"{'':<8}{'wall':>9}{'peak tree':>11}{'largest':>9}{'ROC AUC':>9}  load after")
    for name, result, auc in (
        ("build", build, truth["model_auc"]),
        ("floor", floor, floor_auc),
    ):
        print(
            f"{name:<8}{result['wall_s']:>8.0f}s{result['tree_peak_gb']:>9.2f}GB"
            f"{result['max_process_gb']:>7.2f}GB{auc:>9.4f}  {result['load_after']}"
        )
    if truth["points_auc"] is not None:
        print(f"(points rules on the same rows: ROC AUC {truth['points_auc']:.4f})")
    print(
        f"ratio build / floor: wall {build['wall_s'] / floor['wall_s']:.2f}x, "
        f"peak memory {build['tree_peak_gb'] / floor['tree_peak_gb']:.2f}x"
    )
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    elif not args.keep:
        for path in (database, floor_out):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
