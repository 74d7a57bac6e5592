"""Compare two builds of the demo: the compiled SQL of every model and the rows of the tables
that hold features and scores. For checking that a restructure changed nothing a user sees.

    # build twice (before / after the change), each with its own database and target folder:
    LEADSCORE_DUCKDB_PATH=/tmp/before.duckdb dbt build --full-refresh --target-path /tmp/before
    ...
    python bench/compare_builds.py /tmp/before.duckdb /tmp/before /tmp/after.duckdb /tmp/after

Compiled SQL is compared per model file name wherever the folder; tables are compared on the
columns both builds have, as multisets of rows, leaving out build timestamps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

TABLES = (
    "features.lead_features",
    "features.lead_points_scores",
    "ml.ml_training_panel",
    "ml.ml_lead_scores",
    "marts.lead_scores",
    "marts.lead_routing",
)
TIMESTAMPS = ("scored_at", "tier_changed_at")


def compiled(target: Path) -> dict[str, str]:
    """Compiled SQL of each model (not tests), by file name."""
    root = target / "compiled" / "leadscore" / "models"
    return {
        path.name: path.read_text()
        for path in root.rglob("*.sql")
        if not any(part.endswith(".yml") for part in path.parts)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before_db")
    parser.add_argument("before_target", type=Path)
    parser.add_argument("after_db")
    parser.add_argument("after_target", type=Path)
    args = parser.parse_args()

    before, after = compiled(args.before_target), compiled(args.after_target)
    print("== compiled SQL of the models")
    for name in sorted(before):
        state = "identical" if after.get(name) == before[name] else "DIFFERS"
        if name not in after:
            state = "gone (renamed or removed)"
        print(f"  {state:<26} {name}")
    for name in sorted(set(after) - set(before)):
        print(f"  {'new':<26} {name}")

    print("== tables")
    con = duckdb.connect()
    con.execute(f"attach '{args.before_db}' as b (read_only)")
    con.execute(f"attach '{args.after_db}' as a (read_only)")
    for table in TABLES:
        schema, name = table.split(".")
        columns = {}
        for side in ("b", "a"):
            columns[side] = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_catalog = ? and table_schema = ? and table_name = ?",
                    [side, schema, name],
                ).fetchall()
            ]
        common = [c for c in columns["b"] if c in columns["a"] and c not in TIMESTAMPS]
        listed = ", ".join(f'"{c}"' for c in common)
        rows = [con.execute(f"select count(*) from {s}.{table}").fetchone()[0] for s in "ba"]
        differing = [
            con.execute(
                f"select count(*) from (select {listed} from {x}.{table}"
                f" except all select {listed} from {y}.{table})"
            ).fetchone()[0]
            for x, y in (("b", "a"), ("a", "b"))
        ]
        only = sorted(set(columns["b"]) ^ set(columns["a"]))
        verdict = "identical" if differing == [0, 0] and rows[0] == rows[1] else "DIFFERS"
        print(
            f"  {verdict:<9} {table}: {rows[0]} vs {rows[1]} rows, {len(common)} columns"
            f" compared, rows only in one: {differing}, columns only in one: {only}"
        )


if __name__ == "__main__":
    main()
