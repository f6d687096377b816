#!/usr/bin/env bash
# Scale-out drill (about 2 minutes): nginx in front of two gunicorn app servers sharing one
# PostgreSQL database and one Redis, all started by bench/stack.py on free 127.0.0.1 ports.
#
# Proves that a change made through one app server (a hidden post, a student removed from a
# class, a new assignment, each through the site's real forms) is seen on the next request
# through the other, that sessions survive an app server's restart, and that losing Redis
# makes pages slower but never errors. The work is done by bench/drills/scale_out.py
# (options: --help), which stops everything it started whatever happens.
# Writes bench/results/scale-out.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m bench.drills.scale_out "$@"
