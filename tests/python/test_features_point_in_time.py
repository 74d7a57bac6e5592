"""Point-in-time correctness of the feature panel and labels: nothing that
happened after an as-of date can change that date's features, labels use
only outcomes inside the horizon, and converted leads leave the panel."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from dbt_helpers import query, run_dbt

SCORE_DATE = "2025-09-01"
AS_OF = "2025-05-05"  # a training as-of date: the score date minus 17 weeks
FEATURES = ["build", "--select", "+lead_points_scores"]

LEAD_COLUMNS = ["lead_id", "email", "job_title", "company_name", "created_at", "converted_at"]
ACTIVITY_COLUMNS = ["activity_id", "lead_id", "occurred_at", "activity_type", "url"]
FEEDBACK_COLUMNS = ["lead_id", "rep_id", "given_at", "verdict", "reason"]


def _ts(day: str, hours: int = 10) -> str:
    return (datetime.fromisoformat(day) + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def _shift(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=days)).strftime("%Y-%m-%d")


def _base_crm() -> dict[str, list[dict[str, str]]]:
    leads = [
        # open at AS_OF, converts 10 days later: label 1 there
        {
            "lead_id": "soon",
            "created_at": _ts("2025-03-01"),
            "converted_at": _ts(_shift(AS_OF, 10)),
        },
        # open at AS_OF, converts 100 days later (outside the horizon): label 0
        {
            "lead_id": "late",
            "created_at": _ts("2025-03-01"),
            "converted_at": _ts(_shift(AS_OF, 100)),
        },
        # converted before AS_OF: no row at AS_OF
        {
            "lead_id": "done",
            "created_at": _ts("2025-02-01"),
            "converted_at": _ts(_shift(AS_OF, -3)),
        },
        # created after AS_OF: no row at AS_OF
        {"lead_id": "new", "created_at": _ts(_shift(AS_OF, 2)), "converted_at": ""},
        # never converts
        {"lead_id": "cold", "created_at": _ts("2025-01-15"), "converted_at": ""},
    ]
    for lead in leads:
        lead.update(email=f"{lead['lead_id']}@acme.com", job_title="VP Sales", company_name="Acme")
    activities = []
    for number, (lead_id, day, kind, url) in enumerate(
        [
            ("soon", _shift(AS_OF, -1), "page_view", "https://x.com/pricing"),
            ("soon", _shift(AS_OF, -1), "page_view", "https://x.com/pricing"),
            ("soon", _shift(AS_OF, -20), "email_open", ""),
            ("late", _shift(AS_OF, -40), "content_download", ""),
            ("cold", _shift(AS_OF, -100), "page_view", "https://x.com/blog/a"),
            ("cold", _shift(AS_OF, 0), "webinar_attended", ""),
        ]
    ):
        activities.append(
            {
                "activity_id": f"A{number}",
                "lead_id": lead_id,
                "occurred_at": _ts(day),
                "activity_type": kind,
                "url": url,
            }
        )
    return {"leads": leads, "activities": activities, "lead_feedback": []}


def _write(folder: Path, crm: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    columns = {
        "leads": LEAD_COLUMNS,
        "activities": ACTIVITY_COLUMNS,
        "lead_feedback": FEEDBACK_COLUMNS,
    }
    for table, rows in crm.items():
        with (folder / f"{table}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns[table])
            writer.writeheader()
            for row in rows:
                writer.writerow({column: row.get(column, "") for column in columns[table]})
    return folder


def _build(tmp_path: Path, name: str, crm: dict, score_date: str = SCORE_DATE) -> Path:
    folder = _write(tmp_path / name / "crm", crm)
    database = tmp_path / name / "db.duckdb"
    result = run_dbt(FEATURES, database, {"raw_data_path": str(folder), "score_date": score_date})
    assert result.returncode == 0, result.stdout[-4000:]
    return database


# every column but the label and _feature_key (not features: the label is what later
# outcomes say, and the key is the daily build's, which a lead's later outcome changes)
FEATURE_ROWS = (
    "select * exclude (label, _feature_key) from features.lead_features"
    " where as_of_date <= '{day}' order by lead_id, as_of_date"
)


@pytest.fixture(scope="module")
def base_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("pit"), "base", _base_crm())


def test_later_activity_conversions_and_feedback_change_no_earlier_feature(
    base_build: Path, tmp_path: Path
) -> None:
    crm = _base_crm()
    # after AS_OF: a burst of demo requests and pricing views, an unsubscribe,
    # a conversion of the cold lead and a sales rejection of the late lead
    for number in range(5):
        crm["activities"].append(
            {
                "activity_id": f"later{number}",
                "lead_id": "cold",
                "occurred_at": _ts(_shift(AS_OF, 1 + number)),
                "activity_type": "demo_request",
                "url": "",
            }
        )
    crm["activities"].append(
        {
            "activity_id": "later-unsub",
            "lead_id": "late",
            "occurred_at": _ts(_shift(AS_OF, 1)),
            "activity_type": "email_unsubscribe",
            "url": "",
        }
    )
    crm["leads"][4]["converted_at"] = _ts(_shift(AS_OF, 6))
    crm["lead_feedback"].append(
        {
            "lead_id": "late",
            "rep_id": "R1",
            "given_at": _ts(_shift(AS_OF, 1)),
            "verdict": "rejected",
        }
    )
    changed = _build(tmp_path, "changed", crm)

    before = query(base_build, FEATURE_ROWS.format(day=AS_OF))
    after = query(changed, FEATURE_ROWS.format(day=AS_OF))
    assert len(before) > 0
    assert before == after
    # ...while the later as-of dates do see the new data
    later = "select was_rejected_by_sales from features.lead_features where lead_id = 'late'"
    assert (True,) in query(changed, later) and (True,) not in query(base_build, later)


def test_labels_use_only_outcomes_inside_the_horizon(base_build: Path) -> None:
    labels = dict(
        query(
            base_build,
            f"select lead_id, label from features.lead_features where as_of_date = '{AS_OF}'",
        )
    )
    assert labels == {"soon": 1, "late": 0, "cold": 0}


def test_converted_or_not_yet_created_leads_have_no_row(base_build: Path) -> None:
    rows = query(
        base_build,
        "select lead_id, min(as_of_date), max(as_of_date) from features.lead_features"
        " where not is_at_creation group by 1 order by 1",
    )
    spans = {lead_id: (str(first), str(last)) for lead_id, first, last in rows}
    assert "done" not in {
        lead_id
        for (lead_id,) in query(
            base_build, f"select lead_id from features.lead_features where as_of_date = '{AS_OF}'"
        )
    }
    # 'soon' converted 10 days after AS_OF: its last row is AS_OF + 7 days
    assert spans["soon"][1] == _shift(AS_OF, 7)
    # 'new' was created two days after AS_OF: its first weekly row is a week later, and
    # its row at creation stands at its creation day
    assert spans["new"][0] == _shift(AS_OF, 7)
    assert query(
        base_build,
        "select as_of_date from features.lead_features where lead_id = 'new' and is_at_creation",
    ) == [(date.fromisoformat(_shift(AS_OF, 2)),)]


def test_rows_whose_horizon_is_not_over_are_unlabelled(base_build: Path) -> None:
    """A horizon is over once the data has run past it: labels end 90 days before where the
    data ends (int_score_date.data_ends_at: the export's latest event, here before the score
    date), not before the score date."""
    rows = query(
        base_build,
        "select as_of_date, count(label), count(*) from features.lead_features group by 1",
    )
    [(data_ends_at,)] = query(base_build, "select data_ends_at from intermediate.int_score_date")
    assert data_ends_at <= datetime.fromisoformat(SCORE_DATE) + timedelta(days=1)
    cutoff = data_ends_at - timedelta(days=90)
    for as_of_date, labelled, total in rows:
        if datetime.combine(as_of_date, datetime.min.time()) + timedelta(days=1) > cutoff:
            assert labelled == 0, as_of_date
        else:
            assert labelled == total, as_of_date


def test_window_counts_and_recency_at_an_as_of_date(base_build: Path) -> None:
    row = query(
        base_build,
        "select n_pricing_view_1d, n_pricing_view_7d, max_pricing_views_per_day_30d,"
        " n_email_open_7d, n_email_open_30d, days_since_last_email_open,"
        " days_since_last_activity, active_days_30d"
        f" from features.lead_features where lead_id = 'soon' and as_of_date = '{AS_OF}'",
    )
    assert row == [(0, 2, 2, 0, 1, 20, 1, 2)]


def test_data_after_the_score_date_changes_nothing(base_build: Path, tmp_path: Path) -> None:
    crm = _base_crm()
    crm["activities"].append(
        {
            "activity_id": "future",
            "lead_id": "cold",
            "occurred_at": _ts(_shift(SCORE_DATE, 3)),
            "activity_type": "demo_request",
            "url": "",
        }
    )
    crm["leads"][4]["converted_at"] = _ts(_shift(SCORE_DATE, 5))
    crm["leads"].append(
        {"lead_id": "after", "email": "after@acme.com", "created_at": _ts(_shift(SCORE_DATE, 1))}
    )
    later_export = _build(tmp_path, "later", crm)
    everything = "select * from features.lead_features order by lead_id, as_of_date"
    assert query(later_export, everything) == query(base_build, everything)
    points = "select * from features.lead_points_scores order by lead_id, as_of_date"
    assert query(later_export, points) == query(base_build, points)
