"""A randomised contract fuzzer: random CRM worlds the project did not generate
(tests/python/contract_worlds.py), with optional tables and columns dropped, activity kinds
removed, few leads, no conversions, dates shifted by years, one lead source, CSV or Parquet
and custom properties, mixed at random. Every world must build, score exactly its open
leads (each with a score, a method and a reason), account for every raw row, and its
preflight must count the leads its training run saw.

LEADSCORE_FUZZ_VARIANTS (default 20) and LEADSCORE_FUZZ_SEED (default: today's date as
YYYYMMDD) pick the worlds; a failure prints the seed, the variant index and its description.
Reproduce one with LEADSCORE_FUZZ_SEED=<seed> pytest ... -k "variant_<index>".

Each variant builds only what the assertions need (+lead_scores +raw_row_reconciliation and
their tests), on a fresh DuckDB file, with dbt's manifest parsed once for the whole run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from contract_worlds import TABLES, World, random_variant, write_world
from dbt_helpers import PROJECT_DIR

# 20 a run keeps CI short; the seed changes every day, so the worlds do too (a thorough
# run: LEADSCORE_FUZZ_VARIANTS=200)
VARIANTS = int(os.environ.get("LEADSCORE_FUZZ_VARIANTS", "20"))
SEED = int(os.environ.get("LEADSCORE_FUZZ_SEED", dt.date.today().strftime("%Y%m%d")))
# dbt's unit tests mock their inputs, so a random world cannot change them: the quickstart
# build of scripts/test.sh runs them once
SELECT = [
    "--select",
    "+lead_scores",
    "+raw_row_reconciliation",
    "--exclude",
    "resource_type:unit_test",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def dbt_session(tmp_path_factory: pytest.TempPathFactory):
    """One parsed manifest for every variant, and the common dbt arguments."""
    from dbt.cli.main import dbtRunner

    root = tmp_path_factory.mktemp("fuzz")
    saved = dict(os.environ)
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    os.environ["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
    # the manifest names the database after the file: every variant uses fuzz.duckdb
    (root / "parse").mkdir()
    os.environ["LEADSCORE_DUCKDB_PATH"] = str(root / "parse" / "fuzz.duckdb")
    common = [
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(root / "target"),
        "--log-path",
        str(root / "logs"),
    ]
    started = time.perf_counter()
    parsed = dbtRunner().invoke(["parse", *common, "--quiet"])
    assert parsed.success, parsed.exception
    print(f"\nfuzz seed {SEED}, {VARIANTS} variants; parse {time.perf_counter() - started:.1f}s")
    yield root, common, parsed.result
    # the variants point dbt at their own files: leave the environment as it was
    os.environ.clear()
    os.environ.update(saved)


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in-process: close it so we can read the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def _build(dbt_session, world: World, database: Path) -> tuple[bool, list[str]]:
    from dbt.cli.main import dbtRunner

    _root, common, manifest = dbt_session
    variables = {"raw_data_path": str(world.folder)}
    if world.custom_properties:
        variables["custom_properties"] = world.custom_properties
    os.environ["LEADSCORE_DUCKDB_PATH"] = str(database)
    try:
        result = dbtRunner(manifest=manifest).invoke(
            ["build", *SELECT, *common, "--quiet", "--vars", json.dumps(variables)]
        )
    finally:
        _close_dbt_duckdb()
    problems = []
    if result.exception is not None:
        problems.append(f"dbt raised: {result.exception}")
    for node in getattr(result.result, "results", None) or []:
        if str(node.status) in {"error", "fail"}:
            message = " ".join(str(node.message or "").split())
            if len(message) > 700:  # keep the start (which model) and the end (the error)
                message = message[:200] + " ... " + message[-500:]
            problems.append(f"{node.node.name}: {node.status}: {message}")
    return result.success, problems


def _expected_open_leads(world: World, cutoff: dt.datetime, now: dt.datetime) -> set[str]:
    """Leads the export holds that exist, are not converted and not disqualified at the
    score date (computed from the generator's truth, not from the build)."""
    truth = world.leads
    if "disqualified_at" in world.variant.drop_lead_columns:
        truth = truth.with_columns(pl.lit(None, pl.Datetime("us")).alias("disqualified_at"))
    open_leads = truth.filter(
        (pl.col("created_at") <= now)
        & (pl.col("created_at") < cutoff)
        & (pl.col("converted_at").is_null() | (pl.col("converted_at") >= cutoff))
        & (pl.col("disqualified_at").is_null() | (pl.col("disqualified_at") >= cutoff))
    )
    return set(open_leads["lead_id"].to_list())


def _check(world: World, database: Path, now: dt.datetime) -> list[str]:
    problems = []
    with duckdb.connect(str(database), read_only=True) as db:
        reconciliation = {
            row[0]: row[1:]
            for row in db.sql(
                "select source_table, raw_rows, kept_rows, duplicate_rows, rejected_rows,"
                " is_reconciled from marts.raw_row_reconciliation"
            ).fetchall()
        }
        for table in TABLES:
            if table not in reconciliation:
                problems.append(f"raw_row_reconciliation has no row for {table}")
                continue
            raw, kept, duplicates, rejected, reconciled = reconciliation[table]
            if raw != world.raw_rows[table]:
                problems.append(f"{table}: {world.raw_rows[table]} rows written, {raw} counted")
            if raw != kept + duplicates + rejected or not reconciled:
                problems.append(
                    f"{table}: raw {raw} != kept {kept} + duplicates {duplicates}"
                    f" + rejected {rejected}"
                )
        ((score_date, cutoff),) = db.sql(
            "select score_date, cutoff_at from intermediate.int_score_date"
        ).fetchall()
        scores = db.sql(
            "select lead_id, score, scoring_method, scoring_method_reason, reason_1"
            " from marts.lead_scores"
        ).pl()
        # the preflight restates the panel's rules per lead: for the configured horizon it
        # counts exactly the leads the training run saw
        ((run_counts, preflight_counts),) = db.sql(
            "select (select [labelled_leads, converted_leads] from ml.ml_training_runs),"
            " (select [labelled_leads, converted_leads] from ml.ml_training_preflight"
            "  where is_configured)"
        ).fetchall()
        if run_counts != preflight_counts:
            problems.append(
                f"ml_training_preflight counts {preflight_counts} labelled/converted leads for"
                f" the configured horizon, the training run {run_counts}"
            )
    expected = _expected_open_leads(world, cutoff, now)
    scored = scores["lead_id"].to_list()
    if len(scored) != len(set(scored)):
        problems.append(f"lead_scores: {len(scored) - len(set(scored))} leads scored twice")
    if set(scored) != expected:
        missing, extra = expected - set(scored), set(scored) - expected
        problems.append(
            f"lead_scores (score date {score_date}): {len(expected)} open leads expected,"
            f" {len(set(scored))} scored; not scored: {sorted(missing)[:3]}"
            f" ({len(missing)}), scored but not open: {sorted(extra)[:3]} ({len(extra)})"
        )
    for column in ["score", "scoring_method", "scoring_method_reason", "reason_1"]:
        nulls = scores.filter(
            pl.col(column).is_null() | (pl.col(column).cast(pl.String).str.strip_chars() == "")
        ).height
        if nulls:
            problems.append(f"lead_scores: {nulls} of {scores.height} rows without {column}")
    bad = scores.filter((pl.col("score") < 0) | (pl.col("score") > 100)).height
    if bad:
        problems.append(f"lead_scores: {bad} scores outside 0..100")
    return problems


def _run_variant(dbt_session, tmp_path: Path, index: int) -> None:
    variant = random_variant(SEED, index)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    world = write_world(tmp_path / "export", variant, today=now)
    started = time.perf_counter()
    ok, problems = _build(dbt_session, world, tmp_path / "fuzz.duckdb")
    if ok:
        problems += _check(world, tmp_path / "fuzz.duckdb", now)
    elapsed = time.perf_counter() - started
    print(f"\nvariant {index} ({variant.describe()}): {elapsed:.1f}s")
    assert not problems, (
        f"LEADSCORE_FUZZ_SEED={SEED} variant {index} ({variant.describe()}):\n  "
        + "\n  ".join(problems)
    )


def _variant_id(index: int) -> str:
    return f"variant_{index}"


# Two classes, so that `pytest -n 2 --dist loadscope` (scripts/test.sh) gives each worker half
# of the worlds; every other test file stays whole on one worker.
class TestEvenVariants:
    @pytest.mark.parametrize("index", range(0, VARIANTS, 2), ids=_variant_id)
    def test_a_random_world_builds_scores_every_open_lead_and_reconciles(
        self, dbt_session, tmp_path: Path, index: int
    ) -> None:
        _run_variant(dbt_session, tmp_path, index)


class TestOddVariants:
    @pytest.mark.parametrize("index", range(1, VARIANTS, 2), ids=_variant_id)
    def test_a_random_world_builds_scores_every_open_lead_and_reconciles(
        self, dbt_session, tmp_path: Path, index: int
    ) -> None:
        _run_variant(dbt_session, tmp_path, index)
