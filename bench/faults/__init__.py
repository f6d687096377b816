"""Fault drills: each prints PASS or FAIL with its numbers; see bench/README.md."""
