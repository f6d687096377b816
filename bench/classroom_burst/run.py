"""A classroom burst: 30 students sign in within 10 s, read, discuss and post for 2 minutes.

What it proves: that one app server as deployed (gunicorn, sync workers, PostgreSQL on the same
machine) takes a whole class arriving at once, with real sign-ins (PBKDF2) and real posts,
without a single failed request, and that every post the server acknowledged (302 to
``#post-<pk>``) is in the database exactly once, under the student who sent it.

Steps: prepare the ``bench_burst`` database (create, migrate, ``bench.setup_data --reset`` so
every run starts from the same 150-post thread), start gunicorn on 127.0.0.1, run locust
headless with ``bench/classroom_burst/locustfile.py`` for a fixed time, stop gunicorn whatever
happens, then check the acknowledged posts against the database and report requests, failures
and p50/p95 per request type. Writes the report to ``bench/results/burst.md``.

    .venv/bin/python -m bench.classroom_burst.run              # about 2.5 minutes
    .venv/bin/python -m bench.classroom_burst.run --run-time 30s --users 10   # a quick look

``bench/faults/pg_restart_during_burst.py`` runs the same burst with a fault in the middle.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness

LOCUSTFILE = harness.ROOT / "bench" / "classroom_burst" / "locustfile.py"


@dataclass
class BurstResult:
    started: float
    ended: float
    setup: dict
    machine: dict
    requests: list[dict] = field(default_factory=list)
    acks: list[dict] = field(default_factory=list)
    check: dict = field(default_factory=dict)
    locust_exit: int = 0

    @property
    def failures(self) -> list[dict]:
        return [request for request in self.requests if not request["ok"]]


def seconds(text: str) -> int:
    """'2m', '90s', '1m30s' or '45' as seconds."""
    total, number = 0, ""
    for char in text.strip():
        if char.isdigit():
            number += char
        elif char in "hms" and number:
            total += int(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
        else:
            raise argparse.ArgumentTypeError(f"not a duration: {text!r}")
    return total + int(number or 0)


def run_burst(
    *,
    database: str,
    port: int,
    users: int,
    spawn_rate: float,
    run_time: int,
    workers: int,
    during: Callable[[harness.Gunicorn, float], None] | None = None,
    name: str = "burst",
) -> BurstResult:
    """Run the burst; ``during(server, start)`` runs in a thread alongside it (fault drills)."""
    env = harness.bench_env(database)
    setup = harness.prepare(database, env)
    if users > len(setup["students"]):
        raise SystemExit(f"--users {users}: the bench class has {len(setup['students'])}")
    machine = harness.machine_info(env)
    events_path = harness.RESULTS / f"{name}-events.jsonl.tmp"
    events_path.unlink(missing_ok=True)
    setup_path = harness.RESULTS / f"setup-{database}.json.tmp"
    locust_log = harness.RESULTS / f"{name}-locust.log.tmp"
    server_log = harness.RESULTS / f"{name}-gunicorn.log.tmp"

    with harness.Gunicorn(env, port=port, workers=workers, log_path=server_log) as server:
        command = [
            str(harness.VENV_BIN / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--users={users}",
            f"--spawn-rate={spawn_rate}",
            f"--run-time={run_time}s",
            "--stop-timeout=15",
            f"--host={server.base_url}",
            "--only-summary",
            "--loglevel=WARNING",
            "--exit-code-on-error=0",
        ]
        locust_env = {
            **env,
            "BENCH_SETUP_FILE": str(setup_path),
            "BENCH_EVENTS_FILE": str(events_path),
        }
        harness.log(
            f"locust: {users} users, {spawn_rate}/s, {run_time} s against {server.base_url}"
        )
        started = time.time()
        errors: list[BaseException] = []
        with locust_log.open("w") as output:
            locust = subprocess.Popen(
                command,
                cwd=harness.ROOT,
                env=locust_env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            helper = None
            if during is not None:

                def guarded():
                    try:
                        during(server, started)
                    except BaseException as error:  # reported after the burst
                        errors.append(error)

                helper = threading.Thread(target=guarded, name="during-burst", daemon=True)
                helper.start()
            try:
                locust_exit = locust.wait(timeout=run_time + 120)
            finally:
                if locust.poll() is None:
                    locust.kill()
                    locust.wait(timeout=10)
            if helper is not None:
                helper.join(timeout=120)
        ended = time.time()
    if errors:
        raise errors[0]

    result = BurstResult(started, ended, setup, machine, locust_exit=locust_exit)
    for line in events_path.read_text().splitlines():
        event = json.loads(line)
        (result.acks if event["kind"] == "ack" else result.requests).append(event)
    result.check = exactly_once(database, setup["class_pk"], result.acks, since=started)
    return result


def exactly_once(database: str, class_pk: int, acks: list[dict], *, since: float) -> dict:
    """Each acknowledged submission key stored exactly once, as that post, by that student."""
    keys = [ack["submission_key"] for ack in acks]
    with harness.admin_connection(database) as conn:
        rows = conn.execute(
            """
            SELECT p.submission_key::text, count(*), min(u.username), min(p.id)
            FROM discussions_post p JOIN accounts_user u ON u.id = p.author_id
            WHERE p.submission_key = ANY(%s::uuid[])
            GROUP BY p.submission_key
            """,
            [keys],
        ).fetchall()
        stored_since = conn.execute(
            "SELECT count(*) FROM discussions_post "
            "WHERE school_class_id = %s AND created_at >= to_timestamp(%s)",
            [class_pk, since - 1],
        ).fetchone()[0]
    stored = {key: (count, username, pk) for key, count, username, pk in rows}
    missing, duplicated, mismatched = [], [], []
    for ack in acks:
        found = stored.get(ack["submission_key"])
        if found is None:
            missing.append(ack)
        elif found[0] != 1:
            duplicated.append(ack)
        elif (found[1], found[2]) != (ack["username"], ack["post_pk"]):
            mismatched.append(ack)
    unique_acks = len(set(keys))
    return {
        "acknowledged": len(acks),
        "acknowledged_keys": unique_acks,
        "stored_once": len(acks) - len(missing) - len(duplicated) - len(mismatched),
        "missing": len(missing),
        "duplicated": len(duplicated),
        "mismatched": len(mismatched),
        "stored_this_run": stored_since,
        "stored_not_acknowledged": max(0, stored_since - unique_acks),
        "ok": not (missing or duplicated or mismatched) and unique_acks == len(acks),
    }


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0–100) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def per_request_type(requests: list[dict]) -> list[dict]:
    names = sorted({request["name"] for request in requests})
    rows = []
    for name in names:
        mine = [request for request in requests if request["name"] == name]
        times = [request["ms"] for request in mine]
        rows.append(
            {
                "name": name,
                "count": len(mine),
                "failures": sum(1 for request in mine if not request["ok"]),
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "max": max(times),
            }
        )
    return rows


def report_lines(result: BurstResult, *, title: str, users: int, workers: int) -> list[str]:
    """The burst's summary as Markdown lines (printed and saved)."""
    machine = result.machine
    lines = [
        f"# {title}",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']}; Python "
        f"{machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']}, "
        f"gunicorn {machine['gunicorn']} with {workers} sync workers.",
        f"- {users} students signed in through the form and used the site for "
        f"{result.ended - result.started:.0f} s (locust exit code {result.locust_exit}).",
        "",
        "| request | count | failures | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = per_request_type(result.requests)
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['count']} | {row['failures']} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['max']:.0f} |"
        )
    total = len(result.requests)
    failed = len(result.failures)
    all_times = [request["ms"] for request in result.requests]
    lines.append(
        f"| **all** | **{total}** | **{failed}** | {percentile(all_times, 50):.0f} | "
        f"{percentile(all_times, 95):.0f} | {max(all_times, default=0):.0f} |"
    )
    check = result.check
    lines += [
        "",
        f"- Posts acknowledged (302 to `#post-<pk>`): {check['acknowledged']}; stored exactly "
        f"once as that post by that student: {check['stored_once']}; missing "
        f"{check['missing']}, duplicated {check['duplicated']}, wrong post or author "
        f"{check['mismatched']}.",
        f"- Posts stored during the run: {check['stored_this_run']} "
        f"({check['stored_not_acknowledged']} stored without an acknowledgement reaching the "
        "student).",
    ]
    if result.failures:
        kinds: dict[str, int] = {}
        for failure in result.failures:
            label = f"{failure['name']}: {failure['error']}"
            kinds[label] = kinds.get(label, 0) + 1
        lines += ["", "Failures:", ""]
        lines += [f"- {count} × {label}" for label, count in sorted(kinds.items())]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_burst")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=3.0, help="users started a second")
    parser.add_argument("--run-time", type=seconds, default=120, help="e.g. 2m, 90s")
    parser.add_argument("--workers", type=int, help="default: as deployed, 2 × cores + 1")
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "burst.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1

    result = run_burst(
        database=args.database,
        port=args.port,
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time=args.run_time,
        workers=workers,
    )
    lines = report_lines(result, title="Classroom burst", users=args.users, workers=workers)
    passed = not result.failures and result.check["ok"] and result.requests
    lines += [
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {len(result.requests)} requests, "
        f"{len(result.failures)} errors (must be 0); exactly-once "
        f"{'holds' if result.check['ok'] else 'BROKEN'} for {result.check['acknowledged']} "
        "acknowledged posts.",
    ]
    return harness.write_report(lines, args.report, passed=passed)


if __name__ == "__main__":
    sys.exit(main())
