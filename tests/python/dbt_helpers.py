"""Run the dbt project against a scratch database, for end-to-end tests."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"

# Where dbt_cached.py keeps parsed manifests (set by conftest.py for a pytest run); unset,
# every command parses the project itself, as the plain `dbt` command does.
MANIFESTS_ENV = "LEADSCORE_TEST_MANIFESTS"
# LEADSCORE_TEST_IN_PROCESS=off: run_dbt runs each command in a process of its own
IN_PROCESS_ENV = "LEADSCORE_TEST_IN_PROCESS"
# Vars that only run time reads: builds that differ only in these share one parsed
# manifest. test_dbt_cached.py proves that parsing with other values gives the same manifest.
RUNTIME_VARS = frozenset({"raw_data_path", "score_date"})
# Commands that take a parsed manifest (the others, e.g. parse, debug, deps, run as dbt).
_MANIFEST_COMMANDS = frozenset({"build", "run", "test", "seed", "compile", "run-operation", "show"})
# The dbt project's own files: a change to any of them makes a new parse.
_PROJECT_FOLDERS = ("models", "macros", "tests/data", "seeds", "snapshots", "analyses", "docs")
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "selectors.yml")
# Runs one dbt command with a kept manifest, in a process of its own.
CACHED_RUNNER = Path(__file__).with_name("dbt_cached.py")


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

    In a pytest run (parsed manifests kept, see conftest.py) the command runs inside the test
    process through dbt's own ``dbtRunner`` (dbt_inprocess.py), with the ``dbt`` command's
    output and exit code; with ``LEADSCORE_TEST_IN_PROCESS=off`` each command runs in a process
    of its own, and with ``LEADSCORE_TEST_MANIFESTS=off`` as the plain ``dbt`` command.
    A test that must stop or race a build uses :func:`dbt_command`, a separate process.
    """
    command, env = dbt_command(args, database, variables, unit_tests, project_dir=project_dir)
    in_process = os.environ.get(IN_PROCESS_ENV) != "off"
    if in_process and command[1:2] == [str(CACHED_RUNNER)]:  # run dbt in this process
        import dbt_inprocess

        manifest_file, parse_args, dbt_args = command[2], json.loads(command[3]), command[5:]
        return dbt_inprocess.run(dbt_args, env, Path(manifest_file), parse_args)
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
    manifests = env.get(MANIFESTS_ENV)
    if (
        manifests
        and args
        and args[0] in _MANIFEST_COMMANDS
        and not {"--vars", "--target", "--profile"} & set(args)
    ):
        parse_args = command[1 + len(args) :]  # --project-dir ... --vars: what parsing reads
        key, parse_time = _manifest_key(project_dir, database, variables or {}, env)
        described = Path(manifests) / f"{key}.json"  # what the key stands for, to read
        if not described.exists():
            described.write_text(json.dumps({**parse_time, "files": len(parse_time["files"])}))
        manifest_file = str(Path(manifests) / f"{key}.pickle")
        command = [
            sys.executable,
            str(CACHED_RUNNER),
            manifest_file,
            json.dumps(parse_args),
            "--",
            *command[1:],
        ]
    return command, env


def _manifest_key(
    project_dir: Path, database: Path, variables: dict, env: dict
) -> tuple[str, dict]:
    """What a parsed manifest depends on: the project's files, the database's name (dbt-duckdb
    names the database after the file), the vars that parsing reads, dbt's and our env vars."""
    files = []
    for folder in (*_PROJECT_FOLDERS, "."):
        root = project_dir / folder
        paths = (root / name for name in _PROJECT_FILES) if folder == "." else root.rglob("*")
        for path in sorted(paths):
            if path.is_file():
                stat = path.stat()
                files.append((str(path.relative_to(project_dir)), stat.st_mtime_ns, stat.st_size))
    parse_time = {
        "project": str(project_dir.resolve()),
        "database": database.stem,
        "files": files,
        "vars": {name: value for name, value in variables.items() if name not in RUNTIME_VARS},
        "env": {
            name: value
            for name, value in sorted(env.items())
            if (name.startswith(("DBT_", "LEADSCORE_")))
            and name not in {MANIFESTS_ENV, IN_PROCESS_ENV, "LEADSCORE_DUCKDB_PATH"}
        },
    }
    text = json.dumps(parse_time, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24], parse_time


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
