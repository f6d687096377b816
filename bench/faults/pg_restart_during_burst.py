"""Fault drill: restart PostgreSQL in the middle of a classroom burst.

What it proves: a database restart costs the site only the requests made while PostgreSQL is
down; the app servers reconnect by themselves (``CONN_HEALTH_CHECKS``, no restart of gunicorn),
``/healthz`` is back to 200 within seconds, and no acknowledged post is lost or doubled, even
though students resend the posts that failed (same submission key, as pressing "Post" again).

Steps: the classroom burst of ``bench/classroom_burst/run.py`` (30 students, 60 s by default);
at 30 s, ``pg_ctlcluster --skip-systemctl-redirect <version> main restart``, while ``/healthz``
is polled four times a second. Then:

- every failed request must overlap the outage (restart command start → PostgreSQL accepting
  connections again, plus 2 s for requests already in flight);
- ``/healthz`` must answer 200 again within 10 s of PostgreSQL being back;
- requests must succeed after that (the site recovered without help);
- every acknowledged post is stored exactly once (the burst's own check).

A plain restart on a small database keeps PostgreSQL away for well under a second, so few
requests (often none) meet it; ``--down-for 5`` stops it for 5 s before starting it again, a
harder version of the same drill (``/healthz`` then answers 503 for those seconds).

PostgreSQL is started again at the end whatever happens (here and in the .sh wrapper).
Writes ``bench/results/fault-pg-restart.md`` (``--report`` to change). About 1.5 minutes.

    bench/faults/pg_restart_during_burst.sh
    bench/faults/pg_restart_during_burst.sh --down-for 5 \
        --report bench/results/fault-pg-stop-5s.md
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import harness
from bench.classroom_burst.run import report_lines, run_burst, seconds

IN_FLIGHT_SLACK_S = 2.0
RECOVERY_LIMIT_S = 10.0


def cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_ctlcluster(action: str, *, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster_version(), "main", action],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ensure_postgres_running() -> None:
    if pg_ctlcluster("status", timeout=30).returncode != 0:
        harness.log("PostgreSQL is not running: starting it")
        pg_ctlcluster("start")


def postgres_ready() -> bool:
    try:
        with harness.admin_connection() as conn:
            conn.execute("SELECT 1")
    except Exception:
        return False
    return True


class RestartDrill:
    """Poll /healthz throughout; restart PostgreSQL ``restart_at`` seconds into the burst.

    While the restart runs, a probe also connects to PostgreSQL directly ten times a second, to
    tell when it really refused connections (the restart command's own time is longer).
    """

    def __init__(self, restart_at: float, run_time: float, down_for: float = 0.0):
        self.restart_at = restart_at
        self.run_time = run_time
        self.down_for = down_for
        self.health: list[tuple[float, float, int]] = []  # (start, end, status)
        self.probes: list[tuple[float, float, bool]] = []  # (start, end, PostgreSQL answered)
        self.restart_started = self.restart_ended = self.pg_ready = self.recovered = None
        self.restart_exit: int | None = None
        self.restart_output = ""
        self._stop = threading.Event()

    def __call__(self, server: harness.Gunicorn, started: float) -> None:
        poller = threading.Thread(
            target=self._poll, args=(server, started + self.run_time), daemon=True
        )
        poller.start()
        time.sleep(max(0.0, started + self.restart_at - time.time()))
        probing = threading.Event()
        prober = threading.Thread(target=self._probe, args=(probing,), daemon=True)
        prober.start()
        self.restart_started = time.time()
        if self.down_for:
            harness.log(f"stopping PostgreSQL for {self.down_for:g} s")
            steps = [pg_ctlcluster("stop")]
            time.sleep(self.down_for)
            steps.append(pg_ctlcluster("start"))
        else:
            harness.log("restarting PostgreSQL")
            steps = [pg_ctlcluster("restart")]
        self.restart_ended = time.time()
        self.restart_exit = max(step.returncode for step in steps)
        self.restart_output = "\n".join((step.stdout + step.stderr).strip() for step in steps)
        deadline = time.time() + 60
        while not postgres_ready():
            if time.time() > deadline:
                probing.set()
                raise RuntimeError(f"PostgreSQL was not back within 60 s: {self.restart_output}")
            time.sleep(0.1)
        time.sleep(1)
        probing.set()
        prober.join(timeout=10)
        self.pg_ready = self._back_at()
        harness.log(f"PostgreSQL back {self.pg_ready - self.restart_started:.1f} s after the fault")
        deadline = time.time() + 30
        while self.recovered is None and time.time() < deadline:
            self.recovered = next(
                (end for began, end, ok in self.health if began >= self.pg_ready and ok == 200),
                None,
            )
            time.sleep(0.1)

    def _back_at(self) -> float:
        """When PostgreSQL answered again: the end of the first good probe after the last
        refused one (the command's end when no probe was refused: the outage was shorter than
        a probe)."""
        if self.refused is None:
            return self.restart_ended
        return min(
            (end for began, end, ok in self.probes if ok and began >= self.refused[1]),
            default=self.restart_ended,
        )

    def _poll(self, server: harness.Gunicorn, until: float) -> None:
        """Poll until the burst's end (before gunicorn stops), or until told to stop."""
        while not self._stop.is_set() and time.time() < until:
            began = time.time()
            status, _ = harness.http_get(f"{server.base_url}/healthz", timeout=2)
            self.health.append((began, time.time(), status))
            self._stop.wait(0.25)

    def _probe(self, done: threading.Event) -> None:
        while not done.is_set():
            began = time.time()
            answered = postgres_ready()
            self.probes.append((began, time.time(), answered))
            done.wait(0.1)

    @property
    def refused(self) -> tuple[float, float] | None:
        """From the start of the first failed direct connection to the end of the last."""
        down = [(began, end) for began, end, ok in self.probes if not ok]
        return (min(b for b, _ in down), max(e for _, e in down)) if down else None

    def stop(self) -> None:
        self._stop.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_burst")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--run-time", type=seconds, default=60)
    parser.add_argument("--restart-at", type=float, default=30.0, help="seconds into the burst")
    parser.add_argument(
        "--down-for",
        type=float,
        default=0.0,
        help="instead of a restart, stop PostgreSQL for this many seconds, then start it",
    )
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "fault-pg-restart.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    workers = (os.cpu_count() or 1) * 2 + 1
    drill = RestartDrill(args.restart_at, args.run_time, args.down_for)
    try:
        result = run_burst(
            database=args.database,
            port=args.port,
            users=args.users,
            spawn_rate=3.0,
            run_time=args.run_time,
            workers=workers,
            during=drill,
            name="fault-pg-restart",
        )
    finally:
        drill.stop()
        ensure_postgres_running()

    if drill.pg_ready is None:
        print("FAIL: the restart never happened (the burst ended first?)")
        return 1
    # Conservative: from the fault's start to the later of "PostgreSQL answers" and the end of
    # the pg_ctlcluster command, plus requests in flight.
    window = (
        drill.restart_started - 0.5,
        max(drill.pg_ready, drill.restart_ended) + IN_FLIGHT_SLACK_S,
    )
    outside = [f for f in result.failures if f["end"] < window[0] or f["start"] > window[1]]
    after = drill.recovered or drill.pg_ready
    served_after = sum(1 for r in result.requests if r["ok"] and r["start"] > after)
    unhealthy = [began for began, _, status in drill.health if status != 200]
    in_outage = [h for h in drill.health if h[1] >= window[0] and h[0] <= window[1]]
    slowest_poll = max((end - began for began, end, _ in in_outage), default=0.0)
    recovery_s = None if drill.recovered is None else drill.recovered - drill.pg_ready
    resent = sum(1 for r in result.requests if r["name"] == "post answer (resend)" and r["ok"])

    def at(t: float) -> str:
        return f"{t - result.started:.1f} s"

    fault = f"Stop, {args.down_for:g} s pause, start" if args.down_for else "Restart"
    lines = report_lines(
        result,
        title=f"Fault: PostgreSQL {fault.lower()} during a classroom burst",
        users=args.users,
        workers=workers,
    )
    lines += [
        "",
        f"- {fault} ran from {at(drill.restart_started)} to "
        f"{at(drill.restart_ended)}; PostgreSQL accepted connections again at "
        f"{at(drill.pg_ready)} ({drill.pg_ready - drill.restart_started:.1f} s after the fault "
        "began).",
        "- Direct connections to PostgreSQL (every 0.1 s) were refused "
        + (
            f"from {at(drill.refused[0])} to {at(drill.refused[1])} "
            f"({sum(1 for *_, ok in drill.probes if not ok)} of {len(drill.probes)} attempts)"
            if drill.refused
            else f"never ({len(drill.probes)} attempts)"
        )
        + f"; pg_ctlcluster exit code {drill.restart_exit}.",
        f"- `/healthz` polled {len(drill.health)} times ({len(in_outage)} during the outage "
        f"window, slowest answer {slowest_poll:.2f} s); not 200 {len(unhealthy)} times"
        + (f", from {at(min(unhealthy))} to {at(max(unhealthy))}" if unhealthy else "")
        + ".",
        "- Back to 200 "
        + (f"{recovery_s:.1f} s after PostgreSQL was" if recovery_s is not None else "NEVER")
        + f" (limit {RECOVERY_LIMIT_S:.0f} s), with no restart of gunicorn.",
        f"- Failed requests: {len(result.failures)}, of which outside the outage window "
        f"({at(window[0])} to {at(window[1])}): {len(outside)}.",
        f"- Requests served after recovery: {served_after}; posts acknowledged after a resend "
        f"with the same key: {resent}.",
    ]
    checks = {
        "PostgreSQL restarted (pg_ctlcluster exit code 0)": drill.restart_exit == 0,
        "failures only during the outage": not outside,
        "recovered by itself within the limit": recovery_s is not None
        and recovery_s <= RECOVERY_LIMIT_S,
        "served requests after recovery": served_after > 0,
        "no acknowledged post lost or doubled": result.check["ok"],
    }
    passed = all(checks.values())
    lines += ["", *[f"- [{'x' if ok else ' '}] {name}" for name, ok in checks.items()]]
    lines += [
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {len(result.failures)} failed requests "
        f"({len(outside)} outside the outage), recovery in "
        + (f"{recovery_s:.1f} s" if recovery_s is not None else "never")
        + f", {result.check['stored_once']}/{result.check['acknowledged']} acknowledged posts "
        "stored exactly once.",
    ]
    return harness.write_report(lines, args.report, passed=passed)


if __name__ == "__main__":
    sys.exit(main())
