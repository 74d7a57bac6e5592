"""Random CRM worlds in the shape of the input contract (shared/CONTRACT.md), written from
scratch for the contract fuzzer: none of this comes from leadscore_demo, so the project meets
data it did not generate.

A world is a seeded `Variant` (what is dropped, shrunk or shifted) turned into files, plus
the truth the fuzzer checks the build against: the raw row count of every table and the
clean leads (id, created, converted, disqualified) the export holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

TABLES = ["leads", "accounts", "activities", "opportunities", "sales_reps", "lead_feedback"]
OPTIONAL_TABLES = TABLES[1:]

KINDS = [
    "page_view",
    "email_delivered",
    "email_open",
    "email_click",
    "email_reply",
    "email_bounce",
    "email_unsubscribe",
    "form_submit",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "video_view",
    "demo_request",
    "contact_sales",
    "trial_signup",
    "social_engagement",
    "meeting_booked",
]
#: Kinds that make a lead more likely to convert in these worlds.
HOT_KINDS = {"email_reply", "form_submit", "meeting_booked", "demo_request", "contact_sales"}

OPTIONAL_LEAD_COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "account_id",
    "country",
    "lead_source",
    "updated_at",
    "disqualified_at",
    "email_opt_out",
    "owner_id",
]

TITLES = [
    "CEO",
    "Chief Technology Officer",
    "VP Sales",
    "Sr. VP, Engineering",
    "Head of Marketing",
    "Marketing Manager",
    "Data Engineer",
    "software developer",
    "Intern",
    "Director of Operations",
    "Procurement Specialist",
    "N/A",
    "Select",
    "-",
]
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
COMPANY_SUFFIXES = [", Inc.", " GmbH", " Ltd", " LLC", " S.A.", "", " Corp"]
COUNTRIES = [
    "United States",
    "us",
    "USA",
    "Germany",
    "DE",
    "de",
    "france",
    "FR",
    "Brazil",
    "BR",
    "India",
    "in",
    "United Kingdom",
    "GB",
    "N/A",
    "Select",
]
SOURCES = ["Paid Search", "webinar", "Organic", "referral", "Trade Show", "Cold List", "Select"]
INDUSTRIES = ["Software", "Retail", "Manufacturing", "Healthcare", "Finance", "N/A"]
TECHNOLOGIES = ["Salesforce", "Snowflake", "HubSpot", "Marketo", "AWS", "dbt"]
URLS = ["/pricing", "/product/features", "/blog/post-1", "/docs/start", "/careers", "/", "/compare"]
SEGMENTS = ["smb", "mid_market", "enterprise"]


@dataclass
class Variant:
    """What the fuzzer varies; `describe()` is printed with the seed on failure."""

    seed: int
    n_leads: int = 300
    drop_tables: tuple[str, ...] = ()
    drop_lead_columns: tuple[str, ...] = ()
    kinds: tuple[str, ...] = tuple(KINDS)
    no_conversions: bool = False
    shift_days: int = 0
    one_source: bool = False
    file_format: str = "csv"
    custom_properties: bool = False

    def describe(self) -> str:
        parts = [f"seed={self.seed}", f"leads={self.n_leads}", self.file_format]
        if self.drop_tables:
            parts.append("no " + "/".join(self.drop_tables))
        if self.drop_lead_columns:
            parts.append("leads without " + ",".join(self.drop_lead_columns))
        if len(self.kinds) < len(KINDS):
            parts.append("kinds only " + ",".join(self.kinds))
        if self.no_conversions:
            parts.append("no conversions")
        if self.shift_days:
            parts.append(f"dates shifted {self.shift_days:+d} days")
        if self.one_source:
            parts.append("one lead_source")
        if self.custom_properties:
            parts.append("custom properties")
        return "; ".join(parts)


@dataclass
class World:
    folder: Path
    variant: Variant
    #: rows written per contract table (absent tables: 0)
    raw_rows: dict[str, int] = field(default_factory=dict)
    #: one row per clean lead: lead_id, created_at, converted_at, disqualified_at
    leads: pl.DataFrame | None = None
    custom_properties: list[dict] = field(default_factory=list)


def random_variant(seed: int, index: int) -> Variant:
    """Variant `index` of a run: the first few cover each axis once, the rest mix them."""
    rng = np.random.default_rng([seed, index])
    v = Variant(seed=int(rng.integers(0, 2**31)))
    fixed = [
        lambda: setattr(v, "drop_tables", tuple(OPTIONAL_TABLES)),  # leads-only export
        lambda: setattr(v, "drop_tables", ("activities",)),
        lambda: setattr(v, "drop_tables", ("accounts",)),
        lambda: setattr(v, "drop_tables", ("opportunities",)),
        lambda: setattr(v, "drop_tables", ("sales_reps",)),
        lambda: setattr(v, "drop_tables", ("lead_feedback",)),
        lambda: setattr(v, "kinds", ("page_view",)),
        lambda: setattr(
            v,
            "kinds",
            tuple(k for k in KINDS if k not in {"email_reply", "form_submit", "meeting_booked"}),
        ),
        lambda: setattr(v, "no_conversions", True),
        lambda: setattr(v, "n_leads", 30),
        lambda: setattr(v, "shift_days", -3 * 365),
        lambda: setattr(v, "shift_days", 400),
        lambda: setattr(v, "one_source", True),
        lambda: setattr(v, "file_format", "parquet"),
        lambda: setattr(v, "custom_properties", True),
        lambda: setattr(v, "drop_lead_columns", tuple(OPTIONAL_LEAD_COLUMNS)),
    ]
    if index < len(fixed):
        fixed[index]()
        return v
    if rng.random() < 0.3:
        k = int(rng.integers(1, len(OPTIONAL_TABLES) + 1))
        v.drop_tables = tuple(sorted(rng.choice(OPTIONAL_TABLES, k, replace=False)))
    if rng.random() < 0.3:
        k = int(rng.integers(1, len(OPTIONAL_LEAD_COLUMNS) + 1))
        v.drop_lead_columns = tuple(sorted(rng.choice(OPTIONAL_LEAD_COLUMNS, k, replace=False)))
    if rng.random() < 0.3:
        k = int(rng.integers(1, 6))
        v.kinds = tuple(sorted(rng.choice(KINDS, k, replace=False)))
    v.no_conversions = bool(rng.random() < 0.15)
    v.n_leads = int(rng.choice([25, 60, 150, 300, 500]))
    v.shift_days = int(rng.choice([0, 0, 0, -2 * 365, -5 * 365, 200, 500]))
    v.one_source = bool(rng.random() < 0.2)
    v.file_format = str(rng.choice(["csv", "parquet"]))
    v.custom_properties = bool(rng.random() < 0.4)
    return v


def _ts(values: list[dt.datetime | None]) -> list[str | None]:
    return [None if v is None else v.strftime("%Y-%m-%d %H:%M:%S") for v in values]


def write_world(folder: Path, v: Variant, today: dt.datetime | None = None) -> World:
    """Write the variant's world into `folder` and return the truth about it."""
    rng = np.random.default_rng(v.seed)
    today = today or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    n = v.n_leads
    # ~2 years of history ending a few days before today, then shifted
    end = today - dt.timedelta(days=3) + dt.timedelta(days=v.shift_days)
    start = end - dt.timedelta(days=730)

    def at(days: float) -> dt.datetime:
        return start + dt.timedelta(days=float(days))

    lead_ids = [f"L{v.seed % 1000:03d}-{i:05d}" for i in range(n)]
    created_days = np.sort(rng.uniform(0, 720, n))
    created = [at(d).replace(microsecond=0) for d in created_days]
    heat = rng.normal(0, 1, n)  # drives activity and conversion

    # activities: more for hot leads, hot kinds for hot leads
    kinds = list(v.kinds)
    hot = [k for k in kinds if k in HOT_KINDS]
    act_rows = []
    for i in range(n):
        count = int(rng.poisson(np.exp(1.2 + 0.6 * heat[i])))
        for _ in range(count):
            kind = (
                str(rng.choice(hot))
                if hot and rng.random() < 0.1 + 0.15 * (heat[i] > 0.5)
                else str(rng.choice(kinds))
            )
            when = created[i] + dt.timedelta(days=float(rng.exponential(40)))
            if when > at(730):
                continue
            act_rows.append((lead_ids[i], when.replace(microsecond=0), kind))
    engagement = np.zeros(n)
    index_of = {lid: i for i, lid in enumerate(lead_ids)}
    for lid, _, kind in act_rows:
        engagement[index_of[lid]] += 2.0 if kind in HOT_KINDS else 0.3
    logit = -2.2 + 0.8 * heat + 0.15 * np.minimum(engagement, 10)
    converts = rng.random(n) < 1 / (1 + np.exp(-logit))
    if v.no_conversions:
        converts[:] = False
    converted = [
        (created[i] + dt.timedelta(days=float(rng.exponential(45)))).replace(microsecond=0)
        if converts[i]
        else None
        for i in range(n)
    ]
    converted = [c if c is None or c <= at(730) else None for c in converted]
    disq = [
        (created[i] + dt.timedelta(days=float(rng.uniform(5, 120)))).replace(microsecond=0)
        if converted[i] is None and rng.random() < 0.08
        else None
        for i in range(n)
    ]
    disq = [d if d is None or d <= at(730) else None for d in disq]

    n_accounts = max(3, n // 6)
    account_ids = [f"A{i:04d}" for i in range(n_accounts)]
    lead_account = rng.integers(0, n_accounts, n)
    company_names = [
        str(rng.choice(COMPANY_WORDS)) + f" {i}" + str(rng.choice(COMPANY_SUFFIXES))
        for i in range(n_accounts)
    ]
    rep_ids = [f"R{i:02d}" for i in range(4)]
    sources = rng.choice(SOURCES, n)
    if v.one_source:
        sources[:] = "webinar"
    leads = pl.DataFrame(
        {
            "lead_id": lead_ids,
            "email": [
                f"p{i}@{company_names[lead_account[i]].split()[0].lower()}.com"
                if rng.random() > 0.1
                else str(rng.choice(["not-an-email", "N/A", "x@gmail.com"]))
                for i in range(n)
            ],
            "first_name": rng.choice(["Ann", "Bo", "Chen", "Dara", "Eli", "N/A"], n),
            "last_name": rng.choice(["Smith", "Ito", "Okafor", "Silva", "Müller"], n),
            "job_title": rng.choice(TITLES, n),
            "company_name": [company_names[a] for a in lead_account],
            "account_id": [account_ids[a] if rng.random() > 0.2 else None for a in lead_account],
            "country": rng.choice(COUNTRIES, n),
            "lead_source": sources,
            "created_at": _ts(created),
            "updated_at": _ts(
                [max(x for x in (created[i], converted[i], disq[i]) if x) for i in range(n)]
            ),
            "converted_at": _ts(converted),
            "disqualified_at": _ts(disq),
            "email_opt_out": [str(b).lower() for b in rng.random(n) < 0.05],
            "owner_id": [
                str(rng.choice(rep_ids)) if rng.random() < 0.3 else None for _ in lead_ids
            ],
        }
    )
    truth = pl.DataFrame(
        {
            "lead_id": lead_ids,
            "created_at": created,
            "converted_at": converted,
            "disqualified_at": disq,
        },
        schema={
            "lead_id": pl.String,
            "created_at": pl.Datetime("us"),
            "converted_at": pl.Datetime("us"),
            "disqualified_at": pl.Datetime("us"),
        },
    )
    custom: list[dict] = []
    if v.custom_properties:
        leads = leads.with_columns(
            pl.Series("Plan Tier", rng.choice(["free", "pro", "N/A", "enterprise"], n)),
            pl.Series("seats", np.round(np.exp(rng.normal(2 + 0.5 * heat, 1)), 0)),
        )
        custom = [
            {"name": "Plan Tier", "type": "categorical"},
            {"name": "seats", "type": "numeric"},
        ]
    leads = leads.drop(list(v.drop_lead_columns))
    # dirt: exact re-exports of some leads, rows without a key
    dup = leads.sample(max(1, n // 20), seed=v.seed % 2**32)
    keyless = leads.head(2).with_columns(pl.lit(None, pl.String).alias("lead_id"))
    leads = pl.concat([leads, dup, keyless]).sample(fraction=1.0, shuffle=True, seed=v.seed % 2**32)

    activities = pl.DataFrame(
        {
            "activity_id": [f"E{i:07d}" for i in range(len(act_rows))],
            "lead_id": [r[0] for r in act_rows],
            "occurred_at": _ts([r[1] for r in act_rows]),
            "activity_type": [r[2] for r in act_rows],
        },
        schema={
            "activity_id": pl.String,
            "lead_id": pl.String,
            "occurred_at": pl.String,
            "activity_type": pl.String,
        },
    )
    m = activities.height
    activities = activities.with_columns(
        pl.Series(
            "url",
            [str(rng.choice(URLS)) if rng.random() < 0.7 else None for _ in range(m)],
            pl.String,
        ),
        pl.Series("device_type", rng.choice(["desktop", "mobile", "tablet", "N/A"], m), pl.String),
        pl.Series("campaign", rng.choice(["spring_launch", "Select", "webinar_q3"], m), pl.String),
    )
    if m:
        # dirt: repeated events, unknown leads, unknown activity types
        mid = _ts([at(400)])[0]
        extra = pl.DataFrame(
            {
                "activity_id": ["X1", "X2", "X3"],
                "lead_id": ["NO-SUCH-LEAD", "NO-SUCH-LEAD", lead_ids[0]],
                "occurred_at": [mid, mid, _ts([created[0] + dt.timedelta(hours=1)])[0]],
                "activity_type": [kinds[0], "fax_received", "Carrier Pigeon"],
                "url": [None, None, None],
                "device_type": [None, None, None],
                "campaign": ["N/A", None, None],
            },
            schema=activities.schema,
        )
        activities = pl.concat([activities, activities.head(3), extra])

    accounts = pl.DataFrame(
        {
            "account_id": [*account_ids, account_ids[0]],
            "company_name": [*company_names, company_names[0]],
            "domain": [f"{c.split()[0].lower()}.com" for c in company_names] + [None],
            "industry": [str(rng.choice(INDUSTRIES)) for _ in range(n_accounts + 1)],
            "employee_count": [str(int(rng.lognormal(4, 1.5))) for _ in range(n_accounts + 1)],
            "annual_revenue": [f"{rng.lognormal(15, 1):.2f}" for _ in range(n_accounts + 1)],
            "country": [str(rng.choice(COUNTRIES)) for _ in range(n_accounts + 1)],
            "technologies": [
                ";".join(rng.choice(TECHNOLOGIES, int(rng.integers(0, 4)), replace=False))
                for _ in range(n_accounts + 1)
            ],
        }
    )
    won = [i for i in range(n) if converted[i] is not None]
    opportunities = pl.DataFrame(
        {
            "opportunity_id": [f"O{i:05d}" for i in won],
            "lead_id": [lead_ids[i] for i in won],
            "account_id": [account_ids[lead_account[i]] for i in won],
            "created_at": _ts([converted[i] for i in won]),
            "closed_at": _ts([converted[i] + dt.timedelta(days=30) for i in won]),
            "is_won": [str(b).lower() for b in rng.random(len(won)) < 0.5],
            "amount": [f"{rng.lognormal(9, 1):.2f}" for _ in won],
        },
        schema={
            c: pl.String
            for c in [
                "opportunity_id",
                "lead_id",
                "account_id",
                "created_at",
                "closed_at",
                "is_won",
                "amount",
            ]
        },
    )
    sales_reps = pl.DataFrame(
        {
            "rep_id": rep_ids,
            "name": ["Ana", "Ben", "Cy", "Di"],
            "email": [f"{r.lower()}@us.com" for r in rep_ids],
            "segment": [SEGMENTS[i % 3] for i in range(4)],
            "region": ["United States", "Germany", "N/A", "Brazil"],
            "daily_capacity": ["5", "3", "10", ""],
            "is_active": ["true", "true", "false", "true"],
        }
    )
    fb = [i for i in range(n) if rng.random() < 0.1]
    lead_feedback = pl.DataFrame(
        {
            "lead_id": [lead_ids[i] for i in fb],
            "rep_id": [str(rng.choice(rep_ids)) for _ in fb],
            "given_at": _ts([created[i] + dt.timedelta(days=3) for i in fb]),
            "verdict": [
                str(rng.choice(["accepted", "rejected", "no_response", "Select"])) for _ in fb
            ],
            "reason": [None for _ in fb],
        },
        schema={c: pl.String for c in ["lead_id", "rep_id", "given_at", "verdict", "reason"]},
    )
    frames = {
        "leads": leads,
        "accounts": accounts,
        "activities": activities,
        "opportunities": opportunities,
        "sales_reps": sales_reps,
        "lead_feedback": lead_feedback,
    }
    folder.mkdir(parents=True, exist_ok=True)
    world = World(folder=folder, variant=v, leads=truth, custom_properties=custom)
    for name, frame in frames.items():
        if name in v.drop_tables:
            world.raw_rows[name] = 0
            continue
        if v.file_format == "parquet":
            frame.write_parquet(folder / f"{name}.parquet")
        else:
            frame.write_csv(folder / f"{name}.csv")
        world.raw_rows[name] = frame.height
    return world
