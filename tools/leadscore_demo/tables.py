"""Turn simulated arrays into the contract's tables (pyarrow), clean of dirt.

Activities stay as integer arrays (`ActivityRows`) until the very end, so that dirt can be
added cheaply; strings are made in C++ by pyarrow (pool lookups, id formatting).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leadscore_demo import vocab
from leadscore_demo.accounts import Accounts, Reps, pick_reps, slug
from leadscore_demo.people import Profiles
from leadscore_demo.simulate import CATEGORY_CODE, N_BEHAVIOUR, SECONDS_PER_DAY, ChunkResult

TS = pa.timestamp("s")

# --- schemas (column order and types of shared/CONTRACT.md) ---------------------------------

SCHEMAS: dict[str, pa.Schema] = {
    "leads": pa.schema(
        [
            ("lead_id", pa.string()),
            ("email", pa.string()),
            ("first_name", pa.string()),
            ("last_name", pa.string()),
            ("job_title", pa.string()),
            ("company_name", pa.string()),
            ("account_id", pa.string()),
            ("country", pa.string()),
            ("lead_source", pa.string()),
            ("created_at", TS),
            ("updated_at", TS),
            ("converted_at", TS),
            ("disqualified_at", TS),
            ("is_disqualified", pa.bool_()),
            ("email_opt_out", pa.bool_()),
            ("owner_id", pa.string()),
        ]
    ),
    "accounts": pa.schema(
        [
            ("account_id", pa.string()),
            ("company_name", pa.string()),
            ("domain", pa.string()),
            ("industry", pa.string()),
            ("employee_count", pa.int64()),
            ("annual_revenue", pa.float64()),
            ("country", pa.string()),
            ("technologies", pa.string()),
        ]
    ),
    "activities": pa.schema(
        [
            ("activity_id", pa.string()),
            ("lead_id", pa.string()),
            ("occurred_at", TS),
            ("activity_type", pa.string()),
            ("url", pa.string()),
            ("device_type", pa.string()),
            ("campaign", pa.string()),
        ]
    ),
    "opportunities": pa.schema(
        [
            ("opportunity_id", pa.string()),
            ("lead_id", pa.string()),
            ("account_id", pa.string()),
            ("created_at", TS),
            ("closed_at", TS),
            ("is_won", pa.bool_()),
            ("amount", pa.float64()),
        ]
    ),
    "sales_reps": pa.schema(
        [
            ("rep_id", pa.string()),
            ("name", pa.string()),
            ("email", pa.string()),
            ("segment", pa.string()),
            ("region", pa.string()),
            ("daily_capacity", pa.int64()),
            ("is_active", pa.bool_()),
        ]
    ),
    "lead_feedback": pa.schema(
        [
            ("lead_id", pa.string()),
            ("rep_id", pa.string()),
            ("given_at", TS),
            ("verdict", pa.string()),
            ("reason", pa.string()),
        ]
    ),
}
TRUTH_SCHEMA = pa.schema(
    [("lead_id", pa.string()), ("as_of_date", pa.date32()), ("true_probability", pa.float64())]
)
ATTRIBUTES_SCHEMA = pa.schema(
    [
        ("lead_id", pa.string()),
        ("account_id", pa.string()),
        ("seniority", pa.string()),
        ("function", pa.string()),
        ("segment", pa.string()),
        ("region", pa.string()),
        ("lead_source", pa.string()),
        ("is_freemail", pa.bool_()),
        ("is_junk", pa.bool_()),
        ("is_competitor_employee", pa.bool_()),
        ("fit", pa.float64()),
    ]
)


def format_ids(
    prefix: str, numbers: np.ndarray, width: int, null: np.ndarray | None = None
) -> pa.Array:
    """'L-00000042' style ids, vectorised; rows where `null` is set become null."""
    arr = pa.array(numbers.astype(np.int64), mask=null)
    padded = pc.utf8_lpad(pc.cast(arr, pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, padded, "")


def lead_ids(numbers: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return format_ids("L-", numbers, 8, null)


def timestamps(epoch0: int, seconds: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Seconds since the period start -> timestamp[s] (UTC, naive)."""
    return pa.array((epoch0 + seconds).astype(np.int64), TS, mask=null)


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityPools:
    """Lookup tables turning (category, variant, day) into type, URL and campaign strings."""

    types: pa.Array  # clean names, then casing variants, then unknown types
    n_clean_types: int
    n_variants_per_type: int
    n_unknown_types: int
    urls: pa.Array
    url_off: np.ndarray
    url_size: np.ndarray
    campaigns: pa.Array
    camp_off: np.ndarray
    camp_size: np.ndarray
    camp_by_month: np.ndarray  # bool per category: index by month (+ variant parity)
    email_camp_off: int
    month_of_day: np.ndarray
    devices: pa.Array


def type_variants(name: str) -> tuple[str, str, str, str]:
    """Spellings of an activity type seen in exports: PAGE_VIEW, ' page_view ', Page View."""
    words = name.split("_")
    return (name.upper(), f" {name} ", " ".join(w.capitalize() for w in words), name + " ")


def activity_pools(start: dt.date, n_days: int) -> ActivityPools:
    names = [t for _, t in vocab.BEHAVIOUR_CATEGORIES] + list(vocab.EMAIL_CATEGORIES)
    n_cat = len(names)
    variants = [v for nm in names for v in type_variants(nm)]
    types = pa.array(names + variants + list(vocab.UNKNOWN_ACTIVITY_TYPES), pa.string())

    days = [start + dt.timedelta(days=i) for i in range(n_days)]
    month_keys = sorted({(d.year, d.month) for d in days})
    month_index = {k: i for i, k in enumerate(month_keys)}
    month_of_day = np.asarray([month_index[(d.year, d.month)] for d in days], dtype=np.int32)
    labels = [dt.date(y, m, 1).strftime("%b %Y") for y, m in month_keys]

    site = vocab.SITE
    per_cat_urls: dict[str, tuple[str, ...]] = dict(vocab.PAGE_URLS)
    per_cat_camps: dict[str, tuple[str, ...]] = {}
    per_cat_urls["content_download"] = tuple(
        f"{site}/resources/{s}" for _, s in vocab.CONTENT_ASSETS
    )
    per_cat_camps["content_download"] = tuple(t for t, _ in vocab.CONTENT_ASSETS)
    per_cat_urls["video_view"] = tuple(f"{site}/videos/{s}" for s in vocab.VIDEO_SLUGS)
    webinar_urls = tuple(f"{site}/webinars/{slug(w)}" for w in vocab.WEBINARS)
    for c in ("webinar_registered", "webinar_attended"):
        per_cat_urls[c] = webinar_urls
        per_cat_camps[c] = vocab.WEBINARS
    per_cat_urls["form_submit"] = vocab.FORM_URLS
    per_cat_urls["social_engagement"] = tuple(
        f"https://www.linkedin.com/feed/update/urn:li:activity:7{i:05d}"
        for i in range(len(vocab.SOCIAL_POSTS))
    )
    per_cat_camps["social_engagement"] = vocab.SOCIAL_POSTS
    per_cat_urls["demo_request"] = vocab.DEMO_URLS
    per_cat_urls["contact_sales"] = vocab.CONTACT_URLS
    per_cat_urls["trial_signup"] = vocab.TRIAL_URLS
    per_cat_urls["meeting_booked"] = vocab.MEETING_URLS
    per_cat_urls["email_click"] = tuple(
        f"{u}?utm_medium=email"
        for u in vocab.PAGE_URLS["pv_blog"][:12]
        + vocab.PAGE_URLS["pv_product"][:6]
        + vocab.PAGE_URLS["pv_pricing"][:2]
    )
    code_names = [nm for nm, _ in vocab.BEHAVIOUR_CATEGORIES] + list(vocab.EMAIL_CATEGORIES)
    urls: list[str] = []
    camps: list[str] = []
    url_off, url_size = np.zeros(n_cat, np.int32), np.zeros(n_cat, np.int32)
    camp_off, camp_size = np.zeros(n_cat, np.int32), np.zeros(n_cat, np.int32)
    for code, nm in enumerate(code_names):
        u = per_cat_urls.get(nm, ())
        url_off[code], url_size[code] = len(urls), len(u)
        urls.extend(u)
        cs = per_cat_camps.get(nm, ())
        camp_off[code], camp_size[code] = len(camps), len(cs)
        camps.extend(cs)
    email_camp_off = len(camps)
    camps.extend(f"{c} - {lab}" for lab in labels for c in vocab.EMAIL_CAMPAIGNS)
    by_month = np.zeros(n_cat, dtype=bool)
    by_month[[CATEGORY_CODE["webinar_registered"], CATEGORY_CODE["webinar_attended"]]] = True
    return ActivityPools(
        types=types,
        n_clean_types=n_cat,
        n_variants_per_type=4,
        n_unknown_types=len(vocab.UNKNOWN_ACTIVITY_TYPES),
        urls=pa.array(urls, pa.string()),
        url_off=url_off,
        url_size=url_size,
        campaigns=pa.array(camps, pa.string()),
        camp_off=camp_off,
        camp_size=camp_size,
        camp_by_month=by_month,
        email_camp_off=email_camp_off,
        month_of_day=month_of_day,
        devices=pa.array(list(vocab.DEVICE_TYPES), pa.string()),
    )


@dataclass
class ActivityRows:
    """Activities as integer arrays; -1 (or the masks) mean null."""

    number: np.ndarray  # int64 activity number (-> activity_id), -1 null
    lead_number: np.ndarray  # int64 (-> lead_id), -1 null
    sec: np.ndarray  # int64 seconds since the period start
    sec_null: np.ndarray  # bool
    type_idx: np.ndarray  # int32 into pools.types, -1 null
    url_idx: np.ndarray  # int32 into pools.urls, -1 null
    camp_idx: np.ndarray  # int32 into pools.campaigns, -1 null
    device: np.ndarray  # int8 into pools.devices, -1 null

    def __len__(self) -> int:
        return len(self.number)

    def take(self, idx: np.ndarray) -> ActivityRows:
        return ActivityRows(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    @staticmethod
    def concat(parts: list[ActivityRows]) -> ActivityRows:
        fields = ActivityRows.__dataclass_fields__
        return ActivityRows(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields))


def activity_rows(
    res: ChunkResult, p: Profiles, pools: ActivityPools, first_number: int
) -> ActivityRows:
    """The clean activities of a chunk, numbered from first_number."""
    n = len(res.ev_lead)
    cat = res.ev_cat.astype(np.int64)
    var = res.ev_variant.astype(np.int64)
    month = pools.month_of_day[res.ev_day]
    by_month = pools.camp_by_month[cat]
    var_eff = np.where(by_month, month + (var % 2), var)
    is_email = cat >= N_BEHAVIOUR
    direct = by_month | is_email  # webinar of the month; the e-mail's own campaign
    # otherwise a few pages and assets take most of the traffic: skew towards the first
    skew = (((var % 1000) / 1000.0) ** 2.2 * 1000).astype(np.int64)

    def pick(off: np.ndarray, size: np.ndarray) -> np.ndarray:
        s = np.maximum(size[cat], 1)
        idx = np.where(direct, var_eff % s, skew * s // 1000)
        return np.where(size[cat] > 0, off[cat] + idx, -1)

    url_idx = pick(pools.url_off, pools.url_size)
    camp_idx = pick(pools.camp_off, pools.camp_size)
    n_camp = len(vocab.EMAIL_CAMPAIGNS)
    camp_idx = np.where(is_email, pools.email_camp_off + month * n_camp + var % n_camp, camp_idx)
    return ActivityRows(
        number=first_number + np.arange(n, dtype=np.int64),
        lead_number=p.lead_number[res.ev_lead],
        sec=res.ev_day.astype(np.int64) * SECONDS_PER_DAY + res.ev_sec,
        sec_null=np.zeros(n, dtype=bool),
        type_idx=cat.astype(np.int32),
        url_idx=url_idx.astype(np.int32),
        camp_idx=camp_idx.astype(np.int32),
        device=res.ev_device.astype(np.int8),
    )


def _take(pool: pa.Array, idx: np.ndarray) -> pa.Array:
    return pool.take(pa.array(idx, pa.int32(), mask=idx < 0))


def activities_table(rows: ActivityRows, pools: ActivityPools, epoch0: int) -> pa.Table:
    return pa.Table.from_arrays(
        [
            format_ids("ACT-", rows.number, 10, rows.number < 0),
            lead_ids(rows.lead_number, rows.lead_number < 0),
            timestamps(epoch0, rows.sec, rows.sec_null),
            _take(pools.types, rows.type_idx),
            _take(pools.urls, rows.url_idx),
            _take(pools.devices, rows.device.astype(np.int32)),
            _take(pools.campaigns, rows.camp_idx),
        ],
        schema=SCHEMAS["activities"],
    )


# --- leads -----------------------------------------------------------------------------------


@dataclass
class LeadOutcome:
    """What happened to each lead of a chunk, in seconds since the period start (-1 = never)."""

    converted: np.ndarray
    disqualified: np.ndarray
    opt_out: np.ndarray  # bool
    owner: np.ndarray  # int64 rep index, -1 none
    updated: np.ndarray


def lead_outcomes(
    rng: np.random.Generator, res: ChunkResult, p: Profiles, reps: Reps, end_sec: int
) -> LeadOutcome:
    n = len(p)
    conv = np.where(
        res.converted_day >= 0,
        res.converted_day.astype(np.int64) * SECONDS_PER_DAY + res.converted_sec,
        -1,
    )
    disq = np.where(
        res.disqualified_day >= 0,
        res.disqualified_day.astype(np.int64) * SECONDS_PER_DAY + res.disqualified_sec,
        -1,
    )
    opt_day = res.opt_out_day.astype(np.int64)
    opt_sec = np.where(opt_day >= 0, opt_day * SECONDS_PER_DAY + SECONDS_PER_DAY // 2, -1)
    reached = (conv >= 0) | (disq >= 0) | (res.last_hi_intent_day >= 0)
    owned = reached | (rng.random(n) < 0.25)
    rep = pick_reps(rng, reps, p.segment, p.region)
    last = np.maximum.reduce([p.created_sec, conv, disq, opt_sec])
    room = np.maximum(end_sec - last, 0)
    updated = last + (rng.random(n) * np.minimum(room, 30 * SECONDS_PER_DAY)).astype(np.int64)
    return LeadOutcome(
        converted=conv,
        disqualified=disq,
        opt_out=p.opted_out_at_start | (opt_day >= 0),
        owner=np.where(owned, rep, -1),
        updated=updated,
    )


def leads_table(
    rng: np.random.Generator,
    p: Profiles,
    text: dict[str, list[str | None]],
    out: LeadOutcome,
    accounts: Accounts,
    reps: Reps,
    epoch0: int,
) -> pa.Table:
    n = len(p)
    show_account = (p.account >= 0) & (rng.random(n) < 0.72)
    account_id = [
        accounts.account_id[a] if s else None
        for a, s in zip(p.account.tolist(), show_account.tolist(), strict=True)
    ]
    disq = out.disqualified >= 0
    # some exports carry only the flag: then updated_at stands in for when
    flag_only = disq & (rng.random(n) < 0.1)
    updated = np.where(flag_only, out.disqualified + 60, out.updated)
    owner = [reps.rep_id[r] if r >= 0 else None for r in out.owner.tolist()]
    return pa.Table.from_arrays(
        [
            lead_ids(p.lead_number),
            pa.array(text["email"], pa.string()),
            pa.array(text["first_name"], pa.string()),
            pa.array(text["last_name"], pa.string()),
            pa.array(text["job_title"], pa.string()),
            pa.array(text["company_name"], pa.string()),
            pa.array(account_id, pa.string()),
            pa.array(text["country"], pa.string()),
            pa.array(text["lead_source"], pa.string()),
            timestamps(epoch0, p.created_sec),
            timestamps(epoch0, updated),
            timestamps(epoch0, out.converted, out.converted < 0),
            timestamps(epoch0, out.disqualified, ~disq | flag_only),
            pa.array(disq, pa.bool_()),
            pa.array(out.opt_out, pa.bool_()),
            pa.array(owner, pa.string()),
        ],
        schema=SCHEMAS["leads"],
    )


# --- opportunities and feedback --------------------------------------------------------------

AMOUNT_BY_SEGMENT = np.asarray([9_000.0, 36_000.0, 120_000.0])


def _opportunity_arrays(
    rng: np.random.Generator,
    created: np.ndarray,
    segment: np.ndarray,
    fit: np.ndarray,
    end_sec: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(created)
    duration = (rng.lognormal(np.log(45.0), 0.6, size=n) * SECONDS_PER_DAY).astype(np.int64)
    closed = created + duration
    open_ = closed > end_sec
    win_p = np.clip(1.0 / (1.0 + np.exp(-(0.6 * fit - 0.2))), 0.15, 0.7)
    won = rng.random(n) < win_p
    amount = np.round(AMOUNT_BY_SEGMENT[segment] * rng.lognormal(0.0, 0.5, size=n), -2)
    return np.where(open_, -1, closed), np.where(open_, -1, won.astype(np.int64)), amount


def opportunities_table(
    rng: np.random.Generator,
    p: Profiles,
    out: LeadOutcome,
    accounts: Accounts,
    first_number: int,
    epoch0: int,
    end_sec: int,
) -> pa.Table:
    """Opportunities for most converted leads, plus a few sourced without a lead."""
    conv = np.flatnonzero(out.converted >= 0)
    conv = conv[rng.random(len(conv)) < 0.65]
    created = out.converted[conv] + (rng.random(len(conv)) * 14 * SECONDS_PER_DAY).astype(np.int64)
    keep = created <= end_sec
    conv, created = conv[keep], created[keep]
    closed, won, amount = _opportunity_arrays(rng, created, p.segment[conv], p.fit[conv], end_sec)
    lead_num = p.lead_number[conv]
    account = p.account[conv]
    # account-sourced (outbound) opportunities with no lead
    k = rng.binomial(len(conv), 0.05) if len(conv) else 0
    if k:
        acc = rng.integers(0, len(accounts), size=k)
        o_created = (rng.random(k) * end_sec).astype(np.int64)
        o_closed, o_won, o_amount = _opportunity_arrays(
            rng, o_created, accounts.segment[acc], accounts.fit[acc], end_sec
        )
        lead_num = np.concatenate([lead_num, np.full(k, -1)])
        account = np.concatenate([account, acc])
        created = np.concatenate([created, o_created])
        closed = np.concatenate([closed, o_closed])
        won = np.concatenate([won, o_won])
        amount = np.concatenate([amount, o_amount])
    amount_null = rng.random(len(amount)) < 0.03
    acc_ids = [accounts.account_id[a] if a >= 0 else None for a in account.tolist()]
    return pa.Table.from_arrays(
        [
            format_ids("OPP-", first_number + np.arange(len(created)), 7),
            lead_ids(lead_num, lead_num < 0),
            pa.array(acc_ids, pa.string()),
            timestamps(epoch0, created),
            timestamps(epoch0, closed, closed < 0),
            pa.array(won == 1, pa.bool_(), mask=won < 0),
            pa.array(amount, pa.float64(), mask=amount_null),
        ],
        schema=SCHEMAS["opportunities"],
    )


def feedback_table(
    rng: np.random.Generator,
    p: Profiles,
    res: ChunkResult,
    out: LeadOutcome,
    reps: Reps,
    epoch0: int,
    end_sec: int,
) -> pa.Table:
    """Sales verdicts on leads that reached sales: accepted, rejected or no response."""
    n = len(p)
    u = rng.random((n, 4))
    rows_lead: list[np.ndarray] = []
    rows_at: list[np.ndarray] = []
    rows_verdict: list[np.ndarray] = []
    rows_reason: list[np.ndarray] = []
    # converted: mostly accepted
    c = np.flatnonzero((out.converted >= 0) & (u[:, 0] < 0.85))
    at = out.converted[c] + (u[c, 1] * 3 * SECONDS_PER_DAY).astype(np.int64)
    verdict = np.where(u[c, 2] < 0.93, 0, 1)
    reason = np.where(
        verdict == 0,
        100 + (u[c, 3] * len(vocab.ACCEPT_REASONS)).astype(int),
        200 + (u[c, 3] * len(vocab.REJECT_REASONS_OTHER)).astype(int),
    )
    rows_lead.append(c), rows_at.append(at), rows_verdict.append(verdict)
    rows_reason.append(reason)
    # disqualified: rejected with a reason
    q = np.flatnonzero((out.disqualified >= 0) & (u[:, 0] < 0.6))
    junk_reason = 300 + np.minimum(
        (u[q, 3] * len(vocab.REJECT_REASONS_JUNK)).astype(int), len(vocab.REJECT_REASONS_JUNK) - 1
    )
    other_reason = 200 + (u[q, 3] * len(vocab.REJECT_REASONS_OTHER)).astype(int)
    rows_lead.append(q), rows_at.append(out.disqualified[q])
    rows_verdict.append(np.ones(len(q), dtype=int))
    rows_reason.append(np.where(p.junk[q], junk_reason, other_reason))
    # raised a hand, never converted nor rejected: sales got no answer
    h = np.flatnonzero(
        (res.last_hi_intent_day >= 0)
        & (out.converted < 0)
        & (out.disqualified < 0)
        & (u[:, 0] < 0.4)
    )
    at = (
        res.last_hi_intent_day[h].astype(np.int64) + 2 + (u[h, 1] * 8).astype(int)
    ) * SECONDS_PER_DAY + (u[h, 2] * SECONDS_PER_DAY).astype(np.int64)
    rows_lead.append(h), rows_at.append(at), rows_verdict.append(np.full(len(h), 2))
    rows_reason.append(400 + (u[h, 3] * len(vocab.NO_RESPONSE_REASONS)).astype(int))

    lead = np.concatenate(rows_lead)
    at = np.concatenate(rows_at)
    verdict = np.concatenate(rows_verdict)
    reason = np.concatenate(rows_reason)
    keep = at <= end_sec
    lead, at, verdict, reason = lead[keep], at[keep], verdict[keep], reason[keep]
    order = np.argsort(at, kind="stable")
    lead, at, verdict, reason = lead[order], at[order], verdict[order], reason[order]
    pools = {
        1: vocab.ACCEPT_REASONS,
        2: vocab.REJECT_REASONS_OTHER,
        3: vocab.REJECT_REASONS_JUNK,
        4: vocab.NO_RESPONSE_REASONS,
    }
    reasons = [pools[r // 100][r % 100] or None for r in reason.tolist()]
    owner = out.owner[lead]
    rep = np.where(owner >= 0, owner, rng.integers(0, len(reps.rep_id), size=len(lead)))
    return pa.Table.from_arrays(
        [
            lead_ids(p.lead_number[lead]),
            pa.array([reps.rep_id[r] for r in rep.tolist()], pa.string()),
            timestamps(epoch0, at),
            pa.array(
                [("accepted", "rejected", "no_response")[v] for v in verdict.tolist()], pa.string()
            ),
            pa.array(reasons, pa.string()),
        ],
        schema=SCHEMAS["lead_feedback"],
    )


# --- truth -----------------------------------------------------------------------------------


def truth_table(res: ChunkResult, p: Profiles, start: dt.date) -> pa.Table:
    epoch_days = (start - dt.date(1970, 1, 1)).days
    return pa.Table.from_arrays(
        [
            lead_ids(p.lead_number[res.truth_lead]),
            pa.array((epoch_days + res.truth_day).astype(np.int32), pa.date32()),
            pa.array(res.truth_probability.astype(np.float64), pa.float64()),
        ],
        schema=TRUTH_SCHEMA,
    )


def attributes_table(p: Profiles, accounts: Accounts) -> pa.Table:
    """The hidden persona of every lead (for checking title/company normalisation)."""
    return pa.Table.from_arrays(
        [
            lead_ids(p.lead_number),
            pa.array(
                [accounts.account_id[a] if a >= 0 else None for a in p.account.tolist()],
                pa.string(),
            ),
            pa.array([vocab.SENIORITIES[s][0] for s in p.seniority.tolist()], pa.string()),
            pa.array([vocab.FUNCTIONS[f][0] for f in p.function.tolist()], pa.string()),
            pa.array([vocab.SEGMENTS[s] for s in p.segment.tolist()], pa.string()),
            pa.array([vocab.REGIONS[r][0] for r in p.region.tolist()], pa.string()),
            pa.array([vocab.LEAD_SOURCES[s][0] for s in p.source.tolist()], pa.string()),
            pa.array(p.freemail, pa.bool_()),
            pa.array(p.junk, pa.bool_()),
            pa.array(p.competitor_employee, pa.bool_()),
            pa.array(p.fit.astype(np.float64), pa.float64()),
        ],
        schema=ATTRIBUTES_SCHEMA,
    )
