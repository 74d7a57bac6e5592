"""Day-by-day simulation of one chunk of leads (vectorised over the leads).

Engagement is self-exciting (a discrete-time Hawkes process): every behavioural event adds to
a lead's *research* and *buying* excitement (R, B; half-lives 10 and 5 days), which raise the
rates of further events, buying excitement mostly of pricing pages and hand-raising. On top of
a baseline of marketing-driven browsing that fades as the lead ages. Rates depend only on the
lead's persona and on its own past events, all observable, so the expected future of a lead
given everything known at a date is a deterministic recursion (`project_probability`).

Every day: (1) a conversion is drawn from `hazard.conversion_hazard` of the state at the end
of the previous day, and a disqualification; (2) behavioural events are drawn; (3) marketing
e-mail is sent and opened; (4) the observable counters are updated; (5) on as-of dates, the
truth probability is computed for every open lead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadscore_demo import hazard, vocab
from leadscore_demo.people import Profiles

SECONDS_PER_DAY = 86_400
N_BEHAVIOUR = len(vocab.BEHAVIOUR_CATEGORIES)
CATEGORY_CODE = {name: i for i, (name, _) in enumerate(vocab.BEHAVIOUR_CATEGORIES)}
CATEGORY_CODE.update({name: N_BEHAVIOUR + i for i, name in enumerate(vocab.EMAIL_CATEGORIES)})
C = CATEGORY_CODE
HI_INTENT = np.asarray(
    [C["demo_request"], C["contact_sales"], C["trial_signup"], C["meeting_booked"]]
)

# fmt: off
# per category (vocab.BEHAVIOUR_CATEGORIES order):
#   home blog prod price docs comp cust care cont vid wreg watt form soc demo cs trial meet
RHO_R = np.asarray([.3, .35, .4, .2, .3, .2, .3, 0, .6, .4, .5, .8, .5, .15, 0, 0, .3, 0])
RHO_B = np.asarray([0, 0, .1, .35, .15, .3, .1, 0, 0, .05, 0, .1, .1, 0, 1.5, 1.5, 1.2, 1.0])
_MIX = np.asarray(
    [
        [15, 33, 5, 2, 3, 1, 2, 7, 8, 4, 2, 1, 1, 16, .05, .03, .05, 0],  # baseline browsing
        [10, 22, 16, 8, 9, 5, 5, 1, 10, 6, 3, 2, 2, 1, .3, .15, .3, .05],  # research
        [4, 2, 14, 32, 12, 8, 6, 0, 1, 3, 0, 0, 3, 0, 5, 3.5, 4, 2.5],  # buying
        [10, 8, 20, 4, 35, 0, 5, 1, 3, 5, 2, 5, 1, 0, 0, 0, 0, 1],  # customer
    ],
    dtype=np.float64,
)
# fmt: on
MIX = _MIX / _MIX.sum(axis=1, keepdims=True)
MIX_CUM = np.cumsum(MIX, axis=1)
MU_TOTAL, A_TOTAL, B_TOTAL = 0.035, 0.08, 0.2  # events/day per unit of baseline, R, B
DECAY_R, DECAY_B = 0.5 ** (1 / 10), 0.5 ** (1 / 5)
MAX_EVENTS_PER_DAY = 12.0
CUSTOMER_RATE, CUSTOMER_DECAY_DAYS = 0.35, 30.0
AGE_FLOOR, AGE_FADE_DAYS = 0.3, 120.0
# excitement a lead arrives with, by lead source (vocab.LEAD_SOURCES order)
R0_BY_SOURCE = np.asarray([0.8, 0.7, 1.0, 1.0, 1.0, 0.9, 0.5, 0.5, 0.2, 0.1])
B0_BY_SOURCE = np.asarray([0.0, 0.0, 0.0, 0.3, 0.3, 0.1, 0.0, 0.0, 0.0, 0.0])

WEEKDAY_BEHAVIOUR = np.asarray([1.1, 1.15, 1.15, 1.1, 0.95, 0.35, 0.3])
WEEKDAY_SENDS = np.asarray([1.0, 1.3, 1.0, 1.1, 0.6, 0.04, 0.04])
EMAIL_SENDS_PER_WEEKDAY = 0.24
OPEN0, CLICK0, REPLY0, UNSUB0 = 0.12, 0.06, 0.001, 0.003
CAMPAIGN_P = np.asarray([0.05, 0.16, 0.14, 0.12, 0.14, 0.08, 0.1, 0.08, 0.08, 0.05])
CAMPAIGN_P_TUESDAY = np.asarray([0.7, 0.05, 0.05, 0.04, 0.04, 0.03, 0.03, 0.02, 0.02, 0.02])

# fmt: off
_HOURLY_WEEKDAY = np.asarray(
    [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3, 4.5, 5, 5, 4, 4.5, 5, 4.8, 4.2, 3.2, 2.2,
     1.8, 1.9, 1.7, 1.2, 0.6]
)
_HOURLY_WEEKEND = np.asarray(
    [0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.4, 2, 2.5, 2.8, 2.8, 2.8, 2.7, 2.6, 2.5, 2.4,
     2.4, 2.5, 2.6, 2.2, 1.5, 0.9]
)
# fmt: on
HOURLY_CUM = np.stack(
    [
        np.cumsum(_HOURLY_WEEKDAY / _HOURLY_WEEKDAY.sum()),
        np.cumsum(_HOURLY_WEEKEND / _HOURLY_WEEKEND.sum()),
    ]
)
HORIZON_DAYS = 90
HI_RING = max(hazard.HI_WINDOWS)


def remap_matrices() -> np.ndarray:
    """(8, 18, 18): how a drawn category is written, by lead type.

    Lead type = technical + 2 * student + 4 * competitor employee. Non-technical people
    rarely read the docs (they land on product pages), students look for jobs, competitors
    study pricing and comparison pages instead of the blog.
    """
    out = np.zeros((8, N_BEHAVIOUR, N_BEHAVIOUR))
    for t in range(8):
        m = np.eye(N_BEHAVIOUR)
        if not t & 1:
            m[C["pv_docs"]] = 0
            m[C["pv_docs"], C["pv_docs"]] = 0.3
            m[C["pv_docs"], C["pv_product"]] = 0.7
        if t & 2:
            m[C["pv_blog"]] = 0
            m[C["pv_blog"], C["pv_blog"]] = 0.6
            m[C["pv_blog"], C["pv_careers"]] = 0.4
        if t & 4:
            for src in ("pv_blog", "pv_home"):
                m[C[src]] = 0
                m[C[src], C["pv_pricing"]] = 0.5
                m[C[src], C["pv_compare"]] = 0.5
        out[t] = m
    return out


REMAP = remap_matrices()
REMAP_CUM = np.cumsum(REMAP, axis=2)


def age_factor(age_days: np.ndarray) -> np.ndarray:
    """Baseline browsing fades as the lead ages (interest is highest when it arrives)."""
    return AGE_FLOOR + (1.0 - AGE_FLOOR) * np.exp(-np.asarray(age_days) / AGE_FADE_DAYS)


def score_weights(docs_weight: np.ndarray) -> np.ndarray:
    """(n, 18) increment of S for one event of each category."""
    w = np.full(N_BEHAVIOUR, hazard.W_ENGAGEMENT)
    w[C["pv_pricing"]] += hazard.W_PRICING
    w[C["pv_compare"]] += hazard.W_COMPARE
    for c in ("pv_blog", "content_download", "video_view"):
        w[C[c]] += hazard.W_CONTENT
    out = np.broadcast_to(w, (len(docs_weight), N_BEHAVIOUR)).copy()
    out[:, C["pv_docs"]] += docs_weight
    return out


# quantities whose expectation the truth tracks: S, W, R, B (decaying state), then the
# hand-raising and pricing counts of the day
N_TRACK = 6
TRACK_DECAY = np.asarray([hazard.DECAY, hazard.WEBINAR_DECAY, DECAY_R, DECAY_B, 0.0, 0.0])


def expectation_coefficients(p: Profiles) -> np.ndarray:
    """(n, 3, 6): expected increments of (S, W, R, B, hand-raises, pricing views) per day,
    per unit of (baseline x age factor, R, B), before the weekday factor.
    """
    totals = np.asarray([MU_TOTAL, A_TOTAL, B_TOTAL])
    eff = np.einsum("k c, n c d -> n k d", MIX[:3], REMAP[p.lead_type])  # (n, 3, 18)
    per_cat = np.zeros((len(p), N_BEHAVIOUR, N_TRACK))
    per_cat[:, :, 0] = score_weights(p.docs_weight)
    per_cat[:, C["webinar_attended"], 1] = 1.0
    per_cat[:, :, 2] = RHO_R
    per_cat[:, :, 3] = RHO_B
    per_cat[:, HI_INTENT, 4] = 1.0
    per_cat[:, C["pv_pricing"], 5] = 1.0
    coef = np.einsum("n k d, n d t -> n k t", eff, per_cat)
    return (coef * totals[None, :, None] * p.activity_mult[:, None, None]).astype(np.float32)


@dataclass(frozen=True)
class Calendar:
    """The simulated period: day 0 .. n_days-1, the last one being the end date."""

    n_days: int
    weekday0: int  # weekday of day 0 (Monday = 0)
    asof_days: np.ndarray  # days at whose end the truth is taken
    activity_scale: float

    def weekday(self, day: int) -> int:
        return (self.weekday0 + day) % 7


@dataclass
class ChunkResult:
    """Everything the simulation decided for one chunk (indices are chunk-local)."""

    ev_lead: np.ndarray  # int32
    ev_day: np.ndarray  # int32
    ev_sec: np.ndarray  # int32 second of the day (UTC)
    ev_cat: np.ndarray  # int8 category code
    ev_variant: np.ndarray  # int16 which URL / campaign
    ev_device: np.ndarray  # int8, -1 none
    converted_day: np.ndarray  # int32, -1 never
    converted_sec: np.ndarray  # int32
    disqualified_day: np.ndarray  # int32, -1 never
    disqualified_sec: np.ndarray  # int32
    opt_out_day: np.ndarray  # int32, -1 never
    last_hi_intent_day: np.ndarray  # int32, -1 if none
    truth_lead: np.ndarray  # int32
    truth_day: np.ndarray  # int32
    truth_probability: np.ndarray  # float32


@dataclass
class State:
    """Observable state of every lead of a chunk at the end of a day."""

    track: np.ndarray  # (n, 4) float32: S, W, R, B
    hi_ring: np.ndarray  # (35, n) int16 hand-raising events per day, slot = day % 35
    hi_win: np.ndarray  # (3, n) int32 hand-raises in the last 7, 21, 35 days
    p_ring: np.ndarray  # (7, n) int16 pricing views per day, slot = day % 7
    p7: np.ndarray  # (n,) int32 pricing views in the last 7 days


def _local_to_utc_sec(
    rng: np.random.Generator, n: int, tz: np.ndarray, weekend: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of the UTC day for n events at business-rhythm local hours; also local hour."""
    hour = np.searchsorted(HOURLY_CUM[int(weekend)], rng.random(n), side="right")
    hour = np.minimum(hour, 23)
    local = hour * 3600 + rng.integers(0, 3600, size=n)
    return ((local - tz.astype(np.int64) * 3600) % SECONDS_PER_DAY).astype(np.int32), hour


def _devices(rng: np.random.Generator, hour: np.ndarray, weekend: bool) -> np.ndarray:
    """desktop / mobile / tablet: more mobile in the evening and at weekends."""
    off = weekend | (hour < 8) | (hour >= 19)
    u = rng.random(len(hour))
    mobile_p = np.where(off, 0.48, 0.18)
    tablet_p = np.where(off, 0.07, 0.04)
    return np.where(u < mobile_p, 1, np.where(u < mobile_p + tablet_p, 2, 0)).astype(np.int8)


def _poisson_at_least(past: np.ndarray, mean: np.ndarray, k: int) -> np.ndarray:
    """P(past + N >= k) for N ~ Poisson(mean), k <= 3."""
    need = np.clip(k - past, 0, k).astype(np.int64)
    e = np.exp(-mean)
    tail = np.stack(  # P(N >= j) for j = 0..3
        [
            np.ones_like(mean),
            -np.expm1(-mean),
            1.0 - e * (1.0 + mean),
            1.0 - e * (1.0 + mean + mean * mean / 2.0),
        ]
    )
    return np.take_along_axis(tail, need[None, :], axis=0)[0]


def project_probability(
    day: int,
    idx: np.ndarray,
    p: Profiles,
    coef: np.ndarray,
    created_day: np.ndarray,
    st: State,
    cal: Calendar,
) -> np.ndarray:
    """P(convert in the HORIZON_DAYS days after `day` | what is observable at its end).

    Walks the next 90 days, tracking the *expected* observable state: the expected events
    of each future day follow from the expected excitement (the process is linear in it),
    and the expected hazard is linear in the counters. The pricing-burst indicator uses a
    Poisson tail for the future views. Each day's conversion probability is 1 - exp(-E[h]),
    combined with the (deterministic) disqualification hazard exactly as the simulation
    draws them. The one approximation: E[1 - exp(-h)] is replaced by 1 - exp(-E[h]).
    """
    a = len(idx)
    static = p.static_log_hazard[idx]
    age0 = (day - created_day[idx]).astype(np.float32)
    web_w = p.webinar_weight[idx]
    junk, fit = p.junk[idx], p.fit[idx]
    c = np.ascontiguousarray(coef[idx].transpose(1, 2, 0))  # (3 drivers, 6 tracked, a)
    track = np.ascontiguousarray(st.track[idx].T)  # (4, a): S, W, R, B
    decay = TRACK_DECAY[:4, None].astype(np.float32)
    # hand-raises and pricing views in the last j+1 days up to `day`
    hi_suf = np.cumsum(st.hi_ring[[(day - j) % HI_RING for j in range(HI_RING)]][:, idx], axis=0)
    p_suf = np.cumsum(st.p_ring[[(day - j) % 7 for j in range(7)]][:, idx], axis=0)
    cum_hi = np.zeros((HORIZON_DAYS + 1, a), dtype=np.float32)
    cum_p = np.zeros((HORIZON_DAYS + 1, a), dtype=np.float32)
    surv = np.ones(a, dtype=np.float32)
    prob = np.zeros(a, dtype=np.float32)
    no_views = np.zeros(a, dtype=np.float32)
    w7 = hazard.PRICING_WINDOW
    for u in range(1, HORIZON_DAYS + 1):
        hi = []
        for w in hazard.HI_WINDOWS:
            past = hi_suf[w - u] if w - u >= 0 else 0.0
            hi.append(past + cum_hi[u - 1] - cum_hi[max(0, u - w - 1)])
        p_past = p_suf[w7 - u] if w7 - u >= 0 else no_views
        p_mean = cum_p[u - 1] - cum_p[max(0, u - w7 - 1)]
        burst = _poisson_at_least(p_past, p_mean, hazard.PRICING_BURST_VIEWS)
        age = age0 + u
        h = hazard.conversion_hazard(static, age, track[0], track[1], web_w, *hi, burst)
        pc = -np.expm1(-h)
        prob += surv * pc
        surv *= (1.0 - pc) * np.exp(-hazard.disqualification_hazard(junk, fit, age))
        # expected events of day `day + u`, from the state at the end of the day before
        wd = np.float32(WEEKDAY_BEHAVIOUR[cal.weekday(day + u)])
        inc = c[0] * (age_factor(age).astype(np.float32) * wd) + c[1] * (track[2] * wd)
        inc += c[2] * (track[3] * wd)
        track = track * decay + inc[:4]
        cum_hi[u] = cum_hi[u - 1] + inc[4]
        cum_p[u] = cum_p[u - 1] + inc[5]
    return np.clip(prob, 0.0, 1.0).astype(np.float32)


def simulate_chunk(rng: np.random.Generator, p: Profiles, cal: Calendar) -> ChunkResult:
    """Simulate every day of the period for the leads of one chunk."""
    n = len(p)
    created_day = (p.created_sec // SECONDS_PER_DAY).astype(np.int32)
    created_tod = (p.created_sec % SECONDS_PER_DAY).astype(np.int32)
    n_by_day = np.searchsorted(created_day, np.arange(cal.n_days), side="right")
    is_asof = np.zeros(cal.n_days, dtype=bool)
    is_asof[cal.asof_days] = True
    coef = expectation_coefficients(p)
    w_score = score_weights(p.docs_weight).astype(np.float32)  # (n, 18)

    st = State(
        track=np.zeros((n, 4), dtype=np.float32),
        hi_ring=np.zeros((HI_RING, n), dtype=np.int16),
        hi_win=np.zeros((3, n), dtype=np.int32),
        p_ring=np.zeros((7, n), dtype=np.int16),
        p7=np.zeros(n, dtype=np.int32),
    )
    st.track[:, 2] = R0_BY_SOURCE[p.source] * p.activity_mult
    st.track[:, 3] = B0_BY_SOURCE[p.source] * p.activity_mult
    conv_day = np.full(n, -1, dtype=np.int32)
    conv_sec = np.zeros(n, dtype=np.int32)
    disq_day = np.full(n, -1, dtype=np.int32)
    disq_sec = np.zeros(n, dtype=np.int32)
    last_hi = np.full(n, -1, dtype=np.int32)
    opt_out = p.opted_out_at_start.copy()
    opt_out_day = np.full(n, -1, dtype=np.int32)
    bounces = np.zeros(n, dtype=np.int8)
    sends_per_weekday = EMAIL_SENDS_PER_WEEKDAY * cal.activity_scale
    rare_scale = 1.0 / cal.activity_scale  # keep replies / unsubscribes per lead unchanged

    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("lead", "day", "sec", "cat", "var", "dev")
    }
    truth_parts: dict[str, list[np.ndarray]] = {"lead": [], "day": [], "p": []}

    def emit(
        lead: np.ndarray,
        day: int,
        sec: np.ndarray,
        cat: np.ndarray | int,
        dev: np.ndarray | int,
        var: np.ndarray | None = None,
    ) -> None:
        k = len(lead)
        if k == 0:
            return
        parts["lead"].append(lead.astype(np.int32))
        parts["day"].append(np.full(k, day, dtype=np.int32))
        parts["sec"].append(np.minimum(sec, SECONDS_PER_DAY - 1).astype(np.int32))
        parts["cat"].append(np.broadcast_to(np.asarray(cat, dtype=np.int8), (k,)))
        parts["var"].append(
            (rng.integers(0, 32_000, size=k) if var is None else var).astype(np.int16)
        )
        parts["dev"].append(np.broadcast_to(np.asarray(dev, dtype=np.int8), (k,)))

    m = 0
    for d in range(cal.n_days):
        wd = cal.weekday(d)
        weekend = wd >= 5
        m_prev, m = m, int(n_by_day[d])
        if m == 0:
            continue
        # ---- 1. conversion and disqualification today, from yesterday's state
        if m_prev:
            sl = slice(0, m_prev)
            open_ = (conv_day[sl] < 0) & (disq_day[sl] < 0)
            age = d - created_day[sl]
            h = hazard.conversion_hazard(
                p.static_log_hazard[sl],
                age,
                st.track[sl, 0],
                st.track[sl, 1],
                p.webinar_weight[sl],
                st.hi_win[0, sl],
                st.hi_win[1, sl],
                st.hi_win[2, sl],
                (st.p7[sl] >= hazard.PRICING_BURST_VIEWS).astype(np.float32),
            )
            conv_now = open_ & (rng.random(m_prev) < -np.expm1(-h))
            hd = hazard.disqualification_hazard(p.junk[sl], p.fit[sl], age)
            disq_now = open_ & ~conv_now & (rng.random(m_prev) < -np.expm1(-hd))
            ci = np.flatnonzero(conv_now)
            conv_day[ci] = d
            conv_sec[ci] = _local_to_utc_sec(rng, len(ci), p.tz_offset[ci], False)[0]
            di = np.flatnonzero(disq_now)
            disq_day[di] = d
            disq_sec[di] = _local_to_utc_sec(rng, len(di), p.tz_offset[di], False)[0]

        # ---- 2. behavioural events of today
        wdf = WEEKDAY_BEHAVIOUR[wd]
        mult = p.activity_mult[:m] * wdf
        age = (d - created_day[:m]).astype(np.float32)
        c0 = mult * MU_TOTAL * age_factor(age)
        c1 = mult * A_TOTAL * st.track[:m, 2]
        c2 = mult * B_TOTAL * st.track[:m, 3]
        customer = conv_day[:m] >= 0
        if customer.any():
            since = (d - conv_day[:m]).astype(np.float32)
            fade = np.exp(-since / CUSTOMER_DECAY_DAYS)
            c0 = np.where(customer, mult * CUSTOMER_RATE * fade, c0)
            c1 = np.where(customer, 0.0, c1)
            c2 = np.where(customer, 0.0, c2)
        total = c0 + c1 + c2
        counts = rng.poisson(np.minimum(total, MAX_EVENTS_PER_DAY))
        lead = np.repeat(np.arange(m, dtype=np.int64), counts)
        ne = len(lead)
        u = rng.random((ne, 3))
        x = u[:, 0] * total[lead]
        comp = np.where(x < c0[lead], 0, np.where(x < c0[lead] + c1[lead], 1, 2))
        comp = np.where(customer[lead], 3, comp)
        drawn = np.minimum((u[:, 1, None] > MIX_CUM[comp]).sum(axis=1), N_BEHAVIOUR - 1)
        cum = REMAP_CUM[p.lead_type[lead], drawn]
        cat = np.minimum((u[:, 2, None] > cum).sum(axis=1), N_BEHAVIOUR - 1)
        if ne:
            # sessions: the events of one lead on one day cluster within minutes
            first = np.ones(ne, dtype=bool)
            first[1:] = lead[1:] != lead[:-1]
            starts = np.flatnonzero(first)
            g_lead = lead[starts]
            base, hour = _local_to_utc_sec(rng, len(starts), p.tz_offset[g_lead], weekend)
            new = created_day[g_lead] == d
            if new.any():
                ct = created_tod[g_lead]
                span = ((SECONDS_PER_DAY - 1 - ct) * rng.random(len(starts)) * 0.8).astype(np.int32)
                base = np.where(new, ct + 1 + span, base)
            gap = rng.exponential(300.0, size=ne)
            gap[first] = 0.0
            csum = np.cumsum(gap)
            group = np.cumsum(first) - 1
            sec = base[group] + (csum - csum[starts][group]).astype(np.int64)
            emit(lead, d, sec, cat, _devices(rng, hour, weekend)[group])
        # the event that created today's new leads, at their creation second
        born = np.arange(m_prev, m)
        born = born[p.first_event[born] >= 0]
        if len(born):
            _, hour = _local_to_utc_sec(rng, len(born), p.tz_offset[born], weekend)
            emit(born, d, created_tod[born], p.first_event[born], _devices(rng, hour, weekend))
            lead = np.concatenate([lead, born])
            cat = np.concatenate([cat, p.first_event[born].astype(np.int64)])

        # ---- 3. marketing e-mail (not on a lead's first day; never to customers, opt-outs)
        if m_prev:
            sl = slice(0, m_prev)
            elig = ~opt_out[sl] & (conv_day[sl] < 0) & (bounces[sl] < 2)
            n_send = rng.poisson(sends_per_weekday * WEEKDAY_SENDS[wd], size=m_prev) * elig
            to = np.repeat(np.arange(m_prev, dtype=np.int64), n_send)
            if len(to):
                cp = CAMPAIGN_P_TUESDAY if wd == 1 else CAMPAIGN_P
                camp = rng.choice(len(cp), size=len(to), p=cp).astype(np.int16)
                send_local = 9 * 3600 + rng.integers(0, 5400, size=len(to))
                send_sec = (send_local - p.tz_offset[to].astype(np.int64) * 3600) % SECONDS_PER_DAY
                ok = p.email_ok[to]
                bad = to[~ok]
                emit(bad, d, send_sec[~ok], C["email_bounce"], -1, camp[~ok])
                np.add.at(bounces, bad, 1)
                to, camp, send_sec = to[ok], camp[ok], send_sec[ok]
                emit(to, d, send_sec, C["email_delivered"], -1, camp)
                r_exc, b_exc = st.track[to, 2], st.track[to, 3]
                u = rng.random((len(to), 6))
                opened = u[:, 0] < np.minimum(OPEN0 * (1 + 0.6 * r_exc + 1.2 * b_exc), 0.85)
                delay = rng.exponential(7200.0, size=len(to)).astype(np.int64)
                room = SECONDS_PER_DAY - 1000 - send_sec
                delay = np.where(
                    delay > room, (u[:, 5] * np.maximum(room, 1)).astype(np.int64), delay
                )
                open_sec = send_sec + delay
                o_dev = np.where(u[:, 4] < 0.45, 1, np.where(u[:, 4] < 0.5, 2, 0))
                emit(to[opened], d, open_sec[opened], C["email_open"], o_dev[opened], camp[opened])
                clicked = opened & (u[:, 1] < np.minimum(CLICK0 * (1 + r_exc + 2 * b_exc), 0.6))
                emit(
                    to[clicked],
                    d,
                    open_sec[clicked] + 40,
                    C["email_click"],
                    o_dev[clicked],
                    camp[clicked],
                )
                p_reply = np.minimum(REPLY0 * (1 + 2 * r_exc + 6 * b_exc), 0.3) * rare_scale
                replied = opened & (u[:, 2] < p_reply)
                emit(to[replied], d, open_sec[replied] + 900, C["email_reply"], 0, camp[replied])
                unsub = u[:, 3] < UNSUB0 / (1 + r_exc) * rare_scale
                emit(to[unsub], d, open_sec[unsub] + 60, C["email_unsubscribe"], -1, camp[unsub])
                opt_out[to[unsub]] = True
                opt_out_day[to[unsub]] = d

        # ---- 4. observable state at the end of today
        beh_w = w_score[lead, cat] if len(lead) else np.zeros(0, dtype=np.float32)
        st.track[:m, 0] = st.track[:m, 0] * hazard.DECAY + np.bincount(lead, beh_w, minlength=m)
        st.track[:m, 1] = st.track[:m, 1] * hazard.WEBINAR_DECAY + np.bincount(
            lead[cat == C["webinar_attended"]], minlength=m
        )
        st.track[:m, 2] = st.track[:m, 2] * DECAY_R + np.bincount(lead, RHO_R[cat], minlength=m)
        st.track[:m, 3] = st.track[:m, 3] * DECAY_B + np.bincount(lead, RHO_B[cat], minlength=m)
        is_hi = np.isin(cat, HI_INTENT)
        hi_today = np.bincount(lead[is_hi], minlength=m).astype(np.int16)
        for j, w in enumerate(hazard.HI_WINDOWS):
            st.hi_win[j, :m] += hi_today - st.hi_ring[(d - w) % HI_RING, :m]
        st.hi_ring[d % HI_RING, :m] = hi_today
        last_hi[lead[is_hi]] = d
        pv = np.bincount(lead[cat == C["pv_pricing"]], minlength=m).astype(np.int16)
        st.p7[:m] += pv - st.p_ring[d % 7, :m]
        st.p_ring[d % 7, :m] = pv

        # ---- 5. truth on as-of dates
        if is_asof[d]:
            alive = np.flatnonzero((conv_day[:m] < 0) & (disq_day[:m] < 0))
            for lo in range(0, len(alive), 25_000):
                ix = alive[lo : lo + 25_000]
                prob = project_probability(d, ix, p, coef, created_day, st, cal)
                truth_parts["lead"].append(ix.astype(np.int32))
                truth_parts["day"].append(np.full(len(ix), d, dtype=np.int32))
                truth_parts["p"].append(prob)

    def joined(xs: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(xs) if xs else np.zeros(0, dtype=dtype)

    return ChunkResult(
        ev_lead=joined(parts["lead"], np.int32),
        ev_day=joined(parts["day"], np.int32),
        ev_sec=joined(parts["sec"], np.int32),
        ev_cat=joined(parts["cat"], np.int8),
        ev_variant=joined(parts["var"], np.int16),
        ev_device=joined(parts["dev"], np.int8),
        converted_day=conv_day,
        converted_sec=conv_sec,
        disqualified_day=disq_day,
        disqualified_sec=disq_sec,
        opt_out_day=opt_out_day,
        last_hi_intent_day=last_hi,
        truth_lead=joined(truth_parts["lead"], np.int32),
        truth_day=joined(truth_parts["day"], np.int32),
        truth_probability=joined(truth_parts["p"], np.float32),
    )
