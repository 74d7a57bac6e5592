"""Configuration has one source of defaults: dbt_project.yml. The Python models pass the vars
they read as JSON in their meta; leadscore.settings parses them once, and a var that is not
passed is an error, never a second default."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from leadscore import settings
from leadscore.ml.errors import MLInputError
from project_settings import DBT_PROJECT, project_vars

MODELS = DBT_PROJECT.parent / "models"

#: What each dbt Python model builds from its vars (the builders of leadscore.settings).
BUILDERS: dict[str, tuple[Callable[[dict[str, Any]], Any], ...]] = {
    "ml_training_runs": (settings.lifecycle_settings,),
    "ml_lead_scores": (settings.scoring_config,),
    "ml_drift": (settings.drift_settings,),
    "model_report": (settings.report_settings, settings.report_path),
    "export_files": (settings.export_path,),
}


def meta_of(values: dict[str, Any]) -> dict[str, str]:
    """A model's meta as dbt renders it: the vars as one JSON text."""
    return {"settings": json.dumps(values)}


def python_models() -> dict[str, Path]:
    return {path.stem: path for path in MODELS.rglob("*.py")}


def passed_vars(model: str) -> list[str]:
    """The vars a Python model's yml passes in its meta settings (var('...') in the tojson)."""
    docs = yaml.safe_load((python_models()[model].with_suffix(".yml")).read_text())
    (node,) = [m for m in docs["models"] if m["name"] == model]
    text = node.get("config", {}).get("meta", {}).get("settings", "")
    assert text.strip().startswith("{{ tojson("), f"{model}: meta settings is not tojson"
    return re.findall(r"var\('(\w+)'\)", text)


def test_every_python_model_reads_its_vars_through_leadscore_settings() -> None:
    assert set(python_models()) == set(BUILDERS) | {"ml_backtest_scores"}
    for model, path in python_models().items():
        source = path.read_text()
        assert "meta_get" not in source and 'meta"]' not in source, model
        if model in BUILDERS:
            assert 'model_vars(dbt.config.get("meta"))' in source, model


@pytest.mark.parametrize("model", sorted(BUILDERS))
def test_every_var_a_python_model_passes_is_a_var_of_dbt_project_yml(model: str) -> None:
    declared = yaml.safe_load(DBT_PROJECT.read_text())["vars"]
    passed = passed_vars(model)
    assert passed, model
    assert len(passed) == len(set(passed)), f"{model} passes a var twice"
    assert set(passed) <= set(declared), set(passed) - set(declared)
    assert set(passed) <= set(settings.VARS_READ)


@pytest.mark.parametrize("model", sorted(BUILDERS))
def test_each_python_model_passes_exactly_the_vars_its_settings_read(model: str) -> None:
    passed = passed_vars(model)
    values = settings.model_vars(meta_of({name: project_vars()[name] for name in passed}))
    for build in BUILDERS[model]:
        build(values)
    # and each one passed is needed: without it, the model's settings cannot be built
    for name in passed:
        fewer = {key: value for key, value in values.items() if key != name}
        with pytest.raises(MLInputError, match=f"var {name} is not passed to this model"):
            for build in BUILDERS[model]:
                build(fewer)


def test_the_vars_each_setting_reads_are_vars_of_dbt_project_yml() -> None:
    declared = yaml.safe_load(DBT_PROJECT.read_text())["vars"]
    assert set(settings.VARS_READ) <= set(declared)


def test_a_missing_key_is_an_error_that_names_the_var_not_a_default() -> None:
    values = project_vars()
    del values["model_seed"]
    with pytest.raises(MLInputError, match="var model_seed is not passed to this model"):
        settings.lifecycle_settings(values)
    with pytest.raises(MLInputError, match="var health_psi_drift is not passed"):
        settings.drift_settings({"health_psi_watch": 0.1})
    with pytest.raises(MLInputError, match="meta has no 'settings'"):
        settings.model_vars({"score_scale": "percentile"})
    with pytest.raises(MLInputError, match="is not JSON"):
        settings.model_vars({"settings": "{'score_scale': 'percentile'}"})


def test_dbt_meta_becomes_settings_with_clear_errors() -> None:
    lifecycle = settings.lifecycle_settings(
        settings.model_vars(
            meta_of(
                project_vars(
                    retrain_policy="always",
                    model_max_features=None,
                    # --vars on the command line may give numbers and flags as text
                    model_max_train_rows="500000",
                    horizon_days="60",
                    tier_thresholds={"sales_now": 85, "nurture": 40},
                    min_test_converted_leads="40",
                    min_calibration_converted_leads=30,
                    model_refit="False",
                )
            )
        )
    )
    assert lifecycle.train.refit is False
    assert lifecycle.train.split.min_test_converted_leads == 40
    assert lifecycle.train.split.min_calibration_converted_leads == 30
    assert lifecycle.retrain_policy == "always"
    assert lifecycle.train.max_features is None
    assert lifecycle.train.max_train_rows == 500_000
    assert lifecycle.train.split.gap_days == 60
    assert lifecycle.train.tiers == (("sales_now", 85), ("nurture", 40), ("awareness", 0))
    assert "is_score_date" in lifecycle.train.features.exclude
    bad: list[tuple[dict[str, Any], str]] = [
        (
            {"retrain_policy": "sometimes"},
            "var retrain_policy must be auto, always or never; got 'sometimes'",
        ),
        ({"model_refit": "sometimes"}, "var model_refit must be true or false; got 'sometimes'"),
        ({"model_seed": 4.5}, "var model_seed must be a whole number; got 4.5"),
        ({"horizon_days": "ninety"}, "var horizon_days must be a whole number >= 1"),
        ({"calibration_method": "platt"}, "var calibration_method must be sigmoid or isotonic"),
        ({"tier_thresholds": {"sales_now": 80}}, "var tier_thresholds must be a mapping"),
        (
            {"tier_thresholds": {"sales_now": 50, "nurture": 80}},
            "nurture below sales_now",
        ),
        ({"promotion_tolerance": -1}, "var promotion_tolerance must be a number >= 0"),
    ]
    for change, message in bad:
        with pytest.raises(MLInputError, match=re.escape(message)):
            settings.lifecycle_settings(project_vars(**change))
    with pytest.raises(MLInputError, match="var score_scale must be percentile or probability"):
        settings.scoring_config(project_vars(score_scale="stars"))
    with pytest.raises(
        MLInputError,
        match="var rules_on_score_scale must be cold_start, always or never; got 'sometimes'",
    ):
        settings.scoring_config(project_vars(rules_on_score_scale="sometimes"))
    assert dataclasses.asdict(settings.scoring_config(project_vars(score_scale="probability")))[
        "score_scale"
    ] == ("probability")


def test_report_and_drift_settings_share_the_psi_bands() -> None:
    values = project_vars(
        tier_thresholds={"sales_now": 70, "nurture": 40},
        horizon_days=60,
        health_psi_drift=0.3,
        conversion_definition="opportunity_created",
    )
    report = settings.report_settings(values)
    assert (report.tier_thresholds.sales_now, report.horizon_days) == (70, 60)
    assert report.drift_thresholds.drift == 0.3
    assert settings.drift_settings(values).bands == report.drift_thresholds
    with pytest.raises(MLInputError, match="watch < drift"):
        settings.drift_settings({"health_psi_watch": 0.3, "health_psi_drift": 0.1})
    with pytest.raises(MLInputError, match="var health_psi_watch must be a number"):
        settings.drift_settings({"health_psi_watch": "low", "health_psi_drift": 0.25})
