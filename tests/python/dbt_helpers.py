"""Run the dbt project against a scratch database, for end-to-end tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"


def run_dbt(
    args: list[str], database: Path, variables: dict | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` on the project with its own DuckDB file and target dir."""
    env = dict(os.environ)
    env["LEADSCORE_DUCKDB_PATH"] = str(database)
    env["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    env.setdefault("OMP_WAIT_POLICY", "passive")
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(database.parent / "target"),
        "--log-path",
        str(database.parent / "logs"),
    ]
    if variables:
        command += ["--vars", json.dumps(variables)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def query(database: Path, sql: str) -> list[tuple]:
    """Read results from the database file once dbt has closed it."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(sql).fetchall()
