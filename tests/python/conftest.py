"""Order the test modules so the two pytest workers finish together.

`pytest -n 2 --dist loadscope` hands each worker whole modules (scopes) in collection order.
Alphabetical order put a few-minute module that builds the project near the end, so one
worker ran it alone while the other idled. Here the modules that build the dbt project come
first, the longest known ones at the head, and the many quick modules last, where they fill
in whichever worker frees up first. Only the order changes, never what runs.

It also gives the run a folder where the tests' dbt commands keep parsed manifests
(dbt_helpers.MANIFESTS_ENV, dbt_cached.py), shared by both workers; with it, run_dbt runs
dbt inside the worker (dbt_inprocess.py). LEADSCORE_TEST_IN_PROCESS=off runs each command in
a process of its own; LEADSCORE_TEST_MANIFESTS=off has every command run as the plain dbt
command, parsing the project itself.
"""

from __future__ import annotations

import os
import sys

import pytest
from dbt_helpers import MANIFESTS_ENV

# Modules measured as the longest (several project builds each; `--durations` in CI).
LONGEST_FIRST = (
    "test_health_e2e",
    "test_faults",
    "test_routing_e2e",
    "test_publish",
    "test_change_feed_e2e",
    "test_own_data_recipes",
    "test_champion_pin",
)


def _builds_the_project(module: object) -> bool:
    """Whether a test module runs dbt (it uses the helpers of dbt_helpers)."""
    helpers = sys.modules.get("dbt_helpers")
    return helpers is not None and any(
        value is getattr(helpers, name, None)
        for name, value in vars(module).items()
        if name in {"run_dbt", "dbt_command", "PROJECT_DIR"}
    )


def _rank(item: pytest.Item) -> tuple[int, int]:
    module = item.module  # type: ignore[attr-defined]
    name = module.__name__.rsplit(".", 1)[-1]
    if name in LONGEST_FIRST:
        return (0, LONGEST_FIRST.index(name))
    return (1, 0) if _builds_the_project(module) else (2, 0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: within a rank, the collection order stays


@pytest.fixture(scope="session", autouse=True)
def _parsed_manifests(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One folder of parsed manifests for the run (both xdist workers: their parent folder)."""
    if os.environ.get(MANIFESTS_ENV) == "off":
        os.environ.pop(MANIFESTS_ENV)
        return
    if not os.environ.get(MANIFESTS_ENV):
        base = tmp_path_factory.getbasetemp()
        root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        folder = root / "dbt-manifests"
        folder.mkdir(exist_ok=True)
        os.environ[MANIFESTS_ENV] = str(folder)
