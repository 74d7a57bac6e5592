"""Test fixture: a synthetic feature panel with a known signal, for tests and benchmarks.

The conversion probability depends on seniority, pricing-page visits, a recent demo request,
negative signals, and two interactions (target company size x pricing interest, target
industry x seniority). The rules score ``points_score`` is an additive, noisy version of the
same ideas without the interactions, so a model that learns them should beat it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

_SENIORITY = np.array(["C-level", "VP", "Director", "Manager", "Individual contributor"])
_SENIORITY_P = np.array([0.06, 0.1, 0.16, 0.3, 0.38])
_INDUSTRY = np.array(
    ["Software", "Fintech", "Healthcare", "Retail", "Manufacturing", "Education", "Media"]
)
_TARGET_INDUSTRY = {"Software", "Fintech", "Healthcare"}
_EMPLOYEES = np.array(["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"])
_REVENUE = np.array(["<1M", "1M-10M", "10M-50M", "50M-250M", "250M+"])
_REGION = np.array(["NA", "EMEA", "APAC", "LATAM"])
_COUNTRY = np.array(["US", "CA", "GB", "DE", "FR", "NL", "IN", "AU", "JP", "BR", "MX", "ES"])
_FUNCTION = np.array(["Engineering", "Marketing", "Sales", "Finance", "IT", "Operations", "HR"])
_SOURCE = np.array(["Organic", "Paid search", "Webinar", "Referral", "Event", "Outbound"])
_EXTRA_KINDS = (
    "page_view",
    "email_click",
    "email_reply",
    "content_download",
    "webinar_registered",
    "video_view",
    "form_submit",
    "contact_sales",
    "trial_signup",
    "meeting_booked",
    "social_engagement",
    "product_view",
    "comparison_view",
    "docs_view",
    "blog_view",
    "careers_view",
    "other",
)


def make_synthetic_panel(
    n_leads: int = 500,
    n_dates: int = 30,
    seed: int = 0,
    start: dt.date = dt.date(2025, 1, 6),
    step_days: int = 7,
    n_unlabelled_dates: int = 0,
    n_extra_features: int = 0,
    intercept: float = -2.8,
) -> pl.DataFrame:
    """Return a panel of ``n_leads * n_dates`` rows sorted by as-of date and lead id.

    Args:
        n_leads, n_dates: panel size (every lead at every as-of date).
        seed: random seed; the same arguments give the same panel.
        start, step_days: the first as-of date and the spacing between them.
        n_unlabelled_dates: the most recent dates get a null label (horizon not over).
        n_extra_features: extra activity-count features (weak or no signal) to widen the
            panel, e.g. 30 for a ~60-feature benchmark.
        intercept: log-odds intercept; the default gives roughly 10-15% positives.
    """
    rng = np.random.default_rng(seed)
    n = n_leads * n_dates
    lead = np.tile(np.arange(n_leads), n_dates)
    date_idx = np.repeat(np.arange(n_dates), n_leads)

    # Lead-level (fit) attributes.
    seniority = rng.choice(_SENIORITY, size=n_leads, p=_SENIORITY_P).astype(object)
    seniority[rng.random(n_leads) < 0.08] = None
    industry = rng.choice(_INDUSTRY, size=n_leads)
    employees = rng.choice(_EMPLOYEES, size=n_leads)
    target_size = np.isin(employees, ["201-1000", "1001-5000"])
    target_industry = np.isin(industry, list(_TARGET_INDUSTRY))
    free_email = rng.random(n_leads) < 0.2
    propensity = rng.gamma(1.2, 1.0, size=n_leads)
    created_offset = rng.integers(0, 400, size=n_leads)

    eng = propensity[lead] * rng.gamma(2.0, 0.5, size=n)
    pricing_7d = rng.poisson(0.35 * eng)
    pricing_30d = pricing_7d + rng.poisson(0.8 * eng)
    email_open_30d = rng.poisson(1.5 * eng)
    page_view_7d = pricing_7d + rng.poisson(1.2 * eng)
    page_view_30d = page_view_7d + rng.poisson(3.0 * eng)
    demo_90d = rng.poisson(0.06 * eng)
    demo_since = np.where(demo_90d > 0, rng.integers(0, 90, size=n), -1).astype(np.float64)
    demo_since[demo_since < 0] = np.nan
    last_activity = np.minimum(rng.exponential(25.0 / (0.3 + eng)), 365).round()
    open_rate = np.clip(rng.beta(2, 5, size=n) + 0.05 * eng, 0, 1)
    unsubscribed = rng.random(n) < 0.05
    bounced = rng.random(n) < 0.03
    rejected = rng.random(n) < 0.04

    senior_row = np.isin(seniority[lead], ["C-level", "VP", "Director"])
    ti_row = target_industry[lead]
    ts_row = target_size[lead]
    fe_row = free_email[lead]
    demo_recent = np.nan_to_num(demo_since, nan=999) <= 14
    z = (
        intercept
        + 0.9 * senior_row
        + 0.6 * np.log1p(pricing_7d)
        + 1.3 * demo_recent
        + 1.7 * (ts_row & (pricing_7d >= 2))
        + 1.3 * (ti_row & senior_row)
        + 0.8 * open_rate
        - 1.6 * unsubscribed
        - 0.9 * fe_row
        - 1.0 * rejected
        - 0.006 * last_activity
    )
    label = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int8)
    points = (
        14 * senior_row
        + 5 * np.minimum(pricing_7d, 4)
        + 20 * demo_recent
        + 8 * ts_row
        + 8 * ti_row
        - 10 * fe_row
        - 10 * unsubscribed
        + rng.normal(0, 10, size=n)
        + 20
    )
    dates = [start + dt.timedelta(days=step_days * i) for i in range(n_dates)]
    columns: dict[str, object] = {
        "lead_id": [f"L{i:07d}" for i in lead],
        "as_of_date": pl.Series([dates[i] for i in date_idx], dtype=pl.Date),
        "label": label,
        "points_score": np.clip(points, 0, 100).round().astype(np.int32),
        "employee_band": employees[lead],
        "revenue_band": rng.choice(_REVENUE, size=n_leads)[lead],
        "industry": industry[lead],
        "region": rng.choice(_REGION, size=n_leads)[lead],
        "country_code": rng.choice(_COUNTRY, size=n_leads)[lead],
        "seniority": pl.Series(seniority[lead].tolist(), dtype=pl.String),
        "job_function": rng.choice(_FUNCTION, size=n_leads)[lead],
        "lead_source": rng.choice(_SOURCE, size=n_leads)[lead],
        "is_free_email": fe_row,
        "is_target_industry": ti_row,
        "is_target_size": ts_row,
        "has_partner_tech": (rng.random(n_leads) < 0.3)[lead],
        "has_competitor_tech": (rng.random(n_leads) < 0.2)[lead],
        "days_since_created": (created_offset[lead] + step_days * date_idx).astype(np.int32),
        "n_pricing_view_7d": pricing_7d.astype(np.int32),
        "n_pricing_view_30d": pricing_30d.astype(np.int32),
        "n_page_view_7d": page_view_7d.astype(np.int32),
        "n_page_view_30d": page_view_30d.astype(np.int32),
        "n_email_open_30d": email_open_30d.astype(np.int32),
        "n_demo_request_90d": demo_90d.astype(np.int32),
        "active_days_30d": np.minimum(rng.poisson(1.5 * eng), 30).astype(np.int32),
        "max_pricing_views_per_day_30d": np.minimum(pricing_30d, rng.poisson(1.0 + eng)),
        "days_since_last_demo_request": pl.Series(demo_since, nan_to_null=True),
        "days_since_last_activity": last_activity.astype(np.int32),
        "engagement_decayed": (eng * 3.0).round(2),
        "trend_7d_vs_30d": rng.normal(0, 1, size=n).round(2),
        "email_open_rate_90d": open_rate.round(3),
        "mobile_share_90d": rng.beta(2, 3, size=n).round(3),
        "has_bounced": bounced,
        "has_unsubscribed": unsubscribed,
        "was_rejected_by_sales": rejected,
        "custom_budget_k": pl.Series(
            np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(3, 1, size=n).round(1)),
            nan_to_null=True,
        ),
    }
    for i in range(n_extra_features):
        kind = _EXTRA_KINDS[i % len(_EXTRA_KINDS)]
        window = (7, 30, 90)[(i // len(_EXTRA_KINDS)) % 3]
        name = f"n_{kind}_{window}d"
        if name in columns:
            name = f"n_{kind}_{window}d_{i}"
        columns[name] = rng.poisson(0.2 * eng * window / 30).astype(np.int32)
    panel = pl.DataFrame(columns)
    if n_unlabelled_dates > 0:
        cutoff = dates[-n_unlabelled_dates]
        panel = panel.with_columns(
            pl.when(pl.col("as_of_date") >= cutoff)
            .then(None)
            .otherwise(pl.col("label"))
            .cast(pl.Int8)
            .alias("label")
        )
    return panel
