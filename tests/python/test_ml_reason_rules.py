"""Issue 11, point 2: every feature reads in words, and a lead's reasons never contradict
themselves, the sign or the score.

* the reference in ``leadscore.ml.reasons`` covers every model feature of ``lead_features``
  (and ``custom_`` properties) with a label and phrasing free of raw names, codes and unknowns;
* ``choose_reasons``: one reason per behaviour (counts + recency summed), no sign that
  contradicts the words, unknowns skipped, a high score gets a positive reason or says there
  is none; day counts read in stable buckets;
* on trained pipelines of both kinds, no lead's reasons match a pattern of
  ``bench/audit_reasons.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml
from leadscore.ml import ModelParams, TrainResult, score_leads, train_model
from leadscore.ml.config import DEFAULT_EXCLUDE
from leadscore.ml.reasons import (
    MINUS,
    NO_NEGATIVE,
    NO_POSITIVE,
    NOT_A_REASON,
    _ago,
    choose_reasons,
    describe,
    signal,
)
from leadscore.settings import NOT_FEATURES
from project_settings import split_by_dates, train_config
from synthetic_panel import make_synthetic_panel

ROOT = Path(__file__).resolve().parents[2]


def _audit() -> Any:
    spec = importlib.util.spec_from_file_location("audit_reasons", ROOT / "bench/audit_reasons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AUDIT = _audit()


def model_features() -> list[str]:
    """The columns of lead_features the model may use (the project's exclusions applied)."""
    doc = yaml.safe_load((ROOT / "models/features/lead_features.yml").read_text())
    (model,) = [m for m in doc["models"] if m["name"] == "lead_features"]
    excluded = set(DEFAULT_EXCLUDE) | set(NOT_FEATURES)
    return [
        c["name"]
        for c in model["columns"]
        if c["name"] not in excluded and not c["name"].startswith("_")
    ]


#: Values to phrase each kind of feature with: zero/missing, small, large, codes.
SAMPLE_NUMBERS: tuple[Any, ...] = (None, 0, 0.0, 0.04, 0.3, 1, 1.0, 2, 3, 6, 15, 45, 120, 400)
RAW = re.compile(r"[a-z0-9]+_[a-z0-9]+|\b\d+d\b|unknown|\bnan\b|\bNone\b")


def sample_values(feature: str) -> tuple[Any, ...]:
    if feature in {
        "employee_band",
        "revenue_band",
        "industry",
        "region",
        "country_code",
        "seniority",
        "job_function",
        "lead_source",
    }:
        return CODES[feature]
    if feature.startswith(("is_", "has_", "was_")):
        return (None, True, False, 1.0, 0.0)
    return SAMPLE_NUMBERS


#: The codes lead_features documents (lead_features.yml) or the demo produces.
CODES: dict[str, tuple[Any, ...]] = {
    "employee_band": ("1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+", "unknown"),
    "revenue_band": ("<1m", "1m-10m", "10m-100m", "100m-1b", "1b+", "unknown"),
    "industry": ("professional_services", "non_profit", "financial_services", "unknown", None),
    "region": ("north_america", "latam", "emea", "apac", "unknown"),
    "country_code": ("US", "MX", "GB", "unknown"),
    "seniority": (
        "c_level",
        "vp",
        "director",
        "manager",
        "individual_contributor",
        "student",
        "other",
    ),
    "job_function": (
        "engineering",
        "it",
        "data",
        "sales",
        "marketing",
        "finance",
        "operations",
        "hr",
        "executive",
        "other",
    ),
    "lead_source": ("sdr_outbound", "seo", "paid_social", "google_ads", "webinar", "unknown"),
}


def test_every_model_feature_has_a_label_and_a_phrasing() -> None:
    features = model_features()
    assert len(features) > 100  # the yml was read
    missing = [f for f in features if not signal(f).documented]
    assert missing == []
    for f in features:
        s = signal(f)
        assert s.label and not RAW.search(s.label), (f, s.label)
        for value in sample_values(f):
            text = describe(f, value)
            if text is not None:
                assert not RAW.search(text), (f, value, text)


def test_custom_properties_read_generically_and_unknowns_are_no_reason() -> None:
    s = signal("custom_annual_budget")
    assert s.documented and s.label == "Annual budget"
    assert describe("custom_annual_budget", "over_100k") == "Annual budget: Over 100k"
    for empty in (None, "", "unknown", "Unknown", "other"):
        assert describe("custom_annual_budget", empty) is None


@pytest.mark.parametrize("feature", ["industry", "seniority", "country_code", "is_free_email"])
def test_unknown_is_never_a_reason(feature: str) -> None:
    assert describe(feature, None) is None
    if feature != "is_free_email":
        assert describe(feature, "unknown") is None


def test_day_counts_read_in_buckets_that_change_rarely() -> None:
    texts = [_ago(d) for d in range(0, 800)]
    assert texts[:2] == ["today", "yesterday"]
    assert set(texts[2:7]) == {"this week"}
    assert _ago(21) == "about 3 weeks ago" and _ago(400) == "over a year ago"
    assert not any(re.search(r"\d+ days", t) for t in texts)
    # Past the first week, a text lasts at least 4 days; past two months, at least 3 weeks.
    runs = [len(list(g)) for _, g in itertools.groupby(texts[7:])]
    assert min(runs[:-1]) >= 4
    later = [len(list(g)) for _, g in itertools.groupby(texts[60:])]
    assert min(later[1:-1]) >= 21  # the first and last runs are cut by the range


def _frame(**columns: list[Any]) -> pl.DataFrame:
    return pl.DataFrame(columns, strict=False)


def test_counts_and_recency_of_one_behaviour_make_one_reason() -> None:
    # The "+ Requested a demo 16 days ago" with "- 1 demo request in the last 90 days".
    X = _frame(
        n_demo_request_90d=[1.0],
        days_since_last_demo_request=[16.0],
        seniority=["vp"],
    )
    contrib = np.array([[-0.4, 1.0, 0.3]])
    out = choose_reasons(X, list(X.columns), contrib, np.array([90.0]), 1e-6)
    assert out.tolist() == [["+ Requested a demo about 2 weeks ago", "+ Seniority: VP", None]]


def test_a_sign_that_contradicts_the_words_is_skipped() -> None:
    X = _frame(
        days_since_last_email_bounce=[156.0],  # a bounce raising the score
        days_since_last_pricing_view=[None],  # never viewed pricing, raising the score
        industry=["unknown"],  # unknown, moving the score
        is_free_email=[0.0],
        seniority=["director"],
        job_function=["data"],
    )
    contrib = np.array([[1.1, 0.9, 0.8, 0.3, 0.2, 0.1]])
    out = choose_reasons(X, list(X.columns), contrib, np.array([95.0]), 1e-6)
    assert out.tolist() == [
        ["+ Business email address", "+ Seniority: Director", "+ Job function: Data"]
    ]


def test_a_high_score_shows_a_positive_reason_or_says_there_is_none() -> None:
    X = _frame(
        is_free_email=[1.0, 1.0],
        has_competitor_tech=[1.0, 1.0],
        employee_band=["51-200", "51-200"],
        seniority=["c_level", "c_level"],
    )
    contrib = np.array([[-0.9, -0.8, -0.7, 0.2], [-0.9, -0.8, -0.7, 0.0]])
    out = choose_reasons(X, list(X.columns), contrib, np.array([91.0, 91.0]), 1e-6)
    assert out[0].tolist() == [
        f"{MINUS} Free-mail address",
        f"{MINUS} Uses a competitor's product",
        "+ Seniority: C-level",
    ]
    assert out[1].tolist() == [
        f"{MINUS} Free-mail address",
        f"{MINUS} Uses a competitor's product",
        NO_POSITIVE,
    ]
    # And the mirror for a low score whose reasons are all positive (free mail and a
    # competitor's product raising the score are no reasons).
    low = choose_reasons(X, list(X.columns), -contrib, np.array([5.0, 5.0]), 1e-6)
    assert low[1].tolist() == ["+ Company size: 51\u2013200 employees", NO_NEGATIVE, None]


def test_vectorised_evidence_agrees_with_the_phrases() -> None:
    for f in model_features():
        s = signal(f)
        if s.evidence is None:
            continue
        values = [v for v in SAMPLE_NUMBERS if not isinstance(v, bool)]
        arr = np.array([np.nan if v is None else float(v) for v in values])
        vector = s.evidence(arr).tolist()
        scalar = [
            NOT_A_REASON if (p := s.phrase(v)) is None else p[1]
            for v in [None if v is None else float(v) for v in values]
        ]
        assert vector == scalar, f


TRAINED_AT = dt.datetime(2025, 9, 1, 6, 0)


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return make_synthetic_panel(n_leads=400, n_dates=30, seed=11, n_unlabelled_dates=4)


@pytest.fixture(scope="module", params=["logistic", "hgb"])
def trained(request: pytest.FixtureRequest, panel: pl.DataFrame) -> TrainResult:
    config = train_config(
        split=split_by_dates(),
        candidates=(request.param,),
        params=ModelParams(hgb_max_iter=60),
    )
    return train_model(panel, TRAINED_AT, config)


def test_no_lead_of_a_trained_model_has_an_absurd_reason(
    trained: TrainResult, panel: pl.DataFrame
) -> None:
    today = panel.filter(pl.col("as_of_date") == pl.col("as_of_date").max())
    scores = score_leads(trained.bundle, today)
    flags = AUDIT.audit(scores)
    bad = scores.join(flags, on="lead_id").filter("any_point_2")
    shown = bad.select("score", "reason_1", "reason_2", "reason_3").head(10).rows()
    assert bad.height == 0, shown
    assert scores.get_column("reason_1").drop_nulls().len() > 0.9 * scores.height
