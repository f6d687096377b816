"""Cold-render throughput of the pages a class uses most, every request from a different student.

What it proves: how many requests a second the documented stack (nginx in front of two gunicorn
app servers, 3 + 2 sync workers, PostgreSQL and Redis on the same machine) answers for each page
when nothing is warm for the viewer, and how close each page comes to the cheapest possible
signed-in page on the same stack in the same run. The ratios are the point: they say what a page
costs beyond the session, the user and the middleware, and they travel between machines.

How "nothing warm per viewer" is made true:

- the bench school has 30 classes of 35 students (``bench.setup_data``), 1,050 students and 30
  teachers, each with a fresh session (made as a sign-in makes it: database and Redis);
- wrk's ``request()`` hook (``bench/wrk_stats.lua``) takes the next session for every request,
  students interleaved across classes, and adds a query string never sent before;
- before each page is measured every session is replaced by a new one (the warm-up's sessions
  are thrown away), so the measured requests start from sessions no server has seen. What is
  shared by everyone (the lesson's rendered reading, rendered post HTML, fragments keyed on
  what they show) is warm, as on any server that has been up for a minute.

Pages (all GET, signed in, status 200 checked for every request):

- ``minimal``: ``/bench/minimal/``, the baseline (session, user, middleware, nothing else);
- ``lesson``: ``/lessons/rise-to-power/``, as each student (their class's discussions in it);
- ``dashboard``: ``/dashboard/``, each student's own (six assignments, their progress);
- ``discussion``: ``/discussions/<class>/prompts/<prompt>/``, each student their own class's busy
  thread (35 students, 150 posts);
- ``progress``: ``/admin/classroom/schoolclass/<class>/progress/``, the 35 × 6 grid, as the 30
  teachers in turn, each their own class (so 30 different grids rotate, not one).

Targets (ratio of requests/s to the minimal page): lesson ≥ 0.5, dashboard ≥ 0.5, discussion
≥ 0.35, progress grid ≥ 0.3. Writes ``bench/results/throughput.md`` and appends one row a page
to ``bench/results/throughput-rotated.csv``. Everything it starts is stopped at the end.

Each page is measured in two rounds of 10 s, the second in the reverse order, so that whatever
else the machine does drifts over every page alike.

    .venv/bin/python -m bench.throughput            # about 5 minutes with the defaults
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
from bench.stack import Stack

PAGES = ["minimal", "lesson", "dashboard", "discussion", "progress"]
TARGETS = {"lesson": 0.5, "dashboard": 0.5, "discussion": 0.35, "progress": 0.3}
CSV_FIELDS = [
    "run_at",
    "page",
    "url",
    "viewers",
    "requests_per_viewer",
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
    "commit",
]


def items_for(page: str, data: dict) -> list[tuple[str, str, str]]:
    """(cookie, path, username) for every viewer of ``page``, classes interleaved."""
    name = data["cookie_name"]
    classes = {row["number"]: row for row in data["classes"]}
    if page == "progress":
        return [
            (f"{name}={s['cookie']}", classes[s["class"]]["progress_url"], s["username"])
            for s in data["sessions"]["teachers"]
        ]
    students = sorted(
        data["sessions"]["students"],
        key=lambda s: (classes[s["class"]]["students"].index(s["username"]), s["class"]),
    )
    path = {
        "minimal": lambda s: data["urls"]["minimal"],
        "lesson": lambda s: data["urls"]["lesson"],
        "dashboard": lambda s: data["urls"]["dashboard"],
        "discussion": lambda s: classes[s["class"]]["busy_thread_url"],
    }[page]
    return [(f"{name}={s['cookie']}", path(s), s["username"]) for s in students]


def expected_text(page: str, data: dict, username: str) -> str:
    """A piece of the body that only the right, signed-in page has."""
    mine = next(row for row in data["classes"] if username in (row["teacher"], *row["students"]))
    return {
        "minimal": "ok ",
        "lesson": mine["busy_thread_url"],  # the student's own class's thread, inline or linked
        "dashboard": "Bench Year 11 History",
        "discussion": f'name="prompt-{data["prompt_pk"]}-body"',  # the student's post form
        "progress": "Student35",
    }[page]


def write_items(items: list[tuple[str, str, str]], path: Path) -> Path:
    path.write_text("".join(f"{cookie}\t{url}\n" for cookie, url, _ in items))
    path.chmod(0o600)
    return path


def check_page(base_url: str, page: str, data: dict, items) -> None:
    """A first, a middle and a last viewer each get the right page (not a 302 to sign-in)."""
    for cookie, path, username in (items[0], items[len(items) // 2], items[-1]):
        status, body = harness.http_get(base_url + path, cookie=cookie, timeout=30)
        text = expected_text(page, data, username)
        if status != 200 or text not in body:
            raise RuntimeError(f"{page} ({path} as {username}) answered {status} without {text!r}")


def booted_workers(logs: list[Path]) -> int:
    return sum(
        log.read_text(errors="replace").count("Booting worker with pid")
        for log in logs
        if log.exists()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="bench_throughput")
    parser.add_argument("--classes", type=int, default=30, help="classes of 35 students")
    parser.add_argument("--workers", default="3,2", help="workers of each app server")
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of wrk per page, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds, in alternating order")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pages", nargs="*", default=PAGES, choices=PAGES)
    parser.add_argument("--csv", type=Path, default=harness.RESULTS / "throughput-rotated.csv")
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "throughput.md")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    harness.exit_cleanly_on_sigterm()
    pages = ["minimal", *[page for page in args.pages if page != "minimal"]]
    workers = tuple(int(part) for part in args.workers.split(","))
    setup_args = ["--classes", str(args.classes)]

    # Worker recycling (max_requests, as deployed) would charge a worker start to whichever
    # page crosses the threshold: off here, on in every other script.
    env = harness.bench_env(args.database, GUNICORN_MAX_REQUESTS="0")
    harness.prepare(args.database, env, setup_args=setup_args)
    machine = harness.machine_info(env)
    machine["commit"] = harness.git_commit()
    runs: dict[str, list[dict]] = {page: [] for page in pages}
    items_path = harness.RESULTS / "throughput-items.tmp"
    # Rounds in alternating order (minimal … progress, then progress … minimal): whatever else
    # this machine does drifts over the run, and the alternation spreads it over every page.
    schedule = [
        page
        for number in range(args.rounds)
        for page in (pages if number % 2 == 0 else list(reversed(pages)))
    ]
    seconds = max(5, round(args.duration / args.rounds))
    with Stack(env, workers=workers, name="throughput") as stack:
        harness.log(stack.describe())
        logs = [stack.log_dir / f"throughput-app{i + 1}-gunicorn.log.tmp" for i in range(2)]
        for page in schedule:
            data = harness.fresh_sessions(args.database, stack.env, setup_args=setup_args)
            items = items_for(page, data)
            check_page(stack.base_url, page, data, items)
            harness.run_wrk(
                stack.base_url + "/",
                cookie=None,
                duration=args.warmup,
                connections=args.connections,
                threads=args.threads,
                items=write_items(items, items_path),
            )
            # New sessions for the measurement: nobody measured has been seen by a server.
            data = harness.fresh_sessions(args.database, stack.env, setup_args=setup_args)
            items = items_for(page, data)
            write_items(items, items_path)
            harness.log(
                f"measuring {page}: {seconds} s, {args.connections} connections, "
                f"{len(items)} viewers in turn"
            )
            load_before = os.getloadavg()[0]
            booted_before = booted_workers(logs)
            stats = harness.run_wrk(
                stack.base_url + "/",
                cookie=None,
                duration=seconds,
                connections=args.connections,
                threads=args.threads,
                items=items_path,
            )
            stats["worker_restarts"] = booted_workers(logs) - booted_before
            stats["viewers"] = len(items)
            stats["load_before"] = load_before
            stats["url"] = items[0][1]
            runs[page].append(stats)
            time.sleep(1)  # let the last requests drain before the next page
    items_path.unlink(missing_ok=True)

    results = {page: combine(stats) for page, stats in runs.items()}
    rows = table_rows(results, machine, args, sum(workers))
    append_csv(args.csv, rows)
    lines = table_text(rows, results, machine, args, workers)
    broken = [row["page"] for row in rows if row["non_200"] or row["socket_errors"]]
    if broken:
        lines.append(f"\nErrors during measurement on: {', '.join(broken)}.")
    print(f"Appended {len(rows)} rows to {args.csv}")
    return harness.write_report(lines, args.report, passed=not broken)


def combine(runs: list[dict]) -> dict:
    """One page's rounds as one: counts added, requests/s over the whole time, latency
    percentiles averaged by requests (each round's are exact; the mix is an approximation)."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["duration_us"] for run in runs) / 1e6
    combined = {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "rounds": [run["rps"] for run in runs],
        "viewers": runs[0]["viewers"],
        "url": runs[0]["url"],
        "load_before": f"{sum(run['load_before'] for run in runs) / len(runs):.2f}",
        "max": max(run["max"] for run in runs),
    }
    for key in ("non200", "n5xx", "n3xx", "socket_errors", "worker_restarts"):
        combined[key] = sum(run[key] for run in runs)
    for key in ("p50", "p95", "p99"):
        combined[key] = sum(run[key] * run["requests"] for run in runs) / max(1, requests)
    return combined


def baseline_rps(results: dict) -> float:
    return results["minimal"]["rps"] if "minimal" in results else 0.0


def table_rows(results: dict, machine: dict, args, workers: int) -> list[dict]:
    """One CSV row a page: its numbers, its ratio to the minimal page, and the machine."""
    baseline = baseline_rps(results)
    rows = []
    for label, stats in results.items():
        ratio = stats["rps"] / baseline if baseline else 0.0
        target = TARGETS.get(label)
        rows.append(
            {
                "run_at": machine["date"],
                "page": label,
                "url": stats["url"],
                "viewers": stats["viewers"],
                "requests_per_viewer": (
                    f"{stats['requests'] / stats['viewers'] / len(stats['rounds']):.2f}"
                ),
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
                "load_before": stats["load_before"],
                **{key: machine[key] for key in ("nproc", "cpu", "python", "django")},
                **{key: machine[key] for key in ("postgresql", "gunicorn", "commit")},
            }
        )
    return rows


def table_text(rows: list[dict], results: dict, machine: dict, args, workers) -> list[str]:
    """The run as a Markdown table with the targets, for the terminal and throughput.md."""
    options = [
        f"--{name} {getattr(args, name)}"
        for name, default in (("duration", 20), ("rounds", 2), ("classes", 30))
        if getattr(args, name) != default
    ]
    seconds = max(5, round(args.duration / args.rounds))
    lines = [
        "# Throughput, cold for every viewer",
        "",
        "Command: `" + " ".join([".venv/bin/python -m bench.throughput", *options]) + "`",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']} (1-minute load "
        f"average before: {machine['load_before']}), commit {machine['commit']}.",
        f"- Python {machine['python']}, Django {machine['django']}, PostgreSQL "
        f"{machine['postgresql']}, gunicorn {machine['gunicorn']}: nginx → two app servers with "
        f"{' + '.join(map(str, workers))} sync workers (deploy/gunicorn.conf.py), Redis for the "
        "cache and sessions (bench/stack.py).",
        f"- wrk: {args.connections} connections, {args.threads} threads; {args.rounds} rounds of "
        f"{seconds} s a page, in alternating order (minimal → progress, then back), each after "
        f"{args.warmup} s of warm-up. Every request from the next of {args.classes * 35} "
        "students (the 30 teachers for the grid, each their own class's), sessions made fresh "
        "just before each measurement, a query string never sent before; every answer other "
        "than 200 counted as an error.",
        "",
        "| page | viewers | requests a viewer | req/s (rounds) | p50 ms | p95 ms | p99 ms "
        "| ratio to minimal | target | errors | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        target = ""
        if row["target"]:
            target = f"≥ {row['target']} " + ("met" if row["meets_target"] == "yes" else "MISSED")
        errors = row["non_200"] + row["socket_errors"]
        rounds = " / ".join(f"{rps:.0f}" for rps in results[row["page"]]["rounds"])
        lines.append(
            f"| {row['page']} | {row['viewers']} | {row['requests_per_viewer']} | "
            f"{row['requests_per_s']} ({rounds}) | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['p99_ms']} | {float(row['ratio_to_minimal']):.2f} | {target} | {errors} | "
            f"{row['load_before']} |"
        )
    lines += [
        "",
        "Requests a viewer: per round; above 1 means sessions came round again within the "
        "round (each viewer's first request is the coldest: for the lesson page it records the "
        "opening in the session and in the reading progress). Latency percentiles: the rounds' "
        "own, averaged by requests. Load: the 1-minute load average as the page's rounds "
        "started (this machine's other work shows there). gunicorn's max_requests worker "
        "recycling is off for this benchmark (GUNICORN_MAX_REQUESTS=0), so no page pays for a "
        "worker start.",
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
