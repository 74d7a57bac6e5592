"""Route and sync, end to end: two consecutive score dates on a small CRM.

Between score date D and D+1 new activity pushes some leads across a tier
threshold (and one lead unsubscribes). With tiny data the scores come from
the points rules (seed points_rules), so each lead's activities are chosen
to land on a known score: every behaviour occurs often enough to hit its
rule's cap, so ageing by a day does not move a score that should hold.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from dbt_helpers import PROJECT_DIR, query, run_dbt
from leadscore.sync.tables import CHANGES_COLUMNS, ROUTING_COLUMNS

DAY_1 = "2025-03-05"
DAY_2 = "2025-03-06"
BEFORE = "2025-03-04"  # activity known at both score dates

TABLE_COLUMNS = {
    "leads": ["lead_id", "email", "company_name", "account_id", "created_at"],
    "accounts": ["account_id", "company_name", "employee_count"],
    "sales_reps": ["rep_id", "name", "segment", "region", "daily_capacity", "is_active"],
    "activities": ["activity_id", "lead_id", "occurred_at", "activity_type", "url"],
}

# Points per lead (rules capped, so stable from one day to the next):
# 2 demo requests 30, 2 contact-sales 25, 2 meetings 25, 12 pricing page
# views 20 + 10 (page views), an unsubscribe -20, no activity at all -15.
HOT = [("demo_request", 2), ("contact_sales", 2), ("meeting_booked", 2)]  # 80
WARM = [("demo_request", 2), ("page_view", 12)]  # 60
BROWSING = [("page_view", 12)]  # 30

# lead_id -> (account, activity before D, new activity on D+1)
LEADS: dict[str, tuple[str, list[tuple[str, int]], list[tuple[str, int]]]] = {
    "steady_hot": ("", HOT, []),  # 80 -> 80, sales_now
    "steady_nurture": ("", WARM, []),  # 60 -> 60, nurture
    "cold": ("", [], []),  # 0 -> 0, awareness
    "warming": ("", WARM, [("contact_sales", 2)]),  # 60 -> 85, nurture -> sales_now
    "jumper": ("", BROWSING, [("demo_request", 2), ("contact_sales", 2)]),  # 30 -> 85
    "cooling": ("", HOT, [("email_unsubscribe", 1)]),  # 80 -> 60, sales_now -> nurture
    "wobble": ("", BROWSING, [("webinar_registered", 3)]),  # 30 -> 36, awareness both
    # enterprise (+10 for size): 65 -> 90, nurture -> sales_now, routed to the enterprise rep
    "big_co": ("ACME", [("demo_request", 2), ("contact_sales", 2)], [("meeting_booked", 2)]),
}
NEW_LEAD = "newcomer"  # created on D+1 with a demo request: 30, awareness

ESCALATED = {"warming", "jumper", "big_co"}
DROPPED = {"cooling"}
# every lead whose synced fields (score, tier, action, owner, reasons, ...) moved
CHANGED_AT_DAY_2 = {"warming", "jumper", "cooling", "wobble", "big_co"}


def _activities(lead_id: str, day: str, plan: list[tuple[str, int]]) -> list[dict[str, str]]:
    rows = []
    for activity_type, count in plan:
        for number in range(count):
            rows.append(
                {
                    "activity_id": f"{lead_id}-{day}-{activity_type}-{number}",
                    "lead_id": lead_id,
                    "occurred_at": f"{day} {10 + number % 8:02d}:00:00",
                    "activity_type": activity_type,
                    "url": "https://example.com/pricing" if activity_type == "page_view" else "",
                }
            )
    return rows


def _crm(day: str) -> dict[str, list[dict[str, str]]]:
    """The CRM as exported at the end of `day` (D or D+1)."""
    leads = [
        {
            "lead_id": lead_id,
            "email": f"{lead_id}@example.com",
            "company_name": account or "Small Co",
            "account_id": account,
            "created_at": "2025-02-01 09:00:00",
        }
        for lead_id, (account, _, _) in LEADS.items()
    ]
    activities = [
        row
        for lead_id, (_, before, _) in LEADS.items()
        for row in _activities(lead_id, BEFORE, before)
    ]
    if day == DAY_2:
        leads.append(
            {
                "lead_id": NEW_LEAD,
                "email": f"{NEW_LEAD}@example.com",
                "company_name": "Small Co",
                "account_id": "",
                "created_at": f"{DAY_2} 08:00:00",
            }
        )
        activities += _activities(NEW_LEAD, DAY_2, [("demo_request", 2)])
        for lead_id, (_, _, new) in LEADS.items():
            activities += _activities(lead_id, DAY_2, new)
    return {
        "leads": leads,
        "accounts": [{"account_id": "ACME", "company_name": "Acme", "employee_count": "2000"}],
        "sales_reps": [
            {"rep_id": "R_SMB", "name": "Sam", "segment": "smb", "daily_capacity": "5"},
            {"rep_id": "R_ENT", "name": "Eve", "segment": "enterprise", "daily_capacity": "5"},
        ],
        "activities": activities,
    }


def _write_crm(folder: Path, crm: dict[str, list[dict[str, str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in crm.items():
        with (folder / f"{table}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS[table])
            writer.writeheader()
            for row in rows:
                writer.writerow({column: row.get(column, "") for column in TABLE_COLUMNS[table]})


@dataclass
class Run:
    """Where one scenario's database, CRM files and exports live."""

    database: Path
    crm: Path
    exports: Path

    def build(self, score_date: str) -> None:
        result = run_dbt(
            # only what the tests read: the exports, the alerts, the score changes
            [
                "build",
                "--select",
                "+export_files",
                "+lead_tier_alerts",
                "+lead_score_changes",
                "--indirect-selection",
                "cautious",
            ],
            self.database,
            {
                "raw_data_path": str(self.crm),
                "score_date": score_date,
                "export_path": str(self.exports),
            },
        )
        assert result.returncode == 0, result.stdout[-6000:]

    def mark_synced(self) -> None:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "leadscore.sync",
                "mark-synced",
                "--routing",
                str(self.exports / "lead_routing.parquet"),
                "--state",
                str(self.exports / "state" / "last_synced.parquet"),
            ],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def export(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.exports / f"{name}.parquet").sort("lead_id")


@dataclass
class Scenario:
    run: Run
    routing_day_1: pl.DataFrame
    changes_day_1: pl.DataFrame
    routing_day_2: pl.DataFrame
    changes_day_2: pl.DataFrame
    changes_day_2_rerun: pl.DataFrame


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    folder = tmp_path_factory.mktemp("routing")
    run = Run(folder / "db.duckdb", folder / "crm", folder / "exports")
    with pytest.MonkeyPatch.context() as patch:
        # dbt's Python models and the sync command import this checkout's package
        patch.setenv("PYTHONPATH", str(PROJECT_DIR / "python"))
        patch.setenv("OMP_WAIT_POLICY", "passive")

        _write_crm(run.crm, _crm(DAY_1))
        run.build(DAY_1)
        routing_day_1, changes_day_1 = (
            run.export("lead_routing"),
            run.export("lead_routing_changes"),
        )
        run.mark_synced()  # the CRM received everything of day 1

        _write_crm(run.crm, _crm(DAY_2))
        run.build(DAY_2)
        routing_day_2, changes_day_2 = (
            run.export("lead_routing"),
            run.export("lead_routing_changes"),
        )
        # the sync failed or never ran: the next build, without marking
        run.build(DAY_2)
        changes_day_2_rerun = run.export("lead_routing_changes")
    yield Scenario(
        run,
        routing_day_1,
        changes_day_1,
        routing_day_2,
        changes_day_2,
        changes_day_2_rerun,
    )


def _scores(routing: pl.DataFrame) -> dict[str, tuple[int, str]]:
    return {row["lead_id"]: (row["score"], row["tier"]) for row in routing.iter_rows(named=True)}


def test_the_test_data_scores_as_designed(scenario: Scenario) -> None:
    assert _scores(scenario.routing_day_1) == {
        "steady_hot": (80, "sales_now"),
        "steady_nurture": (60, "nurture"),
        "cold": (0, "awareness"),
        "warming": (60, "nurture"),
        "jumper": (30, "awareness"),
        "cooling": (80, "sales_now"),
        "wobble": (30, "awareness"),
        "big_co": (65, "nurture"),
    }
    day_2 = _scores(scenario.routing_day_2)
    assert day_2["warming"] == (85, "sales_now")
    assert day_2["cooling"] == (60, "nurture")
    assert day_2["wobble"] == (36, "awareness")
    assert day_2[NEW_LEAD][1] == "awareness"


def test_alerts_hold_exactly_the_leads_that_crossed_a_tier_threshold(scenario: Scenario) -> None:
    rows = query(
        scenario.run.database,
        "select lead_id, direction, from_tier, to_tier, previous_score_date"
        " from marts.lead_tier_alerts order by lead_id",
    )
    assert {row[0] for row in rows} == ESCALATED | DROPPED
    assert {row[0]: row[1] for row in rows} == {
        **dict.fromkeys(ESCALATED, "escalated"),
        **dict.fromkeys(DROPPED, "dropped"),
    }
    assert ("cooling", "dropped", "sales_now", "nurture", date(2025, 3, 5)) in rows
    causes = query(scenario.run.database, "select distinct move_cause from marts.lead_tier_alerts")
    assert causes == [("behaviour",)]  # every one of them did something on day 2


def test_history_has_one_row_per_lead_per_score_date(scenario: Scenario) -> None:
    counts = query(
        scenario.run.database,
        "select score_date, count(*), count(distinct lead_id)"
        " from marts.lead_score_history group by 1 order by 1",
    )
    # day 2 was built twice: its rows were replaced, not doubled
    assert counts == [(date(2025, 3, 5), 8, 8), (date(2025, 3, 6), 9, 9)]


def test_score_changes_explain_the_leads_whose_score_moved(scenario: Scenario) -> None:
    rows = dict(
        query(
            scenario.run.database,
            "select lead_id, change_summary from marts.lead_score_changes",
        )
    )
    assert set(rows) == CHANGED_AT_DAY_2
    assert rows["warming"].startswith("Score 60 -> 85 (+25).")


def test_first_build_offers_every_lead_as_new(scenario: Scenario) -> None:
    assert (
        scenario.changes_day_1["lead_id"].to_list() == scenario.routing_day_1["lead_id"].to_list()
    )
    assert set(scenario.changes_day_1["change_type"]) == {"new"}


def test_changes_feed_holds_exactly_the_leads_whose_synced_fields_changed(
    scenario: Scenario,
) -> None:
    fields = [column for column in ROUTING_COLUMNS if column != "sync_hash"]
    before = scenario.routing_day_1.select(fields)
    after = scenario.routing_day_2.select(fields)
    moved = set(after.join(before, on=fields, how="anti", nulls_equal=True)["lead_id"])
    assert moved == CHANGED_AT_DAY_2 | {NEW_LEAD}

    change_types = dict(scenario.changes_day_2.select("lead_id", "change_type").iter_rows())
    assert change_types == {
        **dict.fromkeys(CHANGED_AT_DAY_2, "updated"),
        NEW_LEAD: "new",
    }
    # each of them did something on day 2 (wobble: 30 -> 36, at least
    # sync_min_score_change points)
    causes = dict(scenario.changes_day_2.select("lead_id", "change_cause").iter_rows())
    assert causes == {**dict.fromkeys(CHANGED_AT_DAY_2, "behaviour"), NEW_LEAD: "new"}


def test_a_rerun_without_marking_resends_the_same_rows(scenario: Scenario) -> None:
    assert scenario.changes_day_2_rerun.height > 0
    assert scenario.changes_day_2_rerun.equals(scenario.changes_day_2)


def test_owners_and_tier_cursor(scenario: Scenario) -> None:
    routing = {row["lead_id"]: row for row in scenario.routing_day_2.iter_rows(named=True)}
    # kept from day 1; the newly hot enterprise lead goes to the enterprise rep
    assert routing["steady_hot"]["assigned_rep_id"] == "R_SMB"
    assert routing["big_co"]["assigned_rep_id"] == "R_ENT"
    assert routing["cooling"]["assigned_rep_id"] is None
    assert routing["steady_hot"]["tier_changed_at"] == datetime(2025, 3, 5)
    assert routing["warming"]["tier_changed_at"] == datetime(2025, 3, 6)


def test_export_files_have_the_columns_the_sync_reads(scenario: Scenario) -> None:
    exports = scenario.run.exports
    for name, columns in [
        ("lead_routing", ROUTING_COLUMNS),
        ("lead_routing_changes", CHANGES_COLUMNS),
    ]:
        assert pl.read_parquet(exports / f"{name}.parquet").columns == list(columns)
        header = (exports / f"{name}.csv").read_text().splitlines()[0]
        assert header.split(",") == list(columns)
    assert scenario.routing_day_2.schema["score"] == pl.Int32
    assert scenario.routing_day_2.schema["tier_changed_at"] == pl.Datetime("us")
