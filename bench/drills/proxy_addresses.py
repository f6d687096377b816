"""Client addresses behind the real nginx: the app locks out per username *and* address, a client
cannot choose its address with X-Forwarded-For, and nginx's limit_req stops a flood at the edge.

Every request goes through nginx (bench/stack.py, running deploy/nginx/*.conf), from a chosen
loopback address (the client socket is bound to 127.0.0.2, 127.0.0.3, …: all of 127.0.0.0/8 is
this machine), as if from different schools or homes:

1. Student X mistypes their password five times from 127.0.0.2 (django-axes' limit): X is then
   refused from .2, even with the right password (429 from the app's lockout page), but X signs
   in from 127.0.0.3, and classmate Y signs in from .2. The failures are stored against
   127.0.0.2, not nginx's 127.0.0.1.
2. Student Z's five wrong passwords come from 127.0.0.4 carrying ``X-Forwarded-For: 127.0.0.9``
   (a client trying to pick its address): nginx overwrites the header, so the lockout holds for
   .4, where the requests came from, and Z signs in from .9. The failures are stored against
   127.0.0.4.
3. A flood of sign-in attempts from 127.0.0.5 (8 threads, as fast as they go): nginx lets its
   burst through, then answers 429 itself (its own page, never reaching gunicorn), while a
   signed-in student at 127.0.0.6 keeps opening pages, whose latency is compared with before
   the flood.

This depends on the app reading the client address from X-Forwarded-For with one trusted proxy
(django-ipware through ``accounts/network.py``'s ``client_ip``, used by django-axes). Without
that every request is from 127.0.0.1 and checks 1–2 fail: the report says so. Writes
``bench/results/proxy-addresses.md``; about 1 minute.

    bench/drills/proxy_addresses.sh
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from bench import harness
from bench.drills.scale_out import Checks
from bench.stack import Stack
from bench.webclient import Browser, find_form, signed_in

DATABASE = "bench_proxy"
FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default in site_config/settings/base.py
SIGN_IN = "/accounts/sign-in/"
THREADS = 16  # the flood's concurrent connections
SIGN_IN_BURST = 40  # deploy/nginx/app.conf


def attempt(browser: Browser, username: str, password: str, headers: dict | None = None):
    """One sign-in through the form: GET it (CSRF), POST it; returns the POST's answer."""
    page = browser.get(SIGN_IN, headers=headers)
    if page.status != 200:
        return page
    form = find_form(page.body, has_field="password").fill(username=username, password=password)
    return browser.submit(form, SIGN_IN, headers=headers)


def describe(response) -> str:
    if response.from_nginx_limit:
        return "429 from nginx"
    if response.status == 429:
        return "429 locked out (the app)"
    if signed_in(response):
        return "302 signed in"
    return f"{response.status}"


def refused(answers) -> bool:
    """Wrong passwords answered by the app: the form again (200), the last possibly the lockout."""
    *first, last = answers
    return all(r.status == 200 for r in first) and (
        last.status == 200 or (last.status == 429 and not last.from_nginx_limit)
    )


def failures_by_address(database: str, usernames: list[str]) -> dict[str, list[str]]:
    """django-axes' stored failures: username → the addresses they were counted against."""
    with harness.admin_connection(database) as conn:
        rows = conn.execute(
            "SELECT username, ip_address, failures_since_start FROM axes_accessattempt "
            "WHERE username = ANY(%s) ORDER BY username, ip_address",
            [usernames],
        ).fetchall()
    found: dict[str, list[str]] = {}
    for username, address, failures in rows:
        found.setdefault(username, []).append(f"{address} ×{failures}")
    return found


def lockout_per_address(base, x, y, password, checks: Checks) -> None:
    from_2 = Browser(base, source="127.0.0.2")
    wrong = [attempt(from_2, x, "not-the-password") for _ in range(FAILURE_LIMIT)]
    checks.add(
        f"X: {FAILURE_LIMIT} wrong passwords from 127.0.0.2 are refused by the app (the last "
        "one already answers with the lockout)",
        refused(wrong),
        ", ".join(describe(r) for r in wrong),
    )
    locked = attempt(Browser(base, source="127.0.0.2"), x, password)
    checks.add(
        "X: then locked out from 127.0.0.2, even with the right password",
        locked.status == 429 and not locked.from_nginx_limit,
        describe(locked),
    )
    elsewhere = attempt(Browser(base, source="127.0.0.3"), x, password)
    checks.add(
        "X: signs in from 127.0.0.3 (the lockout is per address, not for the username everywhere)",
        signed_in(elsewhere),
        describe(elsewhere),
    )
    classmate = attempt(Browser(base, source="127.0.0.2"), y, password)
    checks.add(
        "Y, a classmate: signs in from 127.0.0.2 (per username: one student's typos lock out "
        "nobody else at the same school address)",
        signed_in(classmate),
        describe(classmate),
    )


def spoofing(base, z, password, checks: Checks) -> None:
    spoof = {"X-Forwarded-For": "127.0.0.9"}
    from_4 = Browser(base, source="127.0.0.4")
    wrong = [attempt(from_4, z, "not-the-password", headers=spoof) for _ in range(FAILURE_LIMIT)]
    checks.add(
        f"Z: {FAILURE_LIMIT} wrong passwords from 127.0.0.4, each claiming "
        "X-Forwarded-For: 127.0.0.9",
        refused(wrong),
        ", ".join(describe(r) for r in wrong),
    )
    real = attempt(Browser(base, source="127.0.0.4"), z, password)
    checks.add(
        "Z: locked out at 127.0.0.4, where the requests really came from",
        real.status == 429 and not real.from_nginx_limit,
        describe(real),
    )
    claimed = attempt(Browser(base, source="127.0.0.9"), z, password)
    checks.add(
        "Z: signs in from 127.0.0.9: the address the client claimed was not believed",
        signed_in(claimed),
        describe(claimed),
    )


def flood(base, watcher_name, password, checks: Checks, report: list[str], seconds: float):
    watcher = Browser(base, source="127.0.0.6")
    _page, answer = watcher.sign_in(watcher_name, password)
    if not signed_in(answer):
        raise RuntimeError(f"{watcher_name} could not sign in from 127.0.0.6: {answer.status}")
    pages = ["/dashboard/", "/lessons/rise-to-power/"]

    def watch(duration: float) -> list:
        answers, end = [], time.monotonic() + duration
        while time.monotonic() < end:
            answers.append(watcher.get(pages[len(answers) % 2]))
            time.sleep(0.2)
        return answers

    before = watch(4)
    # The flooder: one CSRF cookie and token, reused, as a script would; THREADS at once.
    flooder = Browser(base, source="127.0.0.5")
    form = find_form(flooder.get(SIGN_IN).body, has_field="password")
    attempts: list[tuple[float, str, int]] = []  # (time, outcome, status)
    lock = threading.Lock()
    started = time.time()
    stop_at = time.monotonic() + seconds

    def hammer(number: int):
        sent = 0
        while time.monotonic() < stop_at:
            sent += 1
            data = form.fill(username=f"bench-flood-{number}-{sent}", password="guess").data()
            response = flooder.post(SIGN_IN, data)
            outcome = "nginx" if response.from_nginx_limit else ("app" if response.status else "x")
            with lock:
                attempts.append((response.started, outcome, response.status))

    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    during = watch(seconds)
    for thread in threads:
        thread.join(timeout=90)
    limited = [t for t, outcome, _ in attempts if outcome == "nginx"]
    first_429 = min(limited) if limited else None
    reached = [a for a in attempts if a[1] == "app"]
    statuses: dict[int, int] = {}
    for _t, _o, status in reached:
        statuses[status] = statuses.get(status, 0) + 1
    burst_phase = [a for a in during if first_429 is None or a.started < first_429]
    limited_phase = [a for a in during if first_429 is not None and a.started >= first_429]

    def stats(answers) -> str:
        if not answers:
            return "no pages"
        times = [a.elapsed_ms for a in answers]
        return (
            f"{len(answers)} pages, statuses {sorted({a.status for a in answers})}, median "
            f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms"
        )

    when = f"{first_429 - started:.1f} s" if first_429 else "never"
    checks.add(
        f"flood from 127.0.0.5 ({len(attempts)} sign-in POSTs, {THREADS} at a time, "
        f"{seconds:.0f} s): nginx answers 429 itself once the burst is spent",
        bool(limited) and len(reached) <= SIGN_IN_BURST + seconds + 5,
        f"{len(limited)} × 429 from nginx (the first {when} into the flood), "
        f"{len(reached)} reached the app ({statuses})",
    )
    checks.add(
        "a signed-in student at 127.0.0.6 gets every page during the flood",
        all(a.status == 200 for a in before + during),
        f"before: {stats(before)}; while the burst was let through: {stats(burst_phase)}; "
        f"after nginx started refusing: {stats(limited_phase)}",
    )
    report += [
        "",
        "## The flood",
        "",
        f"- {THREADS} threads at 127.0.0.5 posted the sign-in form (valid CSRF token, made-up "
        f"usernames, so every attempt that reaches the app runs the password hasher) for "
        f"{seconds:.0f} s: {len(attempts)} attempts. nginx let {len(reached)} through (its "
        f"burst of {SIGN_IN_BURST}, then about one a second: deploy/nginx/limits.conf), answered "
        f"{statuses} by the app, and refused {len(limited)} with its own 429 page, the first "
        f"{when} into the flood.",
        f"- The student at 127.0.0.6, a page every 0.2 s: before the flood {stats(before)}; "
        f"while the burst was being let through {stats(burst_phase)}; after nginx started "
        f"refusing {stats(limited_phase)}.",
        "- The burst is what a class at the bell needs, and a flood gets it too: until it is "
        "spent, those attempts compete with everyone for the workers, for as long as the "
        "hasher takes to run them (the burst × its cost, over the workers and cores). After "
        "that the flood costs one hash a second.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--flood-seconds", type=float, default=15)
    parser.add_argument("--report", type=Path, default=harness.RESULTS / "proxy-addresses.md")
    args = parser.parse_args(argv)
    harness.exit_cleanly_on_sigterm()
    setup_args = ["--classes", "2"]
    env = harness.bench_env(args.database)
    data = harness.prepare(args.database, env, setup_args=setup_args)
    machine = harness.machine_info(env)
    students = data["classes"][1]["students"]
    x, y, z, watcher = students[0], students[1], students[2], students[3]
    password = data["password"]
    checks = Checks()
    report: list[str] = []
    with Stack(env, workers=(3, 2), name="proxy-addresses") as stack:
        harness.log(stack.describe())
        lockout_per_address(stack.base_url, x, y, password, checks)
        spoofing(stack.base_url, z, password, checks)
        stored = failures_by_address(args.database, [x, z])
        checks.add(
            "the app counted X's failures against 127.0.0.2 and Z's against 127.0.0.4 "
            "(django-axes' table)",
            any(e.startswith("127.0.0.2 ") for e in stored.get(x, []))
            and any(e.startswith("127.0.0.4 ") for e in stored.get(z, []))
            and not any("127.0.0.9" in e for e in stored.get(z, [])),
            f"X: {stored.get(x, ['none'])}; Z: {stored.get(z, ['none'])}",
        )
        flood(stack.base_url, watcher, password, checks, report, args.flood_seconds)
        description = stack.describe()

    addresses_seen = {e.split()[0] for entries in stored.values() for e in entries}
    lines = [
        "# Client addresses behind nginx: lockouts, spoofing, the flood limit",
        "",
        "Command: `bench/drills/proxy_addresses.sh`",
        "",
        f"- Run at {machine['date']} on {machine['nproc']} × {machine['cpu']}; Django "
        f"{machine['django']}, gunicorn {machine['gunicorn']}, commit "
        f"{harness.git_commit()}.",
        f"- Stack (bench/stack.py): {description}; nginx runs deploy/nginx/limits.conf and "
        "deploy/nginx/app.conf (X-Forwarded-For set to $remote_addr, overwriting whatever the "
        "client sent). Each client binds its socket to the loopback address named.",
        f"- X = {x}, Y = {y}, Z = {z} (classmates); the watcher is {watcher}.",
        "",
        *checks.lines(),
        *report,
    ]
    if addresses_seen == {"127.0.0.1"}:
        lines += [
            "",
            "**The app saw every request as 127.0.0.1 (nginx's address)**: it does not read the "
            "client address from X-Forwarded-For yet, so a lockout hits a username for everyone "
            "behind the proxy. This is what the lead's django-ipware change (`accounts/network.py`"
            ": `client_ip`, AXES_CLIENT_IP_CALLABLE, DJANGO_PROXY_COUNT=1) fixes; the drill is "
            "ready for it.",
        ]
    lines += [
        "",
        f"**{'PASS' if checks.passed else 'FAIL'}**: "
        f"{sum(ok for _, ok, _ in checks.rows)} of {len(checks.rows)} checks hold.",
    ]
    return harness.write_report(lines, args.report, passed=checks.passed)


if __name__ == "__main__":
    sys.exit(main())
