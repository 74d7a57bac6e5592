"""Readable reasons from (feature, value, contribution).

``format_reason`` turns one contribution into a line a sales rep can read, driven by the
feature naming convention of the feature model, e.g.::

    + 4 pricing-page visits in the last 7 days      n_pricing_view_7d = 4
    + Requested a demo 3 days ago                    days_since_last_demo_request = 3
    \u2212 No activity for 120 days                       days_since_last_activity = 120
    + Seniority: VP                                  seniority = "VP"
    \u2212 Free-mail address                              is_free_email = true

The sign is the direction of the contribution (``+`` raises the score, ``\u2212`` lowers it);
the words describe the value. Unknown names fall back to "<Readable name>: <value>".
"""

from __future__ import annotations

import math
import re
from typing import Any

PLUS = "+"
MINUS = "\u2212"

#: Activity and page kinds: (singular noun, plural noun, "did it" phrase, "never did" phrase).
KINDS: dict[str, tuple[str, str, str, str]] = {
    "page_view": ("page view", "page views", "Visited the website", "Never visited the website"),
    "email_open": ("email open", "email opens", "Opened an email", "Never opened an email"),
    "email_click": (
        "email click",
        "email clicks",
        "Clicked an email link",
        "Never clicked an email",
    ),
    "email_reply": ("email reply", "email replies", "Replied to an email", "Never replied"),
    "content_download": (
        "content download",
        "content downloads",
        "Downloaded content",
        "Never downloaded content",
    ),
    "webinar_attended": (
        "webinar attended",
        "webinars attended",
        "Attended a webinar",
        "Never attended a webinar",
    ),
    "webinar_registered": (
        "webinar registration",
        "webinar registrations",
        "Registered for a webinar",
        "Never registered for a webinar",
    ),
    "video_view": ("video view", "video views", "Watched a video", "Never watched a video"),
    "form_submit": (
        "form submission",
        "form submissions",
        "Submitted a form",
        "Never submitted a form",
    ),
    "demo_request": ("demo request", "demo requests", "Requested a demo", "Never requested a demo"),
    "contact_sales": (
        "contact-sales request",
        "contact-sales requests",
        "Contacted sales",
        "Never contacted sales",
    ),
    "trial_signup": (
        "trial sign-up",
        "trial sign-ups",
        "Signed up for a trial",
        "Never signed up for a trial",
    ),
    "meeting_booked": (
        "meeting booked",
        "meetings booked",
        "Booked a meeting",
        "Never booked a meeting",
    ),
    "social_engagement": (
        "social engagement",
        "social engagements",
        "Engaged on social media",
        "Never engaged on social media",
    ),
    "other": ("other activity", "other activities", "Other activity", "No other activity"),
    "pricing_view": (
        "pricing-page visit",
        "pricing-page visits",
        "Viewed the pricing page",
        "Never viewed the pricing page",
    ),
    "product_view": (
        "product-page visit",
        "product-page visits",
        "Viewed product pages",
        "Never viewed product pages",
    ),
    "comparison_view": (
        "comparison-page visit",
        "comparison-page visits",
        "Viewed a comparison page",
        "Never viewed a comparison page",
    ),
    "docs_view": ("docs visit", "docs visits", "Read the docs", "Never read the docs"),
    "blog_view": ("blog visit", "blog visits", "Read the blog", "Never read the blog"),
    "careers_view": (
        "careers-page visit",
        "careers-page visits",
        "Viewed the careers page",
        "Never viewed the careers page",
    ),
}

#: Categorical fit features: the label before the value.
CATEGORY_LABELS: dict[str, str] = {
    "employee_band": "Company size",
    "revenue_band": "Revenue",
    "industry": "Industry",
    "region": "Region",
    "country_code": "Country",
    "seniority": "Seniority",
    "job_function": "Job function",
    "lead_source": "Lead source",
}

#: Boolean features: (text when true, text when false).
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "is_free_email": ("Free-mail address", "Business email address"),
    "is_target_industry": ("In a target industry", "Not in a target industry"),
    "is_target_size": ("Target company size", "Outside the target company size"),
    "has_partner_tech": ("Uses partner technology", "No partner technology found"),
    "has_competitor_tech": ("Uses a competitor's product", "No competitor product found"),
    "has_bounced": ("Email bounced", "Email deliverable"),
    "has_unsubscribed": ("Unsubscribed from email", "Subscribed to email"),
    "is_inactive_90d": ("Inactive for 90+ days", "Active in the last 90 days"),
    "was_rejected_by_sales": ("Previously rejected by sales", "Never rejected by sales"),
}

#: Shares and rates over 90 days: label before the percentage.
SHARE_LABELS: dict[str, str] = {
    "email_open_rate_90d": "Email open rate (90 days)",
    "email_click_rate_90d": "Email click rate (90 days)",
    "mobile_share_90d": "Mobile share of activity (90 days)",
    "evening_share_90d": "Evening share of activity (90 days)",
}

_COUNT = re.compile(r"^n_(?P<kind>[a-z0-9_]+)_(?P<w>\d+)d$")
_ACTIVE_DAYS = re.compile(r"^active_days_(?P<w>\d+)d$")
_SINCE = re.compile(r"^days_since_last_(?P<kind>[a-z0-9_]+)$")
_MAX_PER_DAY = re.compile(r"^max_(?P<kind>[a-z0-9_]+?)s?_per_day_(?P<w>\d+)d$")


def format_reason(feature: str, value: Any, contribution: float) -> str:
    """Return a one-line reason: sign of ``contribution``, then the value in words.

    ``value`` is the lead's raw feature value (number, bool, string or None).
    """
    sign = PLUS if contribution > 0 else MINUS
    return f"{sign} {describe(feature, value)}"


def describe(feature: str, value: Any) -> str:
    """Describe a feature value in words, without a sign."""
    value = _clean(value)
    if feature in FLAG_LABELS:
        if value is None:
            return f"{_humanize(feature)}: unknown"
        yes, no = FLAG_LABELS[feature]
        return yes if _truthy(value) else no
    if feature in CATEGORY_LABELS:
        return f"{CATEGORY_LABELS[feature]}: {_text(value)}"
    if feature in SHARE_LABELS:
        return f"{SHARE_LABELS[feature]}: {_percent(value)}"
    if feature == "days_since_last_activity":
        if value is None:
            return "No recorded activity"
        return f"Last active {_ago(value)}" if value < 30 else f"No activity for {_int(value)} days"
    if feature == "days_since_created":
        return "Creation date unknown" if value is None else f"Lead created {_ago(value)}"
    if feature == "engagement_decayed":
        return f"Recency-weighted engagement: {_num(value)}"
    if feature == "trend_7d_vs_30d":
        if value is None:
            return "Engagement trend unknown"
        direction = "rising" if value > 0 else "falling" if value < 0 else "steady"
        return f"Engagement {direction} (7-day vs 30-day trend {_num(value)})"
    if feature.startswith("custom_"):
        return f"{_humanize(feature.removeprefix('custom_'))}: {_text(value)}"
    text = _describe_pattern(feature, value)
    if text is not None:
        return text
    return f"{_humanize(feature)}: {_text(value)}"


def _describe_pattern(feature: str, value: Any) -> str | None:
    if m := _COUNT.match(feature):
        kind = KINDS.get(m["kind"])
        if kind is None:
            return None
        n = 0 if value is None else _int(value)
        noun = kind[0] if n == 1 else kind[1]
        return f"{'No' if n == 0 else n} {noun} {_window(int(m['w']))}"
    if m := _ACTIVE_DAYS.match(feature):
        w = int(m["w"])
        n = 0 if value is None else _int(value)
        if n == 0:
            return f"No active days {_window(w)}"
        return f"Active on {n} of the last {w} days" if w > 1 else "Active in the last day"
    if m := _MAX_PER_DAY.match(feature):
        kind = KINDS.get(m["kind"])
        if kind is None:
            return None
        n = 0 if value is None else _int(value)
        return f"Up to {n} {kind[0] if n == 1 else kind[1]} in one day (last {m['w']} days)"
    if m := _SINCE.match(feature):
        kind = KINDS.get(m["kind"])
        if kind is None:
            return None
        return kind[3] if value is None else f"{kind[2]} {_ago(value)}"
    return None


def _window(days: int) -> str:
    return "in the last day" if days == 1 else f"in the last {days} days"


def _ago(days: Any) -> str:
    d = _int(days)
    if d <= 0:
        return "today"
    if d == 1:
        return "yesterday"
    return f"{d} days ago"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "t", "1", "yes", "y"}
    return bool(value)


def _int(value: Any) -> int:
    return round(float(value))


def _num(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    x = float(value)
    if x.is_integer():
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 10 else f"{x:.1f}"


def _percent(value: Any) -> str:
    if value is None:
        return "unknown"
    return f"{round(float(value) * 100)}%"


def _text(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool | int | float):
        return _num(value)
    return str(value)


def _humanize(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name
