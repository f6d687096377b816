"""Fault drill: back up the database, restore it into an empty one and serve from the copy.

What it proves: the nightly backup a school is told to take (``pg_dump -Fc``) restores with
``pg_restore`` into a new, empty database, and the site runs on the restored copy as it did on
the original: the sign-in page answers 200, a student's session (the sessions are in the
database too) opens the busy discussion, and every one of the site's tables (``accounts_user``,
``classroom_*``, ``discussions_*``, ``lessons_*``, and all the others) holds as many rows as in
the original.

Steps: make sure the source database (``bench_burst``, with whatever earlier bursts posted;
created and filled if missing) is set up, ``pg_dump -Fc`` it to a temporary file, create
``bench_restore_<time>`` from ``template0``, ``pg_restore --no-owner --exit-on-error`` into it,
start gunicorn against the copy on 127.0.0.1, fetch the pages, count the rows of every table in
both databases. The copy and the dump are removed at the end (``--keep`` keeps the copy).
Writes ``bench/results/fault-backup-drill.md``. About 30 s.

    bench/faults/backup_drill.sh
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness

MAIN_TABLES = ("accounts_user", "classroom_", "discussions_", "lessons_")


def row_counts(database: str) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    with harness.admin_connection(database) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def pg_tool(args: list[str], *, timeout: float) -> float:
    """Run pg_dump or pg_restore against the local server; returns the seconds it took."""
    start = time.monotonic()
    subprocess.run(
        [*args[:1], "--host", harness.HOST, "--username", "postgres", *args[1:]],
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    )
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_burst", help="the database to back up")
    parser.add_argument("--port", type=int, default=8704)
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "fault-backup-drill.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()

    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env, reset=False)
    machine = harness.machine_info(env)
    copy = f"bench_restore_{datetime.datetime.now():%Y%m%d_%H%M%S}"
    pages: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
        dump = Path(folder) / f"{args.database}.dump"
        try:
            harness.log(f"pg_dump -Fc {args.database}")
            dump_s = pg_tool(
                ["pg_dump", "--format=custom", f"--file={dump}", args.database], timeout=300
            )
            dump_bytes = dump.stat().st_size
            harness.create_database(copy, template="template0")
            harness.log(f"pg_restore into the new, empty database {copy}")
            restore_s = pg_tool(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump)],
                timeout=300,
            )
            # Counted before anything is served from the copy: the backup's own fidelity.
            source, restored = row_counts(args.database), row_counts(copy)
            # The same secret key, so the sessions made for the original sign in on the copy.
            copy_env = harness.bench_env(copy, secret_key=env["DJANGO_SECRET_KEY"])
            log_path = harness.RESULTS / "fault-backup-drill-gunicorn.log.tmp"
            with harness.Gunicorn(copy_env, port=args.port, workers=2, log_path=log_path) as srv:
                student = f"{data['cookie_name']}={data['cookies']['student']}"
                pages["sign-in page"] = harness.http_get(srv.base_url + data["sign_in_url"])[0]
                status, body = harness.http_get(
                    srv.base_url + data["urls"]["discussion"], cookie=student, timeout=30
                )
                pages["busy thread, signed in"] = status if " posts" in body else -status
        finally:
            if not args.keep:
                harness.drop_database(copy)

    main_tables = [table for table in source if table.startswith(MAIN_TABLES)]
    differing = [
        table
        for table in sorted(set(source) | set(restored))
        if source.get(table) != restored.get(table)
    ]
    checks = {
        "sign-in page answered 200 from the copy": pages.get("sign-in page") == 200,
        "a student's session opened the busy thread (200)": pages.get("busy thread, signed in")
        == 200,
        f"row counts equal in all {len(source)} tables": not differing and bool(source),
    }
    passed = all(checks.values())
    lines = [
        "# Fault drill: backup and restore",
        "",
        f"- Run at {machine['date']}; PostgreSQL {machine['postgresql']}.",
        f"- `pg_dump -Fc {args.database}`: {dump_bytes / 1024:.0f} KiB in {dump_s:.1f} s; "
        f"`pg_restore` into the empty `{copy}` in {restore_s:.1f} s"
        + (" (kept)." if args.keep else " (dropped afterwards)."),
        f"- Served from the copy: {pages}.",
        "",
        "| table | original | restored |",
        "|---|---:|---:|",
        *[f"| {table} | {source.get(table)} | {restored.get(table)} |" for table in main_tables],
        "",
        f"Other tables compared: {len(source) - len(main_tables)}; tables that differ: "
        f"{differing or 'none'}.",
        "",
        *[f"- [{'x' if ok else ' '}] {name}" for name, ok in checks.items()],
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {len(source)} tables, "
        f"{sum(source.values())} rows, {len(differing)} differing; pages {pages}.",
    ]
    return harness.write_report(lines, args.report, passed=passed)


if __name__ == "__main__":
    sys.exit(main())
