"""Count the model reasons in ``marts.lead_scores`` that a sales rep would laugh at (issue 11).

Reads only the text of ``reason_1..3`` (and ``score``), so it judges what a rep sees, whatever
produced it. Each lead is checked against the issue's categories, by pattern:

* ``negative_as_plus``: a negative signal shown as a plus (bounce, unsubscribe, free mail,
  competitor, rejection, inactivity, student, careers page);
* ``contradiction``: two reasons about the same behaviour with opposite signs;
* ``absence_as_plus``: "+ Never ...", "+ No ...", "+ ...: 0";
* ``unknown_as_evidence``: "unknown" or a missing value as a reason;
* ``raw_names_or_codes``: raw column names ("N email delivered 90d", "Days since last ..."),
  snake_case codes ("c_level") or lower-case codes after a label ("Seniority: vp");
* ``high_score_all_negative``: score >= 80 and every reason negative.

Point 2 of the issue also wants day counts in stable buckets; ``exact_day_count`` ("16 days
ago", "for 120 days") and ``same_behaviour_twice`` (two reasons about one behaviour, same sign)
are counted too but are not in the "absurd" total.

Usage (the warehouse of a built project)::

    python bench/audit_reasons.py warehouse/r.duckdb [--samples 20]
"""

from __future__ import annotations

import argparse
import re
import sys

import duckdb
import polars as pl

PLUS = "+"
MINUS = "\u2212"

ABSURD = (
    "negative_as_plus",
    "contradiction",
    "absence_as_plus",
    "unknown_as_evidence",
    "raw_names_or_codes",
    "high_score_all_negative",
)
OTHER = ("exact_day_count", "same_behaviour_twice")

_NEGATIVE = re.compile(
    r"bounce|unsubscri|free-?mail|competitor|rejected|inactive|no activity|no recorded activity"
    r"|student|job.?seeker|careers",
    re.IGNORECASE,
)
_ABSENCE = re.compile(r"^\+ (never|no|not|none|without|zero)\b|: 0%?$", re.IGNORECASE)
_UNKNOWN = re.compile(r"\bunknown\b|\bmissing\b|: none\b|\bnan\b|\bnull\b", re.IGNORECASE)
_RAW = re.compile(
    r"[a-z0-9]+_[a-z0-9]+"  # snake_case
    r"|\b\d+d\b"  # window suffix of a column name: 90d
    r"|^[+\u2212] (n|days since|max|is|has|was|avg|pct) [a-z]"  # humanized column name
    r"|: [a-z][a-z0-9 ]*$",  # lower-case code after a label: "Seniority: vp"
)
_DAYS = re.compile(r"\b\d+ days? ago\b|\bfor \d+ days\b", re.IGNORECASE)

#: Behaviour of a reason, from its words (first match wins).
_BEHAVIOURS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("demo_request", r"demo"),
        ("contact_sales", r"contact(ed)?[- ]sales"),
        ("trial_signup", r"trial"),
        ("meeting_booked", r"meeting"),
        ("webinar_attended", r"webinars? attended|attended a webinar"),
        ("webinar_registered", r"webinar registration|registered for a webinar"),
        ("pricing_view", r"pricing"),
        ("product_view", r"product[- ]page"),
        ("comparison_view", r"comparison"),
        ("docs_view", r"\bdocs\b"),
        ("blog_view", r"\bblog\b"),
        ("careers_view", r"careers"),
        ("email_bounce", r"bounce"),
        ("email_unsubscribe", r"unsubscri|subscribed"),
        ("email_reply", r"repl(y|ied|ies)"),
        ("email_click", r"email click|clicked an email|click rate|clicks? on"),
        ("email_open", r"email open|opened an email|open rate|opens? "),
        ("email_delivered", r"delivered|emails? sent"),
        ("form_submit", r"\bform"),
        ("content_download", r"download"),
        ("video_view", r"video"),
        ("social_engagement", r"social"),
        ("page_view", r"page view|visited the website|website visit"),
        ("device", r"on mobile"),
        ("time_of_day", r"in the evening"),
        ("activity", r"activ|engage"),
        ("company_size", r"company size|employees"),
        ("industry", r"industry"),
    )
)


def behaviour(reason: str) -> str | None:
    """The behaviour a reason talks about, from its words (None: not a behaviour we track)."""
    for name, pattern in _BEHAVIOURS:
        if pattern.search(reason):
            return name
    return None


def problems(score: int | None, reasons: list[str | None]) -> set[str]:
    """The categories (``ABSURD`` and ``OTHER``) one lead's reasons fall into."""
    shown = [r for r in reasons if r]
    found: set[str] = set()
    signs: dict[str, set[str]] = {}
    for r in shown:
        sign = r[:1]
        if sign == PLUS and _NEGATIVE.search(r):
            found.add("negative_as_plus")
        if _ABSENCE.search(r) and sign == PLUS:
            found.add("absence_as_plus")
        if _UNKNOWN.search(r):
            found.add("unknown_as_evidence")
        if _RAW.search(r):
            found.add("raw_names_or_codes")
        if _DAYS.search(r):
            found.add("exact_day_count")
        b = behaviour(r)
        if b is not None:
            if b in signs and sign in signs[b]:
                found.add("same_behaviour_twice")
            signs.setdefault(b, set()).add(sign)
    if any(len(s) > 1 for s in signs.values()):
        found.add("contradiction")
    if score is not None and score >= 80 and shown and all(r[:1] == MINUS for r in shown):
        found.add("high_score_all_negative")
    return found


def audit(scores: pl.DataFrame) -> pl.DataFrame:
    """One row per lead of ``scores`` (lead_id, score, reason_1..3) with a flag per category."""
    rows = []
    for lead_id, score, r1, r2, r3 in scores.select(
        "lead_id", "score", "reason_1", "reason_2", "reason_3"
    ).iter_rows():
        found = problems(score, [r1, r2, r3])
        rows.append({"lead_id": lead_id, **{c: c in found for c in ABSURD + OTHER}})
    flags = pl.DataFrame(
        rows, schema={"lead_id": pl.String, **dict.fromkeys(ABSURD + OTHER, pl.Boolean)}
    )
    return flags.with_columns(
        pl.any_horizontal(ABSURD).alias("any_absurd"),
        pl.any_horizontal(ABSURD + OTHER).alias("any_point_2"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="DuckDB file of a built project")
    parser.add_argument("--samples", type=int, default=0, help="random reasons per tier")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    with duckdb.connect(args.database, read_only=True) as con:
        scores = con.sql(
            "select lead_id, score, tier, reason_1, reason_2, reason_3 from marts.lead_scores "
            "where scoring_method = 'model'"
        ).pl()
    if scores.is_empty():
        print("no model-scored leads")
        return 1
    flags = audit(scores)
    n = flags.height
    print(f"{n} model-scored leads")
    for column in (*ABSURD, "any_absurd", *OTHER, "any_point_2"):
        k = int(flags.get_column(column).sum())
        print(f"  {column:<26} {k:>6}  {100 * k / n:6.2f}%")
    if args.samples:
        for tier, part in scores.sort("lead_id").group_by("tier", maintain_order=True):
            print(f"\n-- {tier[0]}: {args.samples} random leads")
            for row in part.sample(min(args.samples, part.height), seed=args.seed).iter_rows(
                named=True
            ):
                shown = " | ".join(
                    r for r in (row["reason_1"], row["reason_2"], row["reason_3"]) if r
                )
                print(f"  {row['score']:>3}  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
