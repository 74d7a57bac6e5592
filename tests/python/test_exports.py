"""The export files the build writes for tools outside the warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from leadscore.exports import ExportError, write_exports
from leadscore.ml.reasons import format_reason
from leadscore.sync.tables import read_table


def routing_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lead_id": ["L2", "L1"],
            "email": [None, "ann@acme.com"],
            "score": [91, 40],
            "tier_changed_at": [datetime(2025, 3, 5), datetime(2025, 3, 6, 7, 8, 9)],
        },
        schema={
            "lead_id": pl.String,
            "email": pl.String,
            "score": pl.Int32,
            "tier_changed_at": pl.Datetime("us"),
        },
    )


def test_each_table_is_written_as_parquet_and_csv_with_a_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "nested" / "exports"  # does not exist yet
    manifest = write_exports(
        {"lead_routing": routing_frame(), "lead_routing_changes": routing_frame().head(0)},
        folder,
    )

    assert manifest.rows() == [
        ("lead_routing", "parquet", str(folder / "lead_routing.parquet"), 2),
        ("lead_routing", "csv", str(folder / "lead_routing.csv"), 2),
        ("lead_routing_changes", "parquet", str(folder / "lead_routing_changes.parquet"), 0),
        ("lead_routing_changes", "csv", str(folder / "lead_routing_changes.csv"), 0),
    ]
    assert sorted(path.name for path in folder.iterdir()) == [
        "lead_routing.csv",
        "lead_routing.parquet",
        "lead_routing_changes.csv",
        "lead_routing_changes.parquet",
    ]
    # types kept in Parquet, rows sorted by lead_id
    parquet = pl.read_parquet(folder / "lead_routing.parquet")
    assert parquet.equals(routing_frame().sort("lead_id"))
    # an empty table still has its header
    assert read_table(folder / "lead_routing_changes.csv").columns == routing_frame().columns


def test_csv_has_iso_utc_timestamps_and_empty_cells_for_nulls(tmp_path: Path) -> None:
    write_exports({"lead_routing": routing_frame()}, tmp_path)

    lines = (tmp_path / "lead_routing.csv").read_text().splitlines()
    assert lines == [
        "lead_id,email,score,tier_changed_at",
        "L1,ann@acme.com,40,2025-03-06T07:08:09.000Z",
        "L2,,91,2025-03-05T00:00:00.000Z",
    ]
    # what leadscore.sync reads from the CSV: text, null for the empty cell
    assert read_table(tmp_path / "lead_routing.csv")["email"].to_list() == ["ann@acme.com", None]


def test_rewriting_replaces_the_files_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_exports({"lead_routing": routing_frame()}, tmp_path)
    write_exports({"lead_routing": routing_frame().head(1)}, tmp_path)

    assert pl.read_parquet(tmp_path / "lead_routing.parquet").height == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "lead_routing.csv",
        "lead_routing.parquet",
    ]


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "exports"
    blocker.write_text("a file where the folder should be")

    with pytest.raises(ExportError, match=r"cannot write .*lead_routing\.parquet.*export_path"):
        write_exports({"lead_routing": routing_frame()}, blocker)


def test_an_empty_folder_name_is_a_clear_error() -> None:
    with pytest.raises(ExportError, match="export_path"):
        write_exports({"lead_routing": routing_frame()}, " ")


# ------------------------------------------------------- CSV formula injection (OWASP)

HOSTILE = {
    "lead_id": "=cmd|' /C calc'!A0",
    "email": "-2+3@x.com",
    "reason_1": "+ Seniority: vp",
    "action": "@SUM(A1)",
}


def hostile_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lead_id": [HOSTILE["lead_id"], "L1", "L2", "L3"],
            "email": [HOSTILE["email"], "ann@acme.com", None, "\tbob@acme.com"],
            "reason_1": [HOSTILE["reason_1"], "Visited pricing 3 times", "\u22125 days idle", None],
            "action": [HOSTILE["action"], "call_within_1h", "a=b+c", "\rnurture"],
            "tier": ["sales_now", "nurture", "-awareness", "nurture"],
            "score": [-3, 40, 91, 0],
            "lift": [-0.5, 1.5, 2.0, 0.0],
            "is_mql": [True, False, None, True],
            "tier_changed_at": [datetime(2025, 3, 5)] * 4,
        },
        schema_overrides={"tier": pl.Categorical, "score": pl.Int32},
    )


def test_csv_cells_that_start_a_formula_get_a_quote_prefix_and_parquet_stays_raw(
    tmp_path: Path,
) -> None:
    frame = hostile_frame()
    write_exports({"lead_routing": frame}, tmp_path, sort_by="none")

    csv = pl.read_csv(tmp_path / "lead_routing.csv", infer_schema=False)
    assert csv.row(0, named=True) == {
        "lead_id": "'=cmd|' /C calc'!A0",
        "email": "'-2+3@x.com",
        "reason_1": "'+ Seniority: vp",
        "action": "'@SUM(A1)",
        "tier": "sales_now",
        "score": "-3",  # numbers are not text: untouched
        "lift": "-0.5",
        "is_mql": "true",
        "tier_changed_at": "2025-03-05T00:00:00.000Z",
    }
    assert csv["email"].to_list() == ["'-2+3@x.com", "ann@acme.com", None, "'\tbob@acme.com"]
    # U+2212 is not a trigger, and a trigger after the first character is harmless
    assert csv["reason_1"].to_list() == [
        "'+ Seniority: vp",
        "Visited pricing 3 times",
        "\u22125 days idle",
        None,
    ]
    assert csv["action"].to_list() == ["'@SUM(A1)", "call_within_1h", "a=b+c", "'\rnurture"]
    assert csv["tier"].to_list() == ["sales_now", "nurture", "'-awareness", "nurture"]

    parquet = pl.read_parquet(tmp_path / "lead_routing.parquet")
    assert parquet.row(0, named=True)["lead_id"] == HOSTILE["lead_id"]
    assert parquet.select(list(HOSTILE)).row(0, named=True) == HOSTILE
    assert parquet.equals(frame)


def test_a_crm_value_in_a_reason_stays_data_in_both_exports(tmp_path: Path) -> None:
    """A custom property's value reaches a reason as the CRM wrote it (issue 15, 3c)."""
    formula = '=HYPERLINK("http://evil.example","x")'
    raised = format_reason("custom_plan", formula, 0.4)
    lowered = format_reason("custom_plan", "@SUM(A1)", -0.4)
    assert raised is not None and formula in raised and raised.startswith("+")
    assert lowered is not None and "@SUM(A1)" in lowered
    frame = pl.DataFrame({"lead_id": ["L1", "L2"], "reason_1": [raised, lowered]})
    write_exports({"lead_scores": frame}, tmp_path, sort_by="none")

    csv = pl.read_csv(tmp_path / "lead_scores.csv", infer_schema=False)
    # the cell starting with "+" is prefixed; the one starting with U+2212 needs no prefix
    assert csv["reason_1"].to_list() == ["'" + raised, lowered]
    assert not any(cell[0] in "=+-@\t\r" for cell in csv["reason_1"].to_list())
    # Parquet keeps the reason exactly as scored, the CRM's value inside it
    assert pl.read_parquet(tmp_path / "lead_scores.parquet")["reason_1"].to_list() == [
        raised,
        lowered,
    ]


def test_csv_of_ordinary_values_is_unchanged(tmp_path: Path) -> None:
    frame = routing_frame()
    write_exports({"lead_routing": frame}, tmp_path)

    expected = frame.sort("lead_id").write_csv(datetime_format="%Y-%m-%dT%H:%M:%S%.3fZ").encode()
    assert (tmp_path / "lead_routing.csv").read_bytes() == expected
