"""Throughput of five pages against a signed-in minimal page, on production settings.

What it proves: how many requests a second one app server (gunicorn as deployed, sync
workers, PostgreSQL on the same machine) answers for each of the pages a class uses most,
and how close each comes to the cheapest possible signed-in page. The ratios are the point:
they say how much each page costs beyond the session, the user and the middleware, and they
travel better between machines than the raw numbers.

Pages (all GET, signed in, status 200 checked for every request):

- ``minimal``: ``/bench/minimal/``, the baseline (session, user, middleware, nothing else);
- ``lesson``: ``/lessons/rise-to-power/`` as a student (its prompts lead to the busy thread);
- ``discussion``: that busy thread of 150 posts on its own page, as a student;
- ``dashboard``: the student's dashboard (six assignments);
- ``progress``: the teacher's progress grid, 35 students × 6 assignments, in the admin.

Targets (ratio of requests/s to the minimal page): lesson ≥ 0.6, dashboard and discussion
≥ 0.4, progress grid ≥ 0.25.

Steps: prepare the ``bench_throughput`` database (create, migrate, ``bench.setup_data
--reset``, collectstatic), start gunicorn with ``deploy/gunicorn.conf.py`` on 127.0.0.1, check
every page answers 200 with its content, warm each page up (every worker fills its lesson
cache), then run wrk on each page in turn for a fixed time. Prints a table and appends one row a
page to ``bench/results/throughput.csv``. Gunicorn is stopped at the end, whatever happens.

    .venv/bin/python -m bench.throughput            # about 2 minutes with the defaults
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import time
from pathlib import Path

from bench import harness

PAGES = ["minimal", "lesson", "discussion", "dashboard", "progress"]
TARGETS = {"lesson": 0.6, "discussion": 0.4, "dashboard": 0.4, "progress": 0.25}
CSV_FIELDS = [
    "run_at",
    "page",
    "url",
    "requests_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "ratio_to_minimal",
    "target",
    "meets_target",
    "requests",
    "non_200",
    "socket_errors",
    "duration_s",
    "connections",
    "workers",
    "worker_restarts",
    "load_before",
    "nproc",
    "cpu",
    "python",
    "django",
    "postgresql",
    "gunicorn",
]


def expected_text(page: str, data: dict) -> str:
    """A piece of each page's body that only the right, signed-in page has."""
    return {
        "minimal": "ok ",
        "lesson": data["urls"]["discussion"],  # the class's thread, inline or linked
        "discussion": f"{data['thread_posts']} posts",
        "dashboard": "Bench Year 11 History",
        "progress": "Student35",
    }[page]


def cookie_for(page: str, data: dict) -> str:
    who = "teacher" if page == "progress" else "student"
    return f"{data['cookie_name']}={data['cookies'][who]}"


def check_pages(base_url: str, data: dict) -> None:
    for page in PAGES:
        url = base_url + data["urls"][page]
        status, body = harness.http_get(url, cookie=cookie_for(page, data), timeout=30)
        if status != 200 or expected_text(page, data) not in body:
            raise RuntimeError(
                f"{page} ({url}) answered {status} without {expected_text(page, data)!r}: "
                "is the session cookie valid for this server's secret key?"
            )


def booted_workers(log_path) -> int:
    return log_path.read_text(errors="replace").count("Booting worker with pid")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_throughput")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument(
        "--workers", type=int, help="gunicorn workers (default: as deployed, 2 × cores + 1)"
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--csv", default=str(harness.RESULTS / "throughput.csv"))
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "throughput.md")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    harness.exit_cleanly_on_sigterm()

    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env)
    machine = harness.machine_info(env)
    log_path = harness.RESULTS / "throughput-gunicorn.log.tmp"
    results = {}
    with harness.Gunicorn(env, port=args.port, workers=workers, log_path=log_path) as server:
        check_pages(server.base_url, data)
        harness.log(f"warming up: {args.warmup} s a page")
        for page in PAGES:
            harness.run_wrk(
                server.base_url + data["urls"][page],
                cookie=cookie_for(page, data),
                duration=args.warmup,
                connections=args.connections,
                threads=args.threads,
            )
        for page in PAGES:
            harness.log(f"measuring {page}: {args.duration} s, {args.connections} connections")
            booted_before = booted_workers(log_path)
            results[page] = harness.run_wrk(
                server.base_url + data["urls"][page],
                cookie=cookie_for(page, data),
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
            )
            results[page]["worker_restarts"] = booted_workers(log_path) - booted_before
            time.sleep(1)  # let the last requests drain before the next page

    rows = table_rows(results, data, machine, args, workers)
    append_csv(Path(args.csv), rows)
    text = "\n".join(table_text(rows, machine, args, workers)) + "\n"
    print("\n" + text)
    args.report.write_text(text)
    print(f"Appended {len(rows)} rows to {args.csv}; wrote {args.report}")
    broken = [row["page"] for row in rows if row["non_200"] or row["socket_errors"]]
    if broken:
        print(f"Errors during measurement on: {', '.join(broken)} (see non-200 / socket errors)")
        return 1
    return 0


def table_rows(results, data, machine, args, workers) -> list[dict]:
    """One CSV row a page: its numbers, its ratio to the minimal page, and the machine."""
    baseline = results["minimal"]["rps"]
    rows = []
    for page in PAGES:
        stats = results[page]
        ratio = stats["rps"] / baseline if baseline else 0.0
        target = TARGETS.get(page)
        rows.append(
            {
                "run_at": machine["date"],
                "page": page,
                "url": data["urls"][page],
                "requests_per_s": f"{stats['rps']:.1f}",
                "p50_ms": f"{stats['p50']:.1f}",
                "p95_ms": f"{stats['p95']:.1f}",
                "p99_ms": f"{stats['p99']:.1f}",
                "ratio_to_minimal": f"{ratio:.3f}",
                "target": "" if target is None else f"{target:.2f}",
                "meets_target": "" if target is None else ("yes" if ratio >= target else "no"),
                "requests": stats["requests"],
                "non_200": stats["non200"],
                "socket_errors": stats["socket_errors"],
                "duration_s": args.duration,
                "connections": args.connections,
                "workers": workers,
                "worker_restarts": stats["worker_restarts"],
                "load_before": machine["load_before"],
                **{key: machine[key] for key in ("nproc", "cpu", "python", "django")},
                **{key: machine[key] for key in ("postgresql", "gunicorn")},
            }
        )
    return rows


def table_text(rows: list[dict], machine: dict, args, workers: int) -> list[str]:
    """The run as a Markdown table with the targets, for the terminal and throughput.md."""
    lines = [
        "# Throughput",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']} (1-minute load "
        f"average before: {machine['load_before']}).",
        f"- Python {machine['python']}, Django {machine['django']}, PostgreSQL "
        f"{machine['postgresql']}, gunicorn {machine['gunicorn']} with {workers} sync workers "
        "(deploy/gunicorn.conf.py).",
        f"- wrk: {args.connections} connections, {args.threads} threads, {args.duration} s a "
        f"page after {args.warmup} s of warm-up; every answer other than 200 counted as an error.",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | ratio to minimal | target | errors "
        "| workers recycled |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        target = ""
        if row["target"]:
            target = f"≥ {row['target']} " + ("met" if row["meets_target"] == "yes" else "MISSED")
        errors = row["non_200"] + row["socket_errors"]
        lines.append(
            f"| {row['page']} | {row['requests_per_s']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['p99_ms']} | {float(row['ratio_to_minimal']):.2f} | {target} | {errors} | "
            f"{row['worker_restarts']} |"
        )
    lines += [
        "",
        "Workers recycled: replaced by gunicorn's max_requests (2000 ± 200, as deployed) while "
        "the page was measured; each costs a worker start.",
    ]
    return lines


def append_csv(file: Path, rows: list[dict]) -> None:
    new = not file.exists() or file.stat().st_size == 0
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        if new:
            writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
