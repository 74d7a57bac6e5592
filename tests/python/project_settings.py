"""The project's settings for tests, built from the defaults in dbt_project.yml's ``vars:``.

Tests invent no defaults of their own: every setting that mirrors a dbt var comes from
``dbt_project.yml`` through :mod:`leadscore.settings`, the same parser the dbt Python models
use; a test states only what it changes (``lifecycle(min_labelled=200)``).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from leadscore import settings
from leadscore.ml.config import ScoringConfig, SplitConfig, TrainConfig
from leadscore.ml.lifecycle import LifecycleSettings
from leadscore.monitoring.bands import PsiBands
from leadscore.monitoring.drift import DriftSettings
from leadscore.report.build_from_tables import ReportSettings
from leadscore.report.data import TierThresholds

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"


@cache
def _vars() -> dict[str, Any]:
    declared = yaml.safe_load(DBT_PROJECT.read_text())["vars"]
    # a var whose default is Jinja (e.g. raw_data_path from an env var) is dbt's to render
    return {
        name: value
        for name, value in declared.items()
        if not (isinstance(value, str) and "{{" in value)
    }


def project_vars(**overrides: Any) -> dict[str, Any]:
    """The vars' defaults from dbt_project.yml (Jinja-valued vars left out), with overrides."""
    return _vars() | overrides


def lifecycle(**overrides: Any) -> LifecycleSettings:
    return dataclasses.replace(settings.lifecycle_settings(project_vars()), **overrides)


def train_config(**overrides: Any) -> TrainConfig:
    return dataclasses.replace(settings.train_config(project_vars()), **overrides)


def split_config(**overrides: Any) -> SplitConfig:
    return dataclasses.replace(train_config().split, **overrides)


def split_by_dates(**counts: int) -> SplitConfig:
    """The project's split (gap_days: var horizon_days) cut by a count of dates
    (``n_validation_dates``, ``n_test_dates``) instead of by converted leads: the library's
    mode without the converted-lead minimums, for tests that pin the windows by dates."""
    return split_config(
        min_test_converted_leads=None, min_calibration_converted_leads=None, **counts
    )


def scoring(**overrides: Any) -> ScoringConfig:
    return dataclasses.replace(settings.scoring_config(project_vars()), **overrides)


def psi_bands() -> PsiBands:
    return settings.psi_bands(project_vars())


def drift(**overrides: Any) -> DriftSettings:
    return dataclasses.replace(settings.drift_settings(project_vars()), **overrides)


def tier_thresholds() -> TierThresholds:
    return settings.tier_thresholds(project_vars())


def report(**overrides: Any) -> ReportSettings:
    return dataclasses.replace(settings.report_settings(project_vars()), **overrides)
