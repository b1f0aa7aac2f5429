#!/usr/bin/env bash
# Two app servers behind nginx, as on two machines, and what happens when a part fails (issue 12).
# `make two-nodes`; CI runs it after .ci/nginx_smoke.sh. The checks are in .ci/two_nodes.py (its
# docstring says what each shows); each prints "ok: ...", the first that fails stops the run.
#
# It needs the shared PostgreSQL server (PG_ADMIN_URL; a fresh database TWO_NODES_DATABASE, dropped at
# the end) and Redis (TWO_NODES_CACHE_URL: that one database number is flushed, nothing else), and
# starts everything else itself in a temporary directory: moto_server, nginx, two `make serve`, one
# mail worker per node, a fake mail server inside the script, then a throwaway PostgreSQL cluster
# (initdb) and a throwaway redis-server that it stops and freezes for the fault tests. The shared
# servers are never stopped, frozen or reconfigured.
#
# Ports (127.0.0.1), each a TWO_NODES_<NAME> variable: HTTPS_PORT 8950 and HTTP_PORT 8951 (nginx),
# NODE_A_PORT 8952, NODE_B_PORT 8953, SMTP_PORT 8960, S3_PORT 9011, FAULT_REDIS_PORT 6398,
# FAULT_PG_PORT 5450. TWO_NODES_DATABASE (clinic_d_two_nodes), TWO_NODES_CACHE_URL
# (redis://127.0.0.1:6379/12), TWO_NODES_WEB_CONCURRENCY (gunicorn workers per node, 2).
set -euo pipefail
cd "$(dirname "$0")/.."

for command in nginx openssl redis-server pgrep; do
    command -v "$command" >/dev/null 2>&1 || { echo "two nodes: $command is missing" >&2; exit 1; }
done
make --no-print-directory -s .venv/.dev

TWO_NODES_TMP=$(mktemp -d /tmp/two-nodes.XXXXXX)
export TWO_NODES_TMP
export TWO_NODES_PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
driver_pid=""
cleanup() {
    status=$?
    # The driver stops what it started; should it have been killed before it could, every process
    # group it started is listed in pgids, and its database is named in database.
    if [ -n "$driver_pid" ]; then kill -TERM "$driver_pid" 2>/dev/null || true; wait "$driver_pid" 2>/dev/null || true; fi
    if [ -f "$TWO_NODES_TMP/pgids" ]; then
        while read -r pgid; do kill -TERM -- "-$pgid" 2>/dev/null || true; done <"$TWO_NODES_TMP/pgids"
        sleep 1
        while read -r pgid; do kill -KILL -- "-$pgid" 2>/dev/null || true; done <"$TWO_NODES_TMP/pgids"
    fi
    if [ -f "$TWO_NODES_TMP/database" ]; then
        .venv/bin/python -c "import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=5) as c:
    c.execute('DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % sys.argv[2])" \
            "$TWO_NODES_PG_ADMIN_URL" "$(cat "$TWO_NODES_TMP/database")" 2>/dev/null || true
    fi
    rm -rf "$TWO_NODES_TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# In the background, so that the trap above runs at once on INT or TERM (and stops the driver).
.venv/bin/python .ci/two_nodes.py &
driver_pid=$!
wait "$driver_pid"
driver_pid=""
