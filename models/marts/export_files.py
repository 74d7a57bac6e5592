"""Write lead_routing and lead_routing_changes as Parquet and CSV files into
var export_path (see python/leadscore/exports.py); returns the manifest."""

from leadscore.exports import write_exports
from leadscore.settings import export_path, model_vars


def model(dbt, session):
    dbt.config(materialized="table")
    tables = {
        "lead_routing": dbt.ref("lead_routing").pl(),
        "lead_routing_changes": dbt.ref("lead_routing_changes").pl(),
    }
    return write_exports(tables, export_path(model_vars(dbt.config.get("meta"))))
