"""The model report: self-contained HTML, sections, escaping, empty data, a real browser."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from demo_report import demo_report_data
from leadscore.report import (
    SECTION_TITLES,
    TIERS,
    Alert,
    CalibrationBin,
    DriftRow,
    FeatureImportance,
    HealthWeek,
    ModelCard,
    PsiBands,
    ReportData,
    ScoreMetrics,
    TierRow,
    TierThresholds,
    gains_curve,
    render_report,
    score_histogram,
    tier_rows,
    write_report,
)
from leadscore.report.data import HorizonCandidate, TrainingData, TrainingPeriod
from leadscore.report.render import ReportWriteError
from project_settings import project_vars, psi_bands, tier_thresholds

ALL_CHARTS = {
    "calibration",
    "gains",
    "tier_conversion",
    "feature_importance",
    "score_distribution",
    "health_auc",
    "health_calibration",
}
EMPTY_NOTE = "Not enough data yet: "


def charts_in(html: str) -> list[str]:
    """The data-chart id of every <svg> in the page (an <svg> without one gives '')."""
    return [
        (re.search(r'data-chart="([^"]*)"', tag) or [None, ""])[1]
        for tag in re.findall(r"<svg\b[^>]*>", html)
    ]


def section(html: str, key: str) -> str:
    """The HTML of one report section, by its id."""
    match = re.search(rf'<section [^>]*id="{key}">(.*?)</section>', html, re.S)
    assert match, f"section {key!r} missing"
    return match.group(1)


def report_data(**fields: Any) -> ReportData:
    """ReportData with the project's tier thresholds, score scale and PSI bands
    (dbt_project.yml)."""
    settings = {
        "tier_thresholds": tier_thresholds(),
        "score_scale": project_vars()["score_scale"],
        "drift_thresholds": psi_bands(),
    }
    return ReportData(**settings | fields)


@pytest.fixture(scope="module")
def demo() -> ReportData:
    return demo_report_data(seed=7, n_leads=3000)


@pytest.fixture
def small() -> ReportData:
    """A report whose every number is small enough to check by eye."""
    return report_data(
        card=ModelCard(model_version="v1", scoring_method="model", horizon_days=30),
        model_metrics=ScoreMetrics(roc_auc=0.81234, pr_auc=0.3, brier=0.061, lift_at_10=3.4),
        points_metrics=ScoreMetrics(roc_auc=0.7012, pr_auc=0.2, brier=0.07, lift_at_10=2.1),
        tiers=[
            TierRow("model", "sales_now", leads=100, converted=30),
            TierRow("model", "nurture", leads=200, converted=20),
            TierRow("model", "awareness", leads=300, converted=9),
        ],
    )


# --------------------------------------------------------------------------- self-contained


def test_page_loads_nothing_external_and_runs_no_script(demo: ReportData) -> None:
    html = render_report(demo)
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html


def test_every_section_heading_and_one_svg_per_chart(demo: ReportData) -> None:
    html = render_report(demo)
    for title in SECTION_TITLES.values():
        assert f"<h2>{title}</h2>" in html
    charts = charts_in(html)
    assert sorted(charts) == sorted(ALL_CHARTS)  # one each, no stray svg
    assert EMPTY_NOTE not in html


def test_metric_values_appear_formatted(small: ReportData) -> None:
    html = render_report(small)
    metrics = section(html, "metrics")
    assert "0.812" in metrics and "0.701" in metrics  # ROC AUC, 3 decimals
    assert "3.4\u00d7" in metrics  # lift@10%
    assert "30.0%" in metrics and "10.0%" in metrics and "3.0%" in metrics  # tier rates
    assert "10.0\u00d7" in metrics  # top / bottom tier: 30% / 3%
    assert "0.812" in section(html, "glance")


def test_better_column_names_the_winner(small: ReportData) -> None:
    metrics = section(render_report(small), "metrics")
    row = re.search(r"<th scope=\"row\">Brier score</th>(.*?)</tr>", metrics, re.S)
    assert row and '<td class="num win">0.0610</td>' in row.group(1)  # lower Brier wins
    assert '<td class="better">Model</td>' in row.group(1)


# --------------------------------------------------------------------------- escaping


def test_calibration_by_slice_marks_the_slices_that_are_off() -> None:
    """Issue 11.4: the report shows every slice, and the ones that are off (alerts) stand out."""
    data = report_data(
        card=ModelCard(model_version="v1", scoring_method="model"),
        calibration_slices=[
            {"slice": "has_bounced", "slice_value": "true", "leads": 410,
             "predicted_rate": 0.095, "actual_rate": 0.051, "tolerance": 0.02375,
             "is_judged": True, "is_off": True},
            {"slice": "lead_source", "slice_value": "paid_search", "leads": 900,
             "predicted_rate": 0.06, "actual_rate": 0.061, "tolerance": 0.02,
             "is_judged": True, "is_off": False},
        ],
    )  # fmt: skip
    html = render_report(data)
    section = html[html.index("<h2>Calibration by slice</h2>") :]
    section = section[: section.index("</section>")]
    off_row = re.search(r'<tr class="bad">(.*?)</tr>', section, re.S)
    assert off_row is not None
    assert "Email bounced" in off_row.group(1) and "9.5%" in off_row.group(1)
    assert "5.1%" in off_row.group(1) and "off" in off_row.group(1)
    assert "paid search" in section and section.count('class="bad"') == 1
    assert "1 of 2 slices judged are off" in section


def test_names_and_reasons_are_html_escaped() -> None:
    evil = "<script>alert(1)</script>"
    data = report_data(
        card=ModelCard(features=(evil,), scoring_method="rules", scoring_method_reason=evil),
        feature_importance=[FeatureImportance(evil, 0.2), FeatureImportance("ok", 0.1)],
        drift=[DriftRow(evil, 0.3)],
        alerts=[Alert(date(2026, 1, 5), "drift", f"{evil} & more")],
    )
    html = render_report(data)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section(html, "drift")
    assert "&lt;script&gt;" in section(html, "alerts")
    assert "&amp; more" in section(html, "alerts")
    assert "&lt;script&gt;" in section(html, "card")
    assert "&lt;script&gt;" in section(html, "importance")


class _Tags(HTMLParser):
    """Every element of a page, as (tag, {attribute: value}), from a real HTML parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def test_hostile_strings_in_every_field_stay_text() -> None:
    """Whatever the warehouse holds, the templates print it as text: no tag, no fetch."""
    evil = '<script>alert("x")</script><img src="http://evil.example/x.png" onerror=alert(1)>'
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=&#34;http://evil"
    data = report_data(
        title=evil,
        warnings=(evil,),
        card=ModelCard(
            model_version=evil,
            trained_at=evil,
            scoring_method="rules",
            scoring_method_reason=evil,
            conversion_definition=evil,
            features=(evil,),
            parameters={evil: evil},
            intended_use=evil,
            limits=evil,
        ),
        feature_importance=[FeatureImportance(evil, 0.2)],
        importance_method=evil,
        drift=[DriftRow(evil, 0.3)],
        drift_reference=evil,
        alerts=[Alert(evil, evil, evil)],
        training_data=TrainingData(
            labelled_leads=10,
            converted_leads=1,
            min_labelled_leads=500,
            min_converted_leads=100,
            periods=(TrainingPeriod(evil, evil, evil, 5, 1),),
            horizons=(HorizonCandidate(30, 365, 10, 1, is_configured=True),),
            advice=evil,
        ),
    )
    html = render_report(data)
    tags = parsed_tags(html)
    assert {tag for tag, _ in tags}.isdisjoint({"script", "img", "link", "iframe", "object"})
    for tag, attrs in tags:
        for name in ("src", "href"):
            assert not re.match(r"\s*(?:https?:)?//", attrs.get(name) or ""), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert f"<title>{escaped}" in html and f"<h1>{escaped}" in html
    assert escaped in html[: html.index('id="explainer"')]  # header and warnings
    for key in ("explainer", "drift", "alerts", "training_data", "card"):
        assert escaped in section(html, key), key
    # the SVG chart escapes its own texts (report/svg.py): feature names and the axis label
    assert section(html, "importance").count("&lt;script&gt;") >= 2


def test_stylesheet_is_inlined_verbatim_from_the_package() -> None:
    css = resources.files("leadscore.report").joinpath("templates", "report.css")
    stylesheet = css.read_text(encoding="utf-8")
    assert '"Segoe UI"' in stylesheet and ".tier-" in stylesheet
    html = render_report(report_data())
    assert f"<style>\n{stylesheet}</style>" in html  # not escaped, not fetched
    for tier in TIERS:  # every tier class the page uses has its style
        assert f"tier-{tier}" in html and f".tier-{tier}{{" in stylesheet


# --------------------------------------------------------------------------- empty data


def test_empty_report_renders_notes_instead_of_charts() -> None:
    html = render_report(report_data())
    assert charts_in(html) == []
    for key in (
        "metrics",
        "calibration",
        "gains",
        "tiers",
        "importance",
        "distribution",
        "drift",
        "health",
    ):
        assert EMPTY_NOTE in section(html, key), key
    assert "No alerts have been raised so far." in section(html, "alerts")
    assert "Scores from the points rules" in html


def test_rules_only_cold_start_shows_points_results() -> None:
    y = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    points = [90, 20, 55, 85, 10, 60, 30, 5, 70, 45]
    data = report_data(
        card=ModelCard(scoring_method="rules", scoring_method_reason="only 12 conversions"),
        points_metrics=ScoreMetrics(roc_auc=0.9),
        gains=gains_curve(points, y, "points", n_points=5),
        tiers=tier_rows(points, y, tier_thresholds(), "points"),
    )
    html = render_report(data)
    assert set(charts_in(html)) == {"gains", "tier_conversion"}
    assert "only 12 conversions" in section(html, "explainer")
    assert EMPTY_NOTE in section(html, "calibration")
    metrics = section(html, "metrics")
    assert "no model has been validated yet" in metrics
    assert "0.900" in metrics and '<th class="num">Model</th>' not in metrics


def test_health_needs_two_weeks_and_tolerates_open_outcomes() -> None:
    one = report_data(health=[HealthWeek(date(2026, 3, 2), roc_auc=0.8, predicted_rate=0.05)])
    assert EMPTY_NOTE in section(render_report(one), "health")
    weeks = [
        HealthWeek(date(2026, 3, 2), roc_auc=0.8, predicted_rate=0.05, actual_rate=0.04),
        HealthWeek(date(2026, 3, 9), roc_auc=0.78, predicted_rate=0.05, actual_rate=0.06),
        HealthWeek("2026-03-16", predicted_rate=0.05),  # outcomes not known yet
    ]
    html = render_report(report_data(health=weeks))
    assert charts_in(html) == ["health_auc", "health_calibration"]
    assert "2 Mar" in section(html, "health")


# --------------------------------------------------------------------------- data rules


def test_tier_thresholds_come_from_the_data() -> None:
    html = render_report(report_data(tier_thresholds=TierThresholds(sales_now=70, nurture=40)))
    explainer = section(html, "explainer")
    assert "70+" in explainer and "40\u201369" in explainer and "below 40" in explainer
    assert TierThresholds(70, 40).tier_for(69.9) == "nurture"


def test_drift_status_bands() -> None:
    bands = PsiBands(watch=0.1, drift=0.25)
    assert [bands.status(p) for p in (0.05, 0.1, 0.25, 0.26)] == ["ok", "watch", "watch", "drift"]
    html = render_report(
        report_data(drift=[DriftRow("a", 0.05), DriftRow("b", 0.4)], score_psi=0.12)
    )
    drift = section(html, "drift")
    assert '<span class="badge drift">drift</span>' in drift
    assert "1 feature(s) drifting, 0 to watch, 1 stable." in drift
    assert drift.index(">b<") < drift.index(">a<")  # worst first


def test_the_tier_thresholds_and_psi_bands_come_from_the_caller() -> None:
    """The report has no defaults of its own for what the vars set."""
    with pytest.raises(TypeError, match="tier_thresholds"):
        ReportData(score_scale="percentile")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="score_scale"):
        ReportData(tier_thresholds=tier_thresholds())  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="drift_thresholds"):
        ReportData(
            tier_thresholds=tier_thresholds(),
            score_scale="percentile",
            drift=[DriftRow("a", 0.05)],
        )
    assert report_data(drift_thresholds=None).drift_thresholds is None  # no drift, no bands


def test_polars_frames_and_dicts_are_accepted() -> None:
    tiers = pl.DataFrame(
        {
            "scorer": ["model"] * 3,
            "tier": ["sales_now", "nurture", "awareness"],
            "leads": [10, 20, 70],
            "converted": [5, 4, 7],
            "extra_column": [1, 2, 3],
        }
    )
    data = report_data(tiers=tiers, model_metrics={"roc_auc": 0.75})
    assert data.tiers[0] == TierRow("model", "sales_now", 10, 5)
    assert "50.0%" in section(render_report(data), "tiers")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CalibrationBin("model", 12.0, 0.1, 10), "predicted_mean must be between 0 and 1"),
        (lambda: TierThresholds(sales_now=50, nurture=80), "must be below sales_now"),
        (lambda: TierRow("model", "hot", 10, 1), "tier must be one of"),
        (lambda: TierRow("model", "nurture", 10, 11), "converted (11) cannot exceed leads (10)"),
        (lambda: ModelCard(scoring_method="ml"), "scoring_method must be one of"),
        (lambda: report_data(gains=pl.DataFrame({"scorer": ["model"]})), "missing column(s)"),
        (lambda: report_data(model_metrics={"auc": 0.7}), "unknown key(s) ['auc']"),
        (lambda: ScoreMetrics(roc_auc=float("inf")), None),  # non-finite = not measured
    ],
)
def test_bad_input_gets_a_clear_error(build, message) -> None:  # type: ignore[no-untyped-def]
    if message is None:
        build()
        return
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


def test_render_rejects_non_report_data() -> None:
    with pytest.raises(TypeError, match="expects a ReportData"):
        render_report({"title": "x"})  # type: ignore[arg-type]


def test_render_is_deterministic() -> None:
    assert render_report(demo_report_data(seed=3, n_leads=500)) == render_report(
        demo_report_data(seed=3, n_leads=500)
    )


# --------------------------------------------------------------------------- builders


def test_builders_on_tiny_data() -> None:
    y = [1, 1, 0, 0, 1, 0, 0, 0]
    score = [95, 85, 75, 60, 45, 30, 20, 10]
    gains = gains_curve(score, y, n_points=4)
    assert [(g.share_contacted, round(g.share_converted, 3)) for g in gains] == [
        (0.0, 0.0),
        (0.25, 0.667),
        (0.5, 0.667),
        (0.75, 1.0),
        (1.0, 1.0),
    ]
    tiers = {
        t.tier: (t.leads, t.converted)
        for t in tier_rows(score, y, TierThresholds(sales_now=80, nurture=50))
    }
    assert tiers == {"sales_now": (2, 2), "nurture": (2, 0), "awareness": (4, 1)}
    hist = score_histogram(score, y, bin_width=50)
    assert [(b.bin_start, b.converted, b.not_converted) for b in hist] == [(0, 1, 3), (50, 2, 2)]
    with pytest.raises(ValueError, match="differ in length"):
        gains_curve([1, 2], [1])


# --------------------------------------------------------------------------- files


def test_write_report_creates_folders_and_leaves_no_temp_files(tmp_path: Path, small) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "reports" / "nested" / "model_report.html"
    written = write_report(small, target)
    assert written == target
    assert target.read_text(encoding="utf-8") == render_report(small)
    write_report(replace(small, title="Second run"), target)  # overwrite in place
    assert "Second run" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["model_report.html"]


def test_an_unwritable_report_path_is_a_clear_error(tmp_path: Path, small) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the report's folder should be")
    target = blocker / "model_report.html"
    with pytest.raises(
        ReportWriteError, match=r"cannot write the model report to .*var report_path"
    ):
        write_report(small, target)


# --------------------------------------------------------------------------- real browser


def find_chromium() -> str | None:
    """LEADSCORE_CHROMIUM, else chromium on PATH, else Debian's /usr/bin/chromium."""
    override = os.environ.get("LEADSCORE_CHROMIUM")
    if override:
        return override
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def run_chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # any network fetch would fail
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def png_info(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the image data) of a PNG, via zlib only."""
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos : pos + 4])
        kind = blob[pos + 4 : pos + 8]
        chunk = blob[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


BROWSER = find_chromium()


@pytest.mark.skipif(
    BROWSER is None,
    reason="headless chromium not installed (Debian: apt-get install -y chromium; "
    "or set LEADSCORE_CHROMIUM)",
)
def test_report_renders_in_headless_chromium(tmp_path: Path, demo: ReportData) -> None:
    assert BROWSER is not None
    page = write_report(demo, tmp_path / "reports" / "model_report.html")
    url = page.resolve().as_uri()

    dom = run_chromium(BROWSER, tmp_path / "profile", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert sorted(charts_in(dom.stdout)) == sorted(ALL_CHARTS)
    assert "<polyline" in dom.stdout and "<rect" in dom.stdout
    for title in SECTION_TITLES.values():
        assert title in dom.stdout

    shot = tmp_path / "shot.png"
    result = run_chromium(
        BROWSER, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2400", url
    )
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    blank_page = tmp_path / "blank.html"
    blank_page.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    blank = tmp_path / "blank.png"
    run_chromium(
        BROWSER,
        tmp_path / "profile",
        f"--screenshot={blank}",
        "--window-size=1280,2400",
        blank_page.resolve().as_uri(),
    )
    width, height, variety = png_info(shot)
    assert (width, height) == (1280, 2400)
    assert variety > 200  # text, colours and anti-aliasing, not one flat colour
    # a blank page of the same size compresses to almost nothing; the report does not
    assert shot.stat().st_size > 20 * blank.stat().st_size
    assert shot.stat().st_size > 100_000


def test_scoring_warnings_come_first_and_escaped() -> None:
    warning = "No model: only 12 converted leads <in> the history. Lower the minimum."
    html = render_report(report_data(warnings=(warning,)))
    main = html[html.index("<main") :]
    shown = main.index("only 12 converted leads &lt;in&gt; the history")
    # before every other section of the page
    assert shown < main.index("<section", main.index('class="warnings"') + 1)
    assert "Warning:" not in render_report(report_data())
