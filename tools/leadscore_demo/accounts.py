"""Companies (accounts) and sales reps of the demo CRM.

Both are generated once, before the leads, and held in memory (a quarter of a row per lead
for accounts, one per 500 leads for reps).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from leadscore_demo import vocab

SEGMENT_SMB, SEGMENT_MID, SEGMENT_ENT = 0, 1, 2


@dataclass(frozen=True)
class Accounts:
    """Accounts as parallel arrays (index = account number - 1)."""

    account_id: list[str]
    name: list[str]
    domain: list[str]
    industry: np.ndarray  # int8 index into vocab.INDUSTRIES
    employees: np.ndarray  # int64
    revenue: np.ndarray  # float64, nan = unknown
    country: np.ndarray  # int8 index into vocab.COUNTRIES
    region: np.ndarray  # int8 index into vocab.REGIONS
    segment: np.ndarray  # int8: 0 smb, 1 mid_market, 2 enterprise
    technologies: list[str | None]
    has_competitor: np.ndarray  # bool: uses a competitor's product (known to enrichment)
    fit: np.ndarray  # float32: industry + size + tech stack part of the hidden fit
    lead_cdf: np.ndarray  # float64 cumulative weights for drawing a lead's account

    def __len__(self) -> int:
        return len(self.account_id)


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Blue Harbor Müller' -> 'blueharbormuller'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def segment_of(employees: np.ndarray) -> np.ndarray:
    """smb below 200 employees, mid_market below 2,000, enterprise from 2,000."""
    return np.where(employees >= 2000, SEGMENT_ENT, np.where(employees >= 200, SEGMENT_MID, 0))


def _weights(values: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(values, dtype=np.float64)
    return w / w.sum()


def draw_countries(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw (region, country) indices with the regional mix of vocab.REGIONS."""
    region = rng.choice(len(vocab.REGIONS), size=n, p=_weights(tuple(r[1] for r in vocab.REGIONS)))
    country = np.zeros(n, dtype=np.int8)
    for r in range(len(vocab.REGIONS)):
        members = [i for i, c in enumerate(vocab.COUNTRIES) if c[1] == r]
        mask = region == r
        p = _weights(tuple(vocab.COUNTRIES[i][2] for i in members))
        country[mask] = np.asarray(members)[rng.choice(len(members), size=int(mask.sum()), p=p)]
    return region.astype(np.int8), country


def company_names(rng: np.random.Generator, industry: np.ndarray) -> tuple[list[str], list[str]]:
    """Distinct company names that fit their industry ('Blue Harbor Analytics') and slugs."""
    n = len(industry)
    n1, n2 = len(vocab.NAME_FIRST), len(vocab.NAME_SECOND)
    a = rng.integers(0, n1, size=n)
    b = rng.integers(0, n2, size=n)
    generic = rng.random(n) < 0.35
    third_u = rng.random(n)
    joined = rng.random(n) < 0.4
    names: list[str] = []
    seen: set[str] = set()
    for i in range(n):
        pool = vocab.NAME_THIRD_GENERIC if generic[i] else vocab.NAME_THIRD_BY_INDUSTRY[industry[i]]
        first, second = vocab.NAME_FIRST[a[i]], vocab.NAME_SECOND[b[i]]
        third = pool[int(third_u[i] * len(pool))]
        name = f"{first}{second.lower()} {third}" if joined[i] else f"{first} {second} {third}"
        k = 2
        while slug(name) in seen:  # rare: same words drawn twice
            name = f"{first} {second} {third} {k}"
            k += 1
        seen.add(slug(name))
        names.append(name)
    return names, [slug(x) for x in names]


def make_accounts(rng: np.random.Generator, n: int) -> Accounts:
    """Generate n accounts: skewed industries, lognormal sizes, revenue tied to size."""
    ind_p = _weights(tuple(i[1] for i in vocab.INDUSTRIES))
    industry = rng.choice(len(vocab.INDUSTRIES), size=n, p=ind_p).astype(np.int8)
    log_emp = rng.normal(4.0, 1.9, size=n)
    employees = np.clip(np.round(np.exp(log_emp)), 1, 400_000).astype(np.int64)
    rev_per_emp = np.asarray([i[3] for i in vocab.INDUSTRIES])[industry]
    revenue = np.round(employees * rev_per_emp * rng.lognormal(0.0, 0.5, size=n), -3)
    revenue = np.where(rng.random(n) < 0.12, np.nan, revenue)
    region, country = draw_countries(rng, n)
    segment = segment_of(employees).astype(np.int8)
    names, slugs = company_names(rng, industry)

    tld_roll = rng.random(n)
    domains = []
    for i in range(n):
        iso_tld = vocab.COUNTRIES[country[i]][5]
        if industry[i] == 0 and tld_roll[i] < 0.15:
            tld = "io"
        elif iso_tld != "com" and tld_roll[i] < 0.6:
            tld = iso_tld
        else:
            tld = "com"
        domains.append(f"{slugs[i]}.{tld}")

    # technology stack: adoption grows with size for most tools
    size_score = np.clip((np.log10(employees) - 1.0) / 3.0, 0.0, 1.0)
    techs = vocab.TECHNOLOGIES
    adopt = np.stack(
        [rng.random(n) < np.clip(t[2] + t[3] * size_score, 0.003, 0.95) for t in techs], axis=1
    )
    kinds = np.asarray([t[1] for t in techs])
    has_wh = adopt[:, kinds == "warehouse"].any(axis=1)
    has_partner = adopt[:, kinds == "partner"].any(axis=1)
    has_comp = adopt[:, kinds == "competitor"].any(axis=1)
    tech_known = rng.random(n) >= 0.18
    tech_strings: list[str | None] = []
    for i in range(n):
        if not tech_known[i] or not adopt[i].any():
            tech_strings.append(None)
        else:
            tech_strings.append(";".join(techs[j][0] for j in np.flatnonzero(adopt[i])))
    # the hidden fit only counts what a good enrichment tool would know
    wh = has_wh & tech_known
    partner = has_partner & tech_known
    comp = has_comp & tech_known

    industry_fit = np.asarray([i[2] for i in vocab.INDUSTRIES], dtype=np.float32)[industry]
    size_fit = np.asarray([-0.3, 0.3, 0.4], dtype=np.float32)[segment] - 0.8 * (employees < 10)
    tech_fit = 0.5 * wh + 0.3 * partner
    fit = (industry_fit + size_fit + tech_fit).astype(np.float32)  # competitors: see people

    lead_weights = employees.astype(np.float64) ** 0.55
    cdf = np.cumsum(lead_weights)
    cdf /= cdf[-1]
    return Accounts(
        account_id=[f"ACC-{i + 1:07d}" for i in range(n)],
        name=names,
        domain=domains,
        industry=industry,
        employees=employees,
        revenue=revenue,
        country=country,
        region=region,
        segment=segment,
        technologies=tech_strings,
        has_competitor=comp,
        fit=fit,
        lead_cdf=cdf,
    )


def accounts_table(rng: np.random.Generator, accounts: Accounts) -> pa.Table:
    """The accounts table as exported by a CRM (clean; dirt is added separately)."""
    n = len(accounts)
    legal = rng.random(n)
    names = []
    for i in range(n):
        suffix = vocab.COUNTRIES[accounts.country[i]][4]
        if legal[i] < 0.25:
            names.append(f"{accounts.name[i]} {suffix}")
        elif legal[i] < 0.32:
            names.append(f"{accounts.name[i]}, {suffix}.")
        else:
            names.append(accounts.name[i])
    spell = rng.random(n)
    countries = []
    for i in range(n):
        variants = vocab.COUNTRIES[accounts.country[i]][3]
        countries.append(None if spell[i] < 0.05 else variants[int(spell[i] * 97) % len(variants)])
    industry_names = [vocab.INDUSTRIES[j][0] for j in accounts.industry.tolist()]
    lower = rng.random(n) < 0.08
    industry_names = [s.lower() if lo else s for s, lo in zip(industry_names, lower, strict=True)]
    emp_missing = rng.random(n) < 0.05
    return pa.table(
        {
            "account_id": pa.array(accounts.account_id, pa.string()),
            "company_name": pa.array(names, pa.string()),
            "domain": pa.array(accounts.domain, pa.string()),
            "industry": pa.array(industry_names, pa.string()),
            "employee_count": pa.array(accounts.employees, pa.int64(), mask=emp_missing),
            "annual_revenue": pa.array(
                accounts.revenue, pa.float64(), mask=np.isnan(accounts.revenue)
            ),
            "country": pa.array(countries, pa.string()),
            "technologies": pa.array(accounts.technologies, pa.string()),
        }
    )


@dataclass(frozen=True)
class Reps:
    """Sales reps as parallel arrays."""

    rep_id: list[str]
    segment: np.ndarray  # int8
    region: np.ndarray  # int8
    table: pa.Table


def make_reps(rng: np.random.Generator, n: int) -> Reps:
    """n sales reps across segments and regions, capacity 3-15 leads/day, a few inactive."""
    segment = rng.choice(3, size=n, p=[0.5, 0.3, 0.2]).astype(np.int8)
    region = rng.choice(4, size=n, p=[0.45, 0.3, 0.1, 0.15]).astype(np.int8)
    # make sure every segment and region has someone (routing needs a home for every lead)
    for k in range(min(n, 12)):
        segment[k], region[k] = k % 3, k % 4
    cap_hi = np.asarray([16, 12, 8])[segment]
    capacity = rng.integers(3, cap_hi)
    active = rng.random(n) >= 0.06
    first = rng.integers(0, len(vocab.FIRST_NAMES), size=n)
    last = rng.integers(0, len(vocab.LAST_NAMES), size=n)
    names = [
        f"{vocab.FIRST_NAMES[f]} {vocab.LAST_NAMES[la]}" for f, la in zip(first, last, strict=True)
    ]
    emails = [
        f"{slug(vocab.FIRST_NAMES[f])}.{slug(vocab.LAST_NAMES[la])}@{vocab.VENDOR_DOMAIN}"
        for f, la in zip(first, last, strict=True)
    ]
    rep_ids = [f"REP-{i + 1:05d}" for i in range(n)]
    table = pa.table(
        {
            "rep_id": pa.array(rep_ids, pa.string()),
            "name": pa.array(names, pa.string()),
            "email": pa.array(emails, pa.string()),
            "segment": pa.array([vocab.SEGMENTS[s] for s in segment], pa.string()),
            "region": pa.array([vocab.REGIONS[r][0] for r in region], pa.string()),
            "daily_capacity": pa.array(capacity, pa.int64()),
            "is_active": pa.array(active, pa.bool_()),
        }
    )
    return Reps(rep_ids, segment, region, table)


def pick_reps(
    rng: np.random.Generator, reps: Reps, segment: np.ndarray, region: np.ndarray
) -> np.ndarray:
    """For each lead, a rep of its segment and region (else its segment, else anyone)."""
    n = len(segment)
    out = rng.integers(0, len(reps.rep_id), size=n)
    u = rng.random(n)
    for s in range(3):
        seg_members = np.flatnonzero(reps.segment == s)
        for r in range(4):
            mask = (segment == s) & (region == r)
            if not mask.any():
                continue
            members = np.flatnonzero((reps.segment == s) & (reps.region == r))
            if len(members) == 0:
                members = seg_members if len(seg_members) else np.arange(len(reps.rep_id))
            out[mask] = members[(u[mask] * len(members)).astype(np.int64)]
    return out
