#!/usr/bin/env bash
# The demo without Docker: given an Odoo 18 you already have (ODOO_BIN, or
# odoo-bin / odoo on PATH) and a local PostgreSQL, this creates (or upgrades)
# a database with TrainLink and Odoo's demo data, creates the sync worker's
# portal-type user, starts Odoo on a local port, the demo metrics source and
# the sync worker on its schedule, prints where to log in, and stops them all
# on Ctrl-C.
#
#   scripts/demo.sh [--db trainlink_demo] [--port 8069] [--metrics-port 8090]
#
# The worker runs from this repository with the Python that has its
# dependencies (.venv/bin/python when scripts/test.sh made one, else python3;
# `pip install .` installs them). Logs go to the folder printed at start.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB=trainlink_demo
PORT=8069
METRICS_PORT=8090
SYNC_PASSWORD="${TRAINLINK_SYNC_PASSWORD:-trainlink-sync-demo}"

while [[ $# -gt 0 ]]; do
    case $1 in
        --db) DB=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --metrics-port) METRICS_PORT=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

ODOO="${ODOO_BIN:-$(command -v odoo-bin || command -v odoo || true)}"
if [[ -z $ODOO ]]; then
    echo "No Odoo 18 found: set ODOO_BIN to your odoo-bin (see README)." >&2
    exit 2
fi
if ! pg_isready -q 2>/dev/null; then
    echo "PostgreSQL does not answer (pg_isready): start it first." >&2
    exit 2
fi
PYTHON="$REPO/.venv/bin/python"
[[ -x $PYTHON ]] || PYTHON="$(command -v python3)"
if ! "$PYTHON" -c 'import pandas, pydantic_settings, schedule' 2>/dev/null; then
    echo "The worker's dependencies are missing for $PYTHON: pip install $REPO" >&2
    exit 2
fi

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/trainlink-demo.XXXXXX")"
ADDONS="$REPO/addons${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}"
PIDS=()

# Everything runs as a background job, its pid in PIDS, so that a signal
# reaches the script at once (bash runs a trap only after a foreground
# command ends) and stop() can pass it on: `kill <pid of demo.sh>` stops
# Odoo, the metrics source and the worker as Ctrl-C does.
stop() {
    trap - INT TERM HUP EXIT
    echo
    echo "Stopping the worker, the metrics source and Odoo..."
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    echo "Stopped. Logs: $LOGS; the database $DB stays (dropdb $DB to remove it)."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop; exit 129' HUP
trap stop EXIT

# Starts a command in the background, its output appended to the log $1
# (stdin /dev/null); its pid in PIDS and $!.
start() {
    local log=$1
    shift
    "$@" >>"$log" 2>&1 &
    PIDS+=($!)
}

# Runs a command to its end, its output appended to the log $1 (stdin kept),
# interruptible by the traps above; fails as the command does. (The log is
# not redirected around the call: stop() would write into it.)
run() {
    local log=$1 status=0
    shift
    "$@" <&0 >>"$log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait "$pid" || status=$?
    unset 'PIDS[-1]'
    return "$status"
}

# Only through start or run: exec makes Odoo itself the background job that
# stop() signals, not a shell waiting for it.
odoo() { exec "$ODOO" --addons-path="$ADDONS" -d "$DB" "$@"; }

if psql -d "$DB" -XAtc "select 1 from ir_module_module where name = 'trainlink_performance' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "Upgrading TrainLink in $DB (log: $LOGS/install.log)"
    run "$LOGS/install.log" odoo -u trainlink_performance --stop-after-init
else
    echo "Creating $DB with demo data and TrainLink, a few minutes (log: $LOGS/install.log)"
    run "$LOGS/install.log" odoo -i trainlink_performance --without-demo= --stop-after-init
fi
echo "Creating or updating the sync user trainlink_sync"
# The subcommand comes first: "odoo-bin shell --addons-path=...".
TRAINLINK_SYNC_PASSWORD="$SYNC_PASSWORD" run "$LOGS/install.log" \
    "$ODOO" shell --addons-path="$ADDONS" -d "$DB" --no-http --log-level=warn \
    <"$REPO/docker/create_sync_user.py"

echo "Starting Odoo on http://localhost:$PORT (log: $LOGS/odoo.log)"
start "$LOGS/odoo.log" \
    odoo --http-port="$PORT" --db-filter="^$DB\$" --max-cron-threads=1
echo "Starting the demo metrics source on http://localhost:$METRICS_PORT"
(cd "$REPO" && exec "$PYTHON" -m sync_worker.demo_source --port "$METRICS_PORT") \
    >"$LOGS/metrics.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 120); do
    curl -fsS --max-time 2 -o /dev/null "http://localhost:$PORT/web/health" 2>/dev/null && break
    sleep 1
done

# The Compose stack's worker settings, pointed at these local services.
sed -e "s#http://odoo:8069#http://localhost:$PORT#" \
    -e "s#http://metrics:8090#http://localhost:$METRICS_PORT#" \
    -e "s#/var/lib/trainlink/state.json#$LOGS/state.json#" \
    "$REPO/docker/worker.toml" >"$LOGS/worker.toml"
echo "Starting the sync worker (every 15 minutes; log: $LOGS/worker.log)"
(cd "$REPO" && TRAINLINK_ODOO_DB="$DB" TRAINLINK_ODOO_PASSWORD="$SYNC_PASSWORD" \
    exec "$PYTHON" -m sync_worker schedule --config "$LOGS/worker.toml") \
    >"$LOGS/worker.log" 2>&1 &
PIDS+=($!)

cat <<EOF

TrainLink is running: http://localhost:$PORT  (database $DB)
  admin / admin            administrator
  sun.li / sun.li          training officer
  wang.wei / wang.wei      manager of Sales East
  li.na / li.na            employee
The worker's runs: Employees > Training & Performance > Configuration > Sync Runs.
Ctrl-C (or kill $$) stops everything.
EOF
wait "${PIDS[@]}"
