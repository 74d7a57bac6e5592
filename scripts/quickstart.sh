#!/usr/bin/env bash
# One command from a fresh clone to a built warehouse: venv + pinned
# dependencies, the demo CRM, and `dbt build` end to end.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEADSCORE_ROOT"
ensure_venv

DEMO_DIR="${LEADSCORE_RAW_DATA_PATH:-data/demo}"
if [ ! -f "$DEMO_DIR/leads.csv" ] && [ ! -f "$DEMO_DIR/leads.parquet" ]; then
    echo "==> generating the demo CRM into $DEMO_DIR"
    python -m leadscore.demo --out "$DEMO_DIR"
fi
mkdir -p warehouse
echo "==> dbt build"
dbt build "$@"
