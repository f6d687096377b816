#!/usr/bin/env bash
# Client addresses behind the real nginx (about 1 minute): django-axes locks out per username
# and address, a client-sent X-Forwarded-For cannot choose the address, and nginx's limit_req
# answers a sign-in flood from one address with 429 while other addresses' signed-in pages keep
# answering. Clients bind to 127.0.0.2, .3, … (all loopback). The work is done by
# bench/drills/proxy_addresses.py (options: --help), which stops everything it started.
# Writes bench/results/proxy-addresses.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m bench.drills.proxy_addresses "$@"
