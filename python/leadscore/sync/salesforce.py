"""Salesforce: a Bulk API 2.0 upsert job (job.json + upsert.csv), and running it.

Format, as Salesforce documents it ("Prepare CSV Files", "Valid CSV Record Rows"):
UTF-8; first row the field API names; comma delimiter; LF line endings (declared
as `lineEnding: LF` in the job); a value containing a comma, double quote, CR
or LF is wrapped in double quotes, with inner quotes doubled (RFC 4180).
An empty cell leaves the field unchanged on update; `#N/A` sets it to null, so
a reason that disappeared is written as `#N/A` and cleared in Salesforce.

Cells are written raw, without the spreadsheet formula-injection prefix that
exports/*.csv get (leadscore.csv_safety): Salesforce stores each cell as the
field value and does not evaluate it, so a `'` would end up in the CRM and an
external id such as `-123` would no longer match its record.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from leadscore.sync.hubspot import SendResult, describe_error
from leadscore.sync.state import synced_rows
from leadscore.sync.tables import (
    SyncInputError,
    check_unique_targets,
    format_value,
    partition_by_id,
    require_columns,
)
from leadscore.sync.transport import (
    HttpRequest,
    HttpResponse,
    RetryPolicy,
    Sleep,
    Transport,
    TransportError,
    send_with_retry,
)

SALESFORCE_API_VERSION = "62.0"
# Salesforce caps one job's upload at 150 MB after base64 (about 100 MB of CSV);
# bigger feeds are split into several jobs when sent.
SALESFORCE_MAX_UPLOAD_BYTES = 100_000_000
SALESFORCE_NULL = "#N/A"

# Export column -> Salesforce field API name. Create the LeadScore_* custom
# fields on the object first; OwnerId takes Salesforce user (or queue) ids, so
# assigned_rep_id must hold those.
DEFAULT_SALESFORCE_FIELDS: dict[str, str] = {
    "score": "LeadScore_Score__c",
    "tier": "LeadScore_Tier__c",
    "action": "LeadScore_Action__c",
    "reason_1": "LeadScore_Reason_1__c",
    "reason_2": "LeadScore_Reason_2__c",
    "reason_3": "LeadScore_Reason_3__c",
    "model_version": "LeadScore_Model_Version__c",
    "assigned_rep_id": "OwnerId",
}

# Columns whose null leaves the Salesforce value alone (empty cell) instead of
# clearing it (`#N/A`): OwnerId cannot be null, and an unassigned lead keeps
# the owner it has.
KEEP_CRM_VALUE_WHEN_NULL: frozenset[str] = frozenset({"assigned_rep_id"})

FINAL_JOB_STATES: frozenset[str] = frozenset({"JobComplete", "Failed", "Aborted"})


def csv_field(value: str) -> str:
    """One RFC 4180 field: quoted when it holds a comma, double quote, CR or LF."""
    if any(character in value for character in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_line(values: Iterable[str]) -> str:
    """One CSV record without its line ending."""
    return ",".join(csv_field(value) for value in values)


def job_request(object_name: str, external_id_field: str) -> dict[str, str]:
    """The body of `POST /services/data/vXX.X/jobs/ingest` for this upsert."""
    return {
        "object": object_name,
        "externalIdFieldName": external_id_field,
        "contentType": "CSV",
        "operation": "upsert",
        "lineEnding": "LF",
        "columnDelimiter": "COMMA",
    }


@dataclass(frozen=True)
class SalesforcePlan:
    """The job request, the CSV records, which leads they carry, which were skipped."""

    job: dict[str, str]
    header: list[str]
    lines: list[str]  # one rendered CSV record per lead, no line ending
    synced: pl.DataFrame  # lead_id, sync_hash, values (state.synced_rows) of every row in `lines`
    skipped: pl.DataFrame  # lead_id, id_field, id_value, reason

    def csv_text(self) -> str:
        """The whole upsert.csv: header, records, each ending in LF."""
        return "".join(f"{line}\n" for line in [csv_line(self.header), *self.lines])

    def upload_bodies(self, max_bytes: int = SALESFORCE_MAX_UPLOAD_BYTES) -> list[bytes]:
        """The CSV split into uploads of at most `max_bytes`, each with the header."""
        header = (csv_line(self.header) + "\n").encode("utf-8")
        bodies: list[bytes] = []
        chunk: list[bytes] = []
        size = len(header)
        for line in self.lines:
            record = (line + "\n").encode("utf-8")
            if chunk and size + len(record) > max_bytes:
                bodies.append(header + b"".join(chunk))
                chunk, size = [], len(header)
            chunk.append(record)
            size += len(record)
        if chunk:
            bodies.append(header + b"".join(chunk))
        return bodies


def build_salesforce_upsert(
    changes: pl.DataFrame,
    *,
    object_name: str = "Lead",
    external_id_field: str = "LeadScore_Id__c",
    external_id_column: str = "lead_id",
    fields: Mapping[str, str] | None = None,
    keep_when_null: frozenset[str] = KEEP_CRM_VALUE_WHEN_NULL,
    null_value: str = SALESFORCE_NULL,
    source: str = "input",
) -> SalesforcePlan:
    """Turn changed routing rows into a Bulk API 2.0 upsert (external id field first).

    Null cells are written as `null_value` ("#N/A", which clears the field;
    pass "" to leave fields unchanged instead), except columns in
    `keep_when_null`, which are always written empty.
    """
    if not object_name.strip() or not external_id_field.strip():
        raise SyncInputError("--object and --external-id-field must not be empty.")
    mapping = dict(DEFAULT_SALESFORCE_FIELDS if fields is None else fields)
    check_unique_targets(mapping)
    if external_id_field in mapping.values():
        raise SyncInputError(
            f"{external_id_field!r} is the external id field and also a mapped field; "
            "map it only once (it is filled from --external-id-column)."
        )
    require_columns(changes, ["lead_id", "sync_hash", external_id_column, *mapping], source)

    partition = partition_by_id(
        changes,
        external_id_column,
        id_field=external_id_field,
        is_email=external_id_column == "email",
    )
    lines = [
        csv_line(
            [
                row["__sync_id"],
                *(_cell(row[column], column in keep_when_null, null_value) for column in mapping),
            ]
        )
        for row in partition.rows.iter_rows(named=True)
    ]
    synced = synced_rows(partition.rows)
    return SalesforcePlan(
        job=job_request(object_name, external_id_field),
        header=[external_id_field, *mapping.values()],
        lines=lines,
        synced=synced,
        skipped=partition.skipped,
    )


def _cell(value: object, keep_when_null: bool, null_value: str) -> str:
    text = format_value(value)
    if text is None:
        return "" if keep_when_null else null_value
    return text


@dataclass(frozen=True)
class SalesforceSendResult(SendResult):
    """SendResult plus each failed job's `failedResults` CSV, by job id."""

    failed_results: dict[str, str] = field(default_factory=dict)


def send_salesforce(
    plan: SalesforcePlan,
    *,
    instance_url: str,
    token: str,
    transport: Transport,
    api_version: str = SALESFORCE_API_VERSION,
    policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
    poll_interval: float = 5.0,
    wait_timeout: float = 1800.0,
    max_bytes: int = SALESFORCE_MAX_UPLOAD_BYTES,
    log: Callable[[str], None] = lambda _message: None,
) -> SalesforceSendResult:
    """Run the upsert as Bulk API 2.0 job(s): create, upload CSV, close, wait for the result.

    Succeeds only if every job reaches JobComplete with no failed records.
    Stops at the first job that fails; its failed records are returned.
    """
    api = f"{instance_url.rstrip('/')}/services/data/v{api_version.lstrip('vV')}/jobs/ingest"
    client = _Client(token, transport, policy, sleep, log)
    uploads = plan.upload_bodies(max_bytes)
    total = len(uploads)
    for number, body in enumerate(uploads, start=1):
        label = f"job {number}/{total}"
        try:
            outcome = _run_job(client, api, plan.job, body, label, poll_interval, wait_timeout)
        except _JobError as error:
            return SalesforceSendResult(
                False, number - 1, total, str(error), failed_results=error.failed_results
            )
        except TransportError as error:
            return SalesforceSendResult(False, number - 1, total, f"{label}: {error}")
        log(outcome)
    return SalesforceSendResult(True, total, total, f"ran {total} Bulk API job(s) in Salesforce")


class _JobError(Exception):
    def __init__(self, message: str, failed_results: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.failed_results = failed_results or {}


@dataclass(frozen=True)
class _Client:
    token: str
    transport: Transport
    policy: RetryPolicy | None
    sleep: Sleep
    log: Callable[[str], None]

    def call(
        self, method: str, url: str, body: bytes | None = None, content_type: str | None = None
    ) -> HttpResponse:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        request = HttpRequest(method, url, headers, body)
        return send_with_retry(
            request, self.transport, policy=self.policy, sleep=self.sleep, log=self.log
        )


def _json(response: HttpResponse, what: str) -> dict[str, Any]:
    try:
        payload = json.loads(response.text)
    except ValueError as error:
        raise _JobError(f"{what}: response is not JSON: {response.text[:200]}") from error
    if not isinstance(payload, dict):
        raise _JobError(f"{what}: unexpected response: {response.text[:200]}")
    return payload


def _run_job(
    client: _Client,
    api: str,
    job: Mapping[str, str],
    body: bytes,
    label: str,
    poll_interval: float,
    wait_timeout: float,
) -> str:
    created = client.call("POST", api, json.dumps(job).encode("utf-8"), "application/json")
    if created.status not in (200, 201):
        raise _JobError(
            f"{label}: creating the job failed: HTTP {created.status}: {describe_error(created)}"
        )
    job_id = str(_json(created, f"{label}: create job").get("id", ""))
    if not job_id:
        raise _JobError(f"{label}: Salesforce returned no job id: {created.text[:200]}")
    job_url = f"{api}/{job_id}"
    client.log(f"{label}: created job {job_id}; uploading {len(body)} bytes")

    uploaded = client.call("PUT", f"{job_url}/batches", body, "text/csv")
    if uploaded.status not in (200, 201):
        client.call("PATCH", job_url, b'{"state":"Aborted"}', "application/json")
        raise _JobError(
            f"{label}: upload to job {job_id} failed (job aborted): "
            f"HTTP {uploaded.status}: {describe_error(uploaded)}"
        )
    closed = client.call("PATCH", job_url, b'{"state":"UploadComplete"}', "application/json")
    if closed.status not in (200, 201):
        raise _JobError(
            f"{label}: closing job {job_id} failed: HTTP {closed.status}: {describe_error(closed)}"
        )

    info: dict[str, Any] = {}
    for _poll in range(max(1, math.ceil(wait_timeout / max(poll_interval, 1e-9))) + 1):
        status = client.call("GET", job_url)
        if status.status != 200:
            raise _JobError(
                f"{label}: reading job {job_id} failed: HTTP {status.status}: "
                f"{describe_error(status)}"
            )
        info = _json(status, f"{label}: job {job_id}")
        if info.get("state") in FINAL_JOB_STATES:
            break
        client.sleep(poll_interval)
    else:
        raise _JobError(
            f"{label}: job {job_id} still {info.get('state')!r} after {wait_timeout:.0f}s; "
            "check it in Salesforce (Setup > Bulk Data Load Jobs), then run mark-synced "
            "if it completed."
        )

    processed = int(info.get("numberRecordsProcessed") or 0)
    failed = int(info.get("numberRecordsFailed") or 0)
    if info.get("state") == "JobComplete" and failed == 0:
        return f"{label}: job {job_id} complete, {processed} records processed"
    failures = client.call("GET", f"{job_url}/failedResults/")
    failed_results = {job_id: failures.text} if failures.status == 200 else {}
    detail = f": {info['errorMessage']}" if info.get("errorMessage") else ""
    raise _JobError(
        f"{label}: job {job_id} ended {info.get('state')!r} with {failed} failed of "
        f"{processed} records{detail}",
        failed_results,
    )
