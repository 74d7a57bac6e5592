"""Order the test modules so the two pytest workers finish together.

`pytest -n 2 --dist loadscope` hands each worker whole modules (scopes) in collection order.
Alphabetical order put a few-minute module that builds the project near the end, so one
worker ran it alone while the other idled. Here the modules that build the dbt project come
first, the longest known ones at the head, and the many quick modules last, where they fill
in whichever worker frees up first. Only the order changes, never what runs.
"""

from __future__ import annotations

import sys

import pytest

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
