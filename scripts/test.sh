#!/usr/bin/env bash
# Every test: ruff, sqlfluff, pytest, and the quickstart (`dbt build` with its data and unit
# tests on the demo CRM, in a database of its own). Fails if any part fails.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$LEADSCORE_ROOT"
SECONDS=0
ensure_venv
# dbt-bouncer's environment (the last check) installs in the background
# while the tests run; its output is shown when the bouncer's turn comes
bouncer_log="$(mktemp)"
ensure_bouncer >"$bouncer_log" 2>&1 &
bouncer_pid=$!
trap 'kill "$bouncer_pid" 2>/dev/null || true' EXIT

echo "==> ruff (at ${SECONDS}s)"
ruff check python tests bench tools
ruff format --check python tests bench tools

echo "==> sqlfluff lint (at ${SECONDS}s)"
sqlfluff lint models tests/data --disable-progress-bar

echo "==> pytest (at ${SECONDS}s; two workers; a test file stays on one, the fuzzer splits in two)"
pytest -n 2 --dist loadscope --durations=15

echo "==> the quickstart (at ${SECONDS}s; dbt build with its data and unit tests on the demo CRM)"
# the README's first command itself, into a database of its own, new every
# run (the model registry and the history marts survive --full-refresh by
# design), so CI runs the quickstart once, here
mkdir -p warehouse
rm -f warehouse/test.duckdb warehouse/test.duckdb.wal
LEADSCORE_DUCKDB_PATH="warehouse/test.duckdb" bash scripts/quickstart.sh --full-refresh

echo "==> dbt docs generate and dbt-bouncer (at ${SECONDS}s; dbt's conventions, dbt-bouncer.yml)"
LEADSCORE_DUCKDB_PATH="warehouse/test.duckdb" dbt docs generate --quiet
if ! wait "$bouncer_pid"; then
    cat "$bouncer_log"
    echo "could not install dbt-bouncer (above)" >&2
    exit 1
fi
cat "$bouncer_log"
"$BOUNCER_VENV/bin/dbt-bouncer" --config-file dbt-bouncer.yml
echo "==> all checks passed (in ${SECONDS}s)"
