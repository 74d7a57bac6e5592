"""Run one dbt command inside the test process, as the ``dbt`` command would run it.

A dbt command in a process of its own spends ~3 s starting (dbt, its adapter, and the Python
models' scikit-learn and polars) and loads or parses the project (4-9 s) before it builds
anything; the tests run ~80 builds. Here the command runs through dbt's programmatic entry
(``dbtRunner``, the way the contract fuzzer runs its variants), with the parsed manifest kept
in memory, and the result is what the ``dbt`` command gives: its console output (dbt's log
lines, and what the Python models print), and its exit code (0 success, 1 a node failed, 2 dbt
stopped on an error); an exception that would end the ``dbt`` process with a traceback
ends here with the traceback on stderr and exit code 1.
"""

from __future__ import annotations

import io
import os
import subprocess
import time
import traceback
from collections import OrderedDict
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from dbt_cached import load_or_parse, log_use

# Manifests kept in memory, the most recently used last (each is tens of MB).
_KEPT: OrderedDict[Path, object] = OrderedDict()
_KEEP = 4


def run(
    args: list[str], env: dict[str, str], manifest_file: Path, parse_args: list[str]
) -> subprocess.CompletedProcess[str]:
    """``dbt <args>`` with environment ``env``, the project parsed as ``parse_args`` says."""
    started = time.perf_counter()
    saved = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            manifest, how = _manifest(manifest_file, parse_args)
            code = _invoke(manifest, args, err)
    finally:
        _close_dbt_duckdb()
        os.environ.clear()
        os.environ.update(saved)
    log_use(manifest_file, how, args, time.perf_counter() - started)
    return subprocess.CompletedProcess(["dbt", *args], code, out.getvalue(), err.getvalue())


def _manifest(manifest_file: Path, parse_args: list[str]) -> tuple[object, str]:
    if manifest_file in _KEPT:
        _KEPT.move_to_end(manifest_file)
        return _KEPT[manifest_file], "kept"
    manifest, hit = load_or_parse(manifest_file, parse_args)
    if manifest is not None:
        _KEPT[manifest_file] = manifest
        while len(_KEPT) > _KEEP:
            _KEPT.popitem(last=False)
    return manifest, "hit" if hit else "parse"


def _invoke(manifest: object, args: list[str], err: io.StringIO) -> int:
    """dbtRunner.invoke (dbt/cli/main.py), with the exit codes of the ``dbt`` command."""
    from click.exceptions import BadOptionUsage, NoSuchOption, UsageError
    from click.exceptions import Exit as ClickExit
    from dbt.cli import requires
    from dbt.cli.main import cli

    try:
        context = cli.make_context(cli.name, list(args))
        context.obj = {"manifest": manifest, "callbacks": [], "dbt_runner_command_args": args}
        _result, success = cli.invoke(context)
        return 0 if success else 1
    except requires.ResultExit as exit_:
        return exit_.exit_code
    except requires.ExceptionExit as exit_:
        return exit_.exit_code
    except (BadOptionUsage, NoSuchOption, UsageError) as error:
        error.show(err)
        return 2
    except ClickExit as exit_:
        return exit_.exit_code
    except Exception:  # the dbt process would end here, printing the traceback
        traceback.print_exc(file=err)
        return 1


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process: close it, as the end of ``dbt``
    does, so that the test (and the next build) can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
