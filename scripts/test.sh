#!/usr/bin/env bash
# Every test: ruff, sqlfluff, pytest, and `dbt build` with its data and unit
# tests on the demo CRM (in a database of its own). Fails if any part fails.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEADSCORE_ROOT"
ensure_venv

echo "==> ruff"
ruff check python tests bench
ruff format --check python tests bench

echo "==> sqlfluff lint"
sqlfluff lint models tests/data --disable-progress-bar

echo "==> pytest (two workers; tests/python/conftest.py groups them)"
pytest -n 2 --dist loadgroup

echo "==> dbt build (data and unit tests) on the demo CRM"
DEMO_DIR="${LEADSCORE_RAW_DATA_PATH:-data/demo}"
if [ ! -f "$DEMO_DIR/leads.csv" ] && [ ! -f "$DEMO_DIR/leads.parquet" ]; then
    python -m leadscore.demo --out "$DEMO_DIR"
fi
mkdir -p warehouse
LEADSCORE_DUCKDB_PATH="warehouse/test.duckdb" dbt build --full-refresh
echo "==> all checks passed"
