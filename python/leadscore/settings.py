"""The dbt vars the Python models read: parsed and validated once, into frozen typed settings.

Configuration has one source of defaults, ``dbt_project.yml``. Each dbt Python model's yml
passes the vars it reads, as they resolve in the build, as ONE JSON object in its meta::

    config:
      meta:
        settings: "{{ tojson({'score_scale': var('score_scale')}) }}"

The model hands its meta to :func:`model_vars`, and the builders here turn those vars into the
typed settings the package takes (:class:`~leadscore.ml.lifecycle.LifecycleSettings`,
:class:`~leadscore.ml.config.ScoringConfig`, :class:`~leadscore.monitoring.drift.DriftSettings`,
:class:`~leadscore.report.build_from_tables.ReportSettings`). A var the builder needs but the
meta does not pass is an error that names it, never a second default; a bad value is an error
that names the var and what it may be.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from leadscore.ml.config import FeatureConfig, ScoringConfig, SplitConfig, TrainConfig
from leadscore.ml.errors import MLInputError
from leadscore.ml.lifecycle import LifecycleSettings
from leadscore.monitoring.bands import PsiBands
from leadscore.monitoring.drift import DriftSettings
from leadscore.report.build_from_tables import ReportSettings
from leadscore.report.data import TierThresholds

#: The meta key that carries a Python model's vars (a JSON object).
SETTINGS_KEY = "settings"

#: Columns of the training panel that are never model features (flags and sub-scores).
NOT_FEATURES: tuple[str, ...] = ("is_score_date", "is_at_creation", "fit_score", "engagement_score")

RETRAIN_POLICIES = ("auto", "always", "never")
SCORE_SCALES = ("percentile", "probability")
RULES_SCALES = ("cold_start", "always", "never")
CALIBRATION_METHODS = ("sigmoid", "isotonic")

#: Every var a builder here reads (the tests check each one is in dbt_project.yml).
VARS_READ: tuple[str, ...] = (
    "retrain_policy",
    "retrain_max_age_days",
    "retrain_min_new_conversions",
    "promotion_tolerance",
    "promotion_min_gain",
    "cold_start_min_labelled",
    "cold_start_min_conversions",
    "champion_version",
    "score_scale",
    "rules_on_score_scale",
    "model_seed",
    "model_max_features",
    "model_max_train_rows",
    "model_refit",
    "calibration_method",
    "negative_signal_features",
    "constrain_negative_signals",
    "min_test_converted_leads",
    "min_calibration_converted_leads",
    "horizon_days",
    "training_step_days",
    "tier_thresholds",
    "health_psi_watch",
    "health_psi_drift",
    "conversion_definition",
    "report_path",
    "export_path",
    "mode",
)


# --------------------------------------------------------------------------- the vars


def model_vars(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The vars a dbt Python model passes in its meta (``settings``: a JSON object)."""
    raw = (meta or {}).get(SETTINGS_KEY)
    if raw is None:
        raise MLInputError(
            f"the model's meta has no '{SETTINGS_KEY}': pass the vars it reads as JSON in its "
            "yml, e.g. meta: {settings: \"{{ tojson({'score_scale': var('score_scale')}) }}\"}."
        )
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        values = json.loads(raw)
    except (TypeError, ValueError) as error:
        raise MLInputError(
            f"the model's meta '{SETTINGS_KEY}' is not JSON ({error}); render it with tojson: "
            '"{{ tojson({...}) }}".'
        ) from error
    if not isinstance(values, dict):
        raise MLInputError(
            f"the model's meta '{SETTINGS_KEY}' must be a JSON object of vars; got {raw!r}."
        )
    return values


def _get(values: Mapping[str, Any], name: str) -> Any:
    if name not in values:
        raise MLInputError(
            f"var {name} is not passed to this model: add '{name}': var('{name}') to the tojson "
            f"of its meta '{SETTINGS_KEY}' (its default is in dbt_project.yml)."
        )
    return values[name]


def _text(values: Mapping[str, Any], name: str) -> str:
    value = _get(values, name)
    if not isinstance(value, str) or not value.strip():
        raise MLInputError(f"var {name} must be a non-empty text; got {value!r}.")
    return value


def _optional_text(values: Mapping[str, Any], name: str) -> str | None:
    """A text var that may be unset: null or blank is None."""
    value = _get(values, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise MLInputError(f"var {name} must be a text or null; got {value!r}.")
    return value.strip()


def _choice(values: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = _get(values, name)
    if value not in choices:
        allowed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
        raise MLInputError(f"var {name} must be {allowed}; got {value!r}.")
    return str(value)


def _number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric text (``--vars`` may give text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _float(values: Mapping[str, Any], name: str, minimum: float | None = None) -> float:
    value = _get(values, name)
    number = _number(value)
    if number is None or (minimum is not None and number < minimum):
        bound = "" if minimum is None else f" >= {minimum:g}"
        raise MLInputError(f"var {name} must be a number{bound}; got {value!r}.")
    return number


def _int(values: Mapping[str, Any], name: str, minimum: int | None = None) -> int:
    value = _get(values, name)
    number = _number(value)
    if number is None or not number.is_integer() or (minimum is not None and number < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise MLInputError(f"var {name} must be a whole number{bound}; got {value!r}.")
    return int(number)


def _optional_int(values: Mapping[str, Any], name: str, minimum: int | None = None) -> int | None:
    if _get(values, name) is None:
        return None
    return _int(values, name, minimum)


def _flag(values: Mapping[str, Any], name: str) -> bool:
    value = _get(values, name)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise MLInputError(f"var {name} must be true or false; got {value!r}.")


def _names(values: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A list of non-empty texts (feature names or ``*`` patterns)."""
    value = _get(values, name)
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise MLInputError(f"var {name} must be a list of feature names; got {value!r}.")
    return tuple(item.strip() for item in value)


def _tier_minimums(values: Mapping[str, Any]) -> tuple[int, int]:
    """(sales_now, nurture) of var tier_thresholds: whole scores 0-100, nurture below."""
    value = _get(values, "tier_thresholds")
    shape = "a mapping {sales_now: <score 0-100>, nurture: <lower score>}"
    if not isinstance(value, Mapping) or not {"sales_now", "nurture"} <= set(value):
        raise MLInputError(f"var tier_thresholds must be {shape}; got {value!r}.")
    minimums = []
    for tier in ("sales_now", "nurture"):
        number = _number(value[tier])
        if number is None or not number.is_integer() or not 0 <= number <= 100:
            raise MLInputError(
                f"var tier_thresholds.{tier} must be a whole score 0-100; got {value[tier]!r}."
            )
        minimums.append(int(number))
    sales_now, nurture = minimums
    if not nurture < sales_now:
        raise MLInputError(
            f"var tier_thresholds must have nurture below sales_now; got {dict(value)!r}."
        )
    return sales_now, nurture


# --------------------------------------------------------------------------- the settings


def tiers(values: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """The tiers (name, minimum score), highest first, from var tier_thresholds."""
    sales_now, nurture = _tier_minimums(values)
    return (("sales_now", sales_now), ("nurture", nurture), ("awareness", 0))


def tier_thresholds(values: Mapping[str, Any]) -> TierThresholds:
    """The report's tier thresholds, from var tier_thresholds."""
    sales_now, nurture = _tier_minimums(values)
    return TierThresholds(sales_now=float(sales_now), nurture=float(nurture))


def train_config(values: Mapping[str, Any]) -> TrainConfig:
    """The training configuration from the vars (the rest are the package's constants)."""
    features = FeatureConfig()
    return TrainConfig(
        features=FeatureConfig(exclude=(*features.exclude, *NOT_FEATURES)),
        split=SplitConfig(
            min_test_converted_leads=_int(values, "min_test_converted_leads", 1),
            min_calibration_converted_leads=_int(values, "min_calibration_converted_leads", 1),
            gap_days=_int(values, "horizon_days", 1),
            period_days=_int(values, "training_step_days", 1),
        ),
        calibration=_choice(values, "calibration_method", CALIBRATION_METHODS),  # type: ignore[arg-type]
        seed=_int(values, "model_seed"),
        score_scale=_choice(values, "score_scale", SCORE_SCALES),  # type: ignore[arg-type]
        max_features=_optional_int(values, "model_max_features", 1),
        max_train_rows=_optional_int(values, "model_max_train_rows", 1),
        refit=_flag(values, "model_refit"),
        tiers=tiers(values),
        negative_signals=_names(values, "negative_signal_features"),
        constrain_negative_signals=_flag(values, "constrain_negative_signals"),
    )


def lifecycle_settings(values: Mapping[str, Any]) -> LifecycleSettings:
    """Retraining, promotion, cold start and training settings (``ml_training_runs``)."""
    return LifecycleSettings(
        retrain_policy=_choice(values, "retrain_policy", RETRAIN_POLICIES),
        retrain_max_age_days=_int(values, "retrain_max_age_days", 0),
        retrain_min_new_conversions=_int(values, "retrain_min_new_conversions", 0),
        promotion_tolerance=_float(values, "promotion_tolerance", 0),
        promotion_min_gain=_float(values, "promotion_min_gain", 0),
        min_labelled=_int(values, "cold_start_min_labelled", 0),
        min_conversions=_int(values, "cold_start_min_conversions", 0),
        champion_version=_optional_text(values, "champion_version"),
        train=train_config(values),
    )


def scoring_config(values: Mapping[str, Any]) -> ScoringConfig:
    """Scoring options (``ml_lead_scores``): vars score_scale and rules_on_score_scale
    (true and false read as always and never)."""
    flag = _get(values, "rules_on_score_scale")
    if isinstance(flag, bool):
        rules_scale = "always" if flag else "never"
    else:
        rules_scale = _choice(values, "rules_on_score_scale", RULES_SCALES)
    return ScoringConfig(
        score_scale=_choice(values, "score_scale", SCORE_SCALES),  # type: ignore[arg-type]
        rules_on_score_scale=rules_scale,  # type: ignore[arg-type]
    )


def psi_bands(values: Mapping[str, Any]) -> PsiBands:
    """The PSI bands, vars health_psi_watch and health_psi_drift."""
    watch = _float(values, "health_psi_watch", 0)
    drift = _float(values, "health_psi_drift", 0)
    try:
        return PsiBands(watch=watch, drift=drift)
    except ValueError as error:
        raise MLInputError(str(error)) from error


def drift_settings(values: Mapping[str, Any]) -> DriftSettings:
    """Drift settings (``ml_drift``): the PSI bands; the binning is the package's."""
    return DriftSettings(bands=psi_bands(values))


def report_settings(values: Mapping[str, Any]) -> ReportSettings:
    """What the model report shows of the configuration (``model_report``)."""
    return ReportSettings(
        tier_thresholds=tier_thresholds(values),
        score_scale=_choice(values, "score_scale", SCORE_SCALES),
        conversion_definition=_text(values, "conversion_definition"),
        horizon_days=_int(values, "horizon_days", 1),
        drift_thresholds=psi_bands(values),
    )


#: Build modes (var mode): a backtest writes nothing production reads.
MODES = ("production", "backtest")


def is_backtest(values: Mapping[str, Any]) -> bool:
    """Whether this build is a backtest (var mode)."""
    return _choice(values, "mode", MODES) == "backtest"


def report_path(values: Mapping[str, Any]) -> str:
    """Where the model report is written (var report_path; a backtest writes it into a
    ``backtest`` folder beside it, never over the production report)."""
    path = PurePosixPath(_text(values, "report_path"))
    return str(path.parent / "backtest" / path.name) if is_backtest(values) else str(path)


def export_path(values: Mapping[str, Any]) -> str:
    """The folder the reverse-ETL files are written into (var export_path; a backtest writes
    into its ``backtest`` subfolder, which no sync reads)."""
    folder = _text(values, "export_path")
    return str(PurePosixPath(folder) / "backtest") if is_backtest(values) else folder
