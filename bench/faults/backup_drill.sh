#!/usr/bin/env bash
# Fault drill: pg_dump -Fc the bench database, pg_restore it into a new empty database, serve
# the site from the copy (about 30 s).
#
# Proves the backup restores: the sign-in page answers 200 from the copy, a student's session
# opens the busy discussion, and every table holds as many rows as in the original. The work is
# done by bench/faults/backup_drill.py (options: --help), which drops the copy and stops the
# gunicorn it started whatever happens. Writes bench/results/fault-backup-drill.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m bench.faults.backup_drill "$@"
