"""Inline SVG charts: small pure functions that return an ``<svg>`` string.

No JavaScript and nothing external. Colours come from the Okabe-Ito palette (safe for the
common colour-vision deficiencies), and series also differ by marker and dash so the
charts read in grey-scale too. Every text is HTML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
GREY = "#8A8F98"
INK = "#1F2937"
MUTED = "#4B5563"
GRID = "#E5E7EB"
AXIS = "#9CA3AF"

DASH = "\u2013"  # en dash, for ranges such as 50-79
TIMES = "\u00d7"  # multiplication sign, for lifts such as 3.4x
HALO = ' stroke="#fff" stroke-width="3" paint-order="stroke"'  # keeps labels legible on lines

Fmt = Callable[[float], str]

WIDTH = 560
HEIGHT = 340


@dataclass(frozen=True)
class Series:
    """One line of a line chart. ``sizes`` (marker radii) and ``tips`` (hover text) are per
    point and optional."""

    name: str
    points: Sequence[tuple[float, float]]
    color: str
    dash: str = ""
    marker: str = "circle"
    width: float = 2.5
    sizes: Sequence[float] | None = None
    tips: Sequence[str] | None = None


@dataclass(frozen=True)
class Frame:
    """Plot area inside the SVG and the linear scales of both axes."""

    x0: float
    x1: float
    y0: float
    y1: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, value: float) -> float:
        span = self.x1 - self.x0 or 1.0
        return self.left + (value - self.x0) / span * (self.right - self.left)

    def y(self, value: float) -> float:
        span = self.y1 - self.y0 or 1.0
        return self.bottom - (value - self.y0) / span * (self.bottom - self.top)


def esc(text: object) -> str:
    """HTML/XML-escape any value for text or attribute use."""
    return escape(str(text), quote=True)


def pct(value: float, digits: int = 0) -> str:
    """0.123 -> '12%' (digits=0) or '12.3%' (digits=1)."""
    return f"{value * 100:.{digits}f}%"


def num(value: float) -> str:
    """Compact number for tick labels: no trailing zeros."""
    return f"{value:.6g}"


def nice_step(span: float, target: int = 5) -> float:
    """A 1-2-2.5-5 x 10^k step giving about ``target`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude + 1e-12:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    step = nice_step(high - low, target)
    start = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = start
    while value <= high + step * 1e-6:
        ticks.append(round(value, 10))
        value += step
    return ticks


def nice_upper(high: float, target: int = 5) -> float:
    """The first nice tick at or above ``high`` (for axis tops)."""
    if high <= 0:
        return 1.0
    step = nice_step(high, target)
    return math.ceil(high / step - 1e-9) * step


def _f(value: float) -> str:
    return f"{value:.1f}"


def text_width(text: str, size: float = 11) -> float:
    """Rough rendered width of ``text`` in a sans-serif font (for layout only)."""
    return len(text) * size * 0.58


def svg_frame(chart_id: str, title: str, desc: str, body: str, height: int = HEIGHT) -> str:
    """Wrap chart content into an accessible, self-contained ``<svg>``."""
    cid = esc(chart_id)
    return (
        f'<svg class="chart" data-chart="{cid}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit">'
        f'<title id="{cid}-title">{esc(title)}</title>'
        f'<desc id="{cid}-desc">{esc(desc)}</desc>'
        f"{body}</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float = 11,
    color: str = MUTED,
    weight: str = "normal",
    extra: str = "",
    tip: str = "",
) -> str:
    title = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size:g}" '
        f'fill="{color}" font-weight="{weight}"{extra}>{esc(text)}{title}</text>'
    )


def axes(
    frame: Frame,
    xticks: Sequence[float],
    yticks: Sequence[float],
    xfmt: Fmt,
    yfmt: Fmt,
    xlabel: str,
    ylabel: str,
    *,
    xtick_labels: Sequence[str] | None = None,
) -> str:
    """Grid lines, axis lines, tick labels and axis titles."""
    parts = []
    for t in yticks:
        y = frame.y(t)
        parts.append(
            f'<line x1="{_f(frame.left)}" x2="{_f(frame.right)}" y1="{_f(y)}" y2="{_f(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 8, y + 4, yfmt(t), anchor="end"))
    for i, t in enumerate(xticks):
        x = frame.x(t)
        parts.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(frame.bottom)}" y2="{_f(frame.bottom + 5)}" '
            f'stroke="{AXIS}" stroke-width="1"/>'
        )
        label = xtick_labels[i] if xtick_labels is not None else xfmt(t)
        parts.append(_text(x, frame.bottom + 18, label, anchor="middle"))
    parts.append(
        f'<line x1="{_f(frame.left)}" x2="{_f(frame.right)}" y1="{_f(frame.bottom)}" '
        f'y2="{_f(frame.bottom)}" stroke="{AXIS}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{_f(frame.left)}" x2="{_f(frame.left)}" y1="{_f(frame.top)}" '
        f'y2="{_f(frame.bottom)}" stroke="{AXIS}" stroke-width="1"/>'
    )
    middle_x = (frame.left + frame.right) / 2
    parts.append(_text(middle_x, frame.bottom + 38, xlabel, anchor="middle", size=12, color=INK))
    middle_y = (frame.top + frame.bottom) / 2
    parts.append(
        _text(
            0,
            0,
            ylabel,
            anchor="middle",
            size=12,
            color=INK,
            extra=f' transform="translate(14 {_f(middle_y)}) rotate(-90)"',
        )
    )
    return "".join(parts)


@dataclass(frozen=True)
class LegendItem:
    label: str
    color: str
    kind: str = "line"  # line | rect
    dash: str = ""
    marker: str = ""
    opacity: float = 1.0


def legend(items: Sequence[LegendItem], x: float, y: float) -> str:
    """A one-row legend starting at (x, y) (y is the text baseline)."""
    parts = []
    cursor = x
    for item in items:
        if item.kind == "rect":
            parts.append(
                f'<rect x="{_f(cursor)}" y="{_f(y - 10)}" width="14" height="12" rx="2" '
                f'fill="{item.color}" fill-opacity="{item.opacity:g}" stroke="{item.color}"/>'
            )
        else:
            dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
            parts.append(
                f'<line x1="{_f(cursor)}" x2="{_f(cursor + 22)}" y1="{_f(y - 4)}" '
                f'y2="{_f(y - 4)}" stroke="{item.color}" stroke-width="2.5"{dash}/>'
            )
            if item.marker:
                parts.append(_marker(item.marker, cursor + 11, y - 4, 3.5, item.color))
        offset = 20 if item.kind == "rect" else 28
        parts.append(_text(cursor + offset, y, item.label, color=INK))
        cursor += offset + text_width(item.label) + 18
    return "".join(parts)


def _marker(kind: str, x: float, y: float, r: float, color: str, tip: str = "") -> str:
    title = f"<title>{esc(tip)}</title>" if tip else ""
    if kind == "square":
        return (
            f'<rect x="{_f(x - r)}" y="{_f(y - r)}" width="{_f(2 * r)}" height="{_f(2 * r)}" '
            f'fill="{color}" stroke="#fff" stroke-width="1">{title}</rect>'
        )
    if kind == "circle":
        return (
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{color}" fill-opacity="0.85" '
            f'stroke="#fff" stroke-width="1">{title}</circle>'
        )
    return ""


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    *,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    xfmt: Fmt = num,
    yfmt: Fmt = num,
    xlabel: str = "",
    ylabel: str = "",
    xticks: Sequence[float] | None = None,
    xtick_labels: Sequence[str] | None = None,
    yticks: Sequence[float] | None = None,
    vlines: Sequence[tuple[float, str]] = (),
    hlines: Sequence[tuple[float, str]] = (),
    extra_legend: Sequence[LegendItem] = (),
) -> str:
    """Lines with optional markers, reference lines and a legend above the plot."""
    frame = Frame(*x_domain, *y_domain, left=64, right=WIDTH - 18, top=44, bottom=HEIGHT - 52)
    xt = list(xticks) if xticks is not None else nice_ticks(*x_domain)
    yt = list(yticks) if yticks is not None else nice_ticks(*y_domain)
    parts = [axes(frame, xt, yt, xfmt, yfmt, xlabel, ylabel, xtick_labels=xtick_labels)]
    parts.extend(_reference_lines(frame, vlines, hlines))
    for s in series:
        if not s.points:
            continue
        coords = " ".join(f"{_f(frame.x(x))},{_f(frame.y(y))}" for x, y in s.points)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        if len(s.points) > 1:
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{s.color}" '
                f'stroke-width="{s.width:g}" stroke-linejoin="round" stroke-linecap="round"{dash}/>'
            )
        if s.marker:
            for i, (x, y) in enumerate(s.points):
                radius = s.sizes[i] if s.sizes is not None else 3.5
                tip = s.tips[i] if s.tips is not None else f"{s.name}: {xfmt(x)}, {yfmt(y)}"
                parts.append(_marker(s.marker, frame.x(x), frame.y(y), radius, s.color, tip))
    items = [
        LegendItem(s.name, s.color, dash=s.dash, marker=s.marker if s.sizes is None else "")
        for s in series
        if s.points
    ]
    parts.append(legend([*items, *extra_legend], frame.left, 22))
    return svg_frame(chart_id, title, desc, "".join(parts))


def _reference_lines(
    frame: Frame, vlines: Sequence[tuple[float, str]], hlines: Sequence[tuple[float, str]]
) -> list[str]:
    parts = []
    for value, label in vlines:
        x = frame.x(value)
        parts.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(frame.top)}" y2="{_f(frame.bottom)}" '
            f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 3"/>'
        )
        if label:
            parts.append(_text(x + 4, frame.top + 12, label, size=10.5, extra=HALO))
    for value, label in hlines:
        y = frame.y(value)
        parts.append(
            f'<line x1="{_f(frame.left)}" x2="{_f(frame.right)}" y1="{_f(y)}" y2="{_f(y)}" '
            f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 3"/>'
        )
        if label:
            parts.append(_text(frame.right - 2, y - 5, label, anchor="end", size=10.5, extra=HALO))
    return parts


@dataclass(frozen=True)
class BarGroup:
    """One coloured set of bars, a value per category (``None`` = no bar)."""

    name: str
    color: str
    values: Sequence[float | None]
    labels: Sequence[str] | None = None


def grouped_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    groups: Sequence[BarGroup],
    *,
    yfmt: Fmt = num,
    ylabel: str = "",
    xlabel: str = "",
    hlines: Sequence[tuple[float, str]] = (),
) -> str:
    """Vertical bars, one cluster per category, value labels on top of the bars."""
    values = [v for g in groups for v in g.values if v is not None]
    top = nice_upper(max([*values, *(h for h, _ in hlines), 1e-9]) * 1.12)
    frame = Frame(0, 1, 0, top, left=64, right=WIDTH - 18, top=44, bottom=HEIGHT - 52)
    parts = [axes(frame, [], nice_ticks(0, top), num, yfmt, xlabel, ylabel)]
    parts.extend(_reference_lines(frame, (), hlines))  # under the bars and their labels
    n_cat = max(len(categories), 1)
    slot = (frame.right - frame.left) / n_cat
    n_groups = max(len(groups), 1)
    bar_w = min(56.0, slot * 0.72 / n_groups)
    for c, category in enumerate(categories):
        centre = frame.left + slot * (c + 0.5)
        parts.append(_text(centre, frame.bottom + 18, category, anchor="middle", color=INK))
        start = centre - bar_w * n_groups / 2
        for g, group in enumerate(groups):
            value = group.values[c] if c < len(group.values) else None
            if value is None:
                continue
            x = start + g * bar_w
            y = frame.y(value)
            label = group.labels[c] if group.labels is not None else yfmt(value)
            parts.append(
                f'<rect x="{_f(x + 2)}" y="{_f(y)}" width="{_f(bar_w - 4)}" '
                f'height="{_f(frame.bottom - y)}" fill="{group.color}" rx="2">'
                f"<title>{esc(group.name)} · {esc(category)}: {esc(label)}</title></rect>"
            )
            parts.append(
                _text(
                    x + bar_w / 2, y - 5, label, anchor="middle", size=10.5, color=INK, extra=HALO
                )
            )
    parts.append(legend([LegendItem(g.name, g.color, kind="rect") for g in groups], frame.left, 22))
    return svg_frame(chart_id, title, desc, "".join(parts))


def hbar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    color: str = BLUE,
    vfmt: Fmt = num,
    xlabel: str = "",
    label_chars: int = 30,
) -> str:
    """Horizontal bars, largest first as given, labels on the left, values at bar ends."""
    row_h = 20
    top_pad, bottom_pad = 14, 46
    height = top_pad + bottom_pad + row_h * max(len(labels), 1)
    longest = max((min(len(label), label_chars) for label in labels), default=10)
    left = min(230.0, 16 + text_width("x" * longest, 11))
    vmax = nice_upper(max([*values, 1e-12]))
    frame = Frame(
        0, vmax, 0, 1, left=left, right=WIDTH - 52, top=top_pad, bottom=height - bottom_pad
    )
    parts = [axes(frame, nice_ticks(0, vmax, 4), [], vfmt, num, xlabel, "")]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top_pad + i * row_h
        shown = label if len(label) <= label_chars else label[: label_chars - 1] + "…"
        parts.append(_text(left - 8, y + row_h / 2 + 4, shown, anchor="end", color=INK, tip=label))
        width = frame.x(value) - frame.left
        parts.append(
            f'<rect x="{_f(frame.left)}" y="{_f(y + 3)}" width="{_f(max(width, 0.5))}" '
            f'height="{row_h - 6}" fill="{color}" rx="2">'
            f"<title>{esc(label)}: {esc(vfmt(value))}</title></rect>"
        )
        parts.append(_text(frame.left + width + 5, y + row_h / 2 + 4, vfmt(value), size=10.5))
    return svg_frame(chart_id, title, desc, "".join(parts), height=height)


@dataclass(frozen=True)
class HistGroup:
    """One histogram of an overlay: a height per bin."""

    name: str
    color: str
    heights: Sequence[float]
    opacity: float = 0.35


def overlay_histogram(
    chart_id: str,
    title: str,
    desc: str,
    edges: Sequence[float],
    groups: Sequence[HistGroup],
    *,
    yfmt: Fmt = num,
    xlabel: str = "",
    ylabel: str = "",
    vlines: Sequence[tuple[float, str]] = (),
) -> str:
    """Translucent histograms drawn over each other, each with a solid step outline."""
    heights = [h for g in groups for h in g.heights]
    top = nice_upper(max([*heights, 1e-12]) * 1.08)
    frame = Frame(
        edges[0], edges[-1], 0, top, left=64, right=WIDTH - 18, top=44, bottom=HEIGHT - 52
    )
    parts = [
        axes(
            frame, nice_ticks(edges[0], edges[-1], 5), nice_ticks(0, top), num, yfmt, xlabel, ylabel
        )
    ]
    for group in groups:
        step = [f"M{_f(frame.x(edges[0]))},{_f(frame.bottom)}"]
        for i, h in enumerate(group.heights):
            step.append(f"L{_f(frame.x(edges[i]))},{_f(frame.y(h))}")
            step.append(f"L{_f(frame.x(edges[i + 1]))},{_f(frame.y(h))}")
        step.append(f"L{_f(frame.x(edges[-1]))},{_f(frame.bottom)}Z")
        path = "".join(step)
        parts.append(
            f'<path d="{path}" fill="{group.color}" fill-opacity="{group.opacity:g}" '
            f'stroke="{group.color}" stroke-width="1.8" stroke-linejoin="round"/>'
        )
    for i in range(len(edges) - 1):
        x_left, x_right = frame.x(edges[i]), frame.x(edges[i + 1])
        tip = "; ".join(f"{g.name}: {yfmt(g.heights[i])}" for g in groups)
        parts.append(
            f'<rect x="{_f(x_left)}" y="{_f(frame.top)}" width="{_f(x_right - x_left)}" '
            f'height="{_f(frame.bottom - frame.top)}" fill="transparent">'
            f"<title>Score {num(edges[i])}{DASH}{num(edges[i + 1])}: {esc(tip)}</title></rect>"
        )
    parts.extend(_reference_lines(frame, vlines, ()))
    items = [LegendItem(g.name, g.color, kind="rect", opacity=g.opacity + 0.2) for g in groups]
    parts.append(legend(items, frame.left, 22))
    return svg_frame(chart_id, title, desc, "".join(parts))
