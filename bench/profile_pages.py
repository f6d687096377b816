"""Where a page's time goes: one process, no server, the throughput benchmark's five pages.

What it shows: for each page, the mean time of a request through Django's full stack (the same
middleware and settings as ``bench.settings``), how many SQL queries it makes and how long they
take, and, from cProfile, the functions that take the most time. Run it when
``bench/throughput.py`` reports a missed target, to see whether the database, the templates or
the text rendering (Markdown, nh3) is to blame. It measures; it changes nothing.

Needs the environment ``bench.settings`` needs and a database prepared by the throughput
benchmark (or ``bench.setup_data``)::

    DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \\
    DJANGO_SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_throughput \\
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.profile_pages

or simply ``.venv/bin/python -m bench.profile_pages --prepare`` to have it set all of that up
(fresh sessions included). About 30 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
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


# (label, file path ending, function name): where a page's time usually goes.
HOT_SPOTS = [
    ("whole request", "django/test/client.py", "request"),
    ("template rendering", "django/template/base.py", "render"),
    ("  of which {% url %} / reverse()", "django/urls/base.py", "reverse"),
    ("  of which date formatting", "django/utils/dateformat.py", "format"),
    ("post text rendering (Markdown, nh3)", "discussions/text.py", "render_post"),
    ("lesson reading rendering", "lessons/rendering.py", "lesson_html"),
    ("building the threads", "discussions/threads.py", "build_threads"),
    ("progress grid", "classroom/progress.py", "progress_grid"),
    ("ORM: model instances", "django/db/models/base.py", "from_db"),
]


def hot_spots(profiler: cProfile.Profile, repeat: int) -> list[tuple[str, float]]:
    """Milliseconds a request (under the profiler) spent in each of ``HOT_SPOTS``."""
    raw = pstats.Stats(profiler).stats  # {(file, line, function): (cc, nc, tt, ct, callers)}
    found = []
    for label, path_end, function in HOT_SPOTS:
        cumulative = [
            row[3]
            for (path, _line, name), row in raw.items()
            if name == function and path.endswith(path_end)
        ]
        if cumulative:
            # Outermost call of a recursive render: the largest cumulative time is the total.
            found.append((label, max(cumulative) / repeat * 1000))
    return found


def profile(pages: list[str], data: dict, repeat: int, top: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    for page in pages:
        who = "teacher" if page == "progress" else "student"
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = data["cookies"][who]
        url = data["urls"][page]
        first = client.get(url)
        if first.status_code != 200:
            print(f"{page}: {url} answered {first.status_code}; skipped")
            continue
        start = time.perf_counter()
        for _ in range(repeat):
            client.get(url)
        mean_ms = (time.perf_counter() - start) / repeat * 1000
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            client.get(url)
        timings = timer.timings
        db_ms = sum(timings) * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(url)
        profiler.disable()
        print(
            f"\n=== {page} {url}: {mean_ms:.1f} ms a request, {len(timings)} queries "
            f"taking {db_ms:.1f} ms, {len(first.content) / 1024:.0f} KiB of HTML"
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
    args = parser.parse_args(argv)
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; choose from {PAGES}")

    from bench import harness

    if args.prepare:
        env = harness.bench_env(args.database)
        data = harness.prepare(args.database, env)
        os.environ.update(env)
    else:
        import json

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
        path = harness.RESULTS / f"setup-{args.database}.json.tmp"
        data = json.loads(path.read_text())
    profile(args.pages or PAGES, data, args.repeat, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
