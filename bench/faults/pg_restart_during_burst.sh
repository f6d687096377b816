#!/usr/bin/env bash
# Fault drill: restart PostgreSQL in the middle of a classroom burst (about 1.5 minutes).
#
# Proves that requests fail only while the database is down, that the site recovers by itself
# within seconds (/healthz polled throughout) and that no acknowledged post is lost or doubled.
# The work is done by bench/faults/pg_restart_during_burst.py (options: --help); this wrapper
# runs it from the repository root and makes sure PostgreSQL is running again when it ends,
# whatever happens. Writes bench/results/fault-pg-restart.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

cluster_version() { ls /etc/postgresql | sort -V | tail -n 1; }

ensure_postgres() {
  local version
  version="$(cluster_version)"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main status >/dev/null 2>&1; then
    echo "PostgreSQL $version/main is down: starting it"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
}
trap ensure_postgres EXIT

.venv/bin/python -m bench.faults.pg_restart_during_burst "$@"
