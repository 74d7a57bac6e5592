"""Tests for `python -m leadscore.sync`: CRM request files, sending, and the checkpoint.

No test touches the network: `--send` runs against fake transports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from leadscore.sync.cli import main
from leadscore.sync.hubspot import build_hubspot_upserts
from leadscore.sync.salesforce import build_salesforce_upsert, csv_field
from leadscore.sync.state import RECEIVED_SCHEMA, STATE_SCHEMA, merge_state, read_state
from leadscore.sync.tables import CHANGES_COLUMNS, SyncInputError, format_value
from leadscore.sync.transport import HttpRequest, HttpResponse, TransportError

NOW = datetime(2026, 3, 1, 12, 0, 0)
LATER = datetime(2026, 3, 2, 12, 0, 0)
HUBSPOT_ENV = {"HUBSPOT_ACCESS_TOKEN": "test-token"}
SALESFORCE_ENV = {
    "SALESFORCE_INSTANCE_URL": "https://example.my.salesforce.com",
    "SALESFORCE_ACCESS_TOKEN": "sf-token",
}


def changes_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """A lead_routing_changes frame: given values over readable defaults."""
    defaults: dict[str, object] = {
        "email": None,
        "score": 50,
        "tier": "nurture",
        "action": "nurture_sequence",
        "assigned_rep_id": None,
        "reason_1": None,
        "reason_2": None,
        "reason_3": None,
        "model_version": "m1",
        "tier_changed_at": datetime(2026, 2, 1, 8, 30),
        "change_type": "new",
    }
    full = [
        {**defaults, "sync_hash": f"hash-{row['lead_id']}", **row} | {"lead_id": row["lead_id"]}
        for row in rows
    ]
    schema = {column: pl.String for column in CHANGES_COLUMNS} | {
        "score": pl.Int32,
        "tier_changed_at": pl.Datetime("us"),
    }
    return pl.DataFrame(full, schema=schema)


def many_leads(count: int) -> pl.DataFrame:
    return changes_frame(
        [{"lead_id": f"L{i:04d}", "email": f"lead{i}@example.com"} for i in range(count)]
    )


def write_changes(tmp_path: Path, frame: pl.DataFrame, name: str = "changes.parquet") -> Path:
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def run(argv: list[str], **kwargs: object) -> int:
    kwargs.setdefault("environ", {})
    kwargs.setdefault("sleep", lambda _seconds: None)
    kwargs.setdefault("now", lambda: NOW)
    return main(argv, **kwargs)  # type: ignore[arg-type]


class FakeTransport:
    """Replies from a list (a response, or an exception to raise) and records requests."""

    def __init__(self, replies: list[HttpResponse | Exception]) -> None:
        self.replies = list(replies)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def ok_json(payload: object, status: int = 200) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(payload).encode())


# ---------------------------------------------------------------- HubSpot payloads


def test_hubspot_250_changes_make_three_batches_of_100_100_50(tmp_path: Path) -> None:
    changes = write_changes(tmp_path, many_leads(250))
    out = tmp_path / "hubspot"

    assert run(["hubspot", "--changes", str(changes), "--out", str(out)]) == 0

    files = sorted(out.glob("batch_*.json"))
    assert [f.name for f in files] == ["batch_0001.json", "batch_0002.json", "batch_0003.json"]
    bodies = [json.loads(f.read_text()) for f in files]
    assert [len(body["inputs"]) for body in bodies] == [100, 100, 50]
    ids = [item["id"] for body in bodies for item in body["inputs"]]
    assert ids == [f"lead{i}@example.com" for i in range(250)]  # every lead once, in order
    for body in bodies:
        assert list(body) == ["inputs"]
        for item in body["inputs"]:
            assert set(item) == {"idProperty", "id", "properties"}
            assert item["idProperty"] == "email"
            assert all(isinstance(v, str) for v in item["properties"].values())


def test_hubspot_properties_use_default_names_and_handle_nulls() -> None:
    changes = changes_frame(
        [
            {
                "lead_id": "L1",
                "email": "ana@acme.com",
                "score": 87,
                "tier": "sales_now",
                "action": "call_within_1h",
                "assigned_rep_id": "owner-7",
                "reason_1": "Visited pricing 3 times",
                "reason_2": "VP Engineering",
            },
            {"lead_id": "L2", "email": "bo@beta.io", "score": 12, "tier": "awareness"},
        ]
    )

    plan = build_hubspot_upserts(changes)

    first, second = plan.bodies[0]["inputs"]
    assert first == {
        "idProperty": "email",
        "id": "ana@acme.com",
        "properties": {
            "leadscore_score": "87",
            "leadscore_tier": "sales_now",
            "leadscore_action": "call_within_1h",
            "leadscore_reason_1": "Visited pricing 3 times",
            "leadscore_reason_2": "VP Engineering",
            "leadscore_reason_3": "",  # null clears the property in HubSpot
            "leadscore_model_version": "m1",
            "hubspot_owner_id": "owner-7",
        },
    }
    # No owner assigned: the property is left out, so HubSpot keeps the current owner.
    assert "hubspot_owner_id" not in second["properties"]
    assert second["properties"]["leadscore_reason_1"] == ""
    text = json.dumps(plan.bodies)
    for junk in ("None", "nan", "null", "NaN"):
        assert junk not in text


def test_hubspot_property_map_renames_and_removes_columns(tmp_path: Path) -> None:
    changes = write_changes(tmp_path, changes_frame([{"lead_id": "L1", "email": "a@b.co"}]))
    out = tmp_path / "hubspot"

    code = run(
        [
            "hubspot",
            "--changes",
            str(changes),
            "--out",
            str(out),
            "--property-map",
            "score=lead_score",
            "--property-map",
            "reason_3=",
            "--property-map",
            "tier_changed_at=leadscore_tier_changed_at",
        ]
    )

    assert code == 0
    properties = json.loads((out / "batch_0001.json").read_text())["inputs"][0]["properties"]
    assert properties["lead_score"] == "50"
    assert "leadscore_score" not in properties
    assert "leadscore_reason_3" not in properties
    assert properties["leadscore_tier_changed_at"] == "2026-02-01T08:30:00.000Z"


def test_hubspot_id_property_other_than_email_uses_lead_id() -> None:
    changes = changes_frame([{"lead_id": "0042", "email": None}, {"lead_id": "0043"}])

    plan = build_hubspot_upserts(changes, id_property="leadscore_lead_id")

    inputs = plan.bodies[0]["inputs"]
    assert [(i["idProperty"], i["id"]) for i in inputs] == [
        ("leadscore_lead_id", "0042"),
        ("leadscore_lead_id", "0043"),
    ]
    assert plan.skipped.height == 0


def test_hubspot_rows_without_usable_email_are_skipped_with_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = changes_frame(
        [
            {"lead_id": "L1", "email": "ana@acme.com", "score": 40},
            {"lead_id": "L2", "email": None},
            {"lead_id": "L3", "email": "   "},
            {"lead_id": "L4", "email": "not-an-email"},
            {"lead_id": "L5", "email": "ANA@acme.com", "score": 90},  # same person as L1
            {"lead_id": "L6", "email": "bo@beta.io"},
        ]
    )
    changes = write_changes(tmp_path, frame)
    out = tmp_path / "hubspot"

    assert run(["hubspot", "--changes", str(changes), "--out", str(out)]) == 0

    sent = json.loads((out / "batch_0001.json").read_text())["inputs"]
    assert [item["id"] for item in sent] == ["ANA@acme.com", "bo@beta.io"]  # higher score wins
    skipped = pl.read_csv(out / "skipped.csv", infer_schema=False)
    assert skipped["lead_id"].to_list() == ["L1", "L2", "L3", "L4"]
    reasons = dict(zip(skipped["lead_id"], skipped["reason"], strict=True))
    assert reasons["L2"] == "no email"
    assert reasons["L3"] == "no email"
    assert reasons["L4"] == "malformed email"
    assert "L5" in reasons["L1"]
    assert "skipped 4 lead(s)" in capsys.readouterr().out


def test_hubspot_rerun_removes_batch_files_of_an_earlier_run(tmp_path: Path) -> None:
    out = tmp_path / "hubspot"
    big = write_changes(tmp_path, many_leads(150), "big.parquet")
    small = write_changes(tmp_path, many_leads(3), "small.parquet")

    assert run(["hubspot", "--changes", str(big), "--out", str(out)]) == 0
    assert run(["hubspot", "--changes", str(small), "--out", str(out)]) == 0

    assert [f.name for f in sorted(out.glob("batch_*.json"))] == ["batch_0001.json"]


def test_csv_input_is_read_as_text_keeping_leading_zeros(tmp_path: Path) -> None:
    frame = changes_frame([{"lead_id": "00123", "email": "a@b.co", "score": 7}])
    changes = write_changes(tmp_path, frame, "changes.csv")
    out = tmp_path / "hubspot"

    assert (
        run(
            [
                "hubspot",
                "--changes",
                str(changes),
                "--out",
                str(out),
                "--id-property",
                "leadscore_lead_id",
            ]
        )
        == 0
    )

    item = json.loads((out / "batch_0001.json").read_text())["inputs"][0]
    assert item["id"] == "00123"
    assert item["properties"]["leadscore_score"] == "7"
    assert item["properties"]["leadscore_reason_1"] == ""


# ---------------------------------------------------------------- Salesforce payloads

TRICKY_REASONS = {
    "reason_1": "Visited pricing, docs",
    "reason_2": 'Title "VP, Sales"',
    "reason_3": "line one\nline two\r\nline three",
}


def test_salesforce_csv_parses_back_with_header_quoting_and_nulls(tmp_path: Path) -> None:
    frame = changes_frame(
        [
            {
                "lead_id": "00Q1",
                "score": 91,
                "tier": "sales_now",
                "assigned_rep_id": "005A",
                **TRICKY_REASONS,
            },
            {"lead_id": "00Q2", "score": 8, "tier": "awareness", "reason_1": "Zoë visited"},
        ]
    )
    changes = write_changes(tmp_path, frame)
    out = tmp_path / "salesforce"

    assert run(["salesforce", "--changes", str(changes), "--out", str(out)]) == 0

    raw = (out / "upsert.csv").read_bytes()
    text = raw.decode("utf-8")  # UTF-8, or this raises
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [
        "LeadScore_Id__c",
        "LeadScore_Score__c",
        "LeadScore_Tier__c",
        "LeadScore_Action__c",
        "LeadScore_Reason_1__c",
        "LeadScore_Reason_2__c",
        "LeadScore_Reason_3__c",
        "LeadScore_Model_Version__c",
        "OwnerId",
    ]
    assert rows[1] == [
        "00Q1",
        "91",
        "sales_now",
        "nurture_sequence",
        *TRICKY_REASONS.values(),
        "m1",
        "005A",
    ]
    # Null reasons become #N/A (Salesforce clears the field); a null owner stays empty
    # (Salesforce keeps the current owner).
    assert rows[2] == [
        "00Q2",
        "8",
        "awareness",
        "nurture_sequence",
        "Zoë visited",
        "#N/A",
        "#N/A",
        "m1",
        "",
    ]
    assert len(rows) == 3
    # Records end in LF; the only CR is inside the quoted reason.
    assert raw.count(b"\r") == 1
    assert raw.endswith(b",m1,\n")  # last record: empty owner, then LF
    assert b'"Title ""VP, Sales"""' in raw


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("", ""),
        (" padded ", " padded "),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("a\nb", '"a\nb"'),
        ("a\rb", '"a\rb"'),
    ],
)
def test_csv_field_quotes_per_rfc_4180(value: str, expected: str) -> None:
    assert csv_field(value) == expected


def test_salesforce_upload_keeps_formula_like_values_raw_for_the_api(tmp_path: Path) -> None:
    """Deliberately not neutralised: the Bulk API stores cells as field values, it does
    not evaluate them, and a quote prefix would end up in the CRM (and break the
    external id match). See docs/reverse_etl.md."""
    frame = changes_frame(
        [
            {
                "lead_id": "=cmd|' /C calc'!A0",
                "reason_1": "+ Seniority: vp",
                "reason_2": "@SUM(A1)",
                "reason_3": "-2+3",
            }
        ]
    )
    out = tmp_path / "salesforce"

    changes = write_changes(tmp_path, frame)

    assert run(["salesforce", "--changes", str(changes), "--out", str(out)]) == 0

    with (out / "upsert.csv").open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 1
    assert records[0]["LeadScore_Id__c"] == "=cmd|' /C calc'!A0"
    assert [records[0][f"LeadScore_Reason_{n}__c"] for n in (1, 2, 3)] == [
        "+ Seniority: vp",
        "@SUM(A1)",
        "-2+3",
    ]


def test_salesforce_blank_nulls_writes_empty_cells(tmp_path: Path) -> None:
    changes = write_changes(tmp_path, changes_frame([{"lead_id": "00Q1"}]))
    out = tmp_path / "salesforce"

    code = run(["salesforce", "--changes", str(changes), "--out", str(out), "--blank-nulls"])

    assert code == 0
    rows = list(csv.reader(io.StringIO((out / "upsert.csv").read_text(), newline="")))
    assert rows[1] == ["00Q1", "50", "nurture", "nurture_sequence", "", "", "", "m1", ""]


def test_salesforce_job_json_and_field_map(tmp_path: Path) -> None:
    changes = write_changes(tmp_path, changes_frame([{"lead_id": "00Q1"}]))
    out = tmp_path / "salesforce"

    code = run(
        [
            "salesforce",
            "--changes",
            str(changes),
            "--out",
            str(out),
            "--object",
            "Contact",
            "--external-id-field",
            "Lead_Key__c",
            "--field-map",
            "score=Score__c",
            "--field-map",
            "assigned_rep_id=",
        ]
    )

    assert code == 0
    job = json.loads((out / "job.json").read_text())
    assert job == {
        "object": "Contact",
        "externalIdFieldName": "Lead_Key__c",
        "contentType": "CSV",
        "operation": "upsert",
        "lineEnding": "LF",
        "columnDelimiter": "COMMA",
    }
    header = (out / "upsert.csv").read_text().splitlines()[0].split(",")
    assert header[:2] == ["Lead_Key__c", "Score__c"]
    assert "OwnerId" not in header


def test_salesforce_rows_without_external_id_are_skipped() -> None:
    frame = changes_frame([{"lead_id": "A"}, {"lead_id": "B", "email": "b@x.io"}])

    plan = build_salesforce_upsert(frame, external_id_column="email", external_id_field="Em__c")

    assert [line.split(",")[0] for line in plan.lines] == ["b@x.io"]
    assert plan.skipped.to_dicts() == [
        {"lead_id": "A", "id_field": "Em__c", "id_value": None, "reason": "no email"}
    ]
    assert plan.synced["lead_id"].to_list() == ["B"]


def test_salesforce_large_upload_is_split_with_header_in_each_part() -> None:
    plan = build_salesforce_upsert(many_leads(30))
    whole = plan.csv_text().encode("utf-8")

    parts = plan.upload_bodies(max_bytes=len(whole) // 3)

    assert len(parts) >= 3
    header = whole.split(b"\n", 1)[0] + b"\n"
    assert all(part.startswith(header) and len(part) <= len(whole) // 3 for part in parts)
    assert header + b"".join(part[len(header) :] for part in parts) == whole


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (float("nan"), None),
        (87, "87"),
        (87.0, "87"),
        (0.25, "0.25"),
        (True, "true"),
        ("text", "text"),
        (datetime(2026, 1, 2, 3, 4, 5, 678900), "2026-01-02T03:04:05.678Z"),
        (datetime(2026, 1, 2, 4, 4, 5, tzinfo=UTC).astimezone(), "2026-01-02T04:04:05.000Z"),
    ],
)
def test_format_value(value: object, expected: str | None) -> None:
    assert format_value(value) == expected


# ---------------------------------------------------------------- input errors


def test_missing_columns_give_a_clear_error_naming_them_and_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = many_leads(2).drop("tier", "sync_hash")
    changes = write_changes(tmp_path, broken)

    code = run(["hubspot", "--changes", str(changes), "--out", str(tmp_path / "o")])

    assert code == 2
    message = capsys.readouterr().err
    assert str(changes) in message
    assert "missing column(s) sync_hash, tier" in message
    assert "Traceback" not in message


def test_missing_input_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.parquet"

    assert run(["salesforce", "--changes", str(missing), "--out", str(tmp_path / "o")]) == 2
    assert f"{missing}: file not found" in capsys.readouterr().err


def test_duplicate_lead_ids_are_rejected() -> None:
    frame = pl.concat([many_leads(2), many_leads(1)])

    with pytest.raises(SyncInputError, match="L0000"):
        build_hubspot_upserts(frame)


def test_bad_property_map_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changes = write_changes(tmp_path, many_leads(1))

    code = run(["hubspot", "--changes", str(changes), "--property-map", "score"])

    assert code == 2
    assert "COLUMN=crm_name" in capsys.readouterr().err


# ---------------------------------------------------------------- mark-synced


def write_state_file(path: Path, rows: list[tuple[str, str, datetime]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        rows,
        schema={"lead_id": pl.String, "sync_hash": pl.String, "synced_at": pl.Datetime("us")},
        orient="row",
    ).write_parquet(path)


def test_merge_state_updates_synced_leads_and_keeps_the_others() -> None:
    old = datetime(2026, 1, 1)
    previous = pl.DataFrame(
        {
            "lead_id": ["L1", "L2", "L9"],
            "sync_hash": ["old-1", "same-2", "old-9"],
            "synced_at": [old, old, old],
        }
    )
    synced = pl.DataFrame(
        {"lead_id": ["L3", "L1", "L2"], "sync_hash": ["new-3", "new-1", "same-2"]}
    )

    merged = merge_state(previous, synced, NOW)

    # (the values the CRM received are the subject of the tests below)
    assert merged.select("lead_id", "sync_hash", "synced_at").rows() == [
        ("L1", "new-1", NOW),  # changed: new hash, new time
        ("L2", "same-2", old),  # already recorded: untouched
        ("L3", "new-3", NOW),  # first sync
        ("L9", "old-9", old),  # not in this sync: keeps its old state
    ]


def test_mark_synced_merges_over_previous_state_and_is_idempotent(tmp_path: Path) -> None:
    routing = write_changes(tmp_path, many_leads(3).drop("change_type"), "routing.parquet")
    changes = write_changes(tmp_path, many_leads(3).slice(1, 2), "changes.parquet")
    state = tmp_path / "state" / "last_synced.parquet"
    january = datetime(2026, 1, 1)
    write_state_file(state, [("L0000", "hash-L0000", january), ("L0001", "stale", january)])
    argv = [
        "mark-synced",
        "--routing",
        str(routing),
        "--changes",
        str(changes),
        "--state",
        str(state),
    ]

    assert run(argv, now=lambda: NOW) == 0
    first = state.read_bytes()
    assert read_state(state).select("lead_id", "sync_hash", "synced_at").rows() == [
        ("L0000", "hash-L0000", january),
        ("L0001", "hash-L0001", NOW),
        ("L0002", "hash-L0002", NOW),
    ]

    assert run(argv, now=lambda: LATER) == 0  # same sync recorded again, a day later
    assert state.read_bytes() == first


def test_mark_synced_records_the_values_the_crm_received(tmp_path: Path) -> None:
    rows = [
        {
            "lead_id": "L1",
            "score": 83,
            "tier": "sales_now",
            "action": "route_to_sales",
            "assigned_rep_id": "R7",
            "model_version": "m2",
            "last_behaviour_date": "2026-02-27",
        },
        {"lead_id": "L2"},
    ]
    frame = changes_frame(rows)
    state = tmp_path / "state" / "last_synced.parquet"
    for name in ["changes.parquet", "changes.csv"]:  # typed, and all text
        path = write_changes(tmp_path, frame, name)
        state.unlink(missing_ok=True)

        code = run(
            ["mark-synced", "--routing", str(path), "--changes", str(path), "--state", str(state)]
        )

        assert code == 0
        recorded = read_state(state)
        assert recorded.schema == STATE_SCHEMA
        assert recorded.drop("synced_at").rows() == [
            ("L1", "hash-L1", 83, "sales_now", "route_to_sales", "R7", "m2", date(2026, 2, 27)),
            ("L2", "hash-L2", 50, "nurture", "nurture_sequence", None, "m1", None),
        ]


def test_an_older_checkpoint_reads_with_unknown_values_and_gains_them_at_the_next_sync(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state" / "last_synced.parquet"
    january = datetime(2026, 1, 1)
    write_state_file(state, [("L0000", "hash-L0000", january), ("L0001", "stale", january)])

    older = read_state(state)
    assert older.schema == STATE_SCHEMA
    assert older.select(list(RECEIVED_SCHEMA)).null_count().row(0) == (2,) * len(RECEIVED_SCHEMA)

    # an export from before last_behaviour_date existed is recorded too (null date)
    routing = write_changes(
        tmp_path, many_leads(1).drop("change_type", "last_behaviour_date"), "routing.parquet"
    )
    assert run(["mark-synced", "--routing", str(routing), "--state", str(state)]) == 0

    assert read_state(state).rows() == [
        # same hash: keeps its synced_at, gains the values
        ("L0000", "hash-L0000", january, 50, "nurture", "nurture_sequence", None, "m1", None),
        ("L0001", "stale", january, None, None, None, None, None, None),  # still unknown
    ]


def test_mark_synced_without_changes_records_every_routing_row_except_skipped(
    tmp_path: Path,
) -> None:
    routing = write_changes(tmp_path, many_leads(3).drop("change_type"), "routing.parquet")
    skipped = tmp_path / "skipped.csv"
    skipped.write_text("lead_id,id_field,id_value,reason\nL0001,email,,no email\n")
    state = tmp_path / "state.parquet"

    code = run(
        ["mark-synced", "--routing", str(routing), "--state", str(state), "--skipped", str(skipped)]
    )

    assert code == 0
    assert read_state(state)["lead_id"].to_list() == ["L0000", "L0002"]


def test_mark_synced_write_failure_leaves_the_old_checkpoint_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    routing = write_changes(tmp_path, many_leads(2).drop("change_type"), "routing.parquet")
    state = tmp_path / "state" / "last_synced.parquet"
    write_state_file(state, [("L0000", "old", datetime(2026, 1, 1))])
    before = state.read_bytes()

    def crash_halfway(self: pl.DataFrame, file: object, *args: object, **kwargs: object) -> None:
        Path(str(file)).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", crash_halfway)
    code = run(["mark-synced", "--routing", str(routing), "--state", str(state)])

    assert code == 1
    assert "disk full" in capsys.readouterr().err
    assert state.read_bytes() == before
    assert sorted(p.name for p in state.parent.iterdir()) == ["last_synced.parquet"]


def test_mark_synced_validates_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    routing = write_changes(tmp_path, many_leads(1).drop("sync_hash"), "routing.parquet")

    code = run(["mark-synced", "--routing", str(routing), "--state", str(tmp_path / "s.parquet")])

    assert code == 2
    assert f"{routing}: missing column(s) sync_hash" in capsys.readouterr().err


# ---------------------------------------------------------------- --send


@pytest.mark.parametrize(
    ("command", "environ", "variable"),
    [
        ("hubspot", {}, "HUBSPOT_ACCESS_TOKEN"),
        ("salesforce", {}, "SALESFORCE_INSTANCE_URL"),
        (
            "salesforce",
            {"SALESFORCE_INSTANCE_URL": "https://x.my.salesforce.com"},
            "SALESFORCE_ACCESS_TOKEN",
        ),
    ],
)
def test_send_without_credentials_exits_2_and_names_the_variable(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    environ: dict[str, str],
    variable: str,
) -> None:
    changes = write_changes(tmp_path, many_leads(2))
    transport = FakeTransport([])

    code = run(
        [command, "--changes", str(changes), "--out", str(tmp_path / "o"), "--send"],
        environ=environ,
        transport=transport,
    )

    assert code == 2
    assert variable in capsys.readouterr().err
    assert transport.requests == []


def test_mark_synced_flag_needs_send(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changes = write_changes(tmp_path, many_leads(2))

    assert run(["hubspot", "--changes", str(changes), "--mark-synced"]) == 2
    assert "--mark-synced" in capsys.readouterr().err


def hubspot_send_argv(tmp_path: Path, count: int) -> tuple[list[str], Path]:
    changes = write_changes(tmp_path, many_leads(count))
    state = tmp_path / "state" / "last_synced.parquet"
    argv = [
        "hubspot",
        "--changes",
        str(changes),
        "--out",
        str(tmp_path / "hubspot"),
        "--send",
        "--mark-synced",
        "--state",
        str(state),
    ]
    return argv, state


def test_hubspot_send_posts_batches_in_order_and_marks_synced(tmp_path: Path) -> None:
    argv, state = hubspot_send_argv(tmp_path, 250)
    transport = FakeTransport([ok_json({"status": "COMPLETE"})] * 3)

    assert run(argv, environ=HUBSPOT_ENV, transport=transport) == 0

    assert [r.method for r in transport.requests] == ["POST"] * 3
    assert {r.url for r in transport.requests} == {
        "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert"
    }
    assert transport.requests[0].headers["Authorization"] == "Bearer test-token"
    sent_bodies = [json.loads(r.body or b"") for r in transport.requests]
    files = sorted((tmp_path / "hubspot").glob("batch_*.json"))
    assert sent_bodies == [json.loads(f.read_text()) for f in files]
    recorded = read_state(state)
    assert recorded.height == 250
    assert recorded["synced_at"].unique().to_list() == [NOW]
    # what the CRM received, for the next build's change detection
    assert recorded.row(0, named=True) | {"synced_at": None} == {
        "lead_id": "L0000",
        "sync_hash": "hash-L0000",
        "synced_at": None,
        "score": 50,
        "tier": "nurture",
        "action": "nurture_sequence",
        "assigned_rep_id": None,
        "model_version": "m1",
        "last_behaviour_date": None,
    }


def test_hubspot_send_retries_429_then_succeeds(tmp_path: Path) -> None:
    argv, state = hubspot_send_argv(tmp_path, 2)
    rate_limited = HttpResponse(429, {"retry-after": "7"}, b'{"message":"rate limit"}')
    transport = FakeTransport([rate_limited, HttpResponse(503), ok_json({"status": "COMPLETE"})])
    waits: list[float] = []

    assert run(argv, environ=HUBSPOT_ENV, transport=transport, sleep=waits.append) == 0

    assert len(transport.requests) == 3
    assert transport.requests[0].body == transport.requests[2].body
    assert waits == [7.0, 2.0]  # Retry-After honoured, then exponential backoff
    assert read_state(state).height == 2


def test_hubspot_send_failure_stops_and_does_not_mark_synced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, state = hubspot_send_argv(tmp_path, 250)
    refused = ok_json({"status": "error", "message": "Property leadscore_tier does not exist"}, 400)
    transport = FakeTransport([ok_json({"status": "COMPLETE"}), refused])

    assert run(argv, environ=HUBSPOT_ENV, transport=transport) == 1

    assert len(transport.requests) == 2  # batch 3 is never sent
    err = capsys.readouterr().err
    assert "batch 2/3 failed: HTTP 400" in err
    assert "leadscore_tier does not exist" in err
    assert "test-token" not in err
    assert not state.exists()


def test_hubspot_partial_207_and_exhausted_retries_count_as_failures(tmp_path: Path) -> None:
    argv, state = hubspot_send_argv(tmp_path, 2)
    partial = ok_json({"status": "COMPLETE", "numErrors": 1, "errors": []}, 207)
    assert run(argv, environ=HUBSPOT_ENV, transport=FakeTransport([partial])) == 1

    down = FakeTransport([HttpResponse(502)] * 2 + [TransportError("connection reset")] * 4)
    assert run(argv, environ=HUBSPOT_ENV, transport=down) == 1
    assert len(down.requests) == 6  # --max-attempts default
    assert not state.exists()


def salesforce_crm(
    final_state: dict[str, object], failed_csv: str = ""
) -> tuple[Callable[[HttpRequest], HttpResponse], list[HttpRequest]]:
    """A fake Salesforce Bulk API 2.0: one job that is InProgress once, then final."""
    requests: list[HttpRequest] = []
    polls = iter([{"id": "750X", "state": "InProgress"}, {"id": "750X", **final_state}])
    base = "https://example.my.salesforce.com/services/data/v62.0/jobs/ingest"

    def transport(request: HttpRequest) -> HttpResponse:
        requests.append(request)
        route = (request.method, request.url)
        if route == ("POST", base):
            return ok_json({"id": "750X", "state": "Open"})
        if route == ("PUT", f"{base}/750X/batches"):
            return HttpResponse(201)
        if route == ("PATCH", f"{base}/750X"):
            return ok_json({"id": "750X", "state": "UploadComplete"})
        if route == ("GET", f"{base}/750X"):
            return ok_json(next(polls))
        if route == ("GET", f"{base}/750X/failedResults/"):
            return HttpResponse(200, {}, failed_csv.encode())
        raise AssertionError(f"unexpected request {route}")

    return transport, requests


def salesforce_send_argv(tmp_path: Path) -> tuple[list[str], Path, Path]:
    changes = write_changes(tmp_path, many_leads(3))
    out, state = tmp_path / "salesforce", tmp_path / "state.parquet"
    argv = [
        "salesforce",
        "--changes",
        str(changes),
        "--out",
        str(out),
        "--send",
        "--mark-synced",
        "--state",
        str(state),
    ]
    return argv, out, state


def test_salesforce_send_runs_the_bulk_job_and_marks_synced(tmp_path: Path) -> None:
    argv, out, state = salesforce_send_argv(tmp_path)
    transport, requests = salesforce_crm(
        {"state": "JobComplete", "numberRecordsProcessed": 3, "numberRecordsFailed": 0}
    )

    assert run(argv, environ=SALESFORCE_ENV, transport=transport) == 0

    assert [r.method for r in requests] == ["POST", "PUT", "PATCH", "GET", "GET"]
    assert json.loads(requests[0].body or b"") == json.loads((out / "job.json").read_text())
    assert requests[1].headers["Content-Type"] == "text/csv"
    assert requests[1].body == (out / "upsert.csv").read_bytes()
    assert json.loads(requests[2].body or b"") == {"state": "UploadComplete"}
    assert read_state(state)["lead_id"].to_list() == ["L0000", "L0001", "L0002"]


def test_salesforce_failed_records_are_saved_and_not_marked_synced(tmp_path: Path) -> None:
    argv, out, state = salesforce_send_argv(tmp_path)
    failed = 'sf__Id,sf__Error,LeadScore_Id__c\n"",INVALID_FIELD,L0001\n'
    transport, _requests = salesforce_crm(
        {"state": "JobComplete", "numberRecordsProcessed": 3, "numberRecordsFailed": 1}, failed
    )

    assert run(argv, environ=SALESFORCE_ENV, transport=transport) == 1

    assert (out / "failed_results_750X.csv").read_text() == failed
    assert not state.exists()
