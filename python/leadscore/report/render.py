"""Render :class:`ReportData` into one static, self-contained HTML page.

``render_report`` is pure (data in, string out); ``write_report`` adds the file write.
The page needs no network: CSS is inline, charts are inline SVG, there is no script.

The markup is in Jinja2 templates and the styles in a stylesheet, both package data in
``templates/`` (``report.html.j2`` is the page; one template per section). This module
prepares what they show: numbers formatted by the ``fmt_*`` helpers below, sentences built
from the data, charts drawn by :mod:`leadscore.report.svg`. Templates autoescape everything
they print except the charts and the stylesheet, which are marked safe here.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from leadscore import __version__
from leadscore.errors import UserFacingError
from leadscore.report import svg
from leadscore.report.data import (
    TIERS,
    CalibrationBin,
    GainsPoint,
    HealthWeek,
    ReportData,
    TierRow,
)
from leadscore.report.svg import DASH, TIMES

SECTION_TITLES: dict[str, str] = {
    "explainer": "How to read this report",
    "glance": "At a glance",
    "metrics": "Model vs points score",
    "calibration": "Calibration",
    "gains": "Cumulative gains",
    "tiers": "Conversion by tier",
    "slices": "Calibration by slice",
    "importance": "Feature importance",
    "distribution": "Score distribution",
    "drift": "Drift",
    "health": "Health over time",
    "alerts": "Recent alerts",
    "training_data": "Training data",
    "card": "Model card",
}
"""Section id -> heading shown in the report (in page order)."""

EMPTY_PREFIX = "Not enough data yet: "
TOP_FEATURES = 15
MAX_ALERTS = 20

SCORER_NAMES = {"model": "Model", "points": "Points score"}
SCORER_STYLE = {
    "model": {"color": svg.BLUE, "dash": "", "marker": "circle"},
    "points": {"color": svg.VERMILLION, "dash": "7 4", "marker": "square"},
}
TIER_NAMES = {"sales_now": "Sales now", "nurture": "Nurture", "awareness": "Awareness"}
TIER_ACTIONS = {
    "sales_now": "hand to sales now: call or email this week.",
    "nurture": "keep warm with marketing nurture until they heat up.",
    "awareness": "general awareness campaigns; not ready for sales.",
}


# --------------------------------------------------------------------------- formatting


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def fmt_number(value: float | None, digits: int = 3) -> str:
    """Fixed decimals, or 'n/a' when missing."""
    return "n/a" if _missing(value) else f"{value:.{digits}f}"


def fmt_rate(value: float | None, digits: int = 1) -> str:
    """A 0-1 share as a percentage, or 'n/a'."""
    return "n/a" if _missing(value) else f"{value * 100:.{digits}f}%"


def fmt_times(value: float | None) -> str:
    """A multiplier such as lift: '3.4' and a times sign, or 'n/a'."""
    return "n/a" if _missing(value) else f"{value:.1f}{TIMES}"


def fmt_count(value: int | None) -> str:
    return "n/a" if value is None else f"{int(value):,}"


def fmt_stamp(value: object) -> str:
    """Dates as YYYY-MM-DD, datetimes to the minute (with the zone when known)."""
    if value is None or value == "":
        return "not recorded"
    if isinstance(value, datetime):
        zone = value.strftime(" %Z") if value.tzinfo is not None else ""
        return value.strftime("%Y-%m-%d %H:%M") + zone
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _window(window: tuple[object, object] | None) -> str:
    if not window:
        return "not recorded"
    return f"{fmt_stamp(window[0])} to {fmt_stamp(window[1])}"


def _short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


# --------------------------------------------------------------------------- derived numbers


def tier_rates(rows: Sequence[TierRow], scorer: str) -> dict[str, float | None]:
    """Conversion rate per tier of one scorer (None when the tier is empty or absent)."""
    rates: dict[str, float | None] = dict.fromkeys(TIERS)
    for row in rows:
        if row.scorer == scorer:
            rates[row.tier] = row.conversion_rate
    return rates


def top_bottom_ratio(rows: Sequence[TierRow], scorer: str) -> float | None:
    """Sales-now conversion rate divided by awareness conversion rate."""
    rates = tier_rates(rows, scorer)
    top, bottom = rates["sales_now"], rates["awareness"]
    if top is None or not bottom:
        return None
    return top / bottom


def overall_rate(rows: Sequence[TierRow], scorer: str) -> float | None:
    """Conversion rate of all validation leads, from one scorer's tier rows."""
    mine = [r for r in rows if r.scorer == scorer]
    leads = sum(r.leads for r in mine)
    return sum(r.converted for r in mine) / leads if leads else None


def gains_at(points: Sequence[GainsPoint], scorer: str, share: float) -> float | None:
    """Share of conversions reached at ``share`` of leads contacted (linear interpolation)."""
    curve = sorted(
        {(p.share_contacted, p.share_converted) for p in points if p.scorer == scorer}
        | {(0.0, 0.0)}
    )
    if len(curve) < 2:
        return None
    for (x0, y0), (x1, y1) in itertools.pairwise(curve):
        if x0 <= share <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (share - x0) / (x1 - x0)
    return None


def _scorers_in(rows: Sequence[object]) -> list[str]:
    present = {getattr(r, "scorer", None) for r in rows}
    return [s for s in ("model", "points") if s in present]


# --------------------------------------------------------------------------- templates


def _join_template_lines(source: str) -> str:
    """Template line breaks are for reading the template, not for the page.

    A line break with the indentation around it is dropped where it sits between two tags
    (``>`` or ``}`` before it, ``<`` or ``{`` after it: HTML tags and Jinja tags alike), and
    becomes one space anywhere else (inside text). So templates can be indented freely and
    still give the compact page; where two inline elements need a space between them, the
    template writes it explicitly on one line.
    """
    source = _BETWEEN_TAGS.sub("", source.strip())
    return _IN_TEXT.sub(" ", source)


_BETWEEN_TAGS = re.compile(r"(?<=[>}])\s*\n\s*(?=[<{])")
_IN_TEXT = re.compile(r"\s*\n\s*")


class _JoinLines(Extension):
    """Jinja extension applying :func:`_join_template_lines` to every template's source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _join_template_lines(source)


@functools.cache
def _environment() -> Environment:
    """The report's Jinja environment: package templates, autoescaping, strict undefined.

    Every value a template prints is HTML-escaped unless it is :class:`Markup`; render.py
    marks as Markup only the SVG charts of :mod:`leadscore.report.svg` (which escapes every
    text it writes) and the package's own stylesheet.
    """
    env = Environment(
        loader=PackageLoader("leadscore.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=[_JoinLines],
    )
    env.globals.update(section_titles=SECTION_TITLES, empty_prefix=EMPTY_PREFIX)
    return env


@functools.cache
def _stylesheet() -> Markup:
    """templates/report.css, inlined into the page's <style> (trusted: it ships with us)."""
    css = resources.files("leadscore.report").joinpath("templates", "report.css")
    return Markup(css.read_text(encoding="utf-8"))


def _chart(markup: str) -> Markup:
    """An SVG chart from :mod:`leadscore.report.svg`: trusted markup, its texts escaped there."""
    return Markup(markup)


# --------------------------------------------------------------------------- sections
#
# One function per section: it turns ReportData into the plain values its template shows
# (texts already formatted, numbers as display strings), or an 'empty' reason. The markup
# is in templates/<section>.html.j2; these are dicts, so keys must not be dict method names
# (a template's ``s.items`` is dict.items, not s["items"]).


def _no_data(reason: str) -> dict[str, object]:
    """A section that shows 'Not enough data yet: <reason>' instead of its chart or table."""
    return {"empty": reason, "lead": ""}


def _explainer(data: ReportData) -> dict[str, object]:
    card = data.card
    horizon = f"{card.horizon_days} days" if card.horizon_days else "the scoring horizon"
    rules_reason = ""
    if card.scoring_method == "rules":
        rules_reason = card.scoring_method_reason or "no trained model is in use yet"
    thresholds = data.tier_thresholds
    rates = tier_rates(data.tiers, data.active_scorer)
    return {
        "percentile": data.score_scale == "percentile",
        "horizon": horizon,
        "conversion": card.conversion_definition,
        "rules_reason": rules_reason,
        "tiers": [
            {
                "tier": tier,
                "name": TIER_NAMES[tier],
                "range": thresholds.range_label(tier),
                "action": TIER_ACTIONS[tier],
                "seen": f" Converted: {fmt_rate(rates[tier])}." if rates[tier] is not None else "",
            }
            for tier in TIERS
        ],
    }


def _kpi(label: str, value: str, sub: str = "", tone: str = "") -> dict[str, str]:
    return {"label": label, "value": value, "sub": sub, "tone": tone}


def _glance(data: ReportData) -> dict[str, object]:
    active = data.active_scorer
    name = SCORER_NAMES[active].lower()
    tiles = []
    method = "Model" if data.card.scoring_method == "model" else "Points rules"
    version = data.card.model_version
    sub = f"version {version}" if version and active == "model" else "fallback until a model wins"
    tiles.append(_kpi("Scoring with", method, sub))

    model_auc = data.model_metrics.roc_auc if data.model_metrics else None
    points_auc = data.points_metrics.roc_auc if data.points_metrics else None
    if not _missing(model_auc):
        tiles.append(
            _kpi("ROC AUC", fmt_number(model_auc), f"model; points score {fmt_number(points_auc)}")
        )
    elif not _missing(points_auc):
        tiles.append(_kpi("ROC AUC", fmt_number(points_auc), "points score"))

    reach = gains_at(data.gains, active, 0.1)
    if reach is not None:
        tiles.append(
            _kpi("Top 10% of leads reach", fmt_rate(reach, 0), f"of all conversions ({name})")
        )
    ratio = top_bottom_ratio(data.tiers, active)
    if ratio is not None:
        tiles.append(
            _kpi("Top vs bottom tier", fmt_times(ratio), "sales now ÷ awareness conversion")
        )
    if data.drift or data.score_psi is not None:
        statuses = [data.drift_thresholds.status(d.psi) for d in data.drift]
        drifting, watching = statuses.count("drift"), statuses.count("watch")
        if drifting:
            tiles.append(_kpi("Input drift", f"{drifting} drifting", f"{watching} to watch", "bad"))
        elif watching:
            tiles.append(_kpi("Input drift", f"{watching} to watch", "no feature drifting", "warn"))
        else:
            tiles.append(_kpi("Input drift", "Stable", "all features within range", "good"))
    empty = None
    if len(tiles) == 1:
        empty = (
            "no validation results yet; the headline numbers appear after the first "
            "validated training run."
        )
    return {"tiles": tiles, "empty": empty}


_METRIC_ROWS: list[tuple[str, str, str, Callable[[float | None], str], bool | None]] = [
    (
        "roc_auc",
        "ROC AUC",
        "How well the score ranks converters above non-converters (0.5 = coin flip, 1 = perfect).",
        fmt_number,
        True,
    ),
    (
        "pr_auc",
        "PR AUC",
        "Precision across all cut-offs; compare with the overall conversion rate.",
        fmt_number,
        True,
    ),
    (
        "brier",
        "Brier score",
        "Average squared error of the predicted chance (0 = perfect).",
        lambda v: fmt_number(v, 4),
        False,
    ),
    ("log_loss", "Log loss", "Penalty for confident wrong predictions.", fmt_number, False),
    (
        "ece",
        "Calibration error (ECE)",
        "Average gap between predicted and actual conversion rates.",
        fmt_number,
        False,
    ),
    (
        "lift_at_10",
        "Lift @ top 10%",
        "How many times more conversions than random among the top 10% of leads.",
        fmt_times,
        True,
    ),
]

_BETTER_LABELS = {"model": "Model", "points": "Points", "tie": "Tie"}


def _better(model: float | None, points: float | None, higher: bool | None) -> str:
    if higher is None or _missing(model) or _missing(points):
        return ""
    assert model is not None and points is not None
    if abs(model - points) < 1e-12:
        return "tie"
    return "model" if (model > points) == higher else "points"


def _metrics(data: ReportData) -> dict[str, object]:
    mm, pm = data.model_metrics, data.points_metrics
    shown = [
        scorer
        for scorer, metrics in (("model", mm), ("points", pm))
        if metrics is not None or any(r.scorer == scorer for r in data.tiers)
    ]
    if not shown:
        return _no_data(
            "no validated model or points score yet; metrics appear after the first "
            "training run with enough converted leads."
        )
    rows = []
    wins = {"model": 0, "points": 0, "tie": 0}

    def add_row(label: str, meaning: str, values: dict[str, str], better: str) -> None:
        if better in ("model", "points") and values["model"] == values["points"]:
            better = "tie"  # equal as shown: do not claim a winner the reader cannot see
        if better in wins:
            wins[better] += 1
        rows.append(
            {
                "label": label,
                "meaning": meaning,
                "cells": [{"value": values[s], "win": better == s} for s in shown],
                "better": _BETTER_LABELS.get(better, "—"),
            }
        )

    for key, label, meaning, fmt, higher in _METRIC_ROWS:
        model_value = getattr(mm, key) if mm else None
        points_value = getattr(pm, key) if pm else None
        add_row(
            label,
            meaning,
            {"model": fmt(model_value), "points": fmt(points_value)},
            _better(model_value, points_value, higher),
        )
    model_rates, points_rates = tier_rates(data.tiers, "model"), tier_rates(data.tiers, "points")
    for tier in TIERS:
        add_row(
            f"Conversion rate: {TIER_NAMES[tier]}",
            f"Share of {TIER_NAMES[tier].lower()} leads "
            f"({data.tier_thresholds.range_label(tier)}) that converted.",
            {"model": fmt_rate(model_rates[tier]), "points": fmt_rate(points_rates[tier])},
            "",
        )
    model_ratio = top_bottom_ratio(data.tiers, "model")
    points_ratio = top_bottom_ratio(data.tiers, "points")
    add_row(
        "Top ÷ bottom tier",
        "Sales-now conversion rate divided by awareness conversion rate: how sharply the "
        "tiers separate.",
        {"model": fmt_times(model_ratio), "points": fmt_times(points_ratio)},
        _better(model_ratio, points_ratio, True),
    )
    compared = sum(wins.values())
    lead = ""
    if compared:
        lead = (
            f"The model does better on {wins['model']} of {compared} measures compared on the "
            "same validation leads" + (f" ({wins['tie']} tied)." if wins["tie"] else ".")
        )
    note = None
    if "model" not in shown:
        note = "no model has been validated yet, so only the points score is shown."
    elif "points" not in shown:
        note = "the points score was not measured on the validation leads."
    return {
        "empty": None,
        "lead": lead,
        "note": note,
        "scorers": [SCORER_NAMES[s] for s in shown],
        "compare": len(shown) == 2,
        "rows": rows,
    }


def _calibration(data: ReportData) -> dict[str, object]:
    bins: Sequence[CalibrationBin] = [b for b in data.calibration if b.leads > 0]
    if not bins:
        return _no_data(
            "calibration needs validation leads with known outcomes; it appears after "
            "the first validated training run."
        )
    top = max(max(b.predicted_mean for b in bins), max(b.actual_rate for b in bins))
    top = min(1.0, svg.nice_upper(top * 1.08))
    largest = max(b.leads for b in bins)
    series = [
        svg.Series(
            "Perfect calibration",
            [(0.0, 0.0), (top, top)],
            svg.GREY,
            dash="4 4",
            marker="",
            width=1.5,
        )
    ]
    for scorer in _scorers_in(bins):
        mine = sorted((b for b in bins if b.scorer == scorer), key=lambda b: b.predicted_mean)
        style = SCORER_STYLE[scorer]
        series.append(
            svg.Series(
                SCORER_NAMES[scorer],
                [(b.predicted_mean, b.actual_rate) for b in mine],
                style["color"],
                dash=style["dash"],
                marker=style["marker"],
                width=2,
                sizes=[3 + 6 * math.sqrt(b.leads / largest) for b in mine],
                tips=[
                    f"{SCORER_NAMES[scorer]}: predicted {fmt_rate(b.predicted_mean)}, actual "
                    f"{fmt_rate(b.actual_rate)}, {b.leads:,} leads"
                    for b in mine
                ],
            )
        )
    chart = svg.line_chart(
        "calibration",
        "Reliability diagram",
        "Predicted conversion chance against the actual conversion rate per bin of leads; the "
        "diagonal is perfect calibration.",
        series,
        x_domain=(0.0, top),
        y_domain=(0.0, top),
        xfmt=svg.pct,
        yfmt=svg.pct,
        xlabel="Predicted chance of converting",
        ylabel="Actual conversion rate",
    )
    ece = data.model_metrics.ece if data.model_metrics else None
    text = "Dot size shows how many leads each bin holds. Hover a dot for its numbers."
    if not _missing(ece):
        text = (
            f"On average predictions are {fmt_number(ece * 100, 1)} percentage points away "
            f"from what happened (ECE {fmt_number(ece)}). " + text
        )
    return {"empty": None, "chart": _chart(chart), "caption": text}


SLICE_NAMES = {
    "tier": "Tier",
    "lead_source": "Lead source",
    "seniority": "Seniority",
    "company_size": "Company size",
    "has_bounced": "Email bounced",
    "has_unsubscribed": "Unsubscribed",
    "inactive_90_days": "Inactive 90 days",
}


def _slices(data: ReportData) -> dict[str, object]:
    rows = list(data.calibration_slices)
    if not rows:
        return _no_data(
            "calibration by slice needs the champion's held-out leads with known outcomes; it "
            "appears once a model scores."
        )
    order = list(SLICE_NAMES)
    rows.sort(key=lambda r: (order.index(r.slice) if r.slice in order else len(order), -r.leads))
    off = sum(1 for r in rows if r.is_off)
    judged = sum(1 for r in rows if r.is_judged)
    return {
        "empty": None,
        "rows": [
            {
                "slice": SLICE_NAMES.get(r.slice, r.slice),
                "value": r.slice_value.replace("_", " "),
                "leads": fmt_count(r.leads),
                "predicted": fmt_rate(r.predicted_rate),
                "actual": fmt_rate(r.actual_rate),
                "tolerance": f"± {fmt_number(r.tolerance * 100, 1)} pts",
                "status": "off" if r.is_off else ("ok" if r.is_judged else "too few leads"),
                "cls": "bad" if r.is_off else ("" if r.is_judged else "muted"),
            }
            for r in rows
        ],
        "caption": (
            f"{off} of {judged} slices judged are off (each is an alert). A slice is judged "
            "from enough leads and is off when its actual conversion is further from the "
            "predicted than the tolerance and clearly beyond noise."
        ),
    }


def _gains(data: ReportData) -> dict[str, object]:
    scorers = _scorers_in(data.gains)
    if not scorers:
        return _no_data(
            "the gains curve needs scored validation leads with at least one conversion."
        )
    series = [
        svg.Series("Random", [(0.0, 0.0), (1.0, 1.0)], svg.GREY, dash="4 4", marker="", width=1.5)
    ]
    for scorer in scorers:
        curve = sorted(
            {(p.share_contacted, p.share_converted) for p in data.gains if p.scorer == scorer}
            | {(0.0, 0.0)}
        )
        style = SCORER_STYLE[scorer]
        series.append(
            svg.Series(
                SCORER_NAMES[scorer],
                curve,
                style["color"],
                dash=style["dash"],
                marker="",
                width=2.5,
            )
        )
    chart = svg.line_chart(
        "gains",
        "Cumulative gains",
        "Share of all conversions reached when contacting the best-scored leads first.",
        series,
        x_domain=(0.0, 1.0),
        y_domain=(0.0, 1.0),
        xfmt=svg.pct,
        yfmt=svg.pct,
        xlabel="Share of leads contacted (best score first)",
        ylabel="Share of conversions reached",
        vlines=[(0.1, "top 10%")],
    )
    sentences = []
    for scorer in scorers:
        reach = gains_at(data.gains, scorer, 0.1)
        if reach is not None:
            sentences.append(f"the {SCORER_NAMES[scorer].lower()} reaches {fmt_rate(reach, 0)}")
    text = "Higher and further left is better."
    if sentences:
        text = (
            "Contacting the top 10% of leads: "
            + "; ".join(sentences)
            + " of all conversions, against 10% when calling at random. "
            + text
        )
    return {"empty": None, "chart": _chart(chart), "caption": text}


def _tiers(data: ReportData) -> dict[str, object]:
    scorers = _scorers_in(data.tiers)
    if not scorers or all(r.leads == 0 for r in data.tiers):
        return _no_data("conversion by tier needs scored validation leads with known outcomes.")
    thresholds = data.tier_thresholds
    categories = [f"{TIER_NAMES[t]} ({thresholds.range_label(t)})" for t in TIERS]
    groups = []
    for scorer in scorers:
        rates = tier_rates(data.tiers, scorer)
        groups.append(
            svg.BarGroup(
                SCORER_NAMES[scorer],
                SCORER_STYLE[scorer]["color"],
                [rates[t] for t in TIERS],
                [fmt_rate(rates[t]) for t in TIERS],
            )
        )
    average = overall_rate(data.tiers, scorers[0])
    hlines = [(average, f"all leads {fmt_rate(average)}")] if average is not None else []
    chart = svg.grouped_bar_chart(
        "tier_conversion",
        "Conversion rate by tier",
        "Share of validation leads in each tier that converted, model against points score.",
        categories,
        groups,
        yfmt=lambda v: svg.pct(v, 0 if v >= 0.1 or v == 0 else 1),
        ylabel="Conversion rate",
        hlines=hlines,
    )
    table = []
    for scorer in scorers:
        mine = {r.tier: r for r in data.tiers if r.scorer == scorer}
        total = sum(r.leads for r in mine.values())
        rows = []
        for tier in TIERS:
            row = mine.get(tier)
            leads = row.leads if row else 0
            share = leads / total if total else 0.0
            rows.append(
                {
                    "tier": tier,
                    "name": TIER_NAMES[tier],
                    "range": thresholds.range_label(tier),
                    "leads": fmt_count(leads),
                    "width": f"{share * 100:.1f}%",
                    "share": fmt_rate(share, 0),
                    "converted": fmt_count(row.converted if row else 0),
                    "rate": fmt_rate(row.conversion_rate if row else None),
                }
            )
        table.append({"name": SCORER_NAMES[scorer], "rows": rows})
    return {"empty": None, "chart": _chart(chart), "groups": table}


def _importance(data: ReportData) -> dict[str, object]:
    rows = sorted(data.feature_importance, key=lambda r: (-r.importance, r.feature))
    if not rows:
        return _no_data(
            "feature importance comes with a trained model; scores currently come from the "
            "points rules."
            if data.card.scoring_method == "rules"
            else "no feature importance was recorded for this model."
        )
    top = rows[:TOP_FEATURES]
    chart = svg.hbar_chart(
        "feature_importance",
        f"Top {len(top)} features",
        "How much each input moves the model's predictions, largest first.",
        [r.feature for r in top],
        [r.importance for r in top],
        vfmt=lambda v: f"{v:.3g}",
        xlabel=data.importance_method or "Importance",
    )
    text = "Longer bars matter more to the model's ranking."
    if len(rows) > len(top):
        text += f" {len(rows) - len(top)} less important feature(s) not shown."
    return {"empty": None, "chart": _chart(chart), "caption": text}


def _distribution(data: ReportData) -> dict[str, object]:
    bins = sorted(data.score_histogram, key=lambda b: b.bin_start)
    pos = sum(b.converted for b in bins)
    neg = sum(b.not_converted for b in bins)
    if not bins or pos == 0 or neg == 0:
        return _no_data(
            "the score distribution needs scored leads with both converted and "
            "non-converted outcomes."
        )
    edges = [bins[0].bin_start, *(b.bin_end for b in bins)]
    thresholds = data.tier_thresholds
    chart = svg.overlay_histogram(
        "score_distribution",
        "Score distribution by outcome",
        "Share of converted and of non-converted leads in each score band.",
        edges,
        [
            svg.HistGroup("Not converted", svg.GREY, [b.not_converted / neg for b in bins], 0.3),
            svg.HistGroup("Converted", svg.BLUE, [b.converted / pos for b in bins], 0.35),
        ],
        yfmt=lambda v: svg.pct(v, 0),
        xlabel=f"Score (0{DASH}100)",
        ylabel="Share of the group",
        vlines=[
            (thresholds.nurture, TIER_NAMES["nurture"].lower()),
            (thresholds.sales_now, TIER_NAMES["sales_now"].lower()),
        ],
    )
    text = (
        f"{pos:,} converted and {neg:,} non-converted leads, each group scaled to 100%. The "
        "further right the blue converted leads sit compared with the grey ones, the better the "
        "score separates them."
    )
    return {"empty": None, "chart": _chart(chart), "caption": text}


def _drift(data: ReportData) -> dict[str, object]:
    if not data.drift and data.score_psi is None:
        return _no_data(
            "drift compares recent leads with the training window; it needs a trained "
            "model and a scoring run after it."
        )
    t = data.drift_thresholds
    order = {"drift": 0, "watch": 1, "ok": 2}
    rows = sorted(data.drift, key=lambda r: (order[t.status(r.psi)], -r.psi, r.feature))
    scale = max([r.psi for r in rows] + [data.score_psi or 0.0, t.drift * 1.2])

    def row(name: str, psi: float, cls: str = "") -> dict[str, str]:
        return {
            "cls": cls,
            "name": name,
            "psi": f"{psi:.3f}",
            "status": t.status(psi),
            "width": f"{min(psi / scale, 1.0) * 100:.1f}%",
        }

    table = []
    if data.score_psi is not None:
        table.append(row(f"Score (0{DASH}100), all leads", data.score_psi, "scorerow"))
    table.extend(row(r.feature, r.psi) for r in rows)
    statuses = [t.status(r.psi) for r in rows]
    summary = (
        f"{statuses.count('drift')} feature(s) drifting, {statuses.count('watch')} to watch, "
        f"{statuses.count('ok')} stable."
    )
    if data.drift_reference:
        summary += f" Compared: {data.drift_reference}."
    legend = (
        f"PSI (population stability index) measures how much a feature's distribution moved: "
        f"below {t.watch:g} ok, {t.watch:g}{DASH}{t.drift:g} watch, above {t.drift:g} drift. "
        "Drifting inputs are a reason to retrain."
    )
    return {"empty": None, "lead": summary, "rows": table, "legend": legend}


def _health(data: ReportData) -> dict[str, object]:
    weeks: list[HealthWeek] = sorted(data.health, key=lambda w: w.week_start)
    horizon = data.card.horizon_days
    window = f"{horizon}-day" if horizon else "outcome"
    auc_weeks = [w for w in weeks if not _missing(w.roc_auc)]
    rate_weeks = [w for w in weeks if not (_missing(w.predicted_rate) and _missing(w.actual_rate))]
    if len(auc_weeks) < 2 and len(rate_weeks) < 2:
        return _no_data(
            f"weekly health needs at least two scored weeks whose {window} window has closed."
        )
    first = weeks[0].week_start
    span = max((weeks[-1].week_start - first).days, 1)

    def xpos(day: date) -> float:
        return (day - first).days / span

    step = max(1, math.ceil(len(weeks) / 7))
    tick_weeks = weeks[::step]
    xticks = [xpos(w.week_start) for w in tick_weeks]
    xlabels = [_short_date(w.week_start) for w in tick_weeks]
    panels: list[dict[str, object]] = []
    if len(auc_weeks) >= 2:
        low = min(w.roc_auc for w in auc_weeks if w.roc_auc is not None)
        y0 = min(0.5, math.floor((low - 0.05) * 20) / 20)
        baseline = data.model_metrics.roc_auc if data.model_metrics else None
        hlines = [] if _missing(baseline) else [(baseline, f"at validation {baseline:.3f}")]
        chart = svg.line_chart(
            "health_auc",
            "Weekly ROC AUC",
            "Ranking quality of each week's scored leads once their outcomes are known.",
            [
                svg.Series(
                    "Weekly ROC AUC",
                    [(xpos(w.week_start), w.roc_auc) for w in auc_weeks],  # type: ignore[misc]
                    svg.BLUE,
                )
            ],
            x_domain=(0.0, 1.0),
            y_domain=(y0, 1.0),
            xticks=xticks,
            xtick_labels=xlabels,
            yfmt=lambda v: f"{v:.2f}",
            xlabel="Week scored",
            ylabel="ROC AUC",
            hlines=hlines,
        )
        panels.append({"chart": _chart(chart), "empty": None})
    else:
        panels.append(
            {
                "chart": None,
                "empty": "weekly ROC AUC needs at least two weeks with known outcomes that the "
                "model never learned from (a refitted model learned from every week with known "
                "outcomes; its held-out test figures are on the model card).",
            }
        )
    if len(rate_weeks) >= 2:
        predicted = [
            (xpos(w.week_start), w.predicted_rate)
            for w in rate_weeks
            if not _missing(w.predicted_rate)
        ]
        actual = [
            (xpos(w.week_start), w.actual_rate) for w in rate_weeks if not _missing(w.actual_rate)
        ]
        top = svg.nice_upper(max(v for _, v in predicted + actual) * 1.15)  # type: ignore[type-var]
        chart = svg.line_chart(
            "health_calibration",
            "Predicted vs actual conversion",
            "Average predicted conversion chance and the actual conversion rate per week.",
            [
                svg.Series("Actual", actual, svg.BLUE),  # type: ignore[arg-type]
                svg.Series(
                    "Predicted",
                    predicted,
                    svg.VERMILLION,
                    dash="7 4",
                    marker="square",  # type: ignore[arg-type]
                ),
            ],
            x_domain=(0.0, 1.0),
            y_domain=(0.0, top),
            xticks=xticks,
            xtick_labels=xlabels,
            yfmt=lambda v: svg.pct(v, 0 if top >= 0.1 else 1),
            xlabel="Week scored",
            ylabel="Conversion rate",
        )
        panels.append({"chart": _chart(chart), "empty": None})
    else:
        panels.append(
            {
                "chart": None,
                "empty": "predicted vs actual needs at least two weeks of scored leads.",
            }
        )
    text = (
        f"Each point is one week of scored leads. Actual results arrive once the {window} "
        "window has closed, so the latest weeks may show predictions only. Lines that drift "
        "apart, or a falling AUC, mean the model needs attention."
    )
    return {"empty": None, "panels": panels, "caption": text}


def _alerts(data: ReportData) -> dict[str, object]:
    ordered = sorted(data.alerts, key=lambda a: fmt_stamp(a.at), reverse=True)
    shown = ordered[:MAX_ALERTS]
    return {
        "rows": [{"when": fmt_stamp(a.at), "kind": a.kind, "reason": a.reason} for a in shown],
        "hidden": len(ordered) - len(shown),
    }


_PERIOD_NAMES = {"train": "Training", "calibration": "Calibration", "test": "Test (held out)"}


def _training_data(data: ReportData) -> dict[str, object] | None:
    t = data.training_data
    if t is None:
        return None
    intro = (
        f"The labelled history holds {t.labelled_leads:,} leads, {t.converted_leads:,} of them "
        f"converted within the horizon; the model needs {t.min_labelled_leads:,} and "
        f"{t.min_converted_leads:,}."
    )
    return {
        "lead": intro,
        "advice": t.advice,
        "periods": [
            {
                "name": _PERIOD_NAMES.get(p.name, p.name),
                "window": _window((p.start, p.end)),
                "leads": f"{p.leads:,}",
                "converted": f"{p.converted_leads:,}",
            }
            for p in t.periods
        ],
        "horizons": [
            {
                "configured": h.is_configured,
                "horizon": h.horizon_days,
                "lookback": h.lookback_days,
                "labelled": f"{h.labelled_leads:,}",
                "converted": f"{h.converted_leads:,}",
                "enough": h.labelled_leads >= t.min_labelled_leads
                and h.converted_leads >= t.min_converted_leads,
            }
            for h in t.horizons
        ],
    }


def _card(data: ReportData) -> dict[str, object]:
    c = data.card
    method = "Model" if c.scoring_method == "model" else "Points rules"
    if c.scoring_method_reason:
        method += f" ({c.scoring_method_reason})"

    def counts(rows: int | None, positives: int | None) -> str:
        if rows is None:
            return "not recorded"
        text = f"{rows:,} rows (lead {TIMES} as-of date)"
        if positives is not None:
            rate = positives / rows if rows else 0.0
            text += f", {positives:,} converted ({fmt_rate(rate)})"
        return text

    entries: list[tuple[str, str]] = [
        ("Model version", c.model_version or "no model trained yet"),
        ("Trained at", fmt_stamp(c.trained_at)),
        ("Scoring method", method),
        ("Training window", _window(c.training_window)),
        ("Validation window", _window(c.validation_window)),
        ("Conversion", c.conversion_definition or "not recorded"),
        ("Horizon", f"{c.horizon_days} days" if c.horizon_days else "not recorded"),
        ("Training rows", counts(c.training_rows, c.training_positives)),
        ("Validation rows", counts(c.validation_rows, c.validation_positives)),
        ("Intended use", c.intended_use or "not recorded"),
        ("Limits", c.limits or "not recorded"),
    ]
    empty = None
    if not c.model_version:
        empty = "no model has been trained yet, so scores come from the points rules."
    return {
        "empty": empty,
        "entries": entries,
        "features": list(c.features),
        "parameters": [(str(k), str(v)) for k, v in sorted(c.parameters.items())],
    }


# --------------------------------------------------------------------------- page


def render_report(data: ReportData) -> str:
    """The whole report as one self-contained HTML page (no scripts, no external resources)."""
    if not isinstance(data, ReportData):
        raise TypeError(
            f"render_report expects a ReportData, got {type(data).__name__}; build one with "
            "leadscore.report.ReportData(...)"
        )
    c = data.card
    meta = [f"Model {c.model_version}" if c.model_version else "No model trained yet"]
    if c.trained_at:
        meta.append(f"trained {fmt_stamp(c.trained_at)}")
    if data.generated_at:
        meta.append(f"report generated {fmt_stamp(data.generated_at)}")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=data.title,
            meta=" · ".join(meta),
            by_model=c.scoring_method == "model",
            warnings=list(data.warnings),
            css=_stylesheet(),
            version=__version__,
            explainer=_explainer(data),
            glance=_glance(data),
            metrics=_metrics(data),
            calibration=_calibration(data),
            gains=_gains(data),
            tiers=_tiers(data),
            slices=_slices(data),
            importance=_importance(data),
            distribution=_distribution(data),
            drift=_drift(data),
            health=_health(data),
            alerts=_alerts(data),
            training_data=_training_data(data),
            card=_card(data),
        )
    )


class ReportWriteError(OSError, UserFacingError):
    """The report could not be written: the message names the file and the fix."""


def write_report(data: ReportData, path: str | os.PathLike[str]) -> Path:
    """Render ``data`` and write it to ``path`` atomically (parent folders are created).

    Readers never see a half-written file: the page goes to a temporary file in the same
    folder first and is then renamed over the target.
    """
    html = render_report(data)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise ReportWriteError(
            f"cannot write the model report to {target}: {error.strerror or error}. Set dbt "
            "var report_path to a file in a folder this process can write to."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
