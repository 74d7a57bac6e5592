"""HubSpot: CRM v3 batch-upsert request bodies from the changes feed, and sending them.

Endpoint: `POST https://api.hubapi.com/crm/v3/objects/{object}/batch/upsert` with
`{"inputs": [{"idProperty": ..., "id": ..., "properties": {...}}]}`, at most 100
inputs per request. Records are matched on `idProperty`, a property whose values
are unique (`email` for contacts, or a custom unique property holding lead_id).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

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

HUBSPOT_API = "https://api.hubapi.com"
HUBSPOT_BATCH_LIMIT = 100  # HubSpot rejects batch requests with more inputs

# Export column -> HubSpot property internal name. Create the leadscore_* custom
# properties in HubSpot first (Settings > Properties); `hubspot_owner_id` is
# HubSpot's own owner property, so assigned_rep_id must hold HubSpot owner ids.
DEFAULT_HUBSPOT_PROPERTIES: dict[str, str] = {
    "score": "leadscore_score",
    "tier": "leadscore_tier",
    "action": "leadscore_action",
    "reason_1": "leadscore_reason_1",
    "reason_2": "leadscore_reason_2",
    "reason_3": "leadscore_reason_3",
    "model_version": "leadscore_model_version",
    "assigned_rep_id": "hubspot_owner_id",
}

# Columns whose null means "leave the CRM value alone" (the property is left out)
# rather than "clear it" (an empty string, HubSpot's way to clear a property):
# a lead routing did not assign keeps the owner it has in the CRM.
KEEP_CRM_VALUE_WHEN_NULL: frozenset[str] = frozenset({"assigned_rep_id"})


@dataclass(frozen=True)
class HubSpotPlan:
    """The request bodies to send, which leads they carry, and which were skipped."""

    object_type: str
    id_property: str
    bodies: list[dict[str, Any]]
    synced: pl.DataFrame  # lead_id, sync_hash, values (state.synced_rows) of every row in `bodies`
    skipped: pl.DataFrame  # lead_id, id_field, id_value, reason


def default_id_column(id_property: str) -> str:
    """The export column holding the id: `email` for idProperty email, else lead_id."""
    return "email" if id_property == "email" else "lead_id"


def upsert_url(object_type: str, base_url: str = HUBSPOT_API) -> str:
    """The batch-upsert endpoint for a HubSpot object type (contacts, leads, 2-123...)."""
    return f"{base_url.rstrip('/')}/crm/v3/objects/{object_type}/batch/upsert"


def build_hubspot_upserts(
    changes: pl.DataFrame,
    *,
    object_type: str = "contacts",
    id_property: str = "email",
    id_column: str | None = None,
    properties: Mapping[str, str] | None = None,
    keep_when_null: frozenset[str] = KEEP_CRM_VALUE_WHEN_NULL,
    batch_size: int = HUBSPOT_BATCH_LIMIT,
    source: str = "input",
) -> HubSpotPlan:
    """Turn changed routing rows into HubSpot batch-upsert bodies of <= batch_size inputs.

    Every property value is a string; null becomes "" (clears the property in
    HubSpot) except for columns in `keep_when_null`, which are left out.
    Rows without a usable id go to `skipped` with the reason.
    """
    if not 1 <= batch_size <= HUBSPOT_BATCH_LIMIT:
        raise SyncInputError(f"batch size must be 1..{HUBSPOT_BATCH_LIMIT}, got {batch_size}.")
    if not id_property.strip():
        raise SyncInputError("--id-property must name a unique HubSpot property, e.g. email.")
    fields = dict(DEFAULT_HUBSPOT_PROPERTIES if properties is None else properties)
    check_unique_targets(fields)
    id_column = id_column or default_id_column(id_property)
    require_columns(changes, ["lead_id", "sync_hash", id_column, *fields], source)

    partition = partition_by_id(
        changes, id_column, id_field=id_property, is_email=id_column == "email"
    )
    inputs = [
        {
            "idProperty": id_property,
            "id": row["__sync_id"],
            "properties": _properties(row, fields, keep_when_null),
        }
        for row in partition.rows.iter_rows(named=True)
    ]
    bodies = [
        {"inputs": inputs[start : start + batch_size]}
        for start in range(0, len(inputs), batch_size)
    ]
    synced = synced_rows(partition.rows)
    return HubSpotPlan(object_type, id_property, bodies, synced, partition.skipped)


def _properties(
    row: Mapping[str, object], fields: Mapping[str, str], keep_when_null: frozenset[str]
) -> dict[str, str]:
    properties: dict[str, str] = {}
    for column, name in fields.items():
        text = format_value(row[column])
        if text is None:
            if column in keep_when_null:
                continue
            text = ""
        properties[name] = text
    return properties


@dataclass(frozen=True)
class SendResult:
    """Outcome of a send: ok only if every request succeeded."""

    ok: bool
    succeeded: int
    total: int
    message: str


def send_hubspot(
    plan: HubSpotPlan,
    *,
    token: str,
    transport: Transport,
    base_url: str = HUBSPOT_API,
    policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
    log: Callable[[str], None] = lambda _message: None,
) -> SendResult:
    """POST the batches in order; stop at the first batch that fails for good.

    HubSpot upserts are idempotent, so re-running after a failure is safe.
    A 207 (some inputs failed) counts as a failure.
    """
    url = upsert_url(plan.object_type, base_url)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    total = len(plan.bodies)
    for number, body in enumerate(plan.bodies, start=1):
        request = HttpRequest("POST", url, headers, json.dumps(body).encode("utf-8"))
        log(f"batch {number}/{total}: {len(body['inputs'])} records -> POST {url}")
        try:
            response = send_with_retry(request, transport, policy=policy, sleep=sleep, log=log)
        except TransportError as error:
            return SendResult(False, number - 1, total, f"batch {number}/{total}: {error}")
        if response.status not in (200, 201):
            return SendResult(
                False,
                number - 1,
                total,
                f"batch {number}/{total} failed: HTTP {response.status}: "
                f"{describe_error(response)}; {total - number} later batch(es) not sent",
            )
    return SendResult(True, total, total, f"sent {total} batch(es) to HubSpot")


def describe_error(response: HttpResponse, limit: int = 400) -> str:
    """A short human message from a CRM error body (JSON `message`s, else raw text)."""
    try:
        payload = json.loads(response.text)
    except ValueError:
        return response.text[:limit] or "(empty body)"
    messages: list[str] = []
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("message"):
            messages.append(str(item["message"]))
        for error in item.get("errors") or []:
            if isinstance(error, dict) and error.get("message"):
                messages.append(str(error["message"]))
    return ("; ".join(messages) or response.text)[:limit]
