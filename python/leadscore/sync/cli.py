"""`python -m leadscore.sync`: push the changes feed to a CRM and record the checkpoint.

    python -m leadscore.sync hubspot     [--send [--mark-synced]]   # batch-upsert JSON
    python -m leadscore.sync salesforce  [--send [--mark-synced]]   # Bulk API 2.0 CSV job
    python -m leadscore.sync mark-synced                            # record the checkpoint

Dry run by default: request files are written, nothing is sent. `--send` talks
to the CRM with credentials from environment variables only. Exit codes:
0 done, 1 the CRM refused or a file could not be written, 2 bad input or
configuration (missing file, column, credential).
See docs/reverse_etl.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

import polars as pl

from leadscore.sync.hubspot import (
    DEFAULT_HUBSPOT_PROPERTIES,
    HubSpotPlan,
    build_hubspot_upserts,
    send_hubspot,
    upsert_url,
)
from leadscore.sync.salesforce import (
    DEFAULT_SALESFORCE_FIELDS,
    SALESFORCE_API_VERSION,
    SALESFORCE_NULL,
    SalesforcePlan,
    build_salesforce_upsert,
    send_salesforce,
)
from leadscore.sync.state import merge_state, read_state, synced_rows, utc_now, write_state
from leadscore.sync.tables import SyncInputError, parse_field_map, read_table, require_columns
from leadscore.sync.transport import RetryPolicy, Sleep, Transport, urllib_transport

DEFAULT_CHANGES = "exports/lead_routing_changes.parquet"
DEFAULT_ROUTING = "exports/lead_routing.parquet"
DEFAULT_STATE = "exports/state/last_synced.parquet"

_BATCH_FILE = re.compile(r"batch_\d{4,}\.json")


@dataclass(frozen=True)
class _Context:
    """Everything with a side effect, injectable so tests need no network or clock."""

    transport: Transport
    environ: Mapping[str, str]
    sleep: Sleep
    now: Callable[[], datetime]
    out: TextIO
    err: TextIO

    def say(self, message: str) -> None:
        print(message, file=self.out)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for all three subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m leadscore.sync",
        description="Send lead scores to a CRM from the dbt exports (dry run by default).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hubspot = commands.add_parser(
        "hubspot", help="HubSpot CRM v3 batch-upsert bodies (batch_0001.json, ...)"
    )
    _add_source_options(hubspot, "exports/hubspot")
    hubspot.add_argument("--object", default="contacts", help="object type (default: contacts)")
    hubspot.add_argument(
        "--id-property",
        default="email",
        help="unique HubSpot property records are matched on (default: email)",
    )
    hubspot.add_argument(
        "--id-column",
        help="export column holding that id (default: email for --id-property email, else lead_id)",
    )
    hubspot.add_argument(
        "--property-map",
        action="append",
        default=[],
        metavar="COLUMN=property",
        help="override a default property name; COLUMN= leaves the column out (repeatable). "
        f"Defaults: {_describe(DEFAULT_HUBSPOT_PROPERTIES)}",
    )
    _add_send_options(hubspot, "HUBSPOT_ACCESS_TOKEN")

    salesforce = commands.add_parser(
        "salesforce", help="Salesforce Bulk API 2.0 upsert job (job.json + upsert.csv)"
    )
    _add_source_options(salesforce, "exports/salesforce")
    salesforce.add_argument("--object", default="Lead", help="sObject (default: Lead)")
    salesforce.add_argument(
        "--external-id-field",
        default="LeadScore_Id__c",
        help="external id field to upsert on (default: LeadScore_Id__c; Id works too)",
    )
    salesforce.add_argument(
        "--external-id-column",
        default="lead_id",
        help="export column that fills the external id field (default: lead_id)",
    )
    salesforce.add_argument(
        "--field-map",
        action="append",
        default=[],
        metavar="COLUMN=Field__c",
        help="override a default field API name; COLUMN= leaves the column out (repeatable). "
        f"Defaults: {_describe(DEFAULT_SALESFORCE_FIELDS)}",
    )
    salesforce.add_argument(
        "--blank-nulls",
        action="store_true",
        help=f"write nulls as empty cells (Salesforce leaves the field unchanged) instead of "
        f"{SALESFORCE_NULL} (Salesforce clears the field)",
    )
    salesforce.add_argument(
        "--api-version", default=SALESFORCE_API_VERSION, help="REST API version, e.g. 62.0"
    )
    salesforce.add_argument(
        "--wait",
        type=float,
        default=1800.0,
        metavar="SECONDS",
        help="with --send: how long to wait for Salesforce to process a job (default: 1800)",
    )
    _add_send_options(salesforce, "SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN")

    mark = commands.add_parser(
        "mark-synced", help="record the checkpoint after the CRM received the changes"
    )
    mark.add_argument(
        "--routing",
        type=Path,
        default=Path(DEFAULT_ROUTING),
        help=f"the lead_routing export (default: {DEFAULT_ROUTING}); without --changes, "
        "every lead in it is recorded as synced",
    )
    mark.add_argument("--changes", type=Path, help="record only the leads in this changes export")
    mark.add_argument(
        "--skipped",
        type=Path,
        action="append",
        default=[],
        help="a skipped.csv from a sync: those leads were not sent and are not recorded "
        "(repeatable)",
    )
    mark.add_argument(
        "--state",
        type=Path,
        default=Path(DEFAULT_STATE),
        help=f"the checkpoint file (default: {DEFAULT_STATE})",
    )
    return parser


def _add_source_options(parser: argparse.ArgumentParser, out: str) -> None:
    parser.add_argument(
        "--changes",
        type=Path,
        default=Path(DEFAULT_CHANGES),
        help=f"changes export, .parquet or .csv (default: {DEFAULT_CHANGES})",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(out), help=f"folder for request files (default: {out})"
    )


def _add_send_options(parser: argparse.ArgumentParser, credentials: str) -> None:
    parser.add_argument(
        "--send", action="store_true", help=f"send to the CRM (credentials: {credentials})"
    )
    parser.add_argument(
        "--mark-synced",
        action="store_true",
        help="with --send: record the checkpoint if every request succeeded",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(DEFAULT_STATE),
        help=f"checkpoint file for --mark-synced (default: {DEFAULT_STATE})",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=6,
        help="tries per request on 429 / 5xx / network errors, with backoff (default: 6)",
    )


def _describe(fields: Mapping[str, str]) -> str:
    return ", ".join(f"{column}={name}" for column, name in fields.items())


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: Transport | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep | None = None,
    now: Callable[[], datetime] | None = None,
) -> int:
    """Run the command line; returns the exit code (0 ok, 1 CRM/file failure, 2 bad input)."""
    args = build_parser().parse_args(argv)
    context = _Context(
        transport=transport or urllib_transport,
        environ=os.environ if environ is None else environ,
        sleep=sleep or time.sleep,
        now=now or utc_now,
        out=sys.stdout,
        err=sys.stderr,
    )
    handlers: dict[str, Callable[[argparse.Namespace, _Context], int]] = {
        "hubspot": _run_hubspot,
        "salesforce": _run_salesforce,
        "mark-synced": _run_mark_synced,
    }
    try:
        return handlers[args.command](args, context)
    except SyncInputError as error:
        print(f"error: {error}", file=context.err)
        return 2
    except OSError as error:
        print(f"error: {error}", file=context.err)
        return 1


def _credential(context: _Context, name: str, hint: str) -> str:
    value = context.environ.get(name, "").strip()
    if not value:
        raise SyncInputError(
            f"--send needs the environment variable {name} ({hint}). Set it, or drop --send "
            "for a dry run that only writes files."
        )
    return value


def _check_send_flags(args: argparse.Namespace) -> None:
    if args.mark_synced and not args.send:
        raise SyncInputError(
            "--mark-synced records the checkpoint after --send succeeds; without --send "
            "nothing is sent. After loading the files some other way, run `mark-synced`."
        )
    if args.max_attempts < 1:
        raise SyncInputError("--max-attempts must be at least 1.")


def _run_hubspot(args: argparse.Namespace, context: _Context) -> int:
    _check_send_flags(args)
    token = (
        _credential(
            context,
            "HUBSPOT_ACCESS_TOKEN",
            "a private app access token with CRM write scope for the object",
        )
        if args.send
        else ""
    )
    changes = read_table(args.changes)
    plan = build_hubspot_upserts(
        changes,
        object_type=args.object,
        id_property=args.id_property,
        id_column=args.id_column,
        properties=parse_field_map(args.property_map, DEFAULT_HUBSPOT_PROPERTIES),
        source=str(args.changes),
    )
    written = write_hubspot_files(plan, args.out)
    records = sum(len(body["inputs"]) for body in plan.bodies)
    context.say(
        f"{changes.height} changed lead(s) in {args.changes}: {records} record(s) in "
        f"{len(plan.bodies)} batch file(s) in {args.out}/ for "
        f"POST {upsert_url(plan.object_type)}"
    )
    _report_skipped(context, plan.skipped, written["skipped"])
    if not args.send:
        context.say("dry run: nothing sent (add --send to upsert into HubSpot)")
        return 0
    if not plan.bodies:
        context.say("nothing to send")
        return 0
    result = send_hubspot(
        plan,
        token=token,
        transport=context.transport,
        policy=RetryPolicy(max_attempts=args.max_attempts),
        sleep=context.sleep,
        log=context.say,
    )
    return _finish_send(context, args, result.ok, result.message, plan.synced)


def write_hubspot_files(plan: HubSpotPlan, out: Path) -> dict[str, Path]:
    """Write batch_0001.json, ... and skipped.csv into `out`; old batch files are removed."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        if _BATCH_FILE.fullmatch(stale.name):
            stale.unlink()
    width = max(4, len(str(len(plan.bodies))))
    written: dict[str, Path] = {}
    for number, body in enumerate(plan.bodies, start=1):
        path = out / f"batch_{number:0{width}d}.json"
        path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written[path.name] = path
    written["skipped"] = out / "skipped.csv"
    plan.skipped.write_csv(written["skipped"])
    return written


def _run_salesforce(args: argparse.Namespace, context: _Context) -> int:
    _check_send_flags(args)
    instance_url = token = ""
    if args.send:
        instance_url = _credential(
            context, "SALESFORCE_INSTANCE_URL", "e.g. https://yourcompany.my.salesforce.com"
        )
        token = _credential(context, "SALESFORCE_ACCESS_TOKEN", "an OAuth access token")
        if not instance_url.startswith("https://"):
            raise SyncInputError(
                f"SALESFORCE_INSTANCE_URL must start with https://, got {instance_url!r}."
            )
    if args.wait <= 0:
        raise SyncInputError("--wait must be a positive number of seconds.")
    changes = read_table(args.changes)
    plan = build_salesforce_upsert(
        changes,
        object_name=args.object,
        external_id_field=args.external_id_field,
        external_id_column=args.external_id_column,
        fields=parse_field_map(args.field_map, DEFAULT_SALESFORCE_FIELDS),
        null_value="" if args.blank_nulls else SALESFORCE_NULL,
        source=str(args.changes),
    )
    written = write_salesforce_files(plan, args.out)
    context.say(
        f"{changes.height} changed lead(s) in {args.changes}: {len(plan.lines)} record(s) in "
        f"{written['csv']}, job request in {written['job']}"
    )
    _report_skipped(context, plan.skipped, written["skipped"])
    if not args.send:
        context.say("dry run: nothing sent (add --send to run the Bulk API job)")
        return 0
    if not plan.lines:
        context.say("nothing to send")
        return 0
    result = send_salesforce(
        plan,
        instance_url=instance_url,
        token=token,
        transport=context.transport,
        api_version=args.api_version,
        policy=RetryPolicy(max_attempts=args.max_attempts),
        sleep=context.sleep,
        wait_timeout=args.wait,
        log=context.say,
    )
    for job_id, text in result.failed_results.items():
        path = args.out / f"failed_results_{job_id}.csv"
        path.write_text(text, encoding="utf-8")
        context.say(f"failed records of job {job_id}: {path}")
    return _finish_send(context, args, result.ok, result.message, plan.synced)


def write_salesforce_files(plan: SalesforcePlan, out: Path) -> dict[str, Path]:
    """Write upsert.csv (UTF-8, LF), job.json and skipped.csv into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "csv": out / "upsert.csv",
        "job": out / "job.json",
        "skipped": out / "skipped.csv",
    }
    with written["csv"].open("w", encoding="utf-8", newline="") as handle:
        handle.write(plan.csv_text())
    written["job"].write_text(json.dumps(plan.job, indent=2) + "\n", encoding="utf-8")
    plan.skipped.write_csv(written["skipped"])
    return written


def _report_skipped(context: _Context, skipped: pl.DataFrame, path: Path) -> None:
    if skipped.height:
        reasons = skipped.group_by("reason").len().sort("len", descending=True)
        summary = "; ".join(f"{row['len']} {row['reason']}" for row in reasons.head(3).to_dicts())
        context.say(f"skipped {skipped.height} lead(s) ({summary}): see {path}")
    else:
        context.say("skipped 0 leads")


def _finish_send(
    context: _Context, args: argparse.Namespace, ok: bool, message: str, synced: pl.DataFrame
) -> int:
    if not ok:
        print(f"error: {message}", file=context.err)
        context.say("checkpoint not recorded: fix the problem and run the same command again")
        return 1
    context.say(message)
    if args.mark_synced:
        context.say(record_synced(synced, args.state, context.now()))
    else:
        context.say(
            "checkpoint not recorded (add --mark-synced, or run `python -m leadscore.sync "
            "mark-synced`)"
        )
    return 0


def record_synced(synced: pl.DataFrame, state_path: Path, now: datetime) -> str:
    """Merge `synced` (lead_id, sync_hash, values sent) into the checkpoint; returns a summary."""
    previous = read_state(state_path)
    merged = merge_state(previous, synced, now)
    unchanged = synced.join(previous, on=["lead_id", "sync_hash"], how="semi").height
    if merged.equals(previous) and state_path.exists():
        return f"checkpoint {state_path} already up to date ({merged.height} leads)"
    write_state(merged, state_path)
    return (
        f"checkpoint {state_path}: recorded {synced.height - unchanged} lead(s) as synced "
        f"({unchanged} already recorded); {merged.height} leads in total"
    )


def _run_mark_synced(args: argparse.Namespace, context: _Context) -> int:
    routing = read_table(args.routing)
    require_columns(routing, ["lead_id", "sync_hash"], str(args.routing))
    routing = synced_rows(routing)
    if args.changes is None:
        synced = routing
    else:
        changes = read_table(args.changes)
        require_columns(changes, ["lead_id", "sync_hash"], str(args.changes))
        synced = synced_rows(changes)
        moved_on = synced.join(routing, on=["lead_id", "sync_hash"], how="anti").height
        if moved_on:
            context.say(
                f"note: {moved_on} lead(s) in {args.changes} differ from {args.routing} (they "
                "changed again); the version that was sent is recorded, so the next build "
                "lists them again"
            )
    for skipped_path in args.skipped:
        skipped = read_table(skipped_path)
        require_columns(skipped, ["lead_id"], str(skipped_path))
        before = synced.height
        synced = synced.join(
            skipped.select(pl.col("lead_id").cast(pl.String)), on="lead_id", how="anti"
        )
        context.say(f"left out {before - synced.height} skipped lead(s) listed in {skipped_path}")
    context.say(record_synced(synced, args.state, context.now()))
    return 0
