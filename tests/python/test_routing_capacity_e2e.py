"""Capacity is a real limit, end to end: one score date on a small CRM, built twice.

Rep R_SMB (capacity 2) already owns four hot smb leads in the CRM; R_SMB2 (capacity 4) owns
none; the one enterprise rep R_ENT (capacity 1) has room for one of two hot enterprise leads.
Built with the defaults (over_capacity_action queue, no cross-segment fallback), then with
over_capacity_action reassign and routing_cross_segment_fallback on. The scores come from the
points rules (tiny data): every lead does what HOT does (80 points), and a few email opens
(1 point each) or webinar registrations (3 each) set them apart.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from dbt_helpers import PROJECT_DIR, query, run_dbt

SCORE_DATE = "2025-03-05"
BEFORE = "2025-03-04"

COLUMNS = {
    "leads": ["lead_id", "email", "company_name", "account_id", "owner_id", "created_at"],
    "accounts": ["account_id", "company_name", "employee_count"],
    "sales_reps": ["rep_id", "name", "segment", "region", "daily_capacity", "is_active"],
    "activities": ["activity_id", "lead_id", "occurred_at", "activity_type", "url"],
}
HOT = [("demo_request", 2), ("contact_sales", 2), ("meeting_booked", 2)]  # 80 points

# lead_id -> (account, CRM owner, extra activity on top of HOT, expected score)
LEADS: dict[str, tuple[str, str, list[tuple[str, int]], int]] = {
    "own_1": ("", "R_SMB", [("email_open", 4)], 84),
    "own_2": ("", "R_SMB", [("email_open", 3)], 83),
    "own_3": ("", "R_SMB", [("email_open", 2)], 82),
    "own_4": ("", "R_SMB", [("email_open", 1)], 81),
    "new_smb": ("", "", [], 80),
    # enterprise (+10 for 1001-5000 employees), no owner
    "ent_1": ("ACME", "", [], 90),
    "ent_2": ("GLOBEX", "", [("webinar_registered", 1)], 93),
}
REPS = [
    {"rep_id": "R_SMB", "name": "Sam", "segment": "smb", "daily_capacity": "2"},
    {"rep_id": "R_SMB2", "name": "Sue", "segment": "smb", "daily_capacity": "4"},
    {"rep_id": "R_ENT", "name": "Eve", "segment": "enterprise", "daily_capacity": "1"},
]


def _write_crm(folder: Path) -> None:
    activities = []
    for lead_id, (_, _, extra, _) in LEADS.items():
        for activity_type, count in HOT + extra:
            for number in range(count):
                activities.append(
                    {
                        "activity_id": f"{lead_id}-{activity_type}-{number}",
                        "lead_id": lead_id,
                        "occurred_at": f"{BEFORE} {10 + number % 8:02d}:00:00",
                        "activity_type": activity_type,
                    }
                )
    tables = {
        "leads": [
            {
                "lead_id": lead_id,
                "email": f"{lead_id}@example.com",
                "company_name": account or "Small Co",
                "account_id": account,
                "owner_id": owner,
                "created_at": "2025-02-01 09:00:00",
            }
            for lead_id, (account, owner, _, _) in LEADS.items()
        ],
        "accounts": [
            {"account_id": "ACME", "company_name": "Acme", "employee_count": "2000"},
            {"account_id": "GLOBEX", "company_name": "Globex", "employee_count": "3000"},
        ],
        "sales_reps": REPS,
        "activities": activities,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        with (folder / f"{table}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[table])
            writer.writeheader()
            for row in rows:
                writer.writerow({column: row.get(column, "") for column in COLUMNS[table]})


def _build(folder: Path, variables: dict) -> dict[str, dict]:
    """Build the project at SCORE_DATE; return the lead_routing export (what the CRM gets)
    by lead, with the lead_assignments columns added."""
    database = folder / "db.duckdb"
    exports = folder / "exports"
    result = run_dbt(
        # only what the tests read: the exports (lead_assignments is among their parents)
        ["build", "--select", "+export_files", "--indirect-selection", "cautious"],
        database,
        {
            "raw_data_path": str(folder.parent / "crm"),
            "score_date": SCORE_DATE,
            "export_path": str(exports),
            "report_path": str(folder / "report.html"),
            **variables,
        },
    )
    assert result.returncode == 0, result.stdout[-6000:]
    routing = {
        row["lead_id"]: row
        for row in pl.read_parquet(exports / "lead_routing.parquet").iter_rows(named=True)
    }
    for lead_id, status, position, came_from, match_level in query(
        database,
        "select lead_id, assignment_status, rep_book_position, reassigned_from_rep_id,"
        " match_level from marts.lead_assignments",
    ):
        routing[lead_id] |= {
            "assignment_status": status,
            "rep_book_position": position,
            "reassigned_from_rep_id": came_from,
            "match_level": match_level,
        }
    return routing


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    folder = tmp_path_factory.mktemp("capacity")
    _write_crm(folder / "crm")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(PROJECT_DIR / "python"))
        patch.setenv("OMP_WAIT_POLICY", "passive")
        return {
            "default": _build(folder / "default", {}),
            "reassign": _build(
                folder / "reassign",
                {"over_capacity_action": "reassign", "routing_cross_segment_fallback": True},
            ),
        }


def _owners(routing: dict[str, dict]) -> dict[str, tuple[str | None, str | None]]:
    return {
        lead_id: (row["assigned_rep_id"], row["assignment_status"])
        for lead_id, row in routing.items()
    }


def test_the_test_data_scores_as_designed(builds: dict[str, dict[str, dict]]) -> None:
    for routing in builds.values():
        assert {lead_id: row["score"] for lead_id, row in routing.items()} == {
            lead_id: score for lead_id, (_, _, _, score) in LEADS.items()
        }
        assert {row["tier"] for row in routing.values()} == {"sales_now"}


def test_an_owner_keeps_only_as_many_hot_leads_as_their_capacity(
    builds: dict[str, dict[str, dict]],
) -> None:
    routing = builds["default"]
    assert _owners(routing) == {
        # R_SMB (capacity 2) keeps its two highest-scored leads ...
        "own_1": ("R_SMB", "current_owner"),
        "own_2": ("R_SMB", "current_owner"),
        # ... the other two stay in its queue (over_capacity_action queue)
        "own_3": ("R_SMB", "queued"),
        "own_4": ("R_SMB", "queued"),
        "new_smb": ("R_SMB2", "new_assignment"),
        "ent_2": ("R_ENT", "new_assignment"),
        # R_ENT is full and an enterprise lead never goes to an smb rep by default
        "ent_1": (None, "over_capacity"),
    }
    positions = [routing[f"own_{number}"]["rep_book_position"] for number in (1, 2, 3, 4)]
    assert positions == [1, 2, 3, 4]  # A's book and queue, highest score first
    # what the CRM gets: the owner stays on queued leads, flagged
    assert {lead_id: row["routing_status"] for lead_id, row in routing.items()} == {
        "own_1": "assigned",
        "own_2": "assigned",
        "own_3": "queued",
        "own_4": "queued",
        "new_smb": "assigned",
        "ent_2": "assigned",
        "ent_1": "unassigned",
    }


def test_reassign_moves_the_leads_beyond_capacity_and_the_fallback_crosses_segment(
    builds: dict[str, dict[str, dict]],
) -> None:
    routing = builds["reassign"]
    assert _owners(routing) == {
        "own_1": ("R_SMB", "current_owner"),
        "own_2": ("R_SMB", "current_owner"),
        "own_3": ("R_SMB2", "reassigned"),
        "own_4": ("R_SMB2", "reassigned"),
        "new_smb": ("R_SMB2", "new_assignment"),
        "ent_2": ("R_ENT", "new_assignment"),
        # routing_cross_segment_fallback: the last place R_SMB2 has
        "ent_1": ("R_SMB2", "new_assignment"),
    }
    assert routing["own_3"]["reassigned_from_rep_id"] == "R_SMB"
    assert routing["ent_1"]["match_level"] == "any_rep"


def test_no_rep_works_more_leads_than_its_capacity(builds: dict[str, dict[str, dict]]) -> None:
    capacity = {rep["rep_id"]: int(rep["daily_capacity"]) for rep in REPS}
    for routing in builds.values():
        worked: dict[str, int] = {}
        for row in routing.values():
            if row["assignment_status"] in ("current_owner", "new_assignment", "reassigned"):
                worked[row["assigned_rep_id"]] = worked.get(row["assigned_rep_id"], 0) + 1
        assert all(count <= capacity[rep] for rep, count in worked.items()), worked
