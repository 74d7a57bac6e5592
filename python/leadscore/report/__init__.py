"""The model report: a static, self-contained HTML page a sales leader can read.

>>> from leadscore.report import ReportData, TierThresholds, write_report
>>> tiers = TierThresholds(sales_now=80, nurture=50)  # var tier_thresholds
>>> data = ReportData(tier_thresholds=tiers, score_scale="percentile")  # vars of those names
>>> write_report(data, "reports/model_report.html")  # doctest: +SKIP
"""

from leadscore.monitoring.bands import PsiBands
from leadscore.report.build import gains_curve, score_histogram, tier_rows
from leadscore.report.data import (
    SCORERS,
    TIERS,
    Alert,
    CalibrationBin,
    DriftRow,
    FeatureImportance,
    GainsPoint,
    HealthWeek,
    ModelCard,
    ReportData,
    ScoreBin,
    ScoreMetrics,
    SliceCalibration,
    TierRow,
    TierThresholds,
    rows_from,
)
from leadscore.report.render import SECTION_TITLES, render_report, write_report

__all__ = [
    "SCORERS",
    "SECTION_TITLES",
    "TIERS",
    "Alert",
    "CalibrationBin",
    "DriftRow",
    "FeatureImportance",
    "GainsPoint",
    "HealthWeek",
    "ModelCard",
    "PsiBands",
    "ReportData",
    "ScoreBin",
    "ScoreMetrics",
    "SliceCalibration",
    "TierRow",
    "TierThresholds",
    "gains_curve",
    "render_report",
    "rows_from",
    "score_histogram",
    "tier_rows",
    "write_report",
]
