#!/usr/bin/env bash
# One command from a fresh clone to a built warehouse: venv + pinned
# dependencies, the demo CRM, and `dbt build` end to end.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEADSCORE_ROOT"
ensure_venv

ensure_demo "${LEADSCORE_RAW_DATA_PATH:-data/demo}"
mkdir -p warehouse
echo "==> dbt build"
dbt build "$@"
