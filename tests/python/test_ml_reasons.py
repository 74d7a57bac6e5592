"""Reason texts for each feature-name pattern; the sign follows the contribution."""

from __future__ import annotations

import pytest
from leadscore.ml import format_reason

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("feature", "value", "contribution", "expected"),
    [
        ("n_pricing_view_7d", 4, 0.8, "+ 4 pricing-page visits in the last 7 days"),
        ("n_pricing_view_1d", 1.0, 0.3, "+ 1 pricing-page visit in the last day"),
        ("n_email_open_30d", 0, -0.2, f"{MINUS} No email opens in the last 30 days"),
        ("n_demo_request_90d", 2, 1.1, "+ 2 demo requests in the last 90 days"),
        ("days_since_last_demo_request", 3, 1.4, "+ Requested a demo this week"),
        ("days_since_last_demo_request", 16, 1.4, "+ Requested a demo about 2 weeks ago"),
        ("days_since_last_demo_request", None, -0.1, f"{MINUS} Never requested a demo"),
        ("days_since_last_webinar_attended", 1, 0.2, "+ Attended a webinar yesterday"),
        ("days_since_last_activity", 120, -0.9, f"{MINUS} No activity for about 4 months"),
        ("days_since_last_activity", 400, -0.9, f"{MINUS} No activity for over a year"),
        ("days_since_last_activity", 0, 0.5, "+ Last active today"),
        ("days_since_last_activity", None, -0.5, f"{MINUS} No recorded activity"),
        ("active_days_30d", 5, 0.4, "+ Active on 5 of the last 30 days"),
        (
            "max_pricing_views_per_day_30d",
            6,
            0.3,
            "+ Up to 6 pricing-page visits in one day (last 30 days)",
        ),
        ("seniority", "VP", 0.7, "+ Seniority: VP"),
        ("seniority", "c_level", 0.7, "+ Seniority: C-level"),
        ("employee_band", "201-1000", 0.2, "+ Company size: 201\u20131,000 employees"),
        ("industry", "professional_services", 0.2, "+ Industry: Professional services"),
        ("industry", None, -0.1, None),
        ("industry", "unknown", 0.1, None),
        ("is_free_email", True, -0.6, f"{MINUS} Free-mail address"),
        ("is_free_email", False, 0.2, "+ Business email address"),
        ("has_unsubscribed", 1.0, -1.2, f"{MINUS} Unsubscribed from email"),
        ("was_rejected_by_sales", True, -0.4, f"{MINUS} Previously rejected by sales"),
        ("is_inactive_90d", True, -0.4, f"{MINUS} Inactive for 90+ days"),
        ("email_open_rate_90d", 0.45, 0.3, "+ Opened 45% of emails (last 90 days)"),
        ("trend_7d_vs_30d", 1.8, 0.2, "+ Engagement rising over the last week"),
        ("engagement_decayed", 12.34, 0.2, "+ High recent engagement"),
        ("days_since_created", 12, 0.1, "+ Lead created about 2 weeks ago"),
        ("custom_budget_k", 250, 0.3, "+ Budget k: 250"),
        ("custom_plan_type", "enterprise_plan", 0.3, "+ Plan type: Enterprise plan"),
        ("custom_plan_type", "unknown", 0.3, None),
        ("some_new_signal", 0.5, -0.1, f"{MINUS} Some new signal: 0.5"),
        # A feature outside the reference (not one of lead_features: test_ml_reason_rules
        # checks that) falls back to its name.
        ("n_unknown_kind_7d", 3, 0.1, "+ N unknown kind 7d: 3"),
        ("n_email_delivered_90d", 0, 0.2, None),
        ("days_since_last_email_bounce", 156, -0.3, f"{MINUS} Email bounced about 5 months ago"),
        ("days_since_last_email_bounce", 156, 0.3, None),
        ("days_since_last_pricing_view", None, 0.3, None),
        ("days_since_last_comparison_view", None, -0.3, f"{MINUS} Never viewed a comparison page"),
    ],
)
def test_reason_text(
    feature: str, value: object, contribution: float, expected: str | None
) -> None:
    assert format_reason(feature, value, contribution) == expected


def test_the_sign_must_agree_with_what_the_value_means() -> None:
    # Issue 11: a negative signal is never shown as a plus, doing a positive thing is never a
    # minus, absence is never a plus (these read "+ Free-mail address" before). Categories read
    # either way; the sign is the direction of the contribution.
    assert format_reason("n_pricing_view_7d", 2, -0.1) is None
    assert format_reason("is_free_email", True, 0.1) is None
    assert format_reason("n_pricing_view_7d", 0, 0.1) is None
    assert format_reason("seniority", "student", 0.1) is None
    assert format_reason("industry", "retail", -0.1) == f"{MINUS} Industry: Retail"
    assert format_reason("industry", "retail", 0.1) == "+ Industry: Retail"
