"""Leads as people: persona, company, contact details and the hidden fit.

`make_profiles` draws everything about a lead that does not depend on its behaviour (the
simulation adds that); `lead_text` renders the messy text a CRM export holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadscore_demo import vocab
from leadscore_demo.accounts import Accounts, draw_countries, slug
from leadscore_demo.hazard import BASE_LOG_HAZARD, W_DOCS_TECHNICAL, WEBINAR_ENTERPRISE

SENIORITY = {name: i for i, (name, _) in enumerate(vocab.SENIORITIES)}
FUNCTION = {name: i for i, (name, *_rest) in enumerate(vocab.FUNCTIONS)}
STUDENT = SENIORITY["student"]
C_LEVEL = SENIORITY["c_level"]
SOURCE_FIRST_EVENT = tuple(s[4] for s in vocab.LEAD_SOURCES)

#: how strongly the persona / company / source fit moves the hazard (log units per unit)
FIT_SCALE = 0.6
JUNK_PENALTY = {"freemail": -2.0, "competitor_employee": -6.0, "competitor_stack": -3.0}

# first-event overrides for web form sources: some leads are born hand-raisers
HAND_RAISER_EVENTS = (("demo_request", 0.05), ("contact_sales", 0.025), ("trial_signup", 0.025))


@dataclass
class Profiles:
    """Static attributes of the leads of one chunk (sorted by creation time)."""

    lead_number: np.ndarray  # int64, 1-based global lead number
    created_sec: np.ndarray  # int64 seconds since the period start
    account: np.ndarray  # int64 account index, -1 = no account
    competitor_employee: np.ndarray  # bool: works for a competitor
    seniority: np.ndarray  # int8
    function: np.ndarray  # int8
    segment: np.ndarray  # int8
    region: np.ndarray  # int8
    country: np.ndarray  # int8
    freemail: np.ndarray  # bool
    source: np.ndarray  # int8 index into vocab.LEAD_SOURCES
    first_name: np.ndarray  # int16 index
    last_name: np.ndarray  # int16 index
    fit: np.ndarray  # float32 hidden fit (log-hazard units)
    interest: np.ndarray  # float32 drives latent intent escalation
    junk: np.ndarray  # bool: students, competitors, personal addresses without a company
    static_log_hazard: np.ndarray  # float32 intercept + fit
    docs_weight: np.ndarray  # float32
    webinar_weight: np.ndarray  # float32
    activity_mult: np.ndarray  # float32, from persona (all observable)
    lead_type: np.ndarray  # int8: technical + 2 * student + 4 * competitor employee
    tz_offset: np.ndarray  # int8 hours
    first_event: np.ndarray  # int8 behaviour category of the creating event, -1 none
    email_ok: np.ndarray  # bool: mailbox accepts mail
    malformed_email: np.ndarray  # bool: dirt, the address itself is broken
    opted_out_at_start: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.lead_number)


def _p(values: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(values, dtype=np.float64)
    return w / w.sum()


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] > cum).sum(axis=1)


def make_profiles(
    rng: np.random.Generator,
    lead_number: np.ndarray,
    created_sec: np.ndarray,
    accounts: Accounts,
    category_code: dict[str, int],
    dirt_rate: float,
) -> Profiles:
    """Draw persona, company and hidden fit for leads created at `created_sec` (sorted)."""
    n = len(lead_number)
    has_account = rng.random(n) < 0.84
    competitor_employee = ~has_account & (rng.random(n) < 0.03)
    account = np.where(
        has_account, np.searchsorted(accounts.lead_cdf, rng.random(n), side="right"), -1
    )
    account = np.minimum(account, len(accounts) - 1)
    acc = np.maximum(account, 0)
    segment = np.where(has_account, accounts.segment[acc], 0).astype(np.int8)
    free_region, free_country = draw_countries(rng, n)
    region = np.where(has_account, accounts.region[acc], free_region).astype(np.int8)
    country = np.where(has_account, accounts.country[acc], free_country).astype(np.int8)

    sen_acc = np.asarray(vocab.SENIORITY_FREQ_BY_SEGMENT)[segment]
    sen_acc = np.concatenate([sen_acc * 0.97, np.full((n, 1), 0.03)], axis=1)
    sen_free = np.broadcast_to(_p((0.15, 0.03, 0.05, 0.12, 0.30, 0.35)), (n, 6))
    seniority = _categorical(rng, np.where(has_account[:, None], sen_acc, sen_free))
    seniority = np.where(competitor_employee, SENIORITY["manager"], seniority).astype(np.int8)
    func_p = _p(tuple(f[1] for f in vocab.FUNCTIONS))
    function = rng.choice(len(vocab.FUNCTIONS), size=n, p=func_p)
    exec_roll = rng.random(n)
    function = np.where((seniority == C_LEVEL) & (exec_roll < 0.4), FUNCTION["executive"], function)
    function = function.astype(np.int8)

    student = seniority == STUDENT
    free_p = np.where(has_account, np.where(student, 0.3, 0.08), 0.85)
    free_p = np.where((seniority == C_LEVEL) & (segment == 0) & has_account, 0.2, free_p)
    freemail = (rng.random(n) < free_p) & ~competitor_employee

    source = rng.choice(
        len(vocab.LEAD_SOURCES), size=n, p=_p(tuple(s[1] for s in vocab.LEAD_SOURCES))
    ).astype(np.int8)

    sen_fit = np.asarray([s[1] for s in vocab.SENIORITIES], dtype=np.float32)[seniority, segment]
    func_fit = np.asarray([f[2] for f in vocab.FUNCTIONS], dtype=np.float32)[function]
    region_fit = np.asarray([r[2] for r in vocab.REGIONS], dtype=np.float32)[region]
    source_fit = np.asarray([s[2] for s in vocab.LEAD_SOURCES], dtype=np.float32)[source]
    account_fit = np.where(has_account, accounts.fit[acc], -0.7)
    interest = account_fit + np.where(student, 0.0, sen_fit) + func_fit + region_fit + source_fit
    competitor_stack = has_account & accounts.has_competitor[acc]
    # the leads that (almost) never buy: students, competitors' staff, companies that use a
    # competitor, personal e-mail addresses
    never = (
        np.where(student, sen_fit, 0.0)
        + JUNK_PENALTY["freemail"] * freemail
        + JUNK_PENALTY["competitor_employee"] * competitor_employee
        + JUNK_PENALTY["competitor_stack"] * competitor_stack
    )
    fit = FIT_SCALE * interest + never
    junk = student | competitor_employee | (~has_account & freemail)

    technical = np.asarray([f[3] for f in vocab.FUNCTIONS])[function]
    docs_weight = np.where(technical & (segment >= 1), W_DOCS_TECHNICAL, 0.0)
    webinar_weight = np.where(segment == 2, WEBINAR_ENTERPRISE, 0.0)
    lead_type = technical.astype(np.int8) + 2 * student + 4 * competitor_employee

    # how active a lead is follows from who it is: good fits engage more
    activity_mult = np.exp(0.2 * np.clip(interest, -2.0, 2.0))
    activity_mult *= np.where(student, 1.2, 1.0) * np.where(competitor_employee, 1.3, 1.0)
    activity_mult *= np.where(competitor_stack, 1.1, 1.0)
    tz_offset = np.asarray([r[3] for r in vocab.REGIONS], dtype=np.int8)[region]

    first_event = np.asarray(
        [category_code[e] if e else -1 for e in SOURCE_FIRST_EVENT], dtype=np.int8
    )[source]
    roll = rng.random(n)
    lo = 0.0
    form = first_event == category_code["form_submit"]
    for event, share in HAND_RAISER_EVENTS:
        hit = form & (roll >= lo) & (roll < lo + share)
        first_event = np.where(hit, category_code[event], first_event).astype(np.int8)
        lo += share

    malformed = rng.random(n) < 0.15 * dirt_rate
    email_ok = ~malformed & (rng.random(n) >= 0.015)
    return Profiles(
        lead_number=lead_number.astype(np.int64),
        created_sec=created_sec.astype(np.int64),
        account=account.astype(np.int64),
        competitor_employee=competitor_employee,
        seniority=seniority,
        function=function,
        segment=segment,
        region=region,
        country=country,
        freemail=freemail,
        source=source,
        first_name=rng.integers(0, len(vocab.FIRST_NAMES), size=n).astype(np.int16),
        last_name=rng.integers(0, len(vocab.LAST_NAMES), size=n).astype(np.int16),
        fit=fit.astype(np.float32),
        interest=interest.astype(np.float32),
        junk=junk,
        static_log_hazard=(BASE_LOG_HAZARD + fit).astype(np.float32),
        docs_weight=docs_weight.astype(np.float32),
        webinar_weight=webinar_weight.astype(np.float32),
        activity_mult=activity_mult.astype(np.float32),
        lead_type=lead_type.astype(np.int8),
        tz_offset=tz_offset,
        first_event=first_event,
        email_ok=email_ok,
        malformed_email=malformed,
        opted_out_at_start=rng.random(n) < 0.015,
    )


# --- text ---------------------------------------------------------------------------------

FIRST_ASCII = tuple(slug(x) for x in vocab.FIRST_NAMES)
LAST_ASCII = tuple(slug(x) for x in vocab.LAST_NAMES)


def _typo(text: str, u: float) -> str:
    """Swap two neighbouring letters or drop one (position from u)."""
    if len(text) < 4:
        return text
    i = 1 + int(u * (len(text) - 2))
    if u < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def job_title(seniority: int, function: int, u: np.ndarray) -> str | None:
    """A free-text job title for a persona; u holds 5 uniform numbers."""
    fname = vocab.FUNCTIONS[function][0]
    sname = vocab.SENIORITIES[seniority][0]
    if u[0] < 0.03:
        return None
    if u[0] < 0.05:
        return ""
    if sname == "student":
        options: tuple[str, ...] = vocab.STUDENT_TITLES
        title = options[int(u[1] * len(options))]
    elif sname == "c_level":
        options = vocab.C_LEVEL_TITLES[fname]
        title = options[int(u[1] * len(options))]
    elif sname == "individual":
        options = vocab.INDIVIDUAL_TITLES[fname]
        title = options[int(u[1] * len(options))]
    else:
        patterns = {
            "vp": vocab.VP_PATTERNS,
            "director": vocab.DIRECTOR_PATTERNS,
            "manager": vocab.MANAGER_PATTERNS,
        }[sname]
        nouns = vocab.FUNCTION_NOUNS[fname]
        noun = nouns[int(u[2] * len(nouns))]
        title = patterns[int(u[1] * len(patterns))].format(f=noun, fl=noun.lower()[:4].strip())
    if u[3] < 0.02:
        title = _typo(title, u[4])
    elif u[3] < 0.07:
        title = title.lower()
    elif u[3] < 0.09:
        title = title.upper()
    return title


def company_variant(name: str, legal: str, u: float) -> str | None:
    """How a person types their company: 'Acme, Inc.', 'ACME Inc', 'acme', ..."""
    if u < 0.52:
        return name
    if u < 0.60:
        return f"{name}, {legal}."
    if u < 0.66:
        return f"{name} {legal}"
    if u < 0.73:
        return name.lower()
    if u < 0.76:
        return name.upper()
    if u < 0.79:
        return f"{name} Corporation" if legal == "Inc" else f"{name} Group"
    if u < 0.84:
        return name.rsplit(" ", 1)[0] if " " in name else name
    return None


def lead_text(
    rng: np.random.Generator, p: Profiles, accounts: Accounts
) -> dict[str, list[str | None]]:
    """Email, names, title, company, country and source as typed into forms."""
    n = len(p)
    u = rng.random((n, 17))
    free_domains = [d for d, _ in vocab.FREE_MAIL]
    free_cdf = np.cumsum(_p(tuple(w for _, w in vocab.FREE_MAIL)))
    out: dict[str, list[str | None]] = {
        k: []
        for k in (
            "email",
            "first_name",
            "last_name",
            "job_title",
            "company_name",
            "country",
            "lead_source",
        )
    }
    for i in range(n):
        ui = u[i]
        first, last = vocab.FIRST_NAMES[p.first_name[i]], vocab.LAST_NAMES[p.last_name[i]]
        fa, la = FIRST_ASCII[p.first_name[i]], LAST_ASCII[p.last_name[i]]
        a = int(p.account[i])
        legal = vocab.COUNTRIES[p.country[i]][4]
        # company
        if a >= 0:
            company = company_variant(accounts.name[a], legal, float(ui[0]))
            domain = accounts.domain[a]
        elif p.competitor_employee[i]:
            company = ("CompetitorX", "CompetitorX Inc", "Madkudu", "6sense")[int(ui[0] * 4)]
            domain = slug(company.replace(" Inc", "")) + ".com"
        elif p.seniority[i] == STUDENT and ui[0] < 0.6:
            company = vocab.UNIVERSITIES[int(ui[1] * len(vocab.UNIVERSITIES))]
            domain = None
        elif ui[0] < 0.35:
            company = vocab.INDIVIDUAL_COMPANIES[int(ui[1] * len(vocab.INDIVIDUAL_COMPANIES))]
            domain = None
        elif ui[0] < 0.65:
            company = f"{last} {('Consulting', 'Studio', 'Design', 'Services')[int(ui[1] * 4)]}"
            domain = None
        else:
            company = None
            domain = None
        # email
        if p.freemail[i] or domain is None:
            fd = free_domains[int(np.searchsorted(free_cdf, ui[2]))]
            local = (f"{fa}.{la}", f"{fa}{la}{int(ui[3] * 99)}", f"{fa[0]}{la}", f"{fa}_{la}")[
                int(ui[4] * 4)
            ]
            email = f"{local}@{fd}"
        else:
            local = (f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}", f"{fa}_{la}", f"{fa}.{la}")[
                int(ui[4] * 5)
            ]
            email = f"{local}@{domain}"
        if p.malformed_email[i]:
            d = domain or "gmail.com"
            patterns = vocab.MALFORMED_EMAIL_PATTERNS
            pattern = patterns[int(ui[5] * len(patterns))]
            email = pattern.format(first=fa, last=la, domain=d, domain_nodot=d.replace(".", ""))
        elif ui[5] < 0.03:
            email = email.capitalize()  # people type capitals; CRMs keep them
        out["email"].append(email)
        out["first_name"].append(first.upper() if ui[6] < 0.02 else first)
        out["last_name"].append(None if ui[6] > 0.96 else last)
        out["job_title"].append(job_title(int(p.seniority[i]), int(p.function[i]), u[i, 12:17]))
        out["company_name"].append(company)
        variants = vocab.COUNTRIES[p.country[i]][3]
        out["country"].append(None if ui[8] < 0.12 else variants[int(ui[9] * len(variants))])
        src = vocab.LEAD_SOURCES[p.source[i]][3]
        out["lead_source"].append(None if ui[10] < 0.04 else src[int(ui[11] * len(src))])
    return out
