# Shared environment for the project's scripts. Source it; do not run it.
# shellcheck shell=bash
LEADSCORE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LEADSCORE_ROOT
export DBT_PROFILES_DIR="$LEADSCORE_ROOT"
export DBT_PROJECT_DIR="$LEADSCORE_ROOT"
# scikit-learn's OpenMP threads spin while they wait; on a busy 2-core
# machine that turns a one-second fit into minutes (shared/TOOLCHAIN.md).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
VENV="${LEADSCORE_VENV:-$LEADSCORE_ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3.11}"
command -v "$PYTHON_BIN" >/dev/null 2>&1 || PYTHON_BIN=python3

# Create the virtual environment and install the pinned dependencies and the
# package (editable) when they are missing or requirements.lock changed.
ensure_venv() {
    local stamp="$VENV/.leadscore-installed"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "==> creating virtual environment in $VENV"
        "$PYTHON_BIN" -m venv "$VENV"
    fi
    if [ ! -f "$stamp" ] || [ "$LEADSCORE_ROOT/requirements.lock" -nt "$stamp" ] \
        || [ "$LEADSCORE_ROOT/pyproject.toml" -nt "$stamp" ]; then
        echo "==> installing pinned dependencies (requirements.lock)"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$LEADSCORE_ROOT/requirements.lock"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            --no-deps -e "$LEADSCORE_ROOT"
        touch "$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
}

# Generate the demo CRM into folder $1 unless it already holds a leads table.
# The generator is a tool beside the package (tools/leadscore_demo), not in it.
ensure_demo() {
    local out="$1"
    if [ ! -f "$out/leads.csv" ] && [ ! -f "$out/leads.parquet" ]; then
        echo "==> generating the demo CRM into $out"
        PYTHONPATH="$LEADSCORE_ROOT/tools${PYTHONPATH:+:$PYTHONPATH}" \
            python -m leadscore_demo --out "$out"
    fi
}

# dbt-bouncer (checks dbt's conventions, dbt-bouncer.yml) in a virtual
# environment of its own: it pins a newer duckdb than the project does.
BOUNCER_VENV="${LEADSCORE_BOUNCER_VENV:-$LEADSCORE_ROOT/.venv-bouncer}"
ensure_bouncer() {
    local stamp="$BOUNCER_VENV/.leadscore-installed"
    if [ ! -x "$BOUNCER_VENV/bin/python" ]; then
        echo "==> creating virtual environment for dbt-bouncer in $BOUNCER_VENV"
        "$PYTHON_BIN" -m venv "$BOUNCER_VENV"
    fi
    if [ ! -f "$stamp" ] || [ "$LEADSCORE_ROOT/requirements-bouncer.lock" -nt "$stamp" ]; then
        echo "==> installing dbt-bouncer (requirements-bouncer.lock)"
        "$BOUNCER_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            -r "$LEADSCORE_ROOT/requirements-bouncer.lock"
        touch "$stamp"
    fi
}
