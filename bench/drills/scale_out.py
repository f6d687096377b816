"""Scale-out drill: two app servers behind nginx, sharing PostgreSQL and Redis, act as one site.

What it proves, on the documented stack (bench/stack.py: nginx → two gunicorn app servers →
one PostgreSQL database and one Redis for the cache and sessions):

1. A change made through app server A is seen on the very next request through app server B,
   for three changes a teacher makes with the site's real forms (CSRF token and all):
   hiding a post (the thread's moderation form), removing a student from a class (the class's
   admin home page, "Remove … from the class" and its confirmation) and creating an assignment
   (the admin's "Add assignment" form). Nothing either server cached may show the old state.
2. Sessions survive restarting an app server (a rolling restart): with A stopped, nginx sends
   every request to B and the students stay signed in; A started again knows the same sessions
   and is back in nginx's rotation within seconds; then the same for B.
3. Losing Redis makes pages slower, not errors: wrk loads lessons, dashboards and threads as
   70 different students through nginx for 30 s; Redis is stopped at 10 s and started again
   (empty) at 20 s. PASS needs zero 5xx and zero redirects to the sign-in page (sessions are
   ``cached_db``: read from PostgreSQL while Redis is away). Three further 8 s runs (Redis up,
   down, back) give each state's speed.

Which server answered each request is shown by the ``X-Bench-App-Server`` header that
``bench.settings`` adds under the stack. Writes ``bench/results/scale-out.md``; about 2 min.

    bench/drills/scale_out.sh
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
import threading
import time
from pathlib import Path

from bench import harness
from bench.stack import Stack
from bench.webclient import Browser, find_form, parse_forms, signed_in

DATABASE = "bench_scaleout"


class Checks:
    def __init__(self):
        self.rows: list[tuple[str, bool, str]] = []

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.rows.append((name, ok, detail))
        harness.log(f"{'ok ' if ok else 'FAIL'} {name} {detail}")
        return ok

    @property
    def passed(self) -> bool:
        return bool(self.rows) and all(ok for _, ok, _ in self.rows)

    def lines(self) -> list[str]:
        return [
            f"- [{'x' if ok else ' '}] {name}" + (f": {detail}" if detail else "")
            for name, ok, detail in self.rows
        ]


def sign_in(browser: Browser, username: str, password: str) -> None:
    _page, answer = browser.sign_in(username, password)
    if not signed_in(answer):
        raise RuntimeError(f"{username} could not sign in: {answer.status} {answer.location}")


def seen(response, where: str) -> str:
    return f"{response.status} from app server {response.app_server} ({where})"


# 1. Changes through A, seen through B ------------------------------------------------------------


def hide_a_post(stack, drill, teacher, student, checks: Checks) -> None:
    a, b = stack.app_url(0), stack.app_url(1)
    post = drill["posts"][-1]  # the newest: on the thread's first page
    before = student.get(drill["thread_url"], base_url=b)
    checks.add(
        "hide a post: the student sees it through B before",
        before.status == 200 and post["body"] in before.body,
        seen(before, "B"),
    )
    page = teacher.get(drill["thread_url"], base_url=a)
    form = find_form(page.body, action=f"/posts/{post['pk']}/moderate/")
    answer = teacher.submit(form, drill["thread_url"], button="hide", base_url=a)
    checks.add(
        "hide a post: the teacher's Hide button through A",
        answer.status == 302 and answer.app_server == "1",
        seen(answer, "A"),
    )
    after = student.get(drill["thread_url"], base_url=b)
    checks.add(
        "hide a post: gone for the student on the next request, through B",
        after.status == 200 and post["body"] not in after.body and after.app_server == "2",
        seen(after, "B"),
    )


def remove_a_student(stack, drill, teacher, removed, checks: Checks) -> None:
    a, b = stack.app_url(0), stack.app_url(1)
    before = removed.get(drill["thread_url"], base_url=b)
    checks.add(
        "remove a student: the student opens the class's thread through B before",
        before.status == 200,
        seen(before, "B"),
    )
    username = drill["students"][-1]
    home = teacher.get(drill["home_url"], base_url=a)
    pk = drill["student_pks"][username]
    link = re.search(rf'href="([^"]*/students/{pk}/remove/)"', home.body)
    if link:
        # The class's home page: "Remove … from the class", then the confirmation's button.
        confirm_path = link.group(1)
        page = teacher.get(confirm_path, base_url=a)
        form = next(
            f
            for f in parse_forms(page.body)
            if f.method == "post" and (not f.action or f.action.endswith("/remove/"))
        )
        answer = teacher.submit(form, confirm_path, base_url=a)
        how = "the class home page's Remove link and its confirmation"
    else:
        # Older admin: the roster inline's Delete box on the class's change form.
        enrolment = str(drill["enrolments"][username])
        page = teacher.get(drill["change_url"], base_url=a)
        form = next(
            f
            for f in parse_forms(page.body)
            if any(n.endswith("-id") and v == enrolment for n, v in f.fields)
        )
        row = next(n for n, v in form.fields if n.endswith("-id") and v == enrolment)
        form.fill_map({row.removesuffix("-id") + "-DELETE": "on"})
        answer = teacher.submit(form, drill["change_url"], button="_save", base_url=a)
        how = "the roster row's Delete box and Save"
    checks.add(
        f"remove a student: {how}, in the admin through A",
        answer.status == 302 and answer.app_server == "1",
        seen(answer, "A") + f" → {answer.location}",
    )
    after = removed.get(drill["thread_url"], base_url=b)
    dashboard = removed.get("/dashboard/", base_url=b)
    checks.add(
        "remove a student: the thread is closed to them on the next request, through B",
        after.status in (403, 404) and after.app_server == "2",
        seen(after, "B"),
    )
    checks.add(
        "remove a student: their dashboard no longer lists the class, through B",
        dashboard.status == 200 and "Bench drill" not in dashboard.body,
        seen(dashboard, "B"),
    )


def create_an_assignment(stack, drill, teacher, student, checks: Checks) -> None:
    a, b = stack.app_url(0), stack.app_url(1)
    new = drill["new_assignment"]
    marker = f"Scale-out drill {datetime.datetime.now():%H%M%S}: read it by Friday."
    before = student.get("/dashboard/", base_url=b)
    checks.add(
        "new assignment: not on the student's dashboard through B before",
        before.status == 200 and marker not in before.body,
        seen(before, "B"),
    )
    add = "/admin/classroom/assignment/add/"
    page = teacher.get(add, base_url=a)
    form = find_form(page.body, has_field="instructions")
    today = datetime.date.fromisoformat(drill["today"])
    form.fill_map(
        {
            "school_class": drill["class_pk"],
            "lesson": new["lesson_pk"],
            "opens_at_0": (today - datetime.timedelta(days=1)).isoformat(),
            "opens_at_1": "08:00:00",
            "due_at_0": (today + datetime.timedelta(days=7)).isoformat(),
            "due_at_1": "17:00:00",
            "instructions": marker,
            "required_prompts": new["prompt_pks"],
        }
    )
    answer = teacher.submit(form, add, button="_save", base_url=a)
    checks.add(
        "new assignment: the admin's Add assignment form, saved through A",
        answer.status == 302 and answer.app_server == "1",
        seen(answer, "A") + f" → {answer.location}",
    )
    after = student.get("/dashboard/", base_url=b)
    checks.add(
        "new assignment: on the student's dashboard on the next request, through B",
        after.status == 200 and marker in after.body and after.app_server == "2",
        seen(after, "B"),
    )


# 2. Sessions survive an app server's restart -----------------------------------------------------


def restart_each_server(stack, students: list[Browser], checks: Checks) -> None:
    """A rolling restart: stop one server, use the site, start it, wait until nginx sends it
    requests again, then the other one."""
    for index, name in ((0, "A"), (1, "B")):
        other = "2" if index == 0 else "1"
        stack.stop_app(index)
        answers = [browser.get("/dashboard/") for browser in students for _ in range(3)]
        checks.add(
            f"{name} stopped: every request through nginx answered by the other server, "
            "students still signed in",
            all(r.status == 200 and r.app_server == other for r in answers),
            f"{len(answers)} requests: "
            + ", ".join(sorted({f"{r.status}/server {r.app_server}" for r in answers})),
        )
        began = time.monotonic()
        stack.start_app(index)
        back = [browser.get("/dashboard/", base_url=stack.app_url(index)) for browser in students]
        checks.add(
            f"{name} restarted ({time.monotonic() - began:.1f} s): the same sessions are "
            f"signed in on it, without signing in again",
            all(r.status == 200 for r in back),
            ", ".join(sorted({seen(r, name) for r in back})),
        )
        # nginx leaves a server that failed alone for fail_timeout (2 s here), then tries it
        # again; the next server may only be stopped once both answer.
        began, spread = time.monotonic(), []
        while time.monotonic() - began < 10:
            spread += [students[0].get("/dashboard/") for _ in range(4)]
            if {r.app_server for r in spread[-4:]} == {"1", "2"}:
                break
            time.sleep(0.5)
        servers = sorted({r.app_server for r in spread[-4:]})
        checks.add(
            f"{name} back in nginx's rotation: requests spread over both servers again",
            all(r.status == 200 for r in spread) and servers == ["1", "2"],
            f"{len(spread)} requests, all 200: {all(r.status == 200 for r in spread)}; both "
            f"servers answering {time.monotonic() - began:.1f} s after the restart",
        )


# 3. Redis lost under load ------------------------------------------------------------------------


def load_items(data: dict, path: Path) -> Path:
    """Lessons, dashboards and threads of every student of the first two classes, in turn."""
    name = data["cookie_name"]
    classes = {row["number"]: row for row in data["classes"]}
    lines = []
    for session in data["sessions"]["students"]:
        row = classes[session["class"]]
        for url in (data["urls"]["lesson"], "/dashboard/", row["busy_thread_url"]):
            lines.append(f"{name}={session['cookie']}\t{url}\n")
    path.write_text("".join(lines))
    path.chmod(0o600)
    return path


def redis_loss(stack, data, checks: Checks, report: list[str], duration: int) -> None:
    items = load_items(data, harness.RESULTS / "scale-out-items.tmp")
    students = len(data["sessions"]["students"])
    harness.log(f"Redis loss: wrk {duration} s through nginx, {students} students in turn")
    third = duration / 3
    events: list[str] = []

    def outage():
        time.sleep(third)
        stack.stop_redis()
        events.append(f"Redis stopped at {third:.0f} s")
        time.sleep(third)
        stack.start_redis()
        events.append(f"Redis started again (empty) at {2 * third:.0f} s")

    breaker = threading.Thread(target=outage, name="redis-outage", daemon=True)
    breaker.start()
    stats = harness.run_wrk(
        stack.base_url + "/", cookie=None, duration=duration, connections=6, items=items
    )
    breaker.join(timeout=30)
    checks.add(
        f"Redis stopped and started under load ({'; '.join(events)}): zero 5xx",
        stats["n5xx"] == 0 and stats["socket_errors"] == 0,
        f"{stats['requests']} requests, {stats['n5xx']} 5xx, "
        f"{stats['socket_errors']} socket errors",
    )
    checks.add(
        "…and nobody was signed out (no redirect to the sign-in page; sessions read from "
        "PostgreSQL while Redis was away)",
        stats["n3xx"] == 0 and stats["non200"] == 0,
        f"{stats['n3xx']} redirects, {stats['non200']} answers other than 200",
    )
    phases = []
    for label, action in (
        ("Redis up", None),
        ("Redis down", stack.stop_redis),
        ("Redis back (empty)", stack.start_redis),
    ):
        if action:
            action()
        phase = harness.run_wrk(
            stack.base_url + "/", cookie=None, duration=8, connections=6, items=items
        )
        phases.append((label, phase))
    items.unlink(missing_ok=True)
    logs = "".join(
        (stack.log_dir / f"scale-out-app{i}-gunicorn.log.tmp").read_text(errors="replace")
        for i in (1, 2)
    )
    warned = logs.count("Redis cache unreachable")
    recovered = logs.count("Redis cache answers again")
    checks.add(
        "each state answered without a 5xx",
        all(phase["n5xx"] == 0 and phase["non200"] == 0 for _, phase in phases),
        "; ".join(f"{label}: {phase['non200']} non-200" for label, phase in phases),
    )
    up = phases[0][1]["rps"]
    report += [
        "",
        "## Speed with and without Redis (8 s each, 6 connections, same students)",
        "",
        "| Redis | req/s | vs up | p50 ms | p95 ms | p99 ms | 5xx | other non-200 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, phase in phases:
        report.append(
            f"| {label} | {phase['rps']:.1f} | {phase['rps'] / up if up else 0:.2f} | "
            f"{phase['p50']:.0f} | {phase['p95']:.0f} | {phase['p99']:.0f} | {phase['n5xx']} | "
            f"{phase['non200'] - phase['n5xx']} |"
        )
    report += [
        "",
        f"The 30 s run under the outage: {stats['requests']} requests, {stats['rps']:.1f}/s, "
        f"p50 {stats['p50']:.0f} ms, p99 {stats['p99']:.0f} ms, max {stats['max']:.0f} ms. "
        f'The app servers logged {warned} "Redis cache unreachable" warnings (one per worker '
        f'that noticed) and {recovered} "answers again" (site_config/cache.py).',
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--duration", type=int, default=30, help="seconds of the Redis run")
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "scale-out.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    setup_args = ["--classes", "2"]
    env = harness.bench_env(args.database)
    harness.prepare(args.database, env, setup_args=setup_args)
    machine = harness.machine_info(env)
    checks = Checks()
    report: list[str] = []
    with Stack(env, workers=(3, 2), name="scale-out") as stack:
        harness.log(stack.describe())
        data = harness.fresh_sessions(args.database, stack.env, setup_args=setup_args)
        drill, password = data["drill"], data["password"]
        teacher = Browser(stack.base_url)
        sign_in(teacher, drill["teacher"], password)
        students = [Browser(stack.base_url) for _ in drill["students"]]
        for browser, username in zip(students, drill["students"], strict=True):
            sign_in(browser, username, password)

        hide_a_post(stack, drill, teacher, students[0], checks)
        remove_a_student(stack, drill, teacher, students[-1], checks)
        create_an_assignment(stack, drill, teacher, students[0], checks)
        restart_each_server(stack, students[:3], checks)
        redis_loss(stack, data, checks, report, args.duration)
        description = stack.describe()

    lines = [
        "# Scale-out drill: two app servers, one PostgreSQL, one Redis",
        "",
        "Command: `bench/drills/scale_out.sh`",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']}; Python "
        f"{machine['python']}, Django {machine['django']}, PostgreSQL {machine['postgresql']}, "
        f"gunicorn {machine['gunicorn']}.",
        f"- Stack (bench/stack.py): {description}. Sign-ins go through nginx; A and B below are "
        "the two app servers addressed directly, so that which server made a change and which "
        "showed it is certain (the X-Bench-App-Server header confirms it).",
        "",
        *checks.lines(),
        *report,
        "",
        f"**{'PASS' if checks.passed else 'FAIL'}**: "
        f"{sum(ok for _, ok, _ in checks.rows)} of {len(checks.rows)} checks hold.",
    ]
    return harness.write_report(lines, args.report, passed=checks.passed)


if __name__ == "__main__":
    sys.exit(main())
