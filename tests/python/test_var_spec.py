"""Vars are checked before any model runs: a bad value stops the build naming the var and
what it takes, a misspelt name is warned about with the var it probably meant, and no var
value can change the SQL that runs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from dbt_helpers import PROJECT_DIR, query, run_dbt

SPEC_NAMES = re.compile(r"^ {8}'([a-z_]+)': ", re.M)


def test_every_var_has_a_spec_and_every_spec_a_var() -> None:
    defaults = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    macro = (PROJECT_DIR / "macros" / "validate_vars.sql").read_text()
    spec = macro[macro.index("macro var_spec") : macro.index("endmacro")]
    assert set(SPEC_NAMES.findall(spec)) == set(defaults)


def _seed(tmp_path: Path, variables: dict):
    database = tmp_path / "db.duckdb"
    return database, run_dbt(["build", "--select", "country_codes"], database, variables)


# Every bad value at once: the check names each of them in one message, so one build
# (one dbt start-up) proves them all.
BAD_VARS = {
    "retrain_policy": ("sometimes", "var retrain_policy must be one of auto, always, never"),
    "horizon_days": (0, "var horizon_days must be a whole number from 1; got 0"),
    "model_refit": ("yes", "var model_refit must be true or false"),
    "training_sample_rate": (1.5, "var training_sample_rate must be a number from 0 to 1"),
    "score_date": (
        "2026-01-01' as date) union select 1 --",
        "var score_date must be a date written YYYY-MM-DD",
    ),
    "report_path": (None, "var report_path must be a value (it may not be null)"),
}


def test_bad_vars_stop_the_build_before_any_model_runs_each_named(tmp_path: Path) -> None:
    database, result = _seed(tmp_path, {name: value for name, (value, _) in BAD_VARS.items()})
    assert result.returncode != 0
    for _, message in BAD_VARS.values():
        assert message in result.stdout, result.stdout[-2000:]
    assert "Nothing was built" in result.stdout
    if database.exists():
        built = query(database, "select count(*) from information_schema.tables")
        assert built == [(0,)]


def test_a_misspelt_var_is_warned_about_with_the_var_it_meant(tmp_path: Path) -> None:
    _, result = _seed(tmp_path, {"retrain_polcy": "never"})
    assert result.returncode == 0, result.stdout[-2000:]
    assert "--vars sets 'retrain_polcy', which is not a var" in result.stdout
    assert "did you mean 'retrain_policy'?" in result.stdout


def test_an_unquoted_yaml_date_is_a_score_date(tmp_path: Path) -> None:
    """`--vars '{score_date: 2026-06-30, mode: backtest}'`, as the README writes it: YAML reads
    the date as a date, not text, and the build takes it."""
    database = tmp_path / "db.duckdb"
    result = run_dbt(
        [
            "build",
            "--select",
            "country_codes",
            "--vars",
            "{score_date: 2026-06-30, mode: backtest}",
        ],
        database,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "BACKTEST at score date 2026-06-30" in result.stdout
