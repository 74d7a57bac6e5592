"""ml_training_panel samples in SQL above var model_max_train_rows: exactly the cap, every
as-of date and both labels kept, deterministic; at or under the cap every row, unchanged.

The model's SQL is compiled by dbt (cap 1,000) and run on small made-up upstream tables."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from dbt_helpers import run_dbt

CAP = 1_000
DATES = 25


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    database = tmp_path_factory.mktemp("panel_sample") / "sample.duckdb"
    result = run_dbt(
        ["compile", "--select", "ml_training_panel"], database, {"model_max_train_rows": CAP}
    )
    assert result.returncode == 0, result.stdout[-3000:]
    sql = (
        database.parent / "target/compiled/leadscore/models/ml/ml_training_panel.sql"
    ).read_text()
    return database, sql


def panel(compiled: tuple[Path, str], leads: int) -> list[tuple]:
    """The compiled panel on ``leads`` leads x DATES weekly as-of dates (every 10th lead
    converted, the score date's rows unlabelled)."""
    database, sql = compiled
    relations = set(re.findall(r'"sample"\."(\w+)"\."(lead_features|lead_points_scores)"', sql))
    with duckdb.connect(str(database)) as con:
        for schema, name in relations:
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"drop table if exists {schema}.{name}")
        schema = dict((name, schema) for schema, name in relations)
        con.execute(f"""
            create table {schema["lead_features"]}.lead_features as
            select
                'L' || lpad(lead::varchar, 5, '0') as lead_id,
                date '2026-01-05' + 7 * week::integer as as_of_date,
                false as is_at_creation,
                case when week = {DATES} then null when lead % 10 = 0 then 1 else 0 end
                    as label,
                lead * 0.5 as feature
            from range({leads}) as leads (lead), range({DATES} + 1) as weeks (week)
        """)
        con.execute(f"""
            create table {schema["lead_points_scores"]}.lead_points_scores as
            select lead_id, as_of_date, 10.0 as points_score
            from {schema["lead_features"]}.lead_features
        """)
        return con.execute(f"select * from ({sql}) order by all").fetchall()


def test_over_the_cap_exactly_the_cap_every_date_both_labels(compiled):
    rows = panel(compiled, leads=200)  # 5,000 labelled rows
    assert len(rows) == CAP
    assert len({row[1] for row in rows}) == DATES
    assert {row[3] for row in rows} == {0, 1}
    assert all(row[3] is not None for row in rows)
    per_date = [sum(row[1] == date for row in rows) for date in {row[1] for row in rows}]
    assert min(per_date) > 0.5 * CAP / DATES  # each date keeps about its share (40)
    assert panel(compiled, leads=200) == rows  # deterministic


def test_at_or_under_the_cap_every_labelled_row(compiled):
    rows = panel(compiled, leads=40)  # exactly 1,000 labelled rows
    assert len(rows) == 40 * DATES
    assert len(panel(compiled, leads=39)) == 39 * DATES
