"""The hidden conversion and disqualification hazards of the demo CRM.

The daily conversion hazard of a lead is a function of what is *observable* about it at the
end of the previous day: its fit (title, company, tech stack, source; with interactions)
and its activity history, summarised as decayed counters, windowed counts of hand-raising
events and a 7-day pricing window:

    h = exp(static + new_lead) * (B0 + S + webinar_weight * W
                                  + W7 * H7 + W21 * H21 + W35 * H35 + W_BURST * [P7 >= 3])

S is a decayed (half-life 14 days) weighted count of behavioural events (any event a little,
pricing and comparison pages more, docs pages only for technical people at mid-market and
enterprise accounts); W counts attended webinars (half-life 30 days; enterprise only);
H7/H21/H35 count demo requests, contact-sales, trial signups and meetings in the last 7/21/35
days (nested windows, so a fresh hand-raise counts three times); P7 counts pricing views in
the last 7 days. Because h is linear in the counters, its expectation over the future is
computable exactly (see simulate.project_probability).
"""

from __future__ import annotations

import numpy as np

ENGAGEMENT_HALF_LIFE_DAYS = 14.0
DECAY = float(0.5 ** (1.0 / ENGAGEMENT_HALF_LIFE_DAYS))
WEBINAR_HALF_LIFE_DAYS = 30.0
WEBINAR_DECAY = float(0.5 ** (1.0 / WEBINAR_HALF_LIFE_DAYS))

#: intercept of the log of the daily hazard (calibrated for ~15-20% lifetime conversion)
BASE_LOG_HAZARD = -7.1
#: hazard multiplier of a lead with no recent behaviour at all
B0 = 0.015
#: no lead converts with more than this daily hazard
HAZARD_CAP = 0.3

# increments of S per event
W_ENGAGEMENT = 0.25  # any behavioural event (web, content, social, events)
W_PRICING = 1.0  # a pricing page view, on top
W_COMPARE = 0.6  # a comparison page, on top
W_CONTENT = 0.0  # downloads, blog posts and videos: nothing beyond any event
W_DOCS_TECHNICAL = 1.5  # a docs page, technical function at a mid-market/enterprise account
WEBINAR_ENTERPRISE = 1.5  # per decayed attended webinar, enterprise accounts only
# hand-raisers (demo request, contact sales, trial signup, meeting booked): strong, but only
# while recent
W7, W21, W35 = 10.0, 4.0, 1.5
HI_WINDOWS = (7, 21, 35)
PRICING_WINDOW = 7
PRICING_BURST_VIEWS = 3
W_BURST = 6.0
NEW_LEAD_DAYS = 14
NEW_LEAD_LOG = 0.3


def conversion_hazard(
    static: np.ndarray,
    age_days: np.ndarray,
    score: np.ndarray,
    webinar: np.ndarray,
    webinar_weight: np.ndarray,
    hi7: np.ndarray,
    hi21: np.ndarray,
    hi35: np.ndarray,
    burst: np.ndarray,
) -> np.ndarray:
    """Daily hazard of converting on day d from the state at the end of day d-1.

    static: BASE_LOG_HAZARD + fit; age_days: d minus the creation day; score: S; webinar: W;
    hi7/21/35: hand-raising events in the windows; burst: 1 if the pricing burst condition
    holds (or its probability, when projecting).
    """
    log_mult = static + np.where(age_days <= NEW_LEAD_DAYS, NEW_LEAD_LOG, 0.0)
    behaviour = (
        B0 + score + webinar_weight * webinar + W7 * hi7 + W21 * hi21 + W35 * hi35 + W_BURST * burst
    )
    return np.minimum(np.exp(log_mult) * behaviour, HAZARD_CAP).astype(np.float32, copy=False)


def disqualification_hazard(junk: np.ndarray, fit: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Daily hazard that sales marks a lead as junk / not a fit (from fit and age only).

    Junk leads (students, competitors, personal addresses without a company) are usually
    weeded out in their first weeks; poor fits go slowly; anyone older than 6 months
    may be closed as unresponsive.
    """
    young = age_days <= 45
    junk_rate = np.where(young, 1 / 25, 1 / 400)
    base = np.where(junk, junk_rate, np.where(fit < -1.5, 1 / 1500, 1 / 6000))
    stale = np.where(age_days > 180, 1 / 300, 0.0)
    return (base + stale).astype(np.float32, copy=False)
