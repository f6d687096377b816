#!/usr/bin/env bash
# Fault drill: kill -9 one of 3 gunicorn workers while wrk loads the lesson page (about 45 s).
#
# Proves that only the request in flight in that worker fails (non-200 and socket errors
# counted, a handful at most) and that the master boots a replacement by itself. The work is
# done by bench/faults/worker_kill.py (options: --help), which stops the gunicorn it started
# whatever happens. Writes bench/results/fault-worker-kill.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m bench.faults.worker_kill "$@"
