"""Window counts, recency, lifetime flags and decayed engagement in the feature
panel equal a brute-force count over the raw activities, at every as-of date of
every lead: the week arithmetic of int_lead_activity_weekly / int_lead_behaviour
(whole weeks plus part-week edges, and old weeks merged into one row) must give
exactly what counting days would."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from dbt_helpers import query, run_dbt
from test_features_point_in_time import FEATURES, _write

SCORE_DATE = date(2025, 9, 1)  # a Monday
# where the latest week ends (var week_ends_on): by default the score date;
# with calendar weeks ending on Sundays, the Sunday before it, and the score
# date's own row is counted apart
WEEK_ENDS = {"score_date": SCORE_DATE, "sunday": date(2025, 8, 31)}
HALF_LIFE = 14  # dbt_project.yml: engagement_half_life_days
KINDS = {
    # activity type -> url
    "page_view": "https://x.com/pricing",
    "email_delivered": "",
    "email_open": "",
    "email_click": "",
    "email_bounce": "",
    "content_download": "",
    "demo_request": "",
}
BLOG = "https://x.com/blog/post"
NOT_ENGAGED = {"email_delivered", "email_bounce", "email_unsubscribe"}
WINDOWS = [1, 7, 30, 90]
# days before an as-of date where a window's edge falls
EDGE_OFFSETS = [0, 1, 2, 6, 7, 8, 28, 29, 30, 31, 35, 36, 37, 89, 90, 91]


def _crm(seed: int, week_end: date) -> tuple[dict, list[tuple[str, date, str, str]]]:
    rng = random.Random(seed)
    leads, events = [], []
    for number in range(24):
        lead_id = f"L{number:02d}"
        # some leads older than every window of every as-of date reaches
        created = SCORE_DATE - timedelta(days=rng.choice([60, 200, 400, 700, 900]))
        converted = ""
        if number % 4 == 0:
            converted_day = created + timedelta(days=rng.randint(20, 300))
            if converted_day < SCORE_DATE:
                converted = f"{converted_day} 09:00:00"
        leads.append(
            {
                "lead_id": lead_id,
                "email": f"{lead_id.lower()}@acme.com",
                "job_title": "VP Sales",
                "company_name": "Acme",
                "created_at": f"{created} 08:00:00",
                "converted_at": converted,
            }
        )
        span = (SCORE_DATE - created).days
        days = [rng.randint(0, span) for _ in range(rng.randint(5, 60))]
        # activity exactly at window edges of one as-of date in the panel:
        # the score date, or one of the weekly as-of dates
        as_of = rng.choice([SCORE_DATE, week_end - timedelta(weeks=rng.randint(0, 8))])
        days += [(as_of - timedelta(days=o) - created).days for o in EDGE_OFFSETS]
        for offset in days:
            if not 0 <= offset <= span:
                continue
            kind = rng.choice(list(KINDS))
            url = KINDS[kind] if rng.random() < 0.6 else BLOG if kind == "page_view" else ""
            events.append((lead_id, created + timedelta(days=offset), kind, url))
    # a lead whose demo request and bounce are older than the oldest week any
    # window reaches (they live in the merged oldest week)
    leads.append(
        {
            "lead_id": "OLD",
            "email": "old@acme.com",
            "job_title": "VP Sales",
            "company_name": "Acme",
            "created_at": f"{SCORE_DATE - timedelta(days=900)} 08:00:00",
            "converted_at": "",
        }
    )
    events += [
        ("OLD", SCORE_DATE - timedelta(days=800), "demo_request", ""),
        ("OLD", SCORE_DATE - timedelta(days=700), "email_bounce", ""),
        ("OLD", SCORE_DATE - timedelta(days=20), "email_open", ""),
    ]
    activities = [
        {
            "activity_id": f"A{number}",
            "lead_id": lead_id,
            "occurred_at": f"{day} 10:00:00",
            "activity_type": kind,
            "url": url,
        }
        for number, (lead_id, day, kind, url) in enumerate(events)
    ]
    return {"leads": leads, "activities": activities, "lead_feedback": []}, events


@pytest.fixture(scope="module", params=list(WEEK_ENDS))
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list]:
    """The export built at SCORE_DATE, weeks counted back from it or ending on Sundays."""
    crm, events = _crm(seed=7, week_end=WEEK_ENDS[request.param])
    folder = _write(tmp_path_factory.mktemp("windows") / "crm", crm)
    database = folder.parent / "db.duckdb"
    result = run_dbt(
        FEATURES,
        database,
        {
            "raw_data_path": str(folder),
            "score_date": str(SCORE_DATE),
            "week_ends_on": request.param,
        },
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return database, events


def _expected(events: list, lead_id: str, as_of: date) -> dict:
    mine = [(day, kind, url) for lead, day, kind, url in events if lead == lead_id and day <= as_of]

    def kinds_of(kind: str, url: str) -> list[str]:
        names = [kind]
        if kind == "page_view":
            names.append("pricing_view" if "pricing" in url else "blog_view")
        return names

    row: dict = {}
    for window in WINDOWS:
        inside = [(d, k, u) for d, k, u in mine if (as_of - d).days < window]
        for name in [*KINDS, "pricing_view", "blog_view"]:
            row[f"n_{name}_{window}d"] = sum(name in kinds_of(k, u) for _, k, u in inside)
        row[f"active_days_{window}d"] = len({d for d, _, _ in inside})
    last30 = [d for d, k, u in mine if (as_of - d).days < 30 and "pricing_view" in kinds_of(k, u)]
    row["max_pricing_views_per_day_30d"] = max((last30.count(d) for d in last30), default=0)
    for name in [*KINDS, "pricing_view", "blog_view"]:
        days = [d for d, k, u in mine if name in kinds_of(k, u)]
        row[f"days_since_last_{name}"] = (as_of - max(days)).days if days else None
    engaged = [d for d, k, _ in mine if k not in NOT_ENGAGED]
    row["days_since_last_activity"] = (as_of - max(engaged)).days if engaged else None
    row["has_bounced"] = any(k == "email_bounce" for _, k, _ in mine)
    row["is_inactive_90d"] = not any((as_of - d).days < 90 for d in engaged)
    # decay counts whole weeks of age
    row["engagement_decayed"] = sum(
        2 ** (-7 * ((as_of - d).days // 7) / HALF_LIFE) for d in engaged
    )
    recent = sum((as_of - d).days < 7 for d in engaged)
    before = sum(7 <= (as_of - d).days < 37 for d in engaged)
    row["trend_7d_vs_30d"] = recent / 7 / (before / 30 + 1 / 30)
    return row


def test_every_window_and_recency_matches_a_brute_force_count(built: tuple) -> None:
    database, events = built
    expected_columns = list(_expected(events, "L00", SCORE_DATE))
    rows = query(
        database,
        f"select lead_id, as_of_date, {', '.join(expected_columns)}"
        " from features.lead_features where not is_at_creation order by lead_id, as_of_date",
    )
    assert len(rows) > 300  # 25 leads over their weeks in the panel
    checked_edges = 0
    for lead_id, as_of, *values in rows:
        want = _expected(events, lead_id, as_of)
        got = dict(zip(expected_columns, values, strict=True))
        for column, value in want.items():
            if isinstance(value, float):
                assert math.isclose(got[column], value, rel_tol=1e-9, abs_tol=1e-12), (
                    lead_id,
                    as_of,
                    column,
                )
            else:
                assert got[column] == value, (lead_id, as_of, column, got[column], value)
        checked_edges += any(
            lead == lead_id and (as_of - day).days in (29, 30, 89, 90) for lead, day, _, _ in events
        )
    # the deliberate edge activities were in the panel
    assert checked_edges > 20
    # the score date (a Monday) and the weekly as-of dates: Mondays when weeks count back
    # from the score date, Sundays with calendar weeks ending on Sundays
    [(week_end,)] = query(database, "select week_end_date from intermediate.int_score_date")
    assert week_end in WEEK_ENDS.values()
    as_of_dates = {as_of for _, as_of, *_ in rows}
    assert SCORE_DATE in as_of_dates
    assert week_end in as_of_dates
    assert {d.weekday() for d in as_of_dates - {SCORE_DATE}} == {week_end.weekday()}


@pytest.mark.parametrize("built", ["sunday"], indirect=True)
def test_a_day_later_calendar_weeks_and_their_rows_are_the_same(
    built: tuple, tmp_path: Path
) -> None:
    """With calendar weeks, the same export built a day later: the closed weeks and every
    row at a weekly as-of date stay exactly as they were (the ground a daily build can
    keep), and only the score date's own row is new."""
    database, events = built
    later = SCORE_DATE + timedelta(days=1)
    folder = database.parent / "crm"
    database_later = tmp_path / "later.duckdb"
    result = run_dbt(
        FEATURES,
        database_later,
        {"raw_data_path": str(folder), "score_date": str(later), "week_ends_on": "sunday"},
    )
    assert result.returncode == 0, result.stdout[-4000:]
    weekly = "select * from intermediate.int_lead_activity_weekly order by lead_id, week_index"
    assert query(database_later, weekly) == query(database, weekly)
    at_week_ends = (
        "select * from intermediate.int_lead_behaviour where not is_at_creation"
        f" and as_of_date <= '{WEEK_ENDS['sunday']}' order by lead_id, as_of_date"
    )
    before = query(database, at_week_ends)
    assert len(before) > 300
    assert query(database_later, at_week_ends) == before
    # and the new score date's row counts its own windows
    (got,) = query(
        database_later,
        "select n_email_open_7d, n_active_days_30d from intermediate.int_lead_behaviour"
        f" where lead_id = 'L01' and as_of_date = '{later}'",
    )
    want = _expected(events, "L01", later)
    assert got == (want["n_email_open_7d"], want["active_days_30d"])


def test_history_older_than_every_window_is_kept(built: tuple) -> None:
    database, _ = built
    rows = query(
        database,
        "select days_since_last_demo_request, has_bounced, days_since_last_activity,"
        " n_email_open_30d from features.lead_features"
        f" where lead_id = 'OLD' and as_of_date = '{SCORE_DATE}'",
    )
    assert rows == [(800, True, 20, 1)]


def test_a_training_step_that_is_not_whole_weeks_is_a_clear_error(tmp_path: Path) -> None:
    result = run_dbt(
        ["compile", "--select", "int_lead_behaviour"],
        tmp_path / "db.duckdb",
        {"training_step_days": 10},
    )
    assert result.returncode != 0
    assert "training_step_days is 10; it must be a whole number of weeks" in result.stdout


def test_a_row_at_creation_knows_no_behaviour_yet(built: tuple) -> None:
    database, _ = built
    rows = query(
        database,
        "select count(*), max(n_content_download_1d + n_page_view_90d + n_email_open_30d),"
        " count(days_since_last_activity), max(days_since_created)"
        " from features.lead_features where is_at_creation",
    )
    # one per lead created inside the look-back and off the weekly grid: all zero
    assert rows[0][0] > 0
    assert rows[0][1:] == (0, 0, 0)
