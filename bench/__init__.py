"""Benchmarks and fault drills for the site, run by hand against a local PostgreSQL.

See ``bench/README.md`` for what each script proves, how to run it and how long it takes.
"""
