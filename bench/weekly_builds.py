"""A month of weekly production builds, as a team runs them: what each one did.

Generates the demo CRM at ``--leads`` (or reuses ``--data``), then runs ``--weeks``
consecutive weekly ``dbt build``s into one warehouse (``retrain_policy`` ``auto``, the
default) at the score dates ending where the data ends, and after each build records the
CRM sync (``python -m leadscore.sync mark-synced`` on the build's exports), as a reverse-ETL
job would. Per build it prints: whether it retrained and promoted (the registry's rows of
that score date), the tier alerts (``marts.lead_tier_alerts``; the escalations among
them, ``direction`` ``escalated``), and the rows of the change feed
(``lead_routing_changes``) with their share of the routed leads.

``--project-dir`` runs another checkout of the project (e.g. a ``git worktree`` of an
earlier commit) on the same data, for a before/after table in one run:

    python bench/weekly_builds.py --data data/demo
    git worktree add /tmp/before 083fe8f
    python bench/weekly_builds.py --data data/demo --project-dir /tmp/before
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[1]


def _data_end(data: Path) -> dt.date:
    """The date of the latest activity of the export (where its data ends)."""
    files = sorted(data.glob("activities.*"))
    if not files:
        raise SystemExit(f"no activities file in {data}")
    reader = "read_parquet" if files[0].suffix == ".parquet" else "read_csv"
    with duckdb.connect() as connection:
        ((end,),) = connection.sql(
            f"select max(try_cast(occurred_at as timestamp)) from {reader}('{files[0]}')"
            " where try_cast(occurred_at as timestamp) <= current_timestamp"
        ).fetchall()
    return end.date()


def _table(database: Path, sql: str) -> pl.DataFrame | None:
    with duckdb.connect(str(database), read_only=True) as connection:
        try:
            return connection.sql(sql).pl()
        except duckdb.Error:
            return None


def _build_figures(database: Path, exports: Path, score_date: dt.date) -> dict:
    runs = _table(
        database,
        "select action, is_promoted from ml.ml_training_runs"
        f" where score_date = date '{score_date}'",
    )
    alerts = _table(database, "select * from marts.lead_tier_alerts")
    routing = pl.read_parquet(exports / "lead_routing.parquet")
    changes = pl.read_parquet(exports / "lead_routing_changes.parquet")
    figures = {
        "score_date": score_date.isoformat(),
        "retrained": int((runs["action"] == "trained").sum()) if runs is not None else None,
        "promoted": int(runs.filter(pl.col("action") == "trained")["is_promoted"].sum())
        if runs is not None
        else None,
        "tier_alerts": alerts.height if alerts is not None else None,
        "escalations": None,
        "changed_rows": changes.height,
        "routed_leads": routing.height,
    }
    if alerts is not None and "direction" in alerts.columns:
        figures["escalations"] = int((alerts["direction"] == "escalated").sum())
    if "change_cause" in changes.columns:
        figures["causes"] = dict(
            changes.group_by("change_cause").len().sort("change_cause").iter_rows()
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--data", type=Path, help="an existing demo export (else generated)")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--project-dir", type=Path, default=ROOT)
    parser.add_argument("--work", type=Path, help="folder for the warehouse (default: temp)")
    parser.add_argument("--vars", default="{}", help="extra dbt vars, JSON")
    args = parser.parse_args(argv)
    project = args.project_dir.resolve()
    work = (args.work or Path(tempfile.mkdtemp(prefix="weekly-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(project / "python"), str(ROOT / "tools")]),
        OMP_WAIT_POLICY="passive",
        LEADSCORE_DUCKDB_PATH=str(work / "warehouse.duckdb"),
        DBT_PROFILES_DIR=str(project),
    )
    data = args.data
    if data is None:
        data = work / "demo"
        subprocess.run(
            [sys.executable, "-m", "leadscore_demo", "--out", str(data), "--leads",
             str(args.leads), "--quiet"],
            env=env, check=True,
        )  # fmt: skip
    data = data.resolve()
    end = _data_end(data)
    dates = [end - dt.timedelta(weeks=args.weeks - 1 - k) for k in range(args.weeks)]
    exports = work / "exports"
    dbt = str(Path(sys.executable).parent / "dbt")
    print(f"project {project}, data {data} (ends {end}), warehouse {work}")
    rows = []
    for score_date in dates:
        variables = {
            "raw_data_path": str(data),
            "export_path": str(exports),
            "report_path": str(work / "report.html"),
            "score_date": score_date.isoformat(),
        } | json.loads(args.vars)
        started = time.perf_counter()
        result = subprocess.run(
            [dbt, "build", "--project-dir", str(project), "--target-path",
             str(work / "target"), "--log-path", str(work / "logs"),
             "--vars", json.dumps(variables)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            print(result.stdout[-3000:])
            raise SystemExit(f"dbt build at {score_date} failed")
        figures = _build_figures(work / "warehouse.duckdb", exports, score_date)
        figures["seconds"] = round(seconds)
        rows.append(figures)
        print(json.dumps(figures), flush=True)
        subprocess.run(
            [sys.executable, "-m", "leadscore.sync", "mark-synced", "--routing",
             str(exports / "lead_routing.parquet"), "--changes",
             str(exports / "lead_routing_changes.parquet"), "--state",
             str(exports / "state" / "last_synced.parquet")],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    print()
    print("| score date | retrained | promoted | tier alerts (escalations) | changed rows |")
    print("|---|---|---|---|---|")
    for f in rows:
        share = f["changed_rows"] / max(f["routed_leads"], 1)
        print(
            f"| {f['score_date']} | {f['retrained']} | {f['promoted']} | {f['tier_alerts']}"
            f" ({f['escalations'] if f['escalations'] is not None else '-'}) |"
            f" {f['changed_rows']:,} of {f['routed_leads']:,} ({share:.1%}) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
