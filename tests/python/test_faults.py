"""Faults a build survives (issue 15): a full disk, kill -9 mid-training, two builds on one
warehouse at once. After each, the model registry holds no half-written run, the marts BI
reads (schema ``marts``) are one build's complete set, the previous or the new, and a
later build passes.

They come one after another on one warehouse, as a bad night would bring them, and so
that each fault's build is the next one's starting point (six builds, about 70 s on 2
cores, instead of a recovery build per fault): a baseline build publishes; a build on a
full disk fails; a build is killed mid-training; two builds start at once, and the one
that runs is the next build, which must pass after both failures; a following build must
pass too. Each test checks the state a fault left, read before the next build starts.

One small CRM: a flat leads export (test_own_data_recipes), 1,100 of its 1,200 leads in
the baseline, all 1,200 afterwards, so that the new set of marts tells itself apart from
the previous one. Every build trains (``retrain_policy: always``, no refit, enough
conversions at 30): the kill must land in a training. Every build uses the same warehouse
path and vars and a copy of the baseline's target folder, so dbt parses the project once.
The marts and the registry come from ``--select +lead_scores +model_registry``; publishing
is macros/publish_marts.sql, write-audit-publish.

How each fault is made:

* disk full: the build runs with a file-size limit (``RLIMIT_FSIZE``) equal to the
  warehouse's size, SIGXFSZ ignored, so every write that would make the warehouse (or its
  write-ahead log) larger fails with EFBIG, as on a full disk it fails with ENOSPC: DuckDB
  cannot write its checkpoint mid-build. A limit on the warehouse file, not a read-only
  folder, because a full disk is a write the build starts and cannot finish; folders the
  exports and the report cannot be written to are test_publish's, test_exports' and
  test_report's. dbt's own files (manifest, logs) stay well under the limit.
* kill -9: ``dbt build`` in its own process group; once its output says
  ``ml_training_runs`` started, SIGKILL to the group, as an out-of-memory killer or a
  cancelled CI job would.
* two builds: the same ``dbt build`` started twice at once, each with its own target folder.
  DuckDB lets one process write a file; the second stops at once, and the profile's plugin
  (python/leadscore/warehouse_lock.py) says so in one message instead of dbt's stack trace.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import dbt_command
from leadscore.ml.bundle import loads_bundle
from test_own_data_recipes import flat_leads_export, recipe_vars

N_LEADS = 1200
BASELINE_LEADS = 1100
SELECT = [
    "build",
    "--select",
    "+lead_scores",
    "+model_registry",
    "--indirect-selection",
    "cautious",
]
TRAINING_STARTED = "START python incremental model ml.ml_training_runs"
TRAINING_DONE = "OK created python incremental model ml.ml_training_runs"
PUBLISHED = "leadscore: published"


@dataclass(frozen=True)
class State:
    """What a build left in the warehouse."""

    runs: list[tuple]  # ml.ml_training_runs: run_id, action, version_id, model_bundle
    published: dict[str, list[tuple]]  # marts.<mart>: what BI reads
    audited: dict[str, list[tuple]]  # marts_audit.<mart>: the last build's, published or not
    registry: set[str]  # the run_id of each model in the published marts.model_registry
    leftovers: list[str]  # tables a build creates and drops (…__dbt_tmp)


class Site:
    """The warehouse path, vars and folders every build of this module shares."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.database = root / "work" / "warehouse.duckdb"
        self.crm = root / "crm"
        self.variables = recipe_vars(self.crm) | {
            "export_path": str(root / "work" / "exports"),
            "report_path": str(root / "work" / "report.html"),
            "retrain_policy": "always",
            "model_refit": False,
            "cold_start_min_conversions": 30,
        }
        self.runs = 0

    def command(self, args: list[str]) -> tuple[list[str], dict[str, str]]:
        """A build's command line, with a target folder of its own (a copy of the first
        build's: dbt then parses nothing again) and a log folder of its own."""
        self.runs += 1
        folder = self.root / f"run_{self.runs}"
        if self.runs > 1:
            shutil.copytree(self.root / "run_1" / "target", folder / "target")
        command, env = dbt_command(
            args,
            self.database,
            self.variables,
            target_path=folder / "target",
            log_path=folder / "logs",
        )
        return command, env | {"PYTHONUNBUFFERED": "1"}

    def run(
        self, args: list[str], preexec_fn: Callable[[], None] | None = None
    ) -> subprocess.CompletedProcess[str]:
        command, env = self.command(args)
        return subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, preexec_fn=preexec_fn
        )

    def start(self, args: list[str]) -> tuple[subprocess.Popen[str], Path]:
        """A build in a process group of its own, its output going to a file."""
        command, env = self.command(args)
        output = self.root / f"run_{self.runs}" / "stdout.txt"
        with output.open("w") as sink:
            process = subprocess.Popen(
                command,
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
                start_new_session=True,
            )
        return process, output

    def state(self) -> State:
        """Read the warehouse (opening it is part of what is checked)."""
        with duckdb.connect(str(self.database), read_only=True) as connection:
            marts = [
                name
                for (name,) in connection.sql(
                    "select table_name from information_schema.tables"
                    " where table_schema = 'marts_audit' order by 1"
                ).fetchall()
            ]
            return State(
                runs=connection.sql(
                    "select run_id, action, version_id, model_bundle"
                    " from ml.ml_training_runs order by ran_at"
                ).fetchall(),
                published={
                    m: connection.sql(f"select * from marts.{m} order by all").fetchall()
                    for m in marts
                },
                audited={
                    m: connection.sql(f"select * from marts_audit.{m} order by all").fetchall()
                    for m in marts
                },
                registry={
                    run_id
                    for (run_id,) in connection.sql(
                        "select run_id from marts.model_registry"
                    ).fetchall()
                },
                leftovers=[
                    name
                    for (name,) in connection.sql(
                        "select table_name from information_schema.tables"
                        " where table_name like '%dbt_tmp%'"
                    ).fetchall()
                ],
            )


def _file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn: writes beyond ``limit`` bytes of any file fail (EFBIG), as on a full disk."""

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


def _kill_mid_training(site: Site) -> tuple[int | None, str]:
    """Start a build, SIGKILL it once ml_training_runs runs; its return code and output."""
    process, output = site.start(SELECT)
    deadline = time.monotonic() + 600
    while TRAINING_STARTED not in output.read_text():
        assert process.poll() is None, output.read_text()[-4000:]
        assert time.monotonic() < deadline, "ml_training_runs never started"
        time.sleep(0.05)
    time.sleep(0.5)  # into the model: reading the panel, fitting
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return process.returncode, output.read_text()


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The builds of the module docstring, in order, and the state each left."""
    root = tmp_path_factory.mktemp("faults")
    leads = flat_leads_export(root / "generated", n=N_LEADS)
    site = Site(root)
    site.crm.mkdir()
    site.database.parent.mkdir()
    night: dict = {"site": site}

    # the baseline: 1,100 leads, built and published
    leads.head(BASELINE_LEADS).write_csv(site.crm / "Leads.csv")
    baseline = site.run(SELECT)
    assert baseline.returncode == 0, baseline.stdout[-4000:]
    night["baseline"] = site.state()
    assert {"lead_scores", "model_registry"} <= set(night["baseline"].published)
    assert [action for _, action, _, _ in night["baseline"].runs] == ["trained"]
    leads.write_csv(site.crm / "Leads.csv")  # all 1,200 leads from here on

    # a full disk: the warehouse may not grow
    limit = _file_size_limit(site.database.stat().st_size)
    night["full_disk"] = site.run(SELECT, preexec_fn=limit)
    night["after_full_disk"] = site.state()

    # kill -9 mid-training
    night["killed"] = _kill_mid_training(site)
    night["after_kill"] = site.state()

    # two builds at once; the one that runs is the next build after both failures
    started = [site.start(SELECT) for _ in range(2)]
    for process, _ in started:
        process.wait(timeout=900)
    night["both"] = [(process.returncode, output.read_text()) for process, output in started]
    night["after_both"] = site.state()

    # a following build on the same file: the two marts, rebuilt and published
    night["following"] = site.run(
        ["build", "--select", "lead_scores", "model_registry", "--indirect-selection", "cautious"]
    )
    night["after_following"] = site.state()
    return night


def _assert_no_half_written_run(state: State) -> None:
    """Each registry row is a trained model whose bundle loads, or a run with no bundle."""
    for run_id, action, version_id, bundle in state.runs:
        if action == "trained":
            assert bundle is not None, run_id
            assert loads_bundle(bundle).version_id == version_id, run_id
        else:
            assert bundle is None, run_id
    # fails if a build leaves a table of new rows behind (dbt-duckdb's
    # ml_training_runs__dbt_tmp<timestamp>, which the model's post-hook drops)
    assert not state.leftovers


def _assert_nothing_published(state: State, baseline: State) -> None:
    """The registry and the published marts are the baseline's, row for row."""
    # fails if a failed build appended a run (or part of one), or published anything
    assert state.runs == baseline.runs
    assert state.published == baseline.published
    _assert_no_half_written_run(state)


# --- a full disk ---------------------------------------------------------------------------


def test_a_build_that_cannot_write_the_warehouse_fails_saying_so(night: dict) -> None:
    failed = night["full_disk"]
    # fails if the build passed: then the limit did not stop a write, the test proves nothing
    assert failed.returncode != 0
    # the message says which file could not be written and why. DuckDB then refuses the
    # database to the rest of the build, so its on-run-end hooks cannot run: the build ends
    # in one message saying so (python/leadscore/duckdb_errors.py), not dbt's stack trace
    assert f'Could not write file "{night["site"].database}' in failed.stdout
    assert "File too large" in failed.stdout
    assert PUBLISHED not in failed.stdout
    assert (
        "leadscore: the build stopped: DuckDB hit a fatal error writing the warehouse "
        f"{night['site'].database}" in failed.stdout
    )
    assert "nothing was published" in failed.stdout
    assert "Traceback" not in failed.stdout


def test_a_full_disk_publishes_nothing(night: dict) -> None:
    # read by opening the file: fails if it cannot be opened
    _assert_nothing_published(night["after_full_disk"], night["baseline"])


# --- kill -9 mid-training ------------------------------------------------------------------


def test_the_kill_lands_while_ml_training_runs_runs(night: dict) -> None:
    returncode, output = night["killed"]
    # fails if the build ended, or trained, before the kill: the test proves nothing then
    assert returncode == -signal.SIGKILL
    assert TRAINING_STARTED in output
    assert TRAINING_DONE not in output


def test_after_the_kill_the_warehouse_opens_on_the_previous_build(night: dict) -> None:
    # no run of the killed build, not even a partial one: fails if the registry writer
    # appended the row before the training finished, or in pieces; BI still reads the
    # previous complete set: fails if anything was published mid-build
    _assert_nothing_published(night["after_kill"], night["baseline"])


# --- two builds at once, then the builds after -------------------------------------------


def test_of_two_builds_at_once_one_runs_and_the_other_stops_saying_why(night: dict) -> None:
    (ran_code, ran), (stopped_code, stopped) = sorted(night["both"])
    # fails if both ran (DuckDB let two processes write) or neither did
    assert ran_code == 0, ran[-4000:]
    assert stopped_code != 0, stopped[-4000:]
    assert PUBLISHED in ran
    # one message naming the file and what to do; fails on dbt's stack trace around DuckDB's
    # "Could not set lock on file" (what a second build printed before warehouse_lock)
    assert f"the warehouse {night['site'].database} is in use by another process" in stopped
    assert "wrote nothing" in stopped and "LEADSCORE_DUCKDB_PATH" in stopped
    assert "Traceback" not in stopped
    assert "START" not in stopped  # not one model, hook or test ran


def test_the_next_build_passes_and_publishes_the_new_complete_set(night: dict) -> None:
    baseline, state = night["baseline"], night["after_both"]
    # after the full disk and the kill: one new run, whole. Fails if a failed build left a
    # row, the second of the two builds wrote one too, or this one left a broken bundle
    assert state.runs[:-1] == baseline.runs
    assert [action for _, action, _, _ in state.runs[-1:]] == ["trained"]
    _assert_no_half_written_run(state)
    # every published mart is this build's: fails on a mix of two builds' marts
    assert state.published == state.audited
    assert len(state.published["lead_scores"]) > len(baseline.published["lead_scores"])
    # the published registry lists every trained run, the new one included
    assert state.registry == {run_id for run_id, action, _, _ in state.runs if action == "trained"}


def test_a_following_build_passes_and_publishes_its_complete_set(night: dict) -> None:
    following, state = night["following"], night["after_following"]
    assert following.returncode == 0, following.stdout[-4000:]
    assert PUBLISHED in following.stdout
    # (lead_scores stamps scored_at anew, so compare with this build's own audit tables)
    assert state.published == state.audited
    assert state.published["model_registry"] == night["after_both"].published["model_registry"]
    assert len(state.published["lead_scores"]) == len(night["after_both"].published["lead_scores"])
