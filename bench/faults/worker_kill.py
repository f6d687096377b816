"""Fault drill: ``kill -9`` one gunicorn worker in the middle of a load test.

What it proves: losing a worker process (a crash, the kernel's OOM killer) costs only the
request that worker was answering; the gunicorn master notices, boots a replacement, and the
other workers keep serving throughout, so the site never goes down.

Steps: prepare ``bench_throughput`` as the throughput benchmark does; start gunicorn with 3
workers on 127.0.0.1; run wrk on the lesson page as a student (20 s, 6 connections); after 8 s
send SIGKILL to one worker; watch the master's children until a new pid replaces it; after wrk,
fetch the page 10 times in a row. PASS when wrk saw at most ``--max-failures`` failed requests
(non-200 answers plus socket errors), the master replaced the worker within 15 s, and the 10
fetches all answered 200. Writes ``bench/results/fault-worker-kill.md``. About 45 s.

    bench/faults/worker_kill.sh
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

from bench import harness

REPLACE_LIMIT_S = 15.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_throughput")
    parser.add_argument("--port", type=int, default=8703)
    parser.add_argument("--page", default="lesson", help="which setup_data URL to load")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--kill-at", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--max-failures", type=int, default=5)
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "fault-worker-kill.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()

    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env)
    machine = harness.machine_info(env)
    cookie = f"{data['cookie_name']}={data['cookies']['student']}"
    log_path = harness.RESULTS / "fault-worker-kill-gunicorn.log.tmp"
    stats: dict = {}

    with harness.Gunicorn(env, port=args.port, workers=3, log_path=log_path) as server:
        url = server.base_url + data["urls"][args.page]
        status, _ = harness.http_get(url, cookie=cookie, timeout=30)
        if status != 200:
            raise SystemExit(f"{url} answered {status} before the drill: not a valid baseline")
        # Warm every worker's lesson cache, so the kill is the only thing that changes.
        harness.run_wrk(url, cookie=cookie, duration=3, connections=args.connections)
        before = server.workers_now()

        def load():
            stats.update(
                harness.run_wrk(
                    url, cookie=cookie, duration=args.duration, connections=args.connections
                )
            )

        loader = threading.Thread(target=load, name="wrk", daemon=True)
        started = time.time()
        loader.start()
        time.sleep(args.kill_at)
        victim = min(server.workers_now() & before or server.workers_now())
        harness.log(f"kill -9 worker {victim}")
        killed_at = time.time()
        os.kill(victim, signal.SIGKILL)
        replaced_at, replacement = None, set()
        while time.time() - killed_at < REPLACE_LIMIT_S:
            now = server.workers_now()
            if victim not in now and len(now) == 3:
                replaced_at, replacement = time.time(), now - before
                break
            time.sleep(0.05)
        loader.join(timeout=args.duration + 90)
        after = [harness.http_get(url, cookie=cookie, timeout=30)[0] for _ in range(10)]
        workers_at_end = server.workers_now()

    server_log = log_path.read_text(errors="replace")
    noticed = f"Worker (pid:{victim}) was sent SIGKILL" in server_log
    failures = stats.get("non200", 0) + stats.get("socket_errors", 0)
    checks = {
        f"at most {args.max_failures} failed requests": bool(stats)
        and failures <= args.max_failures,
        f"master replaced the worker within {REPLACE_LIMIT_S:.0f} s": replaced_at is not None,
        "10 requests after the drill all answered 200": after == [200] * 10,
    }
    passed = all(checks.values())
    lines = [
        "# Fault: kill -9 a gunicorn worker under load",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']}; gunicorn "
        f"{machine['gunicorn']}, 3 sync workers; wrk {args.connections} connections for "
        f"{args.duration} s on `{data['urls'][args.page]}` as a student.",
        f"- Workers before: {sorted(before)}; SIGKILL to {victim} at {killed_at - started:.1f} s.",
        "- Replacement: "
        + (
            f"{sorted(replacement)} running {replaced_at - killed_at:.2f} s after the kill"
            if replaced_at is not None
            else "NONE"
        )
        + f"; workers at the end: {sorted(workers_at_end)}; the master logged the kill: "
        + ("yes" if noticed else "no")
        + ".",
        f"- wrk: {stats.get('requests', 0)} requests ({stats.get('rps', 0):.1f}/s), non-200 "
        f"{stats.get('non200', 0)}, socket errors {stats.get('socket_errors', 0)} (connect "
        f"{stats.get('connect_errors', 0)}, read {stats.get('read_errors', 0)}, write "
        f"{stats.get('write_errors', 0)}, timeout {stats.get('timeouts', 0)}); p50 "
        f"{stats.get('p50', 0):.0f} ms, p99 {stats.get('p99', 0):.0f} ms.",
        f"- After the drill, 10 sequential requests answered: {after}.",
        "",
        *[f"- [{'x' if ok else ' '}] {name}" for name, ok in checks.items()],
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {failures} failed of {stats.get('requests', 0)} "
        "requests; worker "
        + (f"replaced in {replaced_at - killed_at:.2f} s." if replaced_at else "NOT replaced."),
    ]
    return harness.write_report(lines, args.report, passed=passed)


if __name__ == "__main__":
    sys.exit(main())
