"""Classes on the site at once, and a whole school at the bell, through the documented stack.

Two tests, both through nginx in front of two gunicorn app servers (3 + 2 = 5 sync workers, the
deployed 2 × cores + 1 on this machine) sharing PostgreSQL and Redis (bench/stack.py), every
student a different account signing in with the real password through the real form:

**The scenario** (default; ``--classes 3``, then ``--classes 10``): 30 students a class, each
class behind its own address (127.0.0.11, .12, …, like a school's NAT, so nginx's per-address
limits see what a school's traffic looks like). All classes but the last arrive during the first
15 s, each class's students within 5 s; the last class signs in all at once at 30 s, and the
report compares everyone else's latency in the 10 s before with the time it takes that class to
sign in. Each student signs in, opens the dashboard, the assigned lesson and its discussions
(the lesson page's lazy-loaded threads, as htmx fetches them), then, 3–8 s apart until the minute
is up, posts answers through the thread page's form and reads (thread, lesson, dashboard). A post
is acknowledged by a 302 to ``#post-<pk>``; a post that fails is sent again with the same
submission key (3 tries). Afterwards every acknowledged key must be stored exactly once, as that
post, by that student. Reported: p50/p95/p99 and errors per page, posts, each worker's memory
(RSS, sampled every 2 s), the sign-in cost (the hasher in-process, and sign-ins one at a time
on the idle stack) and what the class arriving at once did to the others.

**The bell** (``--bell``): 300 students (10 classes × 30, each class at its own address) arrive
at random moments within 15 s; each signs in and opens the lesson. Target: all 300 reach their
lesson within 60 s of the bell, with no error.

Why its own client and not locust (which ``bench/classroom_burst`` uses): each class must come
from its own source address (locust's clients cannot bind one), the bell test is a one-shot
deadline per student rather than a task loop, and locust's per-user greenlets and statistics
cost more of the same two cores the server runs on. ``bench/webclient.py``'s asyncio browser
is a cookie jar and one keep-alive connection per student; every request has a 60 s time-out and
the run a fixed length.

    .venv/bin/python -m bench.classroom_scenario                  # 3 × 30, about 2.5 min
    .venv/bin/python -m bench.classroom_scenario --classes 10     # 10 × 30
    .venv/bin/python -m bench.classroom_scenario --bell           # 300 at the bell
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import statistics
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness
from bench.classroom_burst.run import exactly_once, percentile
from bench.stack import Stack
from bench.webclient import AsyncBrowser, Response

DATABASE = "bench_scenario"
CLASS_SIZE = 30
SIGN_IN = "/accounts/sign-in/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POST_ATTEMPTS = 3


def class_address(number: int) -> str:
    return f"127.0.0.{10 + number}"


@dataclass
class Record:
    name: str
    status: int
    ms: float
    started: float  # seconds since the run's start
    ok: bool
    student: str
    klass: int
    error: str = ""


@dataclass
class Run:
    base_url: str
    data: dict
    t0: float = 0.0
    records: list[Record] = field(default_factory=list)
    acks: list[dict] = field(default_factory=list)
    signed_in_at: dict[str, float] = field(default_factory=dict)
    arrived_at: dict[str, float] = field(default_factory=dict)
    lesson_at: dict[str, float] = field(default_factory=dict)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def note(self, name, response: Response, ok: bool, student: str, klass: int) -> None:
        self.records.append(
            Record(
                name,
                response.status,
                response.elapsed_ms,
                response.started - self.t0,
                ok,
                student,
                klass,
                response.error or ("" if ok else f"{response.status} {response.location}"),
            )
        )


class Student:
    def __init__(self, run: Run, username: str, klass: dict, *, source: str):
        self.run = run
        self.username = username
        self.klass = klass
        self.browser = AsyncBrowser(run.base_url, source=source, timeout=60)

    async def get(self, path: str, name: str, headers: dict | None = None) -> Response:
        response = await self.browser.get(path, headers=headers)
        ok = response.status == 200
        self.run.note(name, response, ok, self.username, self.klass["number"])
        return response

    async def sign_in(self, *, tries: int = 5) -> bool:
        for attempt in range(tries):
            if attempt:
                await asyncio.sleep(2)  # a student presses the button again
            page = await self.get(SIGN_IN, "sign-in page")
            token = CSRF.search(page.body) if page.status == 200 else None
            if not token:
                continue
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": self.run.data["password"],
            }
            answer = await self.browser.post(SIGN_IN, data)
            ok = answer.status == 302 and SIGN_IN not in answer.location
            self.run.note("sign-in", answer, ok, self.username, self.klass["number"])
            if ok:
                self.run.signed_in_at[self.username] = time.time() - self.run.t0
                return True
        return False

    async def open_lesson(self) -> bool:
        lesson = self.run.data["urls"]["lesson"]
        for _ in range(5):
            if (await self.get(lesson, "lesson")).status == 200:
                self.run.lesson_at[self.username] = time.time() - self.run.t0
                return True
            await asyncio.sleep(2)
        return False

    async def lazy_threads(self) -> None:
        """The lesson page's discussions, fetched by htmx as the student scrolls to them."""
        lesson = self.run.data["urls"]["lesson"]
        headers = {"HX-Request": "true", "HX-Current-URL": self.run.base_url + lesson}
        for url in self.klass["lesson_thread_urls"]:
            await self.get(f"{url}?next={lesson}", "discussion in lesson (htmx)", headers)

    async def post_answer(self) -> None:
        thread = self.klass["busy_thread_url"]
        page = await self.get(thread, "thread")
        prompt = self.run.data["prompt_pk"]
        token = CSRF.search(page.body)
        key = re.search(
            rf'name="prompt-{prompt}-submission_key" value="([0-9a-f-]{{36}})"', page.body
        )
        if not (token and key):
            return
        number = next(self.run.numbers)
        data = {
            "csrfmiddlewaretoken": token.group(1),
            f"prompt-{prompt}-body": (
                f"Answer {number} from {self.username}: ¶{number % 12 + 1} shows that "
                "**control of the party** mattered more than ideas."
            ),
            f"prompt-{prompt}-submission_key": key.group(1),
            "next": thread,
        }
        for attempt in range(POST_ATTEMPTS):
            if attempt:
                await asyncio.sleep(attempt)
            answer = await self.browser.post(self.klass["busy_post_url"], data)
            ok = answer.status == 302 and "#post-" in answer.location
            name = "post" if attempt == 0 else "post (resent)"
            self.run.note(name, answer, ok, self.username, self.klass["number"])
            if ok:
                self.run.acks.append(
                    {
                        "username": self.username,
                        "submission_key": key.group(1),
                        "post_pk": int(answer.location.rsplit("#post-", 1)[1]),
                    }
                )
                return

    async def scenario(self, arrive_at: float, end_at: float, rng: random.Random) -> None:
        await asyncio.sleep(max(0.0, arrive_at - (time.time() - self.run.t0)))
        self.run.arrived_at[self.username] = time.time() - self.run.t0
        try:
            if not await self.sign_in():
                return
            await self.get("/dashboard/", "dashboard")
            await self.open_lesson()
            await self.lazy_threads()
            actions = [self.post_answer, self.read_thread, self.read_lesson, self.dashboard]
            weights = [3, 3, 2, 1]
            while time.time() - self.run.t0 + 3 < end_at:
                await asyncio.sleep(rng.uniform(3, 8))
                if time.time() - self.run.t0 >= end_at:
                    break
                await rng.choices(actions, weights)[0]()
        finally:
            await self.browser.close()

    async def read_thread(self):
        await self.get(self.klass["busy_thread_url"], "thread")

    async def read_lesson(self):
        await self.get(self.run.data["urls"]["lesson"], "lesson")

    async def dashboard(self):
        await self.get("/dashboard/", "dashboard")

    async def bell(self, arrive_at: float) -> None:
        await asyncio.sleep(max(0.0, arrive_at - (time.time() - self.run.t0)))
        self.run.arrived_at[self.username] = time.time() - self.run.t0
        try:
            if await self.sign_in():
                await self.open_lesson()
        finally:
            await self.browser.close()


# Measurements around the load --------------------------------------------------------------------


def hasher_cost(env: dict) -> str:
    """The configured password hasher and the time one password check takes, in-process."""
    code = (
        "import django, time; django.setup()\n"
        "from django.contrib.auth.hashers import check_password, get_hasher, make_password\n"
        "h = get_hasher(); p = make_password('bench-read-1928-plan'); n = 5\n"
        "t = time.perf_counter()\n"
        "for _ in range(n): check_password('bench-read-1928-plan', p)\n"
        "print(h.algorithm, round((time.perf_counter() - t) / n * 1000, 1))\n"
    )
    algorithm, ms = harness.run([harness.PYTHON, "-c", code], env, timeout=120, quiet=True).split()
    return f"{algorithm}, {ms} ms a check (in-process, one core)"


def quiet_sign_ins(base_url: str, data: dict, usernames: list[str]) -> tuple[float, float]:
    """Median sign-in POST and minimal-page time, one at a time on the idle stack (ms)."""

    async def measure():
        posts, minimal = [], []
        for username in usernames:
            browser = AsyncBrowser(base_url, source="127.0.0.200")
            page = await browser.get(SIGN_IN)
            token = CSRF.search(page.body).group(1)
            answer = await browser.post(
                SIGN_IN,
                {"csrfmiddlewaretoken": token, "username": username, "password": data["password"]},
            )
            if answer.status == 302:
                posts.append(answer.elapsed_ms)
                minimal.append((await browser.get("/bench/minimal/")).elapsed_ms)
            await browser.close()
        return posts, minimal

    posts, minimal = asyncio.run(measure())
    return statistics.median(posts or [0]), statistics.median(minimal or [0])


class MemorySampler:
    """Every gunicorn worker's RSS every ``every`` seconds while the load runs."""

    def __init__(self, stack: Stack, every: float = 2.0):
        self.stack, self.every = stack, every
        self.samples: list[dict[int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append(self.stack.worker_rss_kib())
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        self.samples.append(self.stack.worker_rss_kib())

    def summary(self) -> str:
        peak: dict[int, int] = {}
        for sample in self.samples:
            for pid, kib in sample.items():
                peak[pid] = max(peak.get(pid, 0), kib)
        totals = [sum(sample.values()) for sample in self.samples if sample]
        first = self.samples[0] if self.samples else {}
        last = self.samples[-1] if self.samples else {}
        return (
            f"{len(peak)} workers seen; peak RSS per worker "
            f"{min(peak.values(), default=0) / 1024:.0f}–{max(peak.values(), default=0) / 1024:.0f}"
            f" MiB; all workers together {sum(first.values()) / 1024:.0f} MiB at the start, "
            f"{max(totals, default=0) / 1024:.0f} MiB at most, {sum(last.values()) / 1024:.0f} MiB "
            "at the end"
        )


# Reports -----------------------------------------------------------------------------------------


PAGE_ORDER = [
    "sign-in page",
    "sign-in",
    "dashboard",
    "lesson",
    "discussion in lesson (htmx)",
    "thread",
    "post",
    "post (resent)",
]


def page_table(records: list[Record]) -> list[str]:
    lines = [
        "| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = [n for n in PAGE_ORDER if any(r.name == n for r in records)]
    for name in [*names, "all"]:
        mine = [r for r in records if name == "all" or r.name == name]
        times = [r.ms for r in mine]
        errors = sum(1 for r in mine if not r.ok)
        label = f"**{name}**" if name == "all" else name
        lines.append(
            f"| {label} | {len(mine)} | {errors} | {percentile(times, 50):.0f} | "
            f"{percentile(times, 95):.0f} | {percentile(times, 99):.0f} | "
            f"{max(times, default=0):.0f} |"
        )
    return lines


def error_lines(records: list[Record]) -> list[str]:
    kinds: dict[str, int] = {}
    for record in records:
        if not record.ok:
            label = f"{record.name}: {record.error or record.status}"
            kinds[label] = kinds.get(label, 0) + 1
    if not kinds:
        return []
    return ["", "Errors:", "", *[f"- {n} × {label}" for label, n in sorted(kinds.items())]]


def window(records, start, end, *, exclude_class: int) -> list[float]:
    return [
        r.ms
        for r in records
        if start <= r.started < end
        and r.klass != exclude_class
        and r.name not in ("sign-in", "sign-in page")
    ]


def describe_window(times: list[float]) -> str:
    if not times:
        return "no requests"
    return (
        f"{len(times)} requests, p50 {percentile(times, 50):.0f} ms, p95 "
        f"{percentile(times, 95):.0f} ms, max {max(times):.0f} ms"
    )


# The two tests -----------------------------------------------------------------------------------


def run_scenario(stack: Stack, data: dict, args) -> tuple[Run, dict]:
    classes = data["classes"][: args.classes]
    run = Run(stack.base_url, data)
    rng = random.Random(1928)
    bell_class = classes[-1]["number"]
    early = classes[:-1]
    plan = []
    for index, klass in enumerate(classes):
        if klass["number"] == bell_class:
            starts = [args.bell_at] * CLASS_SIZE
        else:
            offset = index * (10.0 / max(1, len(early) - 1)) if len(early) > 1 else 0.0
            starts = [offset + rng.uniform(0, 5) for _ in range(CLASS_SIZE)]
        for username, start in zip(klass["students"][:CLASS_SIZE], starts, strict=True):
            plan.append((username, klass, start))

    async def main():
        run.t0 = time.time()
        students = [
            Student(run, name, klass, source=class_address(klass["number"]))
            for name, klass, _ in plan
        ]
        await asyncio.gather(
            *(
                student.scenario(start, args.duration, random.Random(zlib.crc32(name.encode())))
                for student, (name, _k, start) in zip(students, plan, strict=True)
            )
        )

    asyncio.run(main())
    bell_signed = [
        run.signed_in_at[name] for name in bell_class_names(classes) if name in run.signed_in_at
    ]
    done_at = max(bell_signed, default=args.bell_at)
    impact = {
        "bell_class": bell_class,
        "signed_in": len(bell_signed),
        "took": done_at - args.bell_at,
        "before": window(run.records, args.bell_at - 10, args.bell_at, exclude_class=bell_class),
        "during": window(run.records, args.bell_at, done_at, exclude_class=bell_class),
        "after": window(run.records, args.bell_at, args.bell_at + 10, exclude_class=bell_class),
    }
    return run, impact


def bell_class_names(classes) -> list[str]:
    return classes[-1]["students"][:CLASS_SIZE]


def run_bell(stack: Stack, data: dict, args) -> Run:
    classes = data["classes"][: args.bell_students // CLASS_SIZE]
    run = Run(stack.base_url, data)
    rng = random.Random(1917)
    plan = [
        (name, klass, rng.uniform(0, args.bell_window))
        for klass in classes
        for name in klass["students"][:CLASS_SIZE]
    ]

    async def main():
        run.t0 = time.time()
        await asyncio.gather(
            *(
                Student(run, name, klass, source=class_address(klass["number"])).bell(start)
                for name, klass, start in plan
            )
        )

    asyncio.run(main())
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--classes", type=int, default=3, help="classes of 30 (scenario)")
    parser.add_argument("--duration", type=float, default=60, help="seconds (scenario)")
    parser.add_argument("--bell-at", type=float, default=30, help="when the last class arrives")
    parser.add_argument("--bell", action="store_true", help="run the bell test instead")
    parser.add_argument("--bell-students", type=int, default=300)
    parser.add_argument("--bell-window", type=float, default=15)
    parser.add_argument("--bell-deadline", type=float, default=60)
    parser.add_argument("--workers", default="3,2", help="workers of each app server")
    parser.add_argument("--report", type=Path)
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    needed = max(args.classes, -(-args.bell_students // CLASS_SIZE), 10)
    setup_args = ["--classes", str(needed)]
    workers = tuple(int(part) for part in args.workers.split(","))
    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env, setup_args=setup_args)
    machine = harness.machine_info(env)
    machine["commit"] = harness.git_commit()
    hasher = hasher_cost(env)
    with Stack(env, workers=workers, name="scenario") as stack:
        harness.log(stack.describe())
        spare = [klass["students"][-1] for klass in data["classes"][:5]]  # not in the load
        quiet_post, quiet_minimal = quiet_sign_ins(stack.base_url, data, spare)
        with MemorySampler(stack) as memory:
            started = time.time()
            if args.bell:
                harness.log(f"bell: {args.bell_students} students within {args.bell_window} s")
                run = run_bell(stack, data, args)
            else:
                harness.log(f"scenario: {args.classes} classes × {CLASS_SIZE} students")
                run, impact = run_scenario(stack, data, args)
            elapsed = time.time() - started
        description = stack.describe()

    head = [
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']}, commit "
        f"{machine['commit']}; Python {machine['python']}, Django {machine['django']}, "
        f"PostgreSQL {machine['postgresql']}, gunicorn {machine['gunicorn']}.",
        f"- Stack (bench/stack.py): {description}; each class from its own address "
        "(127.0.0.11, .12, …).",
        f"- Password hasher: {hasher}. One sign-in at a time on the idle stack: the POST takes "
        f"{quiet_post:.0f} ms (the minimal signed-in page {quiet_minimal:.0f} ms).",
        f"- Worker memory: {memory.summary()}.",
    ]
    if args.bell:
        return bell_report(run, args, head, elapsed)
    return scenario_report(run, impact, args, head, elapsed, data)


def scenario_report(run, impact, args, head, elapsed, data) -> int:
    check = exactly_once(args.database, 0, run.acks, since=run.t0)
    classes = data["classes"][: args.classes]
    stored = posts_stored_since(args.database, [k["pk"] for k in classes], run.t0)
    errors = [r for r in run.records if not r.ok]
    students = args.classes * CLASS_SIZE
    lines = [
        f"# Classroom scenario: {args.classes} classes × {CLASS_SIZE} students",
        "",
        "Command: `.venv/bin/python -m bench.classroom_scenario"
        + (f" --classes {args.classes}" if args.classes != 3 else "")
        + "`",
        "",
        *head,
        f"- {students} students, {len(run.signed_in_at)} signed in; the run took "
        f"{elapsed:.0f} s ({args.duration:.0f} s of use, then the last requests).",
        "",
        *page_table(run.records),
        "",
        f"- Posts acknowledged: {check['acknowledged']}; stored exactly once as that post by "
        f"that student: {check['stored_once']} (missing {check['missing']}, duplicated "
        f"{check['duplicated']}, wrong post or author {check['mismatched']}); posts stored in "
        f"these classes during the run: {stored}.",
        f"- The last class (class {impact['bell_class']}, 30 students) signed in all at once at "
        f"{args.bell_at:.0f} s: {impact['signed_in']} of 30 signed in, the last "
        f"{impact['took']:.1f} s after the bell. Everyone else's pages (sign-ins excluded): in "
        f"the 10 s before, {describe_window(impact['before'])}; while that class signed in, "
        f"{describe_window(impact['during'])}; in the 10 s after the bell (that class signing "
        f"in and opening its dashboard, lesson and discussions), "
        f"{describe_window(impact['after'])}.",
        *error_lines(run.records),
    ]
    passed = not errors and check["ok"] and len(run.signed_in_at) == students
    lines += [
        "",
        f"**{'PASS' if passed else 'FAIL'}**: {len(run.records)} requests, {len(errors)} "
        f"errors (must be 0); exactly-once {'holds' if check['ok'] else 'BROKEN'} for "
        f"{check['acknowledged']} posts.",
    ]
    suffix = "" if args.classes == 3 else f"-{args.classes}x30"
    report = args.report or harness.RESULTS / f"classroom-scenario{suffix}.md"
    return harness.write_report(lines, report, passed=passed)


def posts_stored_since(database: str, class_pks: list[int], since: float) -> int:
    with harness.admin_connection(database) as conn:
        return conn.execute(
            "SELECT count(*) FROM discussions_post WHERE school_class_id = ANY(%s) "
            "AND created_at >= to_timestamp(%s)",
            [class_pks, since - 1],
        ).fetchone()[0]


def bell_report(run, args, head, elapsed) -> int:
    students = list(run.arrived_at)
    reached = run.lesson_at
    late = [n for n in students if reached.get(n, 1e9) > args.bell_deadline]
    errors = [r for r in run.records if not r.ok]
    from_arrival = [reached[n] - run.arrived_at[n] for n in reached]
    finished = sorted(reached.values())
    by_deadline = sum(1 for t in finished if t <= args.bell_deadline)
    lines = [
        f"# The bell: {args.bell_students} students sign in within {args.bell_window:.0f} s",
        "",
        "Command: `.venv/bin/python -m bench.classroom_scenario --bell`",
        "",
        *head,
        f"- {len(students)} students ({args.bell_students // CLASS_SIZE} classes × "
        f"{CLASS_SIZE}, each class at its own address) arrived at random moments within "
        f"{args.bell_window:.0f} s of the bell; each signed in through the form and opened the "
        "lesson. A failed step is tried again after 2 s, as a student would, and counted as an "
        "error.",
        "",
        *page_table(run.records),
        "",
        f"- Reached their lesson: {len(reached)} of {len(students)}; within "
        f"{args.bell_deadline:.0f} s of the bell: {by_deadline}; the last at "
        f"{finished[-1] if finished else 0:.1f} s. Time from a student's arrival to their "
        f"lesson: median {percentile(from_arrival, 50):.1f} s, p95 "
        f"{percentile(from_arrival, 95):.1f} s, max {max(from_arrival, default=0):.1f} s.",
        "- Reached by 15 / 30 / 45 / 60 s after the bell: "
        + " / ".join(str(sum(1 for t in finished if t <= limit)) for limit in (15, 30, 45, 60))
        + ".",
        *error_lines(run.records),
    ]
    passed = not errors and not late and len(reached) == len(students)
    lines += [
        "",
        f"**Target {'MET' if passed else 'MISSED'}**: all {len(students)} at their lesson "
        f"within {args.bell_deadline:.0f} s with no error "
        f"({len(reached)} reached it, {by_deadline} in time, {len(errors)} errors).",
    ]
    report = args.report or harness.RESULTS / "bell.md"
    return harness.write_report(lines, report, passed=passed)


if __name__ == "__main__":
    sys.exit(main())
