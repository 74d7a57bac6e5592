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
# The EXIT trap stops what still runs in the background. Under `set -e` a
# failing command inside a trap ends the shell with that command's status, so
# every step here tolerates "no such process" and the script's own status is kept.
quickstart_pid=""
stop_background() {
    local status=$?
    kill "$bouncer_pid" 2>/dev/null || true
    if [ -n "$quickstart_pid" ]; then
        pkill -P "$quickstart_pid" 2>/dev/null || true
        kill "$quickstart_pid" 2>/dev/null || true
    fi
    exit "$status"
}
trap stop_background EXIT

echo "==> ruff (at ${SECONDS}s)"
ruff check python tests bench tools
ruff format --check python tests bench tools

echo "==> sqlfluff lint (at ${SECONDS}s)"
sqlfluff lint models tests/data --disable-progress-bar

# The quickstart: the README's first command itself (dbt build with its data
# and unit tests on the demo CRM), into a database of its own, new every run
# (the model registry and the history marts survive --full-refresh by design).
# It starts with pytest at the lowest priority (nice 19), so it runs mostly on
# CPU the tests leave idle (in ci12 about a fifth of a core; pytest itself
# then ran slower, and 76 s of the quickstart were left after it) and
# finishes once they are done; no test reads what it writes (data/demo,
# exports/, reports/, target/, warehouse/).
echo "==> the quickstart, started in the background at ${SECONDS}s (nice 19; its output follows pytest's)"
mkdir -p warehouse
rm -f warehouse/test.duckdb warehouse/test.duckdb.wal
quickstart_log="$(mktemp)"
LEADSCORE_DUCKDB_PATH="warehouse/test.duckdb" nice -n 19 \
    bash scripts/quickstart.sh --full-refresh >"$quickstart_log" 2>&1 &
quickstart_pid=$!

# the share of CPU time left idle while pytest runs: /proc/stat's cpu line
cpu_ticks() { awk '/^cpu /{print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
read -r idle_before total_before < <(cpu_ticks)
echo "==> pytest (at ${SECONDS}s; two workers; a test file stays on one, the fuzzer splits in two)"
pytest -n 2 --dist loadscope --durations=15
read -r idle_after total_after < <(cpu_ticks)
echo "==> pytest left $(( 100 * (idle_after - idle_before) / (total_after - total_before + 1) ))% of the CPU idle"

echo "==> the quickstart (at ${SECONDS}s; waiting for it to finish)"
if ! wait "$quickstart_pid"; then
    cat "$quickstart_log"
    echo "the quickstart failed (above)" >&2
    exit 1
fi
cat "$quickstart_log"

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
