"""How the tests share two workers (scripts/test.sh runs ``pytest -n 2 --dist loadgroup``).

Every test file stays on one worker (its module-scoped dbt builds run once), except the
contract fuzzer: its independent worlds alternate between two groups so that both workers
take half of them (each worker parses the project once for its half).
"""

from __future__ import annotations

import pytest

FUZZER = "test_contract_fuzz.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        group = item.path.name
        if group == FUZZER and hasattr(item, "callspec"):
            group = f"{FUZZER}[{item.callspec.params.get('index', 0) % 2}]"
        item.add_marker(pytest.mark.xdist_group(group))
