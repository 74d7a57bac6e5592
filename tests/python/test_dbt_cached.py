"""The tests' dbt commands share parsed manifests (dbt_cached.py) between builds that differ
only in dbt_helpers.RUNTIME_VARS. That is right only while parsing never reads those vars: a
var read in a YAML config, a source or a ``config()`` block is fixed in the manifest, and a
build given another value would silently use the parsed one. Parsing with other values must
give the same manifest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dbt_helpers import PROJECT_DIR, RUNTIME_VARS
from dbt_helpers import _manifest_key as manifest_key

# other values than the project's defaults, one per runtime var
OTHER_VALUES = {"raw_data_path": "/somewhere/else", "score_date": "2021-03-04"}


def _parsed(root: Path, variables: dict | None) -> dict:
    """The manifest of a parse with ``variables``, without what differs on every parse."""
    import json

    from dbt.cli.main import dbtRunner

    args = ["parse", "--project-dir", str(PROJECT_DIR), "--target-path", str(root / "target")]
    args += ["--log-path", str(root / "logs"), "--quiet", "--no-partial-parse"]
    if variables:
        args += ["--vars", json.dumps(variables)]
    result = dbtRunner().invoke(args)
    assert result.success, result.exception
    manifest = result.result.writable_manifest().to_dict()
    manifest.pop("metadata")
    return _without(manifest, {"created_at"})


def _without(value: object, keys: set[str]) -> object:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


@pytest.fixture
def dbt_environment(tmp_path: Path):
    saved = dict(os.environ)
    os.environ["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    os.environ["LEADSCORE_DUCKDB_PATH"] = str(tmp_path / "parse.duckdb")
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


def test_the_runtime_vars_leave_the_parsed_manifest_unchanged(dbt_environment: Path) -> None:
    assert set(OTHER_VALUES) == RUNTIME_VARS  # a var added to RUNTIME_VARS is checked here too
    default = _parsed(dbt_environment / "default", None)
    other = _parsed(dbt_environment / "other", OTHER_VALUES)
    for part in default:
        changed = (
            [
                name
                for name in set(default[part]) | set(other[part])
                if default[part].get(name) != other[part].get(name)
            ]
            if isinstance(default[part], dict)
            else ([part] if default[part] != other[part] else [])
        )
        assert not changed, f"{part}: parsing read a runtime var in {sorted(changed)[:5]}"


def test_a_parse_time_var_makes_another_manifest_key(tmp_path: Path) -> None:
    database = tmp_path / "build.duckdb"
    env = {"DBT_PROFILES_DIR": str(PROJECT_DIR)}
    base = {"raw_data_path": "/a", "score_date": "2026-01-01", "retrain_policy": "auto"}
    key, _ = manifest_key(PROJECT_DIR, database, base, env)
    other_runtime = base | {"raw_data_path": "/b", "score_date": "2026-02-01"}
    assert manifest_key(PROJECT_DIR, database, other_runtime, env)[0] == key
    assert manifest_key(PROJECT_DIR, database, base | {"retrain_policy": "never"}, env)[0] != key
    assert manifest_key(PROJECT_DIR, tmp_path / "other.duckdb", base, env)[0] != key
