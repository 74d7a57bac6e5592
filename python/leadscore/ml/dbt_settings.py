"""Turn the dbt vars (passed to the Python models through their ``meta`` config) into the
lifecycle's settings, with clear errors for bad values."""

from __future__ import annotations

from typing import Any

from leadscore.ml.config import ScoringConfig, SplitConfig, TrainConfig
from leadscore.ml.errors import MLInputError
from leadscore.ml.lifecycle import LifecycleSettings

_NOT_FEATURES = ("is_score_date", "is_at_creation", "fit_score", "engagement_score")


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None", "none", "null"):
        return None
    return int(value)


def _flag(meta: dict[str, Any], key: str, default: bool) -> bool:
    """A true/false var: dbt renders it into meta as text ("True", "false", ...)."""
    value = meta.get(key, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise MLInputError(f"var {key} must be true or false; got {value!r}.")


def _required(meta: dict[str, Any], key: str) -> Any:
    if meta.get(key) in (None, "", "None"):
        raise MLInputError(
            f"var {key} is not set: pass it to the model's meta ({{{{ var('{key}') }}}}); its "
            "default is in dbt_project.yml."
        )
    return meta[key]


def tier_config(meta: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """The tiers (name, minimum score), highest first, from var tier_thresholds."""
    thresholds = meta.get("tier_thresholds") or {"sales_now": 80, "nurture": 50}
    if isinstance(thresholds, str):
        import json

        thresholds = json.loads(thresholds.replace("'", '"'))
    return (
        ("sales_now", int(thresholds["sales_now"])),
        ("nurture", int(thresholds["nurture"])),
        ("awareness", 0),
    )


def lifecycle_settings(meta: dict[str, Any] | None) -> LifecycleSettings:
    """Settings from the model's meta (every key optional; defaults as documented)."""
    meta = meta or {}
    defaults = TrainConfig()
    policy = str(meta.get("retrain_policy", "auto"))
    if policy not in ("auto", "always", "never"):
        raise MLInputError(f"var retrain_policy must be auto, always or never; got {policy!r}.")
    train = TrainConfig(
        features=type(defaults.features)(
            exclude=(*defaults.features.exclude, *_NOT_FEATURES),
        ),
        split=SplitConfig(
            min_test_converted_leads=int(_required(meta, "min_test_converted_leads")),
            min_calibration_converted_leads=int(_required(meta, "min_calibration_converted_leads")),
            gap_days=int(meta.get("horizon_days", 90)),
        ),
        calibration=str(meta.get("calibration_method", "sigmoid")),  # type: ignore[arg-type]
        seed=int(meta.get("model_seed", 42)),
        score_scale=str(meta.get("score_scale", "percentile")),  # type: ignore[arg-type]
        max_features=_optional_int(meta.get("model_max_features")),
        max_train_rows=_optional_int(meta.get("model_max_train_rows")),
        refit=_flag(meta, "model_refit", True),
        tiers=tier_config(meta),
    )
    return LifecycleSettings(
        retrain_policy=policy,
        retrain_max_age_days=int(meta.get("retrain_max_age_days", 30)),
        retrain_min_new_conversions=int(meta.get("retrain_min_new_conversions", 100)),
        promotion_tolerance=float(meta.get("promotion_tolerance", 0.005)),
        min_labelled=int(meta.get("cold_start_min_labelled", 500)),
        min_conversions=int(meta.get("cold_start_min_conversions", 100)),
        train=train,
    )


def scoring_config(meta: dict[str, Any] | None) -> ScoringConfig:
    """Scoring options from the model's meta (var score_scale)."""
    meta = meta or {}
    scale = str(meta.get("score_scale", "percentile"))
    if scale not in ("percentile", "probability"):
        raise MLInputError(f"var score_scale must be percentile or probability; got {scale!r}.")
    return ScoringConfig(score_scale=scale)  # type: ignore[arg-type]
