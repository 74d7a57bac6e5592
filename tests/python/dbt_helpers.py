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
    args: list[str],
    database: Path,
    variables: dict | None = None,
    unit_tests: bool = False,
    project_dir: Path = PROJECT_DIR,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` on the project with its own DuckDB file and target dir.

    A `dbt build` here leaves out dbt's unit tests unless ``unit_tests``: they do not depend
    on the data (each mocks its inputs), so the scenario builds would only repeat them, about
    a third of a small build's time. The quickstart build in scripts/test.sh runs them all.
    ``project_dir``: see :func:`dbt_command`.
    """
    command, env = dbt_command(args, database, variables, unit_tests, project_dir=project_dir)
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def dbt_command(
    args: list[str],
    database: Path,
    variables: dict | None = None,
    unit_tests: bool = False,
    target_path: Path | None = None,
    log_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment :func:`run_dbt` runs, for a test that starts dbt itself.

    The target and log folders default to ``target`` and ``logs`` beside ``database``.
    ``project_dir`` is the dbt project to run, with its profiles.yml: this repository's, or a
    test's copy of it (e.g. with one more data test).
    """
    if args and args[0] == "build" and not unit_tests:
        args = _without_unit_tests(args)
    env = dict(os.environ)
    env["LEADSCORE_DUCKDB_PATH"] = str(database)
    env["DBT_PROFILES_DIR"] = str(project_dir)
    env.setdefault("OMP_WAIT_POLICY", "passive")
    command = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_path or database.parent / "target"),
        "--log-path",
        str(log_path or database.parent / "logs"),
    ]
    if variables:
        command += ["--vars", json.dumps(variables)]
    return command, env


def _without_unit_tests(args: list[str]) -> list[str]:
    """``args`` of a dbt build, with dbt's unit tests excluded (added to an --exclude)."""
    if "resource_type:unit_test" in args:
        return args
    if "--exclude" in args:
        at = args.index("--exclude") + 1
        return [*args[:at], "resource_type:unit_test", *args[at:]]
    return [*args, "--exclude", "resource_type:unit_test"]


def query(database: Path, sql: str) -> list[tuple]:
    """Read results from the database file once dbt has closed it."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(sql).fetchall()
