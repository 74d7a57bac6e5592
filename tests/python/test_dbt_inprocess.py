"""The tests' builds run dbt inside the pytest worker (dbt_inprocess.py): what a test reads
from such a run (exit code, console output) must be what the ``dbt`` command gives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from dbt_helpers import IN_PROCESS_ENV, MANIFESTS_ENV, run_dbt

CASES = {
    "success": (["show", "--inline", "select 41 + 1 as answer"], 0, "answer"),
    "a database error": (["show", "--inline", "select * from no_such_table"], 2, "no_such_table"),
    "a usage error": (["show", "--no-such-flag"], 2, "No such option"),
}


def _lines(output: str) -> list[str]:
    """The console lines from dbt's "Found ..." line on (the ``dbt`` command parses first and
    says so), without timestamps, colours and timings."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    plain = re.sub(r"^\d\d:\d\d:\d\d\s+", "", plain, flags=re.MULTILINE)
    plain = re.sub(r"\d+\.\d+s|\d+\.\d+ seconds", "<time>", plain)
    lines = [line for line in plain.splitlines() if line.strip()]
    found = [i for i, line in enumerate(lines) if line.startswith("Found ")]
    return lines[found[0] :] if found else lines


@pytest.mark.parametrize("case", list(CASES))
def test_in_process_gives_the_exit_code_and_output_of_the_dbt_command(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not os.environ.get(MANIFESTS_ENV):
        pytest.skip("LEADSCORE_TEST_MANIFESTS=off: every command runs as the dbt command")
    args, code, expected = CASES[case]
    inside = run_dbt(args, tmp_path / "inside" / "build.duckdb")
    monkeypatch.setenv(MANIFESTS_ENV, "")  # the plain dbt command, in a process of its own
    outside = run_dbt(args, tmp_path / "outside" / "build.duckdb")
    assert inside.args[0] == "dbt" and outside.args[0] != "dbt"  # both ways really ran
    assert (inside.returncode, outside.returncode) == (code, code)
    assert expected in inside.stdout + inside.stderr
    assert _lines(inside.stdout) == _lines(outside.stdout)


def test_the_in_process_switch_runs_each_command_in_a_process_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not os.environ.get(MANIFESTS_ENV):
        pytest.skip("LEADSCORE_TEST_MANIFESTS=off: every command runs as the dbt command")
    monkeypatch.setenv(IN_PROCESS_ENV, "off")
    result = run_dbt(CASES["success"][0], tmp_path / "build.duckdb")
    assert result.returncode == 0 and "answer" in result.stdout
    assert result.args[0] != "dbt"
