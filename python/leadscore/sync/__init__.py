"""Reverse-ETL: send the changed lead scores to a CRM and record the sync checkpoint.

The dbt build writes `exports/lead_routing.*` (every open lead) and
`exports/lead_routing_changes.*` (only leads whose synced fields changed since
the checkpoint `exports/state/last_synced.parquet`). This package turns the
changes into HubSpot batch-upsert bodies or a Salesforce Bulk API 2.0 upsert
job, optionally sends them, and records the checkpoint. See docs/reverse_etl.md
and `python -m leadscore.sync --help`.
"""

from leadscore.sync.hubspot import (
    DEFAULT_HUBSPOT_PROPERTIES,
    HubSpotPlan,
    build_hubspot_upserts,
    send_hubspot,
)
from leadscore.sync.salesforce import (
    DEFAULT_SALESFORCE_FIELDS,
    SalesforcePlan,
    build_salesforce_upsert,
    send_salesforce,
)
from leadscore.sync.state import merge_state, read_state, write_state
from leadscore.sync.tables import (
    CHANGES_COLUMNS,
    ROUTING_COLUMNS,
    SyncInputError,
    format_value,
    read_table,
)

__all__ = [
    "CHANGES_COLUMNS",
    "DEFAULT_HUBSPOT_PROPERTIES",
    "DEFAULT_SALESFORCE_FIELDS",
    "ROUTING_COLUMNS",
    "HubSpotPlan",
    "SalesforcePlan",
    "SyncInputError",
    "build_hubspot_upserts",
    "build_salesforce_upsert",
    "format_value",
    "merge_state",
    "read_state",
    "read_table",
    "send_hubspot",
    "send_salesforce",
    "write_state",
]
