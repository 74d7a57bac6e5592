"""Readable reasons from per-feature contributions: the one reference of how features read.

Every model feature has a human label and a value phrasing here, in :data:`KINDS` (activity and
page kinds, which name the ``n_<kind>_<w>d``, ``days_since_last_<kind>`` and
``max_<kind>s_per_day_<w>d`` features), :data:`CATEGORIES`, :data:`FLAGS`, :data:`SHARES` and
:data:`SPECIAL`; ``custom_<name>`` properties read generically ("<Name>: <value>"). A test checks
that no feature of ``lead_features`` is missing. Examples::

    + 4 pricing-page visits in the last 7 days      n_pricing_view_7d = 4
    + Requested a demo about 2 weeks ago             days_since_last_demo_request = 15
    \u2212 No activity for about 4 months                 days_since_last_activity = 120
    + Seniority: VP                                  seniority = "vp"
    \u2212 Free-mail address                              is_free_email = true

How a lead's reasons are chosen (:func:`choose_reasons`):

* **Unknowns are not evidence.** A missing or "unknown" value (or the catch-all "other") never
  gives a reason; neither does the absence of a negative or neutral signal ("no bounce").
* **One reason per behaviour.** Features about the same thing are a *group*: an activity kind's
  counts, recency and rates (demo requests in 1/7/30/90 days, days since the last one), overall
  activity (active days, days since last activity, inactivity, recency-weighted engagement,
  trend), company size (band and target size), industry (and target industry), location.
  A group's contribution is the sum of its members'; it is phrased by the member that pushes
  most in that direction and whose words agree with it.
* **The sign agrees with the meaning.** Each phrase carries the direction of its evidence: doing
  a positive thing is a plus ("Requested a demo"), not doing it ("Never requested a demo"), a
  negative signal (bounce, unsubscribe, free mail, competitor product, rejection, inactivity,
  student, careers page) or a missing activity are minuses; categories are either. A group whose
  contribution contradicts the words it could be phrased with is skipped and the next one shown.
* **Balance.** A lead above the reference median (percentile >= 50) whose chosen reasons are all
  negative gets its strongest positive group as the last reason, or, if it has none, the line
  :data:`NO_POSITIVE`; likewise a lead below the median whose reasons are all positive gets its
  strongest negative one or :data:`NO_NEGATIVE`.
* **Stable words.** Day counts are phrased in buckets ("this week", "about 3 weeks ago", "about
  4 months ago", "over a year ago"); rates and shares are rounded to 5 points.

The sign is the direction of the (group) contribution: ``+`` raises the score, ``\u2212`` lowers
it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

PLUS = "+"
MINUS = "\u2212"

#: The last reason of an above-median lead that has no positive signal to show.
NO_POSITIVE = "No single positive signal stands out; many small ones add up"
#: The last reason of a below-median lead that has no negative signal to show.
NO_NEGATIVE = "No single negative signal stands out; many small ones add up"

#: Evidence direction of a phrase: +1 reads as a plus, -1 as a minus, 0 either way.
#: ``NOT_A_REASON`` marks values that never give a reason (unknown, absence of a non-positive).
NOT_A_REASON = 2


@dataclass(frozen=True)
class Kind:
    """An activity or page kind: nouns, phrases and what doing it means.

    Attributes:
        one, many: noun for one and for several ("demo request", "demo requests").
        did: "did it" phrase, followed by when ("Requested a demo").
        never: "never did it" phrase.
        meaning: +1 doing it is a good sign, -1 a bad sign, 0 neutral. Not doing a positive
            thing is a minus; not doing a negative or neutral thing is no reason at all.
        shown: False for a catch-all kind ("other") that tells a rep nothing: never a reason.
    """

    one: str
    many: str
    did: str
    never: str
    meaning: int
    shown: bool = True


KINDS: dict[str, Kind] = {
    "page_view": Kind(
        "website visit", "website visits", "Visited the website", "Never visited the website", 1
    ),
    "email_delivered": Kind(
        "email sent", "emails sent", "Last sent an email", "Never sent an email", 0
    ),
    "email_open": Kind("email open", "email opens", "Opened an email", "Never opened an email", 1),
    "email_click": Kind(
        "email click", "email clicks", "Clicked an email link", "Never clicked an email", 1
    ),
    "email_reply": Kind(
        "email reply", "email replies", "Replied to an email", "Never replied to an email", 1
    ),
    "email_bounce": Kind("email bounce", "email bounces", "Email bounced", "No email bounce", -1),
    "email_unsubscribe": Kind(
        "unsubscribe", "unsubscribes", "Unsubscribed from email", "Never unsubscribed", -1
    ),
    "content_download": Kind(
        "content download",
        "content downloads",
        "Downloaded content",
        "Never downloaded content",
        1,
    ),
    "webinar_attended": Kind(
        "webinar attended",
        "webinars attended",
        "Attended a webinar",
        "Never attended a webinar",
        1,
    ),
    "webinar_registered": Kind(
        "webinar registration",
        "webinar registrations",
        "Registered for a webinar",
        "Never registered for a webinar",
        1,
    ),
    "video_view": Kind("video view", "video views", "Watched a video", "Never watched a video", 1),
    "form_submit": Kind(
        "form submission", "form submissions", "Submitted a form", "Never submitted a form", 1
    ),
    "demo_request": Kind(
        "demo request", "demo requests", "Requested a demo", "Never requested a demo", 1
    ),
    "contact_sales": Kind(
        "contact-sales request",
        "contact-sales requests",
        "Contacted sales",
        "Never contacted sales",
        1,
    ),
    "trial_signup": Kind(
        "trial sign-up", "trial sign-ups", "Signed up for a trial", "Never signed up for a trial", 1
    ),
    "meeting_booked": Kind(
        "meeting booked", "meetings booked", "Booked a meeting", "Never booked a meeting", 1
    ),
    "social_engagement": Kind(
        "social-media engagement",
        "social-media engagements",
        "Engaged on social media",
        "Never engaged on social media",
        1,
    ),
    "other": Kind(
        "other activity", "other activities", "Other activity", "No other activity", 0, False
    ),
    "pricing_view": Kind(
        "pricing-page visit",
        "pricing-page visits",
        "Viewed the pricing page",
        "Never viewed the pricing page",
        1,
    ),
    "product_view": Kind(
        "product-page visit",
        "product-page visits",
        "Viewed product pages",
        "Never viewed product pages",
        1,
    ),
    "comparison_view": Kind(
        "comparison-page visit",
        "comparison-page visits",
        "Viewed a comparison page",
        "Never viewed a comparison page",
        1,
    ),
    "docs_view": Kind("docs visit", "docs visits", "Read the docs", "Never read the docs", 1),
    "blog_view": Kind("blog visit", "blog visits", "Read the blog", "Never read the blog", 1),
    # Careers pages are read by job seekers: a bad sign for a buyer.
    "careers_view": Kind(
        "careers-page visit",
        "careers-page visits",
        "Viewed the careers page",
        "Never viewed the careers page",
        -1,
    ),
}


@dataclass(frozen=True)
class Category:
    """A categorical fit feature: label, words for its codes, codes with a fixed direction.

    Codes not in ``words`` are turned into words generically ("financial_services" ->
    "Financial services"); ``unknown``, ``other`` and empty values are no reason.
    """

    label: str
    group: str
    words: dict[str, str]
    evidence: dict[str, int]


_SIZE_WORDS = {
    "1-10": "1\u201310 employees",
    "11-50": "11\u201350 employees",
    "51-200": "51\u2013200 employees",
    "201-1000": "201\u20131,000 employees",
    "1001-5000": "1,001\u20135,000 employees",
    "5000+": "5,000+ employees",
}
_REVENUE_WORDS = {
    "<1m": "under $1M",
    "1m-10m": "$1M\u201310M",
    "10m-100m": "$10M\u2013100M",
    "100m-1b": "$100M\u20131B",
    "1b+": "$1B+",
}
_COUNTRY_WORDS = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "BR": "Brazil",
    "AR": "Argentina",
    "CL": "Chile",
    "CO": "Colombia",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "DE": "Germany",
    "FR": "France",
    "ES": "Spain",
    "PT": "Portugal",
    "IT": "Italy",
    "NL": "Netherlands",
    "BE": "Belgium",
    "CH": "Switzerland",
    "AT": "Austria",
    "SE": "Sweden",
    "NO": "Norway",
    "DK": "Denmark",
    "FI": "Finland",
    "PL": "Poland",
    "CZ": "Czechia",
    "IL": "Israel",
    "AE": "United Arab Emirates",
    "SA": "Saudi Arabia",
    "ZA": "South Africa",
    "NG": "Nigeria",
    "EG": "Egypt",
    "TR": "Turkey",
    "IN": "India",
    "CN": "China",
    "JP": "Japan",
    "KR": "South Korea",
    "SG": "Singapore",
    "HK": "Hong Kong",
    "TW": "Taiwan",
    "ID": "Indonesia",
    "MY": "Malaysia",
    "TH": "Thailand",
    "VN": "Vietnam",
    "PH": "Philippines",
    "AU": "Australia",
    "NZ": "New Zealand",
}

CATEGORIES: dict[str, Category] = {
    "employee_band": Category("Company size", "company_size", _SIZE_WORDS, {}),
    "revenue_band": Category("Revenue", "revenue", _REVENUE_WORDS, {}),
    "industry": Category("Industry", "industry", {"non_profit": "Non-profit"}, {}),
    "region": Category(
        "Region",
        "location",
        {"north_america": "North America", "latam": "Latin America"},
        {},
    ),
    "country_code": Category("Country", "location", _COUNTRY_WORDS, {}),
    "seniority": Category(
        "Seniority",
        "seniority",
        {"c_level": "C-level", "individual_contributor": "Individual contributor"},
        {"student": -1},
    ),
    "job_function": Category("Job function", "job_function", {}, {}),
    "lead_source": Category(
        "Lead source",
        "lead_source",
        {
            "google_ads": "Google Ads",
            "facebook_ads": "Facebook Ads",
            "linkedin": "LinkedIn",
            "linkedin_ads": "LinkedIn Ads",
        },
        {},
    ),
}


@dataclass(frozen=True)
class Flag:
    """A boolean feature: text and evidence when true and when false (None text: no reason)."""

    group: str
    yes: str | None
    yes_evidence: int
    no: str | None
    no_evidence: int


FLAGS: dict[str, Flag] = {
    "is_free_email": Flag("email_domain", "Free-mail address", -1, "Business email address", 1),
    "is_target_industry": Flag(
        "industry", "In a target industry", 1, "Not in a target industry", -1
    ),
    "is_target_size": Flag(
        "company_size", "Target company size", 1, "Outside the target company size", -1
    ),
    "has_partner_tech": Flag(
        "partner_tech", "Uses partner technology", 1, "No partner technology found", -1
    ),
    "has_competitor_tech": Flag("competitor_tech", "Uses a competitor's product", -1, None, 0),
    "has_bounced": Flag("email_bounce", "Email bounced", -1, None, 0),
    "has_unsubscribed": Flag("email_unsubscribe", "Unsubscribed from email", -1, None, 0),
    "is_inactive_90d": Flag("activity", "Inactive for 90+ days", -1, None, 0),
    "was_rejected_by_sales": Flag("sales_rejection", "Previously rejected by sales", -1, None, 0),
}


@dataclass(frozen=True)
class Share:
    """A share or rate over 90 days (0-1): label, phrase template with ``{pct}``, group, direction.

    ``zero`` is the phrase of a 0 share (None: no reason) with ``zero_evidence``.
    """

    label: str
    template: str
    group: str
    evidence: int
    zero: str | None
    zero_evidence: int


#: "Who the lead is": the features of its profile (the categories above, the fit flags and
#: the custom lead properties, ``custom_*``). Every other feature is what the lead did (and
#: how long ago): activity counts, recency, engagement, bounces, sales verdicts, age. The
#: model's fit_score and engagement_score split its attributions by this.
PROFILE_FLAGS: frozenset[str] = frozenset(
    {"is_free_email", "is_target_industry", "is_target_size", "has_partner_tech",
     "has_competitor_tech"}
)  # fmt: skip


def is_profile_feature(feature: str) -> bool:
    """Whether ``feature`` says who the lead is (its profile) rather than what it did."""
    return feature in CATEGORIES or feature in PROFILE_FLAGS or feature.startswith("custom_")


SHARES: dict[str, Share] = {
    "email_open_rate_90d": Share(
        "Email open rate (90 days)",
        "Opened {pct} of emails (last 90 days)",
        "email_open",
        0,
        "Opened none of the emails sent (last 90 days)",
        -1,
    ),
    "email_click_rate_90d": Share(
        "Email click rate (90 days)",
        "Clicked {pct} of emails (last 90 days)",
        "email_click",
        0,
        "Clicked none of the emails sent (last 90 days)",
        -1,
    ),
    "mobile_share_90d": Share(
        "Mobile share of activity (90 days)",
        "{pct} of activity on mobile (last 90 days)",
        "device",
        0,
        None,
        0,
    ),
    "evening_share_90d": Share(
        "Evening share of activity (90 days)",
        "{pct} of activity in the evening (last 90 days)",
        "time_of_day",
        0,
        None,
        0,
    ),
}

#: Labels of the features with a phrasing of their own (in :func:`_special`).
SPECIAL: dict[str, str] = {
    "days_since_last_activity": "Last activity",
    "days_since_created": "Lead age",
    "engagement_decayed": "Recent engagement",
    "trend_7d_vs_30d": "Engagement trend",
}
_SPECIAL_GROUP = {
    "days_since_last_activity": "activity",
    "days_since_created": "lead_age",
    "engagement_decayed": "activity",
    "trend_7d_vs_30d": "activity",
}

#: Recency-weighted engagement thresholds: at or below LOW reads "little", above HIGH "high".
ENGAGEMENT_LOW = 0.5
ENGAGEMENT_HIGH = 3.0

_COUNT = re.compile(r"^n_(?P<kind>[a-z0-9_]+)_(?P<w>\d+)d$")
_ACTIVE_DAYS = re.compile(r"^active_days_(?P<w>\d+)d$")
_SINCE = re.compile(r"^days_since_last_(?P<kind>[a-z0-9_]+)$")
_MAX_PER_DAY = re.compile(r"^max_(?P<kind>[a-z0-9_]+?)s?_per_day_(?P<w>\d+)d$")

#: Words that stay upper case when a code is turned into words.
_ACRONYMS = {
    "it": "IT",
    "hr": "HR",
    "vp": "VP",
    "seo": "SEO",
    "sem": "SEM",
    "ppc": "PPC",
    "sdr": "SDR",
    "bdr": "BDR",
    "emea": "EMEA",
    "apac": "APAC",
    "crm": "CRM",
    "api": "API",
    "ai": "AI",
    "b2b": "B2B",
    "saas": "SaaS",
    "ceo": "CEO",
    "cto": "CTO",
    "cfo": "CFO",
    "cio": "CIO",
}
_NOT_EVIDENCE = {"", "unknown", "other", "none", "null", "n/a", "na", "nan", "-"}


# --------------------------------------------------------------------------------------------
# The reference: label and phrasing of one feature.


@dataclass(frozen=True)
class Signal:
    """How one feature reads.

    Attributes:
        feature: the column name.
        label: human label of the feature ("Demo requests in the last 90 days").
        group: the behaviour or attribute it is about; one reason per group.
        phrase: value -> (text, evidence), or None when the value is no reason.
        evidence: numeric values (NaN = missing) -> evidence codes (``NOT_A_REASON`` for no
            reason), the vectorised twin of ``phrase`` for numeric features (None for
            categorical ones, whose few distinct values go through ``phrase``).
        documented: False for the generic fallback of a feature this module does not know.
    """

    feature: str
    label: str
    group: str
    phrase: Callable[[Any], tuple[str, int] | None]
    evidence: Callable[[np.ndarray], np.ndarray] | None
    documented: bool = True


def signal(feature: str) -> Signal:
    """The :class:`Signal` of a feature (a generic one for names this module does not know)."""
    if feature in FLAGS:
        return _flag_signal(feature, FLAGS[feature])
    if feature in CATEGORIES:
        return _category_signal(feature, CATEGORIES[feature])
    if feature in SHARES:
        return _share_signal(feature, SHARES[feature])
    if feature in SPECIAL:
        return _special_signal(feature)
    if feature.startswith("custom_"):
        name = _humanize(feature.removeprefix("custom_"))
        return _category_signal(feature, Category(name, feature, {}, {}))
    if (m := _COUNT.match(feature)) and (kind := KINDS.get(m["kind"])) is not None:
        return _count_signal(feature, m["kind"], kind, int(m["w"]))
    if m := _ACTIVE_DAYS.match(feature):
        return _active_days_signal(feature, int(m["w"]))
    if (m := _MAX_PER_DAY.match(feature)) and (kind := KINDS.get(m["kind"])) is not None:
        return _max_per_day_signal(feature, m["kind"], kind, int(m["w"]))
    if (m := _SINCE.match(feature)) and (kind := KINDS.get(m["kind"])) is not None:
        return _since_signal(feature, m["kind"], kind)
    label = _humanize(feature)

    def generic(value: Any) -> tuple[str, int] | None:
        text = _value_words(value, {})
        return None if text is None else (f"{label}: {text}", 0)

    return Signal(feature, label, feature, generic, None, documented=False)


def describe(feature: str, value: Any) -> str | None:
    """Describe a feature value in words, without a sign (None: the value is no reason)."""
    phrased = signal(feature).phrase(_clean(value))
    return None if phrased is None else phrased[0]


def format_reason(feature: str, value: Any, contribution: float) -> str | None:
    """A one-line reason: the sign of ``contribution``, then the value in words.

    None when the value is no reason (unknown, absence of a non-positive signal) or when the
    sign contradicts what the value means (a bounce as a plus, "never did X" as a plus).
    """
    phrased = signal(feature).phrase(_clean(value))
    if phrased is None or contribution == 0:
        return None
    text, evidence = phrased
    sign = 1 if contribution > 0 else -1
    if evidence not in (0, sign):
        return None
    return f"{PLUS if sign > 0 else MINUS} {text}"


# --------------------------------------------------------------------------------------------
# Choosing a lead's reasons.


def choose_reasons(
    X: pl.DataFrame,
    features: Sequence[str],
    contrib: np.ndarray,
    percentile: np.ndarray,
    min_abs_contribution: float,
    n_reasons: int = 3,
) -> np.ndarray:
    """The reason texts of each row (object array n_rows x n_reasons, None where no reason).

    Args:
        X: the prepared feature rows (one column per feature, raw values).
        features: feature names, one per column of ``contrib``.
        contrib: per-row, per-feature contributions (log-odds).
        percentile: each row's percentile in the reference population (0-100).
        min_abs_contribution: groups moving the log-odds less than this give no reason.
        n_reasons: reasons per row.
    """
    n = contrib.shape[0]
    out = np.full((n, n_reasons), None, dtype=object)
    if n == 0 or not features:
        return out
    signals = [signal(f) for f in features]
    group_names = list(dict.fromkeys(s.group for s in signals))
    members: list[list[int]] = [[] for _ in group_names]
    index = {g: i for i, g in enumerate(group_names)}
    for j, s in enumerate(signals):
        members[index[s.group]].append(j)

    evidence: dict[int, np.ndarray] = {}
    for j, s in enumerate(signals):
        if not np.any(contrib[:, j]):
            continue
        evidence[j] = _evidence(s, X.get_column(features[j]))

    n_groups = len(group_names)
    total = np.zeros((n, n_groups), dtype=np.float64)
    chosen = np.full((n, n_groups), -1, dtype=np.int64)
    for g, js in enumerate(members):
        total[:, g] = contrib[:, js].sum(axis=1)
        direction = np.sign(total[:, g]).astype(np.int8)
        best = np.full(n, -1.0)
        for j in js:
            if j not in evidence:
                continue
            ev = evidence[j]
            c = contrib[:, j]
            ok = (
                (direction != 0)
                & (np.sign(c) == direction)
                & ((ev == 0) | (ev == direction))
                & (ev != NOT_A_REASON)
            )
            better = ok & (np.abs(c) > best)
            chosen[better, g] = j
            best[better] = np.abs(c[better])
    valid = (chosen >= 0) & (np.abs(total) >= min_abs_contribution)
    key = np.where(valid, np.abs(total), -1.0)
    k = min(n_reasons, n_groups)
    order = np.argsort(-key, axis=1, kind="stable")[:, :k]
    picked = np.full((n, n_reasons), -1, dtype=np.int64)
    picked[:, :k] = np.where(np.take_along_axis(key, order, axis=1) >= 0, order, -1)

    notes = _balance(picked, total, valid, percentile)

    rows, slots = np.nonzero(picked >= 0)
    groups = picked[rows, slots]
    feats = chosen[rows, groups]
    signs = total[rows, groups] > 0
    for j in np.unique(feats):
        at = np.flatnonzero(feats == j)
        part = pl.DataFrame(
            {
                "v": X.get_column(features[j]).gather(rows[at]),
                "positive": signs[at],
            }
        )
        distinct = part.unique(maintain_order=True)
        texts = [_signed(signals[j], v, pos) for v, pos in distinct.iter_rows()]
        described = distinct.with_columns(pl.Series("text", texts, dtype=pl.String))
        joined = part.join(
            described, on=["v", "positive"], how="left", nulls_equal=True, maintain_order="left"
        )
        out[rows[at], slots[at]] = joined.get_column("text").to_numpy()
    noted = np.flatnonzero(notes != 0)
    if noted.size:
        slot = np.minimum((picked[noted] >= 0).sum(axis=1), n_reasons - 1)
        out[noted, slot] = np.where(notes[noted] > 0, NO_POSITIVE, NO_NEGATIVE)
    return out


def _balance(
    picked: np.ndarray,
    total: np.ndarray,
    valid: np.ndarray,
    percentile: np.ndarray,
) -> np.ndarray:
    """Give an above-median lead a positive reason and a below-median one a negative one.

    Edits ``picked`` in place; returns per row 1 (say :data:`NO_POSITIVE`), -1 (say
    :data:`NO_NEGATIVE`) or 0.
    """
    notes = np.zeros(picked.shape[0], dtype=np.int8)
    n_reasons = picked.shape[1]
    shown = picked >= 0
    n_shown = shown.sum(axis=1)
    sign = np.where(shown, np.sign(np.take_along_axis(total, np.maximum(picked, 0), axis=1)), 0)
    high = np.asarray(percentile, dtype=np.float64) >= 50.0
    for want, rows_mask in (
        (1, high & (n_shown > 0) & (sign <= 0).all(axis=1)),
        (-1, ~high & (n_shown > 0) & (sign >= 0).all(axis=1)),
    ):
        rows = np.flatnonzero(rows_mask)
        if rows.size == 0:
            continue
        key = np.where(valid[rows] & (np.sign(total[rows]) == want), np.abs(total[rows]), -1.0)
        best = np.argmax(key, axis=1)
        has = key[np.arange(rows.size), best] >= 0
        slot = np.minimum(n_shown[rows], n_reasons - 1)
        picked[rows[has], slot[has]] = best[has]
        lacking = rows[~has]
        picked[lacking, slot[~has]] = -1
        notes[lacking] = want
    return notes


def _signed(s: Signal, value: Any, positive: bool) -> str | None:
    phrased = s.phrase(_clean(value))
    if phrased is None:  # cannot happen: the value was checked when the reason was chosen
        return None
    return f"{PLUS if positive else MINUS} {phrased[0]}"


def _evidence(s: Signal, column: pl.Series) -> np.ndarray:
    """Evidence codes of a feature column (int8, ``NOT_A_REASON`` where no reason)."""
    if s.evidence is not None and column.dtype != pl.String:
        values = column.cast(pl.Float64).fill_null(np.nan).to_numpy()
        return s.evidence(values).astype(np.int8)
    distinct = column.unique()
    codes = [
        NOT_A_REASON if (p := s.phrase(_clean(v))) is None else p[1] for v in distinct.to_list()
    ]
    mapping = pl.DataFrame({"v": distinct, "ev": pl.Series(codes, dtype=pl.Int8)})
    joined = pl.DataFrame({"v": column}).join(
        mapping, on="v", how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.get_column("ev").to_numpy().astype(np.int8)


# --------------------------------------------------------------------------------------------
# Signals by feature pattern.


def _count_signal(feature: str, code: str, kind: Kind, w: int) -> Signal:
    absent = -1 if kind.meaning > 0 else NOT_A_REASON
    if not kind.shown:
        return _never_shown(feature, f"{_cap(kind.many)} {_window(w)}", code)

    def phrase(value: Any) -> tuple[str, int] | None:
        n = 0 if value is None else _int(value)
        if n <= 0:
            return None if absent == NOT_A_REASON else (f"No {kind.many} {_window(w)}", absent)
        return f"{n} {kind.one if n == 1 else kind.many} {_window(w)}", kind.meaning

    def evidence(v: np.ndarray) -> np.ndarray:
        did = np.nan_to_num(v, nan=0.0) >= 0.5
        return np.where(did, kind.meaning, absent)

    return Signal(feature, f"{_cap(kind.many)} {_window(w)}", code, phrase, evidence)


def _since_signal(feature: str, code: str, kind: Kind) -> Signal:
    absent = -1 if kind.meaning > 0 else NOT_A_REASON
    if not kind.shown:
        return _never_shown(feature, f"Last {kind.one}", code)

    def phrase(value: Any) -> tuple[str, int] | None:
        if value is None:
            return None if absent == NOT_A_REASON else (kind.never, absent)
        return f"{kind.did} {_ago(value)}", kind.meaning

    def evidence(v: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(v), absent, kind.meaning)

    return Signal(feature, f"Last {kind.one}", code, phrase, evidence)


def _never_shown(feature: str, label: str, group: str) -> Signal:
    def phrase(value: Any) -> tuple[str, int] | None:
        return None

    def evidence(v: np.ndarray) -> np.ndarray:
        return np.full(v.shape, NOT_A_REASON, dtype=np.int8)

    return Signal(feature, label, group, phrase, evidence)


def _max_per_day_signal(feature: str, code: str, kind: Kind, w: int) -> Signal:
    if not kind.shown:
        return _never_shown(feature, f"Most {kind.many} in one day, last {w} days", code)

    def phrase(value: Any) -> tuple[str, int] | None:
        n = 0 if value is None else _int(value)
        if n <= 0:
            return None
        noun = kind.one if n == 1 else kind.many
        return f"Up to {n} {noun} in one day (last {w} days)", kind.meaning

    def evidence(v: np.ndarray) -> np.ndarray:
        return np.where(np.nan_to_num(v, nan=0.0) >= 0.5, kind.meaning, NOT_A_REASON)

    return Signal(feature, f"Most {kind.many} in one day, last {w} days", code, phrase, evidence)


def _active_days_signal(feature: str, w: int) -> Signal:
    def phrase(value: Any) -> tuple[str, int] | None:
        n = 0 if value is None else _int(value)
        if n <= 0:
            return f"No activity {_window(w)}", -1
        if w == 1:
            return "Active in the last day", 1
        return f"Active on {n} of the last {w} days", 1

    def evidence(v: np.ndarray) -> np.ndarray:
        return np.where(np.nan_to_num(v, nan=0.0) >= 0.5, 1, -1)

    return Signal(feature, f"Active days {_window(w)}", "activity", phrase, evidence)


def _flag_signal(feature: str, flag: Flag) -> Signal:
    def phrase(value: Any) -> tuple[str, int] | None:
        if value is None:
            return None
        text, ev = (flag.yes, flag.yes_evidence) if _truthy(value) else (flag.no, flag.no_evidence)
        return None if text is None else (text, ev)

    yes = NOT_A_REASON if flag.yes is None else flag.yes_evidence
    no = NOT_A_REASON if flag.no is None else flag.no_evidence

    def evidence(v: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(v), NOT_A_REASON, np.where(v >= 0.5, yes, no))

    return Signal(feature, flag.yes or feature, flag.group, phrase, evidence)


def _category_signal(feature: str, category: Category) -> Signal:
    def phrase(value: Any) -> tuple[str, int] | None:
        text = _value_words(value, category.words)
        if text is None:
            return None
        key = str(value).strip().lower()
        return f"{category.label}: {text}", category.evidence.get(key, 0)

    return Signal(feature, category.label, category.group, phrase, None)


def _share_signal(feature: str, share: Share) -> Signal:
    def phrase(value: Any) -> tuple[str, int] | None:
        if value is None:
            return None
        pct = _round5(value)
        if pct <= 0:
            return None if share.zero is None else (share.zero, share.zero_evidence)
        return share.template.format(pct=f"{pct}%"), share.evidence

    zero = NOT_A_REASON if share.zero is None else share.zero_evidence

    def evidence(v: np.ndarray) -> np.ndarray:
        pct = np.floor(np.nan_to_num(v, nan=0.0) * 20 + 0.5) * 5
        return np.where(np.isnan(v), NOT_A_REASON, np.where(pct <= 0, zero, share.evidence))

    return Signal(feature, share.label, share.group, phrase, evidence)


def _special_signal(feature: str) -> Signal:
    group = _SPECIAL_GROUP[feature]
    phrase: Callable[[Any], tuple[str, int] | None]
    evidence: Callable[[np.ndarray], np.ndarray]
    if feature == "days_since_last_activity":

        def phrase(value: Any) -> tuple[str, int] | None:
            if value is None:
                return "No recorded activity", -1
            if _int(value) < 30:
                return f"Last active {_ago(value)}", 1
            return f"No activity for {_span(value)}", -1

        def evidence(v: np.ndarray) -> np.ndarray:
            return np.where(np.isnan(v) | (np.floor(v + 0.5) >= 30), -1, 1)

    elif feature == "days_since_created":

        def phrase(value: Any) -> tuple[str, int] | None:
            return None if value is None else (f"Lead created {_ago(value)}", 0)

        def evidence(v: np.ndarray) -> np.ndarray:
            return np.where(np.isnan(v), NOT_A_REASON, 0)

    elif feature == "engagement_decayed":

        def phrase(value: Any) -> tuple[str, int] | None:
            x = 0.0 if value is None else float(value)
            if x <= 0:
                return "No recent engagement", -1
            if x <= ENGAGEMENT_LOW:
                return "Little recent engagement", -1
            if x <= ENGAGEMENT_HIGH:
                return "Some recent engagement", 0
            return "High recent engagement", 1

        def evidence(v: np.ndarray) -> np.ndarray:
            x = np.nan_to_num(v, nan=0.0)
            return np.where(x <= ENGAGEMENT_LOW, -1, np.where(x <= ENGAGEMENT_HIGH, 0, 1))

    else:  # trend_7d_vs_30d

        def phrase(value: Any) -> tuple[str, int] | None:
            if value is None or float(value) == 0:
                return None
            if float(value) > 0:
                return "Engagement rising over the last week", 1
            return "Engagement falling over the last week", -1

        def evidence(v: np.ndarray) -> np.ndarray:
            x = np.nan_to_num(v, nan=0.0)
            return np.where(x > 0, 1, np.where(x < 0, -1, NOT_A_REASON))

    return Signal(feature, SPECIAL[feature], group, phrase, evidence)


# --------------------------------------------------------------------------------------------
# Words.


def _window(days: int) -> str:
    return "in the last day" if days == 1 else f"in the last {days} days"


def _ago(days: Any) -> str:
    """When, in buckets that last a week or more once past the first days."""
    d = _int(days)
    if d <= 0:
        return "today"
    if d == 1:
        return "yesterday"
    if d < 7:
        return "this week"
    return f"{_span(d)} ago"


def _span(days: Any) -> str:
    """A length of time in stable buckets: "about 2 weeks", "about 4 months", "over a year"."""
    d = _int(days)
    if d < 7:
        return "less than a week"
    if d < 11:
        return "about a week"
    if d < 18:
        return "about 2 weeks"
    if d < 25:
        return "about 3 weeks"
    if d < 45:
        return "about a month"
    if d < 320:
        return f"about {max(2, min(round(d / 30.44), 10))} months"
    if d < 365:
        return "almost a year"
    if d < 730:
        return "over a year"
    return "over two years"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "t", "1", "yes", "y"}
    return float(value) >= 0.5  # as the vectorised evidence reads a 0/1 column


def _int(value: Any) -> int:
    return math.floor(float(value) + 0.5)


def _round5(value: Any) -> int:
    return math.floor(float(value) * 20 + 0.5) * 5


def _value_words(value: Any, words: dict[str, str]) -> str | None:
    """A category code or custom value in words; None for unknown/other/empty values."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        x = float(value)
        if math.isnan(x):
            return None
        return str(int(x)) if x.is_integer() else f"{x:.3g}"
    text = str(value).strip()
    key = text.lower()
    if key in _NOT_EVIDENCE:
        return None
    if key in words:
        return words[key]
    if text in words:
        return words[text]
    if key in {"true", "false"}:
        return "Yes" if key == "true" else "No"
    if re.fullmatch(r"[A-Z]{2,3}", text):  # a code kept as is (country, currency)
        return text
    return _humanize(text)


def _humanize(name: str) -> str:
    """A code or column name in words: "professional_services" -> "Professional services"."""
    parts = [p for p in re.split(r"[_\s]+", name.strip()) if p]
    if not parts:
        return name
    words = [_ACRONYMS.get(p.lower(), p) for p in parts]
    words[0] = _cap(words[0])
    return " ".join(words)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
