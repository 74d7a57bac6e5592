"""Render :class:`ReportData` into one static, self-contained HTML page.

``render_report`` is pure (data in, string out); ``write_report`` adds the file write.
The page needs no network: CSS is inline, charts are inline SVG, there is no script.
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from leadscore import __version__
from leadscore.report import svg
from leadscore.report.data import (
    TIERS,
    CalibrationBin,
    GainsPoint,
    HealthWeek,
    ReportData,
    TierRow,
)
from leadscore.report.svg import DASH, TIMES, esc

SECTION_TITLES: dict[str, str] = {
    "explainer": "How to read this report",
    "glance": "At a glance",
    "metrics": "Model vs points score",
    "calibration": "Calibration",
    "gains": "Cumulative gains",
    "tiers": "Conversion by tier",
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


# --------------------------------------------------------------------------- building blocks


def _empty(reason: str) -> str:
    return f'<p class="empty">{esc(EMPTY_PREFIX + reason)}</p>'


def _section(key: str, body: str, *, wide: bool = True, lead: str = "") -> str:
    cls = "card" if wide else "card half"
    intro = f'<p class="lead">{esc(lead)}</p>' if lead else ""
    return (
        f'<section class="{cls}" id="{key}"><h2>{esc(SECTION_TITLES[key])}</h2>{intro}{body}'
        "</section>"
    )


def _caption(text: str) -> str:
    return f'<p class="caption">{esc(text)}</p>'


# --------------------------------------------------------------------------- sections


def _explainer(data: ReportData) -> str:
    card = data.card
    horizon = f"{card.horizon_days} days" if card.horizon_days else "the scoring horizon"
    if data.score_scale == "percentile":
        score_text = (
            "Every lead gets a score from 0 to 100. By default it is the lead's percentile "
            "among the leads the model learned from: a score of 80 means the lead looks hotter "
            "than 80% of them. It ranks leads; it is not a probability."
        )
    else:
        score_text = (
            "Every lead gets a score from 0 to 100: the estimated chance, in percent, that the "
            f"lead converts within {horizon}. A score of 30 means about 3 in 10 such leads "
            "convert."
        )
    notes = [f"<p>{esc(score_text)}</p>"]
    if card.conversion_definition:
        notes.append(
            f"<p><strong>Conversion</strong> means: {esc(card.conversion_definition)} "
            f"(within {esc(horizon)}).</p>"
        )
    if card.scoring_method == "rules":
        why = card.scoring_method_reason or "no trained model is in use yet"
        notes.append(
            '<p class="notice">Scores currently come from the <strong>points rules</strong>, '
            f"not the model: {esc(why)}.</p>"
        )
    thresholds = data.tier_thresholds
    rates = tier_rates(data.tiers, data.active_scorer)
    tier_items = []
    for tier in TIERS:
        rate = rates[tier]
        seen = f" Converted: {fmt_rate(rate)}." if rate is not None else ""
        tier_items.append(
            f'<li><span class="tier tier-{tier}">{esc(TIER_NAMES[tier])}</span> '
            f"<strong>{esc(thresholds.range_label(tier))}</strong>: "
            f"{esc(TIER_ACTIONS[tier])}{esc(seen)}</li>"
        )
    calibration_text = (
        "Each dot groups leads with a similar predicted chance of converting. On the dashed "
        "diagonal, predictions are honest: of leads predicted at 20%, 20% converted. Dots "
        "below the line mean the model promises more than happens; above it, the model is too "
        "cautious. Bigger dots hold more leads."
    )
    return _section(
        "explainer",
        '<div class="explain">'
        f"<div><h3>The score</h3>{''.join(notes)}</div>"
        f'<div><h3>The tiers</h3><ul class="tiers">{"".join(tier_items)}</ul></div>'
        f"<div><h3>The calibration chart</h3><p>{esc(calibration_text)}</p></div>"
        "</div>",
    )


def _kpi(label: str, value: str, sub: str = "", tone: str = "") -> str:
    cls = f"kpi {tone}".strip()
    return (
        f'<div class="{cls}"><div class="kpi-label">{esc(label)}</div>'
        f'<div class="kpi-value">{esc(value)}</div>'
        f'<div class="kpi-sub">{esc(sub)}</div></div>'
    )


def _glance(data: ReportData) -> str:
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
    if len(tiles) == 1:
        return _section(
            "glance",
            f'<div class="kpis">{tiles[0]}</div>'
            + _empty(
                "no validation results yet; the headline numbers appear after the first "
                "validated training run."
            ),
        )
    return _section("glance", f'<div class="kpis">{"".join(tiles)}</div>')


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


def _better(model: float | None, points: float | None, higher: bool | None) -> str:
    if higher is None or _missing(model) or _missing(points):
        return ""
    assert model is not None and points is not None
    if abs(model - points) < 1e-12:
        return "tie"
    return "model" if (model > points) == higher else "points"


def _metric_cells(values: dict[str, str], better: str, shown: Sequence[str]) -> str:
    """Value cells of the shown scorers, plus the 'Better' cell when both are shown."""
    cells = [
        f'<td class="{"num win" if better == scorer else "num"}">{esc(values[scorer])}</td>'
        for scorer in shown
    ]
    if len(shown) == 2:
        label = {"model": "Model", "points": "Points", "tie": "Tie"}.get(better, "—")
        cells.append(f'<td class="better">{esc(label)}</td>')
    return "".join(cells)


def _metrics(data: ReportData) -> str:
    mm, pm = data.model_metrics, data.points_metrics
    shown = [
        scorer
        for scorer, metrics in (("model", mm), ("points", pm))
        if metrics is not None or any(r.scorer == scorer for r in data.tiers)
    ]
    if not shown:
        return _section(
            "metrics",
            _empty(
                "no validated model or points score yet; metrics appear after the first "
                "training run with enough converted leads."
            ),
        )
    rows = []
    wins = {"model": 0, "points": 0, "tie": 0}

    def add_row(label: str, meaning: str, values: dict[str, str], better: str) -> None:
        if better in ("model", "points") and values["model"] == values["points"]:
            better = "tie"  # equal as shown: do not claim a winner the reader cannot see
        if better in wins:
            wins[better] += 1
        rows.append(
            f'<tr><th scope="row">{esc(label)}</th><td class="meaning">{esc(meaning)}</td>'
            + _metric_cells(values, better, shown)
            + "</tr>"
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
    notes = []
    if "model" not in shown:
        notes.append(_empty("no model has been validated yet, so only the points score is shown."))
    elif "points" not in shown:
        notes.append(_empty("the points score was not measured on the validation leads."))
    head = "".join(f'<th class="num">{esc(SCORER_NAMES[s])}</th>' for s in shown)
    if len(shown) == 2:
        head += "<th>Better</th>"
    table = (
        '<table class="metrics"><thead><tr><th>Measure</th><th>What it tells you</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _section("metrics", "".join(notes) + table, lead=lead)


def _calibration(data: ReportData) -> str:
    bins: Sequence[CalibrationBin] = [b for b in data.calibration if b.leads > 0]
    if not bins:
        return _section(
            "calibration",
            _empty(
                "calibration needs validation leads with known outcomes; it appears after "
                "the first validated training run."
            ),
            wide=False,
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
    return _section("calibration", chart + _caption(text), wide=False)


def _gains(data: ReportData) -> str:
    scorers = _scorers_in(data.gains)
    if not scorers:
        return _section(
            "gains",
            _empty("the gains curve needs scored validation leads with at least one conversion."),
            wide=False,
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
    return _section("gains", chart + _caption(text), wide=False)


def _tiers(data: ReportData) -> str:
    scorers = _scorers_in(data.tiers)
    if not scorers or all(r.leads == 0 for r in data.tiers):
        return _section(
            "tiers",
            _empty("conversion by tier needs scored validation leads with known outcomes."),
        )
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
    body = []
    for scorer in scorers:
        mine = {r.tier: r for r in data.tiers if r.scorer == scorer}
        total = sum(r.leads for r in mine.values())
        body.append(f'<tr class="group"><th colspan="5">{esc(SCORER_NAMES[scorer])}</th></tr>')
        for tier in TIERS:
            row = mine.get(tier)
            leads = row.leads if row else 0
            share = leads / total if total else 0.0
            rate = row.conversion_rate if row else None
            body.append(
                f'<tr><td class="tiercell"><span class="tier tier-{tier}">'
                f"{esc(TIER_NAMES[tier])}</span> "
                f'<span class="range">{esc(thresholds.range_label(tier))}</span></td>'
                f'<td class="num">{fmt_count(leads)}</td>'
                f'<td class="share"><span class="bar"><span style="width:{share * 100:.1f}%">'
                f"</span></span>{esc(fmt_rate(share, 0))}</td>"
                f'<td class="num">{fmt_count(row.converted if row else 0)}</td>'
                f'<td class="num">{esc(fmt_rate(rate))}</td></tr>'
            )
    table = (
        '<table class="tiermix"><thead><tr><th>Tier</th><th class="num">Leads</th>'
        '<th>Tier mix</th><th class="num">Converted</th><th class="num">Rate</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return _section(
        "tiers",
        f'<div class="split"><div>{chart}</div><div>{table}'
        + _caption(
            "Tier mix is the share of validation leads each tier received. A good score "
            "puts few leads in sales now, and they convert far more often."
        )
        + "</div></div>",
    )


def _importance(data: ReportData) -> str:
    rows = sorted(data.feature_importance, key=lambda r: (-r.importance, r.feature))
    if not rows:
        reason = (
            "feature importance comes with a trained model; scores currently come from the "
            "points rules."
            if data.card.scoring_method == "rules"
            else "no feature importance was recorded for this model."
        )
        return _section("importance", _empty(reason), wide=False)
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
    return _section("importance", chart + _caption(text), wide=False)


def _distribution(data: ReportData) -> str:
    bins = sorted(data.score_histogram, key=lambda b: b.bin_start)
    pos = sum(b.converted for b in bins)
    neg = sum(b.not_converted for b in bins)
    if not bins or pos == 0 or neg == 0:
        return _section(
            "distribution",
            _empty(
                "the score distribution needs scored leads with both converted and "
                "non-converted outcomes."
            ),
            wide=False,
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
    return _section("distribution", chart + _caption(text), wide=False)


def _drift(data: ReportData) -> str:
    if not data.drift and data.score_psi is None:
        return _section(
            "drift",
            _empty(
                "drift compares recent leads with the training window; it needs a trained "
                "model and a scoring run after it."
            ),
        )
    t = data.drift_thresholds
    order = {"drift": 0, "watch": 1, "ok": 2}
    rows = sorted(data.drift, key=lambda r: (order[t.status(r.psi)], -r.psi, r.feature))
    scale = max([r.psi for r in rows] + [data.score_psi or 0.0, t.drift * 1.2])

    def row_html(name: str, psi: float, cls: str = "") -> str:
        status = t.status(psi)
        width = min(psi / scale, 1.0) * 100
        return (
            f'<tr class="{cls}"><td>{esc(name)}</td><td class="num">{psi:.3f}</td>'
            f'<td><span class="badge {status}">{esc(status)}</span></td>'
            f'<td class="psibar"><span class="bar {status}"><span style="width:{width:.1f}%">'
            "</span></span></td></tr>"
        )

    body = []
    if data.score_psi is not None:
        body.append(row_html(f"Score (0{DASH}100), all leads", data.score_psi, "scorerow"))
    body.extend(row_html(r.feature, r.psi) for r in rows)
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
    table = (
        '<table class="drift"><thead><tr><th>Feature</th><th class="num">PSI</th>'
        '<th>Status</th><th class="psibar">Size</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return _section("drift", table + _caption(legend), lead=summary)


def _health(data: ReportData) -> str:
    weeks: list[HealthWeek] = sorted(data.health, key=lambda w: w.week_start)
    horizon = data.card.horizon_days
    window = f"{horizon}-day" if horizon else "outcome"
    auc_weeks = [w for w in weeks if not _missing(w.roc_auc)]
    rate_weeks = [w for w in weeks if not (_missing(w.predicted_rate) and _missing(w.actual_rate))]
    if len(auc_weeks) < 2 and len(rate_weeks) < 2:
        return _section(
            "health",
            _empty(
                f"weekly health needs at least two scored weeks whose {window} window has closed."
            ),
        )
    first = weeks[0].week_start
    span = max((weeks[-1].week_start - first).days, 1)

    def xpos(day: date) -> float:
        return (day - first).days / span

    step = max(1, math.ceil(len(weeks) / 7))
    tick_weeks = weeks[::step]
    xticks = [xpos(w.week_start) for w in tick_weeks]
    xlabels = [_short_date(w.week_start) for w in tick_weeks]
    charts = []
    if len(auc_weeks) >= 2:
        low = min(w.roc_auc for w in auc_weeks if w.roc_auc is not None)
        y0 = min(0.5, math.floor((low - 0.05) * 20) / 20)
        baseline = data.model_metrics.roc_auc if data.model_metrics else None
        hlines = [] if _missing(baseline) else [(baseline, f"at validation {baseline:.3f}")]
        charts.append(
            svg.line_chart(
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
        )
    else:
        charts.append(
            _empty(
                "weekly ROC AUC needs at least two weeks with known outcomes that the model "
                "never learned from (a refitted model learned from every week with known "
                "outcomes; its held-out test figures are on the model card)."
            )
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
        charts.append(
            svg.line_chart(
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
        )
    else:
        charts.append(_empty("predicted vs actual needs at least two weeks of scored leads."))
    text = (
        f"Each point is one week of scored leads. Actual results arrive once the {window} "
        "window has closed, so the latest weeks may show predictions only. Lines that drift "
        "apart, or a falling AUC, mean the model needs attention."
    )
    return _section(
        "health",
        f'<div class="split"><div>{charts[0]}</div><div>{charts[1]}</div></div>' + _caption(text),
    )


def _alerts(data: ReportData) -> str:
    if not data.alerts:
        return _section("alerts", '<p class="empty">No alerts have been raised so far.</p>')
    ordered = sorted(data.alerts, key=lambda a: fmt_stamp(a.at), reverse=True)
    shown = ordered[:MAX_ALERTS]
    rows = "".join(
        f'<tr><td class="when">{esc(fmt_stamp(a.at))}</td>'
        f'<td><span class="kind">{esc(a.kind)}</span></td><td>{esc(a.reason)}</td></tr>'
        for a in shown
    )
    more = ""
    if len(ordered) > len(shown):
        more = _caption(f"{len(ordered) - len(shown)} older alert(s) not shown.")
    table = (
        '<table class="alerts"><thead><tr><th>When</th><th>Kind</th><th>Reason</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )
    return _section("alerts", table + more)


_PERIOD_NAMES = {"train": "Training", "calibration": "Calibration", "test": "Test (held out)"}


def _training_data(data: ReportData) -> str:
    t = data.training_data
    if t is None:
        return ""
    intro = (
        f"The labelled history holds {t.labelled_leads:,} leads, {t.converted_leads:,} of them "
        f"converted within the horizon; the model needs {t.min_labelled_leads:,} and "
        f"{t.min_converted_leads:,}."
    )
    body = f'<p class="notice">{esc(t.advice)}</p>' if t.advice else ""
    if t.periods:
        rows = "".join(
            f"<tr><th>{esc(_PERIOD_NAMES.get(p.name, p.name))}</th>"
            f"<td>{esc(_window((p.start, p.end)))}</td>"
            f'<td class="num">{p.leads:,}</td><td class="num">{p.converted_leads:,}</td></tr>'
            for p in t.periods
        )
        body += (
            "<h3>Time split</h3><table><thead><tr><th>Period</th><th>As-of dates</th>"
            '<th class="num">Leads</th><th class="num">Converted leads</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
    if t.horizons:
        yes, no = '<span class="badge ok">yes</span>', '<span class="badge drift">no</span>'
        cells = []
        for h in t.horizons:
            ok = (
                h.labelled_leads >= t.min_labelled_leads
                and h.converted_leads >= t.min_converted_leads
            )
            cells.append(
                ('<tr class="scorerow">' if h.is_configured else "<tr>")
                + f'<td class="num">{h.horizon_days}</td><td class="num">{h.lookback_days}</td>'
                + f'<td class="num">{h.labelled_leads:,}</td>'
                + f'<td class="num">{h.converted_leads:,}</td>'
                + f"<td>{yes if ok else no}{' (configured)' if h.is_configured else ''}</td></tr>"
            )
        body += (
            '<h3 style="margin-top:14px">Other horizons and look-backs</h3><table><thead><tr>'
            '<th class="num">Horizon (days)</th><th class="num">Look-back (days)</th>'
            '<th class="num">Labelled leads</th><th class="num">Converted leads</th>'
            f"<th>Enough to learn</th></tr></thead><tbody>{''.join(cells)}</tbody></table>"
        )
    return _section("training_data", body, lead=intro)


def _card(data: ReportData) -> str:
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

    items: list[tuple[str, str]] = [
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
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
    if c.features:
        chips = "".join(f"<code>{esc(f)}</code>" for f in c.features)
        dl += f'<dt>Features ({len(c.features)})</dt><dd class="chips">{chips}</dd>'
    else:
        dl += "<dt>Features</dt><dd>not recorded</dd>"
    if c.parameters:
        params = "".join(
            f"<tr><td><code>{esc(k)}</code></td><td><code>{esc(v)}</code></td></tr>"
            for k, v in sorted(c.parameters.items())
        )
        dl += f'<dt>Parameters</dt><dd><table class="params">{params}</table></dd>'
    else:
        dl += "<dt>Parameters</dt><dd>not recorded</dd>"
    note = ""
    if not c.model_version:
        note = _empty("no model has been trained yet, so scores come from the points rules.")
    return _section("card", note + f'<dl class="card-list">{dl}</dl>')


# --------------------------------------------------------------------------- page

_CSS = """
:root{--ink:#1f2937;--muted:#4b5563;--line:#e5e7eb;--bg:#f4f6f8;--card:#fff;--accent:#0072b2;
--head:#0b3954}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
"Liberation Sans","DejaVu Sans",sans-serif}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header{background:var(--head);color:#fff;padding:26px 0 22px}
header h1{margin:0 0 6px;font-size:26px;font-weight:650;letter-spacing:-.01em}
header .meta{color:#cfe3f1;font-size:14px}
header .method{display:inline-block;margin-top:10px;padding:3px 10px;border-radius:999px;
font-size:13px;font-weight:600;background:#e6f2fa;color:#0b3954}
header .method.rules{background:#fff1d6;color:#6b4100}
main{padding:8px 0 24px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;
margin:18px 0;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.grid .card{margin:0}
h2{font-size:18px;margin:0 0 10px;font-weight:650}
h3{font-size:14px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
p{margin:0 0 8px}
.lead{color:var(--ink);font-weight:500}
.caption{color:var(--muted);font-size:13px;margin:8px 0 0}
.empty{color:var(--muted);background:#f3f4f6;border-left:3px solid #9ca3af;padding:10px 14px;
border-radius:4px;margin:6px 0 10px;font-size:14px}
.notice{background:#fff7e6;border-left:3px solid #e69f00;padding:8px 12px;border-radius:4px}
.notice.warning{background:#fdecea;border-left-color:#c0392b}
.explain{display:grid;grid-template-columns:1.1fr 1.1fr 1fr;gap:22px;font-size:14px}
ul.tiers{list-style:none;padding:0;margin:0}
ul.tiers li{margin:0 0 8px}
.tier{display:inline-block;padding:1px 8px;border-radius:4px;font-size:12px;font-weight:600;
border:1px solid}
.tier-sales_now{background:#e6f2fa;color:#004f7c;border-color:#9cc9e6}
.tier-nurture{background:#eef7f3;color:#00664a;border-color:#a6d8c6}
.tier-awareness{background:#f3f4f6;color:#374151;border-color:#d1d5db}
.range{color:var(--muted);font-size:12px;margin-left:2px}
td.tiercell{white-space:nowrap}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:12px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fbfcfd;
border-top:3px solid var(--accent)}
.kpi.good{border-top-color:#009e73}.kpi.warn{border-top-color:#e69f00}
.kpi.bad{border-top-color:#d55e00}
.kpi-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.kpi-value{font-size:26px;font-weight:650;line-height:1.25;margin:2px 0}
.kpi-sub{font-size:13px;color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
border-bottom:2px solid var(--line)}
tbody th{font-weight:600;white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.meaning{color:var(--muted);font-size:13px}
td.win{font-weight:700;background:#eef6fb}
td.better{color:var(--muted);font-size:13px}
tr.group th{background:#f7f8fa;font-size:13px;color:var(--ink)}
.share{white-space:nowrap;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:90px;height:8px;background:#eef0f3;border-radius:4px;
margin-right:8px;vertical-align:middle;overflow:hidden}
.bar>span{display:block;height:100%;background:var(--accent)}
.bar.ok>span{background:#009e73}.bar.watch>span{background:#e69f00}
.bar.drift>span{background:#d55e00}
td.psibar .bar{width:160px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.badge.ok{background:#e3f4ee;color:#05603a}
.badge.watch{background:#fff1d6;color:#7a4b00}
.badge.drift{background:#fde5dc;color:#9a2c06}
tr.scorerow td{font-weight:600;background:#f7f8fa}
.split{display:grid;grid-template-columns:1fr 1fr;gap:24px;align-items:start}
svg.chart{display:block;width:100%;height:auto;max-width:640px}
.kind{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;background:#f3f4f6;
padding:1px 6px;border-radius:4px}
td.when{white-space:nowrap;font-variant-numeric:tabular-nums}
dl.card-list{display:grid;grid-template-columns:190px 1fr;gap:6px 16px;margin:0;font-size:14px}
dl.card-list dt{color:var(--muted);font-weight:600}
dl.card-list dd{margin:0}
.chips code,.params code{font-size:12px}
.chips code{display:inline-block;background:#f3f4f6;border-radius:4px;padding:1px 6px;
margin:0 4px 4px 0}
table.params{width:auto}table.params td{padding:2px 12px 2px 0;border:0}
footer{color:var(--muted);font-size:12px;padding:8px 0 30px}
@media (max-width:900px){.grid,.split,.explain{grid-template-columns:1fr}}
@media print{body{background:#fff}.card{box-shadow:none;break-inside:avoid}}
"""


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
    if c.scoring_method == "model":
        badge = '<span class="method">Scores from the model</span>'
    else:
        badge = '<span class="method rules">Scores from the points rules</span>'
    warnings = "".join(
        f'<p class="notice warning"><strong>Warning:</strong> {esc(w)}</p>' for w in data.warnings
    )
    body = "".join(
        [
            f'<section class="warnings">{warnings}</section>' if warnings else "",
            _explainer(data),
            _glance(data),
            _metrics(data),
            f'<div class="grid">{_calibration(data)}{_gains(data)}</div>',
            _tiers(data),
            f'<div class="grid">{_importance(data)}{_distribution(data)}</div>',
            _drift(data),
            _health(data),
            _alerts(data),
            _training_data(data),
            _card(data),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(data.title)}</title><style>{_CSS}</style></head><body>"
        f'<header><div class="wrap"><h1>{esc(data.title)}</h1>'
        f'<div class="meta">{esc(" · ".join(meta))}</div>{badge}</div></header>'
        f'<main class="wrap">{body}</main>'
        f'<footer class="wrap">Generated by leadscore {esc(__version__)}. This page is '
        "self-contained: it loads nothing from the network and runs no scripts.</footer>"
        "</body></html>\n"
    )


def write_report(data: ReportData, path: str | os.PathLike[str]) -> Path:
    """Render ``data`` and write it to ``path`` atomically (parent folders are created).

    Readers never see a half-written file: the page goes to a temporary file in the same
    folder first and is then renamed over the target.
    """
    html = render_report(data)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
