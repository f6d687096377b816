"""Where a page's time goes: one process, no server, the throughput benchmark's five pages.

What it shows: for each page, the mean time of a request through Django's full stack (the same
middleware and settings as ``bench.settings``), how many SQL queries it makes and how long they
take, and, from cProfile, the functions that take the most time. Run it when
``bench/throughput.py`` reports a missed target, to see whether the database, the templates or
the text rendering (Markdown, nh3) is to blame. It measures; it changes nothing.

It profiles the cold path, as the throughput benchmark measures it: by default every request is
made by a different student (a different teacher for the progress grid, each their own class's
grid), with a session no request has used before (``bench.setup_data`` makes one per student),
so nothing is warm for the viewer; what is shared (the rendered reading, each class's post
HTML) is warmed first by other viewers, as on a server that has been up for a minute.
``--clear-cache`` empties the cache before every request as well (the first view after a
deploy); ``--warm`` replays one viewer's page (the old behaviour, for comparison only: no class
sends that traffic).

Needs the environment ``bench.settings`` needs and a database prepared by the throughput
benchmark (or ``bench.setup_data``)::

    DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \\
    DJANGO_SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_throughput \\
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.profile_pages

or simply ``.venv/bin/python -m bench.profile_pages --prepare`` to have it set all of that up
(fresh sessions included). It starts a Redis of its own for the cache and sessions, as on the
stack (``--no-redis``: the settings' locmem cache). About 30 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["minimal", "lesson", "discussion", "dashboard", "progress"]


class QueryTimer:
    """A database execute wrapper that notes how long each query takes."""

    def __init__(self):
        self.timings: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append(time.perf_counter() - began)


# (label, part of the file's path, function name): where a page's time usually goes.
HOT_SPOTS = [
    ("whole request", "django/test/client.py", "request"),
    ("template rendering", "django/template/base.py", "render"),
    ("  of which {% url %} / reverse()", "django/urls/base.py", "reverse"),
    ("  of which date formatting", "django/utils/dateformat.py", "format"),
    ("post text rendering (Markdown, nh3)", "discussions/", "render_post"),
    ("lesson reading rendering", "lessons/", "lesson_html"),
    ("building the threads", "discussions/", "build_threads"),
    ("progress grid", "classroom/", "progress_grid"),
    ("ORM: model instances", "django/db/models/base.py", "from_db"),
]


def hot_spots(profiler: cProfile.Profile, repeat: int) -> list[tuple[str, float]]:
    """Milliseconds a request (under the profiler) spent in each of ``HOT_SPOTS``."""
    raw = pstats.Stats(profiler).stats  # {(file, line, function): (cc, nc, tt, ct, callers)}
    found = []
    for label, path_part, function in HOT_SPOTS:
        cumulative = [
            row[3]
            for (path, _line, name), row in raw.items()
            if name == function and path_part in path
        ]
        if cumulative:
            # Outermost call of a recursive render: the largest cumulative time is the total.
            found.append((label, max(cumulative) / repeat * 1000))
    return found


class Viewers:
    """The next (cookie, URL) for a page: a different viewer every time, unless ``warm``."""

    def __init__(self, page: str, data: dict, *, warm: bool):
        classes = {row["number"]: row for row in data["classes"]}
        if page == "progress":
            sessions = data["sessions"]["teachers"]
        else:
            sessions = sorted(
                data["sessions"]["students"],
                key=lambda s: (classes[s["class"]]["students"].index(s["username"]), s["class"]),
            )

        def url(session) -> str:
            klass = classes[session["class"]]
            return {
                "progress": klass["progress_url"],
                "discussion": klass["busy_thread_url"],
            }.get(page, data["urls"][page])

        self.pairs = [(s["cookie"], url(s)) for s in sessions]
        self.warm = warm
        self.used = 0

    def shared_warm_up(self) -> list[tuple[str, str]]:
        """One request for each distinct URL, by the viewers furthest down the list (never
        reached by the measurement), so what is shared by a class or by everyone is warm."""
        seen: dict[str, str] = {}
        for cookie, url in reversed(self.pairs[len(self.pairs) // 2 :]):
            seen.setdefault(url, cookie)
        return [(cookie, url) for url, cookie in seen.items()]

    def next(self) -> tuple[str, str]:
        pair = self.pairs[0 if self.warm else self.used % len(self.pairs)]
        self.used += 1
        return pair

    @property
    def distinct(self) -> int:
        return 1 if self.warm else min(self.used, len(self.pairs))


def profile(pages: list[str], data: dict, repeat: int, top: int, *, warm: bool, clear: bool):
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    # One client (so one handler: building the middleware, whitenoise's scan of the static
    # files included, happens once, as in a worker), its cookies replaced for every viewer.
    client = Client(HTTP_HOST="127.0.0.1")

    def get(viewers: Viewers):
        cookie, url = viewers.next()
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        if clear:
            cache.clear()
        return url, client.get(url)

    mode = "one viewer again and again (warm)" if warm else "a different viewer every request"
    if clear:
        mode += ", cache emptied before each"
    print(f"Profiling {', '.join(pages)}: {mode}.")
    for page in pages:
        viewers = Viewers(page, data, warm=warm)
        if not clear and page != "progress":  # the grid: one URL a teacher, nothing shared
            for cookie, url in viewers.shared_warm_up():
                client.cookies.clear()
                client.cookies[settings.SESSION_COOKIE_NAME] = cookie
                client.get(url)
        url, first = get(viewers)
        if first.status_code != 200:
            print(f"{page}: {url} answered {first.status_code}; skipped")
            continue
        if warm:
            get(Viewers(page, data, warm=True))  # the old behaviour: a second, warm view
        start = time.perf_counter()
        for _ in range(repeat):
            get(viewers)
        mean_ms = (time.perf_counter() - start) / repeat * 1000
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            get(viewers)
        timings = timer.timings
        db_ms = sum(timings) * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            get(viewers)
        profiler.disable()
        print(
            f"\n=== {page} {url}: {mean_ms:.1f} ms a request, {len(timings)} queries "
            f"taking {db_ms:.1f} ms, {len(first.content) / 1024:.0f} KiB of HTML "
            f"({viewers.distinct} different viewers)"
        )
        spots = hot_spots(profiler, repeat)
        whole = spots[0][1] if spots else 0.0
        print("--- where the time goes (under the profiler, which slows everything down)")
        for label, ms in spots:
            print(f"   {label:<40}{ms:>8.1f} ms  {ms / whole:>4.0%}")
        own_code = rf"^{re.escape(str(ROOT))}/(?!\.venv|bench)"
        for title, sort, restriction in (
            ("the site's own functions, by cumulative time", "cumulative", own_code),
            ("all functions, by own time", "tottime", ""),
        ):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(sort)
            stats.print_stats(*([restriction] if restriction else []), top)
            body = out.getvalue().split("ncalls", 1)[-1].replace(f"{ROOT}/", "")
            print(f"--- {title} (over {repeat} requests)\n   ncalls{body.rstrip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help=f"some of {', '.join(PAGES)} (default: all)")
    parser.add_argument("--database", default="bench_throughput")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--prepare", action="store_true", help="set up the env and database")
    parser.add_argument("--warm", action="store_true", help="replay one viewer (not cold)")
    parser.add_argument(
        "--clear-cache", action="store_true", help="empty the cache before every request"
    )
    parser.add_argument(
        "--no-redis", action="store_true", help="the settings' own cache (locmem) instead"
    )
    args = parser.parse_args(argv)
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; choose from {PAGES}")

    from bench import harness
    from bench.stack import Redis, free_port

    # The cache as on the stack: a Redis of our own (Django's locmem cache holds 300 entries,
    # fewer than 30 classes' posts, and would make shared caches look cold).
    redis = None
    if not args.no_redis:
        redis = Redis(free_port(), Path(tempfile.mkdtemp(prefix="bench-profile-")))
        redis.start()
    try:
        if args.prepare:
            env = harness.bench_env(args.database)
            harness.prepare(args.database, env)
            if redis is not None:
                env["DJANGO_REDIS_URL"] = redis.url
            data = harness.fresh_sessions(args.database, env)  # made as a sign-in makes them
            os.environ.update(env)
        else:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
            if redis is not None:
                os.environ["DJANGO_REDIS_URL"] = redis.url
            path = harness.RESULTS / f"setup-{args.database}.json.tmp"
            data = json.loads(path.read_text())
        profile(
            args.pages or PAGES,
            data,
            args.repeat,
            args.top,
            warm=args.warm,
            clear=args.clear_cache,
        )
    finally:
        if redis is not None:
            redis.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
