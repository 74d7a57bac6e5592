"""A read-only export folder (issue 15, fault F4): a clear error naming the file and the var,
nothing half-written. The tests run as root here, and root writes into any folder whatever
its mode, so as root the writer runs as user ``nobody`` (``setpriv``), as a scheduled job
under a service account would; as any other user it runs as that user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_helpers import PROJECT_DIR

NOBODY = 65534

WRITE_EXPORTS = """
import polars as pl
from leadscore.exports import ExportError, write_exports
try:
    write_exports({"lead_routing": pl.DataFrame({"lead_id": ["L1"]})}, FOLDER)
except ExportError as error:
    print("ExportError:", error)
else:
    print("written")
"""


@pytest.fixture
def read_only_folder() -> Iterator[Path]:
    """A folder nobody may write into, in a parent every user may enter (pytest's tmp_path
    is private to root)."""
    parent = Path(tempfile.mkdtemp(prefix="leadscore-ro-"))
    parent.chmod(0o755)
    folder = parent / "exports"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(parent)


def _run_unprivileged(code: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: root writes into read-only folders")
        command = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR / "python"))
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0 and "Permission denied" in result.stderr and os.geteuid() == 0:
        pytest.skip(f"user nobody cannot run this checkout's Python: {result.stderr[-300:]}")
    return result


def test_a_read_only_export_folder_is_a_clear_error_and_writes_nothing(
    read_only_folder: Path,
) -> None:
    code = f"FOLDER = {str(read_only_folder)!r}\n" + textwrap.dedent(WRITE_EXPORTS)
    result = _run_unprivileged(code)
    assert result.returncode == 0, result.stderr[-2000:]
    # the file, why, and the var to change, in one line; no traceback
    assert result.stdout.startswith(
        f"ExportError: cannot write {read_only_folder / 'lead_routing.parquet'}"
    ), result.stdout
    assert "Permission denied" in result.stdout
    assert "Set dbt var export_path" in result.stdout
    assert list(read_only_folder.iterdir()) == []  # no temp or partial file left behind
