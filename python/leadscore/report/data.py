"""The data a model report shows: small frozen dataclasses, validated on construction.

Every table-like field of :class:`ReportData` takes a tuple/list of row objects,
a list of plain dicts, or a polars DataFrame whose columns carry the row's field
names (extra columns are ignored). Everything but the tier thresholds and the score scale
(vars ``tier_thresholds``, ``score_scale``; no defaults here) is optional:
``ReportData(tier_thresholds=..., score_scale=...)`` alone is a valid cold-start report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

from leadscore.monitoring.bands import PsiBands

TIERS: tuple[str, ...] = ("sales_now", "nurture", "awareness")
"""Tier names, hottest first."""

SCORERS: tuple[str, ...] = ("model", "points")
"""The two scores a report compares: the learned model and the points-based rules score."""

SCORE_SCALES: tuple[str, ...] = ("percentile", "probability")
SCORING_METHODS: tuple[str, ...] = ("model", "rules")

Stamp = datetime | date | str


def _fail(where: str, message: str) -> None:
    raise ValueError(f"{where}: {message}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_range(
    where: str,
    name: str,
    value: Any,
    low: float,
    high: float | None = None,
    *,
    optional: bool = False,
    hint: str = "",
) -> None:
    """Raise a clear ValueError unless ``value`` is a finite number in [low, high]."""
    if value is None:
        if optional:
            return
        _fail(where, f"{name} is required, got None")
    try:
        number = float(value)
    except (TypeError, ValueError):
        _fail(where, f"{name} must be a number, got {value!r}")
        return
    if not math.isfinite(number):
        if optional:
            return
        _fail(where, f"{name} must be a finite number, got {value!r}")
    upper = "" if high is None else f" and {high:g}"
    if number < low or (high is not None and number > high):
        bound = f"between {low:g}{upper}" if high is not None else f">= {low:g}"
        _fail(where, f"{name} must be {bound}, got {value!r}{hint}")


def _check_choice(where: str, name: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        _fail(where, f"{name} must be one of {list(choices)}, got {value!r}")


_UNIT_HINT = " (pass shares as fractions 0-1, not percentages)"


@dataclass(frozen=True)
class TierThresholds:
    """Lowest score of each tier: ``score >= sales_now`` -> sales_now, ``>= nurture`` -> nurture,
    anything lower -> awareness."""

    sales_now: float
    nurture: float

    def __post_init__(self) -> None:
        where = "TierThresholds"
        _check_range(where, "sales_now", self.sales_now, 0, 100)
        _check_range(where, "nurture", self.nurture, 0, 100)
        if not self.nurture < self.sales_now:
            _fail(
                where,
                f"nurture ({self.nurture}) must be below sales_now ({self.sales_now}); "
                "pass the lowest score of each tier, e.g. sales_now=80, nurture=50",
            )

    def tier_for(self, score: float) -> str:
        """The tier a 0-100 score falls in."""
        if score >= self.sales_now:
            return "sales_now"
        if score >= self.nurture:
            return "nurture"
        return "awareness"

    def range_label(self, tier: str) -> str:
        """Human label of a tier's score range, e.g. ``80+``, ``50-79`` (en dash), ``below 50``."""
        _check_choice("TierThresholds.range_label", "tier", tier, TIERS)
        top, mid = _fmt_threshold(self.sales_now), _fmt_threshold(self.nurture)
        if tier == "sales_now":
            return f"{top}+"
        if tier == "nurture":
            if float(self.sales_now).is_integer() and float(self.nurture).is_integer():
                return f"{mid}\u2013{int(self.sales_now) - 1}"
            return f"{mid} to under {top}"
        return f"below {mid}"


def _fmt_threshold(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class ModelCard:
    """What the model is, what it learned from and what it is for (skops-style model card)."""

    model_version: str | None = None
    trained_at: Stamp | None = None
    scoring_method: str = "rules"
    scoring_method_reason: str = ""
    training_window: tuple[Stamp, Stamp] | None = None
    validation_window: tuple[Stamp, Stamp] | None = None
    conversion_definition: str = ""
    horizon_days: int | None = None
    training_rows: int | None = None
    training_positives: int | None = None
    validation_rows: int | None = None
    validation_positives: int | None = None
    features: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    intended_use: str = ""
    limits: str = ""

    def __post_init__(self) -> None:
        where = "ModelCard"
        _check_choice(where, "scoring_method", self.scoring_method, SCORING_METHODS)
        _check_range(where, "horizon_days", self.horizon_days, 1, optional=True)
        for name in ("training_rows", "training_positives", "validation_rows"):
            _check_range(where, name, getattr(self, name), 0, optional=True)
        _check_range(where, "validation_positives", self.validation_positives, 0, optional=True)
        for rows, positives in (
            ("training_rows", "training_positives"),
            ("validation_rows", "validation_positives"),
        ):
            n, k = getattr(self, rows), getattr(self, positives)
            if n is not None and k is not None and k > n:
                _fail(where, f"{positives} ({k}) cannot exceed {rows} ({n})")
        for name in ("training_window", "validation_window"):
            window = getattr(self, name)
            if window is not None and len(window) != 2:
                _fail(where, f"{name} must be a (start, end) pair, got {window!r}")
        if isinstance(self.features, str):
            _fail(where, "features must be a list of feature names, not one string")
        object.__setattr__(self, "features", tuple(str(f) for f in self.features))
        if not isinstance(self.parameters, Mapping):
            _fail(where, f"parameters must be a mapping of name -> value, got {self.parameters!r}")


@dataclass(frozen=True)
class ScoreMetrics:
    """Validation metrics of one scorer. ``None`` (or NaN) means not measured."""

    roc_auc: float | None = None
    pr_auc: float | None = None
    brier: float | None = None
    log_loss: float | None = None
    lift_at_10: float | None = None
    ece: float | None = None

    def __post_init__(self) -> None:
        where = "ScoreMetrics"
        for name in ("roc_auc", "pr_auc", "brier", "ece"):
            _check_range(where, name, getattr(self, name), 0, 1, optional=True)
        for name in ("log_loss", "lift_at_10"):
            _check_range(where, name, getattr(self, name), 0, optional=True)


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of a reliability diagram: mean predicted probability vs actual conversion rate."""

    scorer: str
    predicted_mean: float
    actual_rate: float
    leads: int

    def __post_init__(self) -> None:
        where = f"CalibrationBin(scorer={self.scorer!r})"
        _check_choice(where, "scorer", self.scorer, SCORERS)
        _check_range(where, "predicted_mean", self.predicted_mean, 0, 1, hint=_UNIT_HINT)
        _check_range(where, "actual_rate", self.actual_rate, 0, 1, hint=_UNIT_HINT)
        _check_range(where, "leads", self.leads, 0)


@dataclass(frozen=True)
class GainsPoint:
    """A point of a cumulative gains curve: contacting the top ``share_contacted`` of leads
    (best score first) reaches ``share_converted`` of all conversions."""

    scorer: str
    share_contacted: float
    share_converted: float

    def __post_init__(self) -> None:
        where = f"GainsPoint(scorer={self.scorer!r})"
        _check_choice(where, "scorer", self.scorer, SCORERS)
        _check_range(where, "share_contacted", self.share_contacted, 0, 1, hint=_UNIT_HINT)
        _check_range(where, "share_converted", self.share_converted, 0, 1, hint=_UNIT_HINT)


@dataclass(frozen=True)
class TierRow:
    """Validation leads of one tier of one scorer and how many of them converted."""

    scorer: str
    tier: str
    leads: int
    converted: int

    def __post_init__(self) -> None:
        where = f"TierRow(scorer={self.scorer!r}, tier={self.tier!r})"
        _check_choice(where, "scorer", self.scorer, SCORERS)
        _check_choice(where, "tier", self.tier, TIERS)
        _check_range(where, "leads", self.leads, 0)
        _check_range(where, "converted", self.converted, 0)
        if self.converted > self.leads:
            _fail(where, f"converted ({self.converted}) cannot exceed leads ({self.leads})")

    @property
    def conversion_rate(self) -> float | None:
        return self.converted / self.leads if self.leads else None


@dataclass(frozen=True)
class FeatureImportance:
    """How much one feature matters to the model (any non-negative scale, e.g. permutation
    importance or mean |SHAP|)."""

    feature: str
    importance: float

    def __post_init__(self) -> None:
        _check_range(
            f"FeatureImportance(feature={self.feature!r})", "importance", self.importance, 0
        )


@dataclass(frozen=True)
class ScoreBin:
    """One band of the 0-100 score histogram: how many converted and non-converted leads."""

    bin_start: float
    bin_end: float
    converted: int
    not_converted: int

    def __post_init__(self) -> None:
        where = f"ScoreBin({self.bin_start}-{self.bin_end})"
        _check_range(where, "bin_start", self.bin_start, 0, 100)
        _check_range(where, "bin_end", self.bin_end, 0, 100)
        if not self.bin_start < self.bin_end:
            _fail(where, "bin_start must be below bin_end")
        _check_range(where, "converted", self.converted, 0)
        _check_range(where, "not_converted", self.not_converted, 0)


@dataclass(frozen=True)
class DriftRow:
    """Population Stability Index of one feature, recent leads vs the training window."""

    feature: str
    psi: float

    def __post_init__(self) -> None:
        _check_range(f"DriftRow(feature={self.feature!r})", "psi", self.psi, 0)


@dataclass(frozen=True)
class HealthWeek:
    """Quality of one scoring week, measured once its leads' outcomes are known.

    ``actual_rate``/``roc_auc`` stay ``None`` until the horizon has passed."""

    week_start: date
    roc_auc: float | None = None
    predicted_rate: float | None = None
    actual_rate: float | None = None
    leads: int | None = None

    def __post_init__(self) -> None:
        where = f"HealthWeek(week_start={self.week_start!r})"
        if isinstance(self.week_start, str):
            try:
                object.__setattr__(self, "week_start", date.fromisoformat(self.week_start[:10]))
            except ValueError:
                _fail(where, "week_start must be a date or an ISO date string (YYYY-MM-DD)")
        if isinstance(self.week_start, datetime):
            object.__setattr__(self, "week_start", self.week_start.date())
        if not isinstance(self.week_start, date):
            _fail(where, "week_start must be a date or an ISO date string (YYYY-MM-DD)")
        for name in ("roc_auc", "predicted_rate", "actual_rate"):
            _check_range(where, name, getattr(self, name), 0, 1, optional=True, hint=_UNIT_HINT)
        _check_range(where, "leads", self.leads, 0, optional=True)


@dataclass(frozen=True)
class Alert:
    """Something the monitoring raised: retraining, fallback to rules, drift, ..."""

    at: Stamp
    kind: str
    reason: str


@dataclass(frozen=True)
class SliceCalibration:
    """Predicted vs actual conversion in one slice sales looks at (model_calibration_slices):
    judged from enough leads, off beyond the tolerance (and clearly, not by noise)."""

    slice: str
    slice_value: str
    leads: int
    predicted_rate: float
    actual_rate: float
    tolerance: float
    is_judged: bool
    is_off: bool


@dataclass(frozen=True)
class TrainingPeriod:
    """One period of the time split the latest training used (or would use)."""

    name: str  # train | calibration | test
    start: date | str
    end: date | str
    leads: int
    converted_leads: int


@dataclass(frozen=True)
class HorizonCandidate:
    """What another horizon and look-back would give the training (the preflight)."""

    horizon_days: int
    lookback_days: int
    labelled_leads: int
    converted_leads: int
    is_configured: bool = False


@dataclass(frozen=True)
class TrainingData:
    """The latest build's preflight: what the labelled history holds, and advice."""

    labelled_leads: int
    converted_leads: int
    min_labelled_leads: int
    min_converted_leads: int
    periods: Sequence[TrainingPeriod] = ()
    horizons: Sequence[HorizonCandidate] = ()
    advice: str | None = None


Row = TypeVar("Row")

_ROW_FIELDS: dict[str, type] = {
    "calibration": CalibrationBin,
    "gains": GainsPoint,
    "tiers": TierRow,
    "feature_importance": FeatureImportance,
    "score_histogram": ScoreBin,
    "drift": DriftRow,
    "health": HealthWeek,
    "alerts": Alert,
    "calibration_slices": SliceCalibration,
}


def rows_from(value: Any, row_type: type[Row], what: str = "rows") -> tuple[Row, ...]:
    """Turn a polars DataFrame, a list of dicts or a list of ``row_type`` into a tuple of rows.

    Columns/keys are matched to the row's field names; extra ones are ignored. A missing
    required column raises a ValueError naming it.
    """
    if value is None:
        return ()
    if hasattr(value, "to_dicts") and hasattr(value, "columns"):
        records: Sequence[Any] = value.to_dicts()
    elif isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise ValueError(
            f"{what}: expected a polars DataFrame or a list of {row_type.__name__} rows, "
            f"got {type(value).__name__}"
        )
    else:
        records = value
    names = [f.name for f in fields(row_type)]  # type: ignore[arg-type]
    required = [
        f.name
        for f in fields(row_type)  # type: ignore[arg-type]
        if f.default is MISSING and f.default_factory is MISSING
    ]
    out: list[Row] = []
    for record in records:
        if isinstance(record, row_type):
            out.append(record)
            continue
        if not isinstance(record, Mapping):
            raise ValueError(
                f"{what}: each row must be a {row_type.__name__} or a mapping, "
                f"got {type(record).__name__}"
            )
        missing = [n for n in required if n not in record]
        if missing:
            raise ValueError(
                f"{what}: missing column(s) {missing} for {row_type.__name__}; "
                f"expected columns {names}"
            )
        out.append(row_type(**{n: record[n] for n in names if n in record}))
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class ReportData:
    """Everything the model report shows. All fields but the tier thresholds and the score scale
    (vars of those names) are optional (cold start renders too); the PSI bands are needed once
    there is drift to show."""

    title: str = "Lead scoring model report"
    generated_at: Stamp | None = None
    card: ModelCard = field(default_factory=ModelCard)
    model_metrics: ScoreMetrics | None = None
    points_metrics: ScoreMetrics | None = None
    tier_thresholds: TierThresholds
    score_scale: str
    calibration: Sequence[CalibrationBin] = ()
    #: Calibration in the slices sales looks at (``marts.model_calibration_slices``).
    calibration_slices: Sequence[SliceCalibration] = ()
    gains: Sequence[GainsPoint] = ()
    tiers: Sequence[TierRow] = ()
    feature_importance: Sequence[FeatureImportance] = ()
    importance_method: str = ""
    score_histogram: Sequence[ScoreBin] = ()
    drift: Sequence[DriftRow] = ()
    score_psi: float | None = None
    #: The PSI bands the drift section marks features with (the drift table's own bands);
    #: required with ``drift`` or ``score_psi``.
    drift_thresholds: PsiBands | None = None
    drift_reference: str = ""
    health: Sequence[HealthWeek] = ()
    alerts: Sequence[Alert] = ()
    #: What a user must know about this build's scores (``marts.scoring_warnings``), shown
    #: first on the page.
    warnings: Sequence[str] = ()
    #: The latest build's preflight (``ml_training_runs.preflight``).
    training_data: TrainingData | None = None

    def __post_init__(self) -> None:
        where = "ReportData"
        _check_choice(where, "score_scale", self.score_scale, SCORE_SCALES)
        _check_range(where, "score_psi", self.score_psi, 0, optional=True)
        coerce: list[tuple[str, type]] = [
            ("card", ModelCard),
            ("model_metrics", ScoreMetrics),
            ("points_metrics", ScoreMetrics),
            ("tier_thresholds", TierThresholds),
            ("drift_thresholds", PsiBands),
        ]
        for name, kind in coerce:
            value = getattr(self, name)
            if isinstance(value, Mapping):
                unknown = sorted(set(value) - {f.name for f in fields(kind)})
                if unknown:
                    _fail(where, f"{name} has unknown key(s) {unknown} for {kind.__name__}")
                object.__setattr__(self, name, kind(**value))
            elif value is not None and not isinstance(value, kind):
                _fail(where, f"{name} must be a {kind.__name__} or a dict, got {value!r}")
        if self.card is None:
            object.__setattr__(self, "card", ModelCard())
        if self.tier_thresholds is None:
            _fail(where, "tier_thresholds is required (var tier_thresholds)")
        if (self.drift or self.score_psi is not None) and self.drift_thresholds is None:
            _fail(
                where,
                "drift_thresholds (the PSI bands, vars health_psi_watch and health_psi_drift) "
                "are required with drift or score_psi",
            )
        for name, row_type in _ROW_FIELDS.items():
            object.__setattr__(self, name, rows_from(getattr(self, name), row_type, name))

    @property
    def active_scorer(self) -> str:
        """The scorer whose 0-100 score leads currently get: ``'model'`` or ``'points'``."""
        return "model" if self.card.scoring_method == "model" else "points"
