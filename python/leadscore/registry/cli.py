"""`python -m leadscore.registry`: the trained models, and a deliberate rollback.

    python -m leadscore.registry list
    python -m leadscore.registry promote <version_id> --why "AUC fell after the May retrain"

`promote` appends one row to the registry (``ml.ml_training_runs``): the earlier model's
own row again, with action ``promoted_by_hand``, who promoted it and why, at the latest
score date the registry holds. Being the newest promoted run, it is the champion of the next
build (``ml_champion``), which scores with it; nothing is deleted, so the registry keeps the
whole story and a later retrain or promotion can replace it as usual. Run it while no build
holds the database (DuckDB allows one writer). Exit codes: 0 done, 2 bad input (no such
database, table or version).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TextIO

import duckdb

DEFAULT_DATABASE = "warehouse/leadscore.duckdb"
REGISTRY = "ml.ml_training_runs"


class RegistryError(ValueError):
    """The registry cannot do what was asked: the message says why and what to do."""


def _connect(database: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    if not os.path.exists(database):
        raise RegistryError(
            f"no database at {database}: pass --database (or set LEADSCORE_DUCKDB_PATH)."
        )
    connection = duckdb.connect(database, read_only=read_only)
    found = connection.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'ml' and table_name = 'ml_training_runs'"
    ).fetchone()
    if not found or not found[0]:
        connection.close()
        raise RegistryError(f"{database} has no model registry ({REGISTRY}): run dbt build first.")
    return connection


def list_models(database: str, out: TextIO) -> None:
    """Print the trained models, newest first, marking the champion."""
    with _connect(database, read_only=True) as connection:
        champion = connection.execute(
            f"select version_id from {REGISTRY} where is_promoted"
            " order by ran_at desc, run_id desc limit 1"
        ).fetchone()
        rows = connection.execute(
            f"select version_id, score_date, ran_at, model_kind, roc_auc, pr_auc, is_promoted"
            f" from {REGISTRY} where action = 'trained' order by ran_at desc, run_id desc"
        ).fetchall()
    current = champion[0] if champion else None
    out.write("version_id             score_date  trained_at        kind      ROC AUC  PR AUC\n")
    for version, score_date, ran_at, kind, roc, pr, _ in rows:
        mark = "  <- champion" if version == current else ""
        out.write(
            f"{version:<22} {score_date}  {ran_at:%Y-%m-%d %H:%M}  {kind or '':<9}"
            f" {roc or float('nan'):.4f}   {pr or float('nan'):.4f}{mark}\n"
        )


def promote(database: str, version: str, why: str, by: str, now: dt.datetime) -> str:
    """Append a hand promotion of ``version``; return the new run's id."""
    if not why.strip():
        raise RegistryError("say why (--why): the registry keeps it beside the promotion.")
    with _connect(database, read_only=False) as connection:
        trained = connection.execute(
            f"select count(*) from {REGISTRY} where version_id = ? and action = 'trained'"
            " and model_bundle is not null",
            [version],
        ).fetchone()
        if not trained or not trained[0]:
            raise RegistryError(
                f"no trained model {version!r} in {REGISTRY}: `python -m leadscore.registry"
                " list` shows the versions."
            )
        # marked unusable after its latest training: its bundle cannot be loaded
        unusable = connection.execute(
            f"select action_reason from {REGISTRY} as marks where version_id = ?"
            " and action = 'marked_unusable' and ran_at > (select max(ran_at)"
            f" from {REGISTRY} where version_id = marks.version_id and action = 'trained')"
            " order by ran_at desc limit 1",
            [version],
        ).fetchone()
        if unusable:
            raise RegistryError(f"{version} is marked unusable: {unusable[0]}.")
        (score_date,) = connection.execute(f"select max(score_date) from {REGISTRY}").fetchone()
        champion = connection.execute(
            f"select version_id from {REGISTRY} where is_promoted"
            " order by ran_at desc, run_id desc limit 1"
        ).fetchone()
        run_id = f"{score_date}@{now.isoformat()}#promoted-by-hand"
        reason = f"promoted by hand by {by}: {why.strip()}"
        connection.execute(
            f"""
            insert into {REGISTRY} by name
            select * replace (
                ? as run_id,
                cast(? as date) as score_date,
                cast(? as timestamp) as ran_at,
                'promoted_by_hand' as action,
                ? as action_reason,
                true as is_promoted,
                ? as promotion_reason,
                ? as champion_version_id
            )
            from {REGISTRY}
            where version_id = ? and action = 'trained'
            qualify row_number() over (order by ran_at desc, run_id desc) = 1
            """,
            [
                run_id,
                score_date,
                now,
                reason,
                reason,
                champion[0] if champion else None,
                version,
            ],
        )
    return run_id


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leadscore.registry", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("LEADSCORE_DUCKDB_PATH", DEFAULT_DATABASE),
        help="the DuckDB file (default: $LEADSCORE_DUCKDB_PATH or warehouse/leadscore.duckdb)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the trained models, newest first")
    promote_parser = commands.add_parser("promote", help="make an earlier model the champion")
    promote_parser.add_argument("version_id")
    promote_parser.add_argument("--why", required=True, help="recorded in the registry")
    promote_parser.add_argument("--by", default=getpass.getuser(), help="who (default: $USER)")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            list_models(args.database, out)
        else:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            run_id = promote(args.database, args.version_id, args.why, args.by, now)
            out.write(
                f"{args.version_id} is the champion from the next build on (registry run"
                f" {run_id}).\n"
            )
    except RegistryError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    return 0
