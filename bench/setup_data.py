"""Build the benchmarks' school in a ``bench*`` database, idempotently, and sign everyone in.

What it makes (and leaves alone when it is already there):

- ``--classes`` classes (default 30) of 35 students, each a copy of the same classroom: its own
  teacher, six assignments (one per lesson, the first two overdue, each requiring the lesson's
  first prompt), reading progress (fewer students further into the unit) and a busy discussion
  of the first lesson's first prompt, 150 posts (120 posts and 30 replies) made through
  ``discussions.services.post_create``. Class 1 keeps the names the older scripts use
  (``bench-teacher``, ``bench-student-01`` … ``-35``, "Bench Year 11 History" B1); class *n*
  has ``bench-teacher-NN`` and ``bench-cNN-s01`` … ``-s35``.
- a small drill class ("Bench drill", teacher ``bench-drill-teacher``, students
  ``bench-drill-01`` … ``-06``, lesson 1 assigned, 12 posts) that the scale-out drill changes
  through the admin and the site's forms.
- every account's password is ``BENCH_PASSWORD``, hashed by the site's configured hasher:
  hashed once and the same hash stored for every bench account (a hash carries its own salt,
  so each sign-in still pays the full hasher). When the site's hasher or its parameters change,
  the next run re-hashes.

``--reset`` puts everything back: posts added by earlier runs are deleted and the seeded ones
shown again, reading progress goes back to the plan, the drill class gets its students and
only its first assignment back, and django-axes' failed sign-ins of bench accounts are
cleared, so every run starts from the same state.

Every run then makes one fresh session per student and per teacher (``SessionStore.create()``
of the configured engine, so with ``DJANGO_REDIS_URL`` set they are in Redis as after a real
sign-in) and writes them, the URL paths the benchmarks load, the usernames and the password to
``bench/results/setup-<database>.json.tmp``. ``--sessions-only`` skips the building (a second
or two: the throughput benchmark takes fresh sessions before every page). Sessions are signed
with ``DJANGO_SECRET_KEY``: they work only for servers started with the same key. The URLs
are plain paths (not ``reverse()``), so the benchmarks measure the URLs a browser uses,
whichever app serves them.

Run from the repository root, after ``manage.py migrate``::

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.setup_data [--reset]

It refuses to touch a database whose name does not start with ``bench``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import django

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_PASSWORD = "bench-read-1928-plan"  # noqa: S105 (a local benchmark account's password)
TEACHER_USERNAME = "bench-teacher"
CLASS_SIZE = 35
DEFAULT_CLASSES = 30
CLASS_NAME = "Bench Year 11 History"
TOP_LEVEL_POSTS = 120
REPLIES = 30
DRILL_CLASS = ("Bench drill", "D1")
DRILL_TEACHER = "bench-drill-teacher"
DRILL_STUDENTS = 6
DRILL_POSTS = 12
# Submission keys of the seeded posts are derived from this namespace, so reruns find them.
SEED_NAMESPACE = uuid.UUID("6f6e9a52-3d1f-4e52-9a0c-2b9f1c0e7d11")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
LAST_SEEN_KEY = "_last_seen"  # site_config.middleware.IdleTimeoutMiddleware's session key

OPENINGS = [
    "I think the key point is in ¶{p}.",
    "Looking at ¶{p}, I would argue that",
    "The reading says in ¶{p} that",
    "I disagree with the others here, because ¶{p} shows that",
    "**Short answer:** it was not one thing.",
    "Building on what was said above,",
]
POINTS = [
    "Stalin used his job as General Secretary to appoint people loyal to him",
    "the other leaders underestimated him and saw him as a dull administrator",
    "he allied with the right against Trotsky and then turned on the right",
    "Lenin's Testament was never published in the USSR, which protected him",
    "the ban on factions from 1921 made it hard to oppose the party line",
    "the Lenin enrolment brought in new members who owed their careers to him",
    "Trotsky was seen as arrogant and as a possible Napoleon by the others",
    "'Socialism in One Country' sounded more hopeful than permanent revolution",
]
CLOSINGS = [
    "So I would say *organisation* mattered more than ideas.",
    "That is why I think luck played a smaller part than people say.",
    "- control of appointments\n- alliances that shifted\n- rivals' mistakes",
    "> the party was his machine\n\nThat sums it up for me.",
    "I'm not sure the source is reliable on this, though.",
]


def post_body(number: int) -> str:
    """A plausible student answer, different for each number, the same on every run."""
    rng = random.Random(number)
    opening = rng.choice(OPENINGS).format(p=rng.randint(1, 12))
    points = rng.sample(POINTS, k=rng.randint(1, 3))
    return f"{opening} {'; and '.join(points)}.\n\n{rng.choice(CLOSINGS)}"


def drill_post_body(number: int) -> str:
    return f"Drill post {number:02d}: the Lenin enrolment brought in loyal new members."


def seed_key(kind: str, number: int, class_number: int = 1) -> uuid.UUID:
    # Class 1 keeps the keys of the first version of this script, so old databases match.
    suffix = "" if class_number == 1 else f"-c{class_number}"
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}-{number}{suffix}")


def progress_plan(lesson_order: int) -> tuple[int, int]:
    """How many students (the first ones) have opened and finished the lesson."""
    opened = max(0, CLASS_SIZE + 1 - 6 * lesson_order)
    return opened, max(0, opened - 10)


def class_names(number: int) -> tuple[str, list[str]]:
    """(teacher, students) usernames of bench class ``number``."""
    if number == 1:
        return TEACHER_USERNAME, [f"bench-student-{n:02d}" for n in range(1, CLASS_SIZE + 1)]
    return f"bench-teacher-{number:02d}", [
        f"bench-c{number:02d}-s{n:02d}" for n in range(1, CLASS_SIZE + 1)
    ]


def drill_names() -> tuple[str, list[str]]:
    return DRILL_TEACHER, [f"bench-drill-{n:02d}" for n in range(1, DRILL_STUDENTS + 1)]


# Paths, as a browser asks for them ---------------------------------------------------------------


def lesson_path(slug: str) -> str:
    return f"/lessons/{slug}/"


def thread_path(class_pk: int, prompt_pk: int) -> str:
    return f"/discussions/{class_pk}/prompts/{prompt_pk}/"


def progress_path(class_pk: int) -> str:
    return f"/admin/classroom/schoolclass/{class_pk}/progress/"


# Building ----------------------------------------------------------------------------------------


def password_hash() -> str:
    """The stored form of BENCH_PASSWORD under the configured hasher (hashed once a run)."""
    from django.contrib.auth.hashers import make_password

    return make_password(BENCH_PASSWORD)


def hash_is_current(encoded: str) -> bool:
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    preferred = get_hasher("default")
    return hasher.algorithm == preferred.algorithm and not preferred.must_update(encoded)


def ensure_users(specs: list[tuple[str, str, str, bool]]) -> dict:
    """Users by username, created (or re-hashed) in bulk. ``specs``: (username, first, last,
    is_teacher). Teachers get their role through ``accounts.services.user_set_role``."""
    from accounts.models import User
    from accounts.services import user_set_role

    usernames = [spec[0] for spec in specs]
    existing = {user.username: user for user in User.objects.filter(username__in=usernames)}
    sample = next(iter(existing.values()), None)
    encoded = None
    if sample is None or not hash_is_current(sample.password):
        encoded = password_hash()
        if existing:
            User.objects.filter(username__startswith="bench-").update(password=encoded)
    elif len(existing) < len(specs):
        encoded = sample.password  # the same hash as the others: same hasher, same cost
    new = [
        User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            password=encoded,
        )
        for username, first, last, _teacher in specs
        if username not in existing
    ]
    if new:
        User.objects.bulk_create(new, batch_size=500)
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    for username, _first, _last, teacher in specs:
        user = users[username]
        if teacher and user.role != User.Role.TEACHER:
            users[username] = user_set_role(user=user, role=User.Role.TEACHER)
    return users


def ensure_class(name: str, section: str, teacher, students, *, reset: bool):
    from classroom.models import Enrolment, SchoolClass

    school_class = SchoolClass.objects.filter(name=name, section=section).first()
    if school_class is None:
        school_class = SchoolClass.objects.create(name=name, section=section)
    school_class.teachers.add(teacher)
    enrolled = set(
        Enrolment.objects.filter(school_class=school_class).values_list("student_id", flat=True)
    )
    missing = [student for student in students if student.pk not in enrolled]
    Enrolment.objects.bulk_create(
        [Enrolment(school_class=school_class, student=student) for student in missing],
        ignore_conflicts=True,
    )
    if reset and (school_class.is_archived or not school_class.join_code_enabled):
        school_class.is_archived = False
        school_class.join_code_enabled = True
        school_class.save(update_fields=["is_archived", "join_code_enabled"])
    return school_class


def ensure_assignments(school_class, teacher, lessons):
    from django.utils import timezone

    from classroom.models import Assignment
    from classroom.services import assignment_create

    now = timezone.now()
    days = datetime.timedelta(days=1)
    assigned = set(
        Assignment.objects.filter(school_class=school_class).values_list("lesson_id", flat=True)
    )
    for lesson in lessons:
        if lesson.pk in assigned:
            continue
        if lesson.order <= 2:  # overdue: opened two weeks ago, due a few days ago
            opens_at, due_at = now - 14 * days, now - (4 - lesson.order) * days
        else:
            opens_at, due_at = now - days, now + (3 * lesson.order) * days
        assignment_create(
            school_class=school_class,
            lesson=lesson,
            opens_at=opens_at,
            due_at=due_at,
            instructions=f"Read “{lesson.title}” and answer the first prompt.",
            required_prompts=list(lesson.prompts.published()[:1]),
            created_by=teacher,
        )


def ensure_progress(classes: list[list], lessons, *, reset: bool):
    """Reading progress for every class's students (lists of users, in class order)."""
    from django.utils import timezone

    from classroom.models import ReadingProgress

    now = timezone.now()
    wanted: dict[tuple[int, int], bool] = {}  # (student, lesson) -> finished
    opened_at: dict[tuple[int, int], datetime.datetime] = {}
    for students in classes:
        for lesson in lessons:
            opened, finished = progress_plan(lesson.order)
            for index, student in enumerate(students[:opened]):
                wanted[(student.pk, lesson.pk)] = index < finished
                opened_at[(student.pk, lesson.pk)] = now - datetime.timedelta(hours=48 - index)
    all_students = [student.pk for students in classes for student in students]
    rows = {
        (row.student_id, row.lesson_id): row
        for row in ReadingProgress.objects.filter(student_id__in=all_students)
    }
    create, update, stray = [], [], []
    for key, finished in wanted.items():
        row = rows.get(key)
        if row is None:
            start = opened_at[key]
            create.append(
                ReadingProgress(
                    student_id=key[0],
                    lesson_id=key[1],
                    opened_at=start,
                    finished_at=start + datetime.timedelta(minutes=25) if finished else None,
                )
            )
        elif finished and row.finished_at is None:
            row.finished_at = row.opened_at + datetime.timedelta(minutes=25)
            update.append(row)
        elif reset and not finished and row.finished_at is not None:
            row.finished_at = None
            update.append(row)
    if reset:
        stray = [row.pk for key, row in rows.items() if key not in wanted]
    ReadingProgress.objects.bulk_create(create, batch_size=1000)
    ReadingProgress.objects.bulk_update(update, ["finished_at"], batch_size=1000)
    ReadingProgress.objects.filter(pk__in=stray).delete()


def ensure_discussion(school_class, students, prompt, number: int, *, reset: bool) -> int:
    """The class's 150 seeded posts; returns how many posts its thread holds afterwards."""
    from django.utils import timezone

    from discussions.models import Post
    from discussions.services import post_create

    start = timezone.now() - datetime.timedelta(hours=72)
    post_keys = [seed_key("post", n, number) for n in range(TOP_LEVEL_POSTS)]
    reply_keys = [seed_key("reply", n, number) for n in range(REPLIES)]
    existing = {
        post.submission_key: post
        for post in Post.objects.filter(
            school_class=school_class, submission_key__in=post_keys + reply_keys
        )
    }
    tops, moved = [], []
    for n, key in enumerate(post_keys):
        post = existing.get(key)
        if post is None:
            post, _ = post_create(
                author=students[n % len(students)],
                school_class=school_class,
                prompt=prompt,
                body=post_body(n),
                submission_key=key,
            )
            post.created_at = start + datetime.timedelta(minutes=20 * n)
            moved.append(post)
        tops.append(post)
    for n, key in enumerate(reply_keys):
        if key in existing:
            continue
        parent = tops[n * (TOP_LEVEL_POSTS // REPLIES)]
        author = students[(n * 7 + 3) % len(students)]
        if author.pk == parent.author_id:
            author = students[(n * 7 + 4) % len(students)]
        reply, _ = post_create(
            author=author,
            school_class=school_class,
            prompt=prompt,
            body=post_body(1000 + n),
            submission_key=key,
            reply_to=parent,
        )
        reply.created_at = parent.created_at + datetime.timedelta(minutes=5)
        moved.append(reply)
    Post.objects.bulk_update(moved, ["created_at"], batch_size=500)
    in_class = Post.objects.filter(school_class=school_class)
    if reset:
        in_class.exclude(submission_key__in=post_keys + reply_keys).delete()
        in_class.filter(is_hidden=True).update(is_hidden=False, hidden_by=None)
    return in_class.filter(prompt=prompt).count()


def ensure_drill(lessons, *, reset: bool) -> dict:
    """The scale-out drill's class: six students, lesson 1 assigned, 12 posts."""
    from django.utils import timezone

    from classroom.models import Assignment, Enrolment
    from discussions.models import Post
    from discussions.services import post_create

    teacher_name, student_names = drill_names()
    users = ensure_users(
        [(teacher_name, "Drill", "Teacher", True)]
        + [(name, f"Drill{n + 1:02d}", "Bench", False) for n, name in enumerate(student_names)]
    )
    teacher = users[teacher_name]
    students = [users[name] for name in student_names]
    school_class = ensure_class(*DRILL_CLASS, teacher, students, reset=reset)
    if reset:
        Assignment.objects.filter(school_class=school_class).exclude(lesson=lessons[0]).delete()
    ensure_assignments(school_class, teacher, lessons[:1])
    prompt = lessons[0].prompts.published().first()
    keys = [seed_key("drill", n) for n in range(DRILL_POSTS)]
    have = set(
        Post.objects.filter(school_class=school_class, submission_key__in=keys).values_list(
            "submission_key", flat=True
        )
    )
    for n, key in enumerate(keys):
        if key not in have:
            post_create(
                author=students[n % len(students)],
                school_class=school_class,
                prompt=prompt,
                body=drill_post_body(n + 1),
                submission_key=key,
            )
    posts = Post.objects.filter(school_class=school_class)
    if reset:
        posts.exclude(submission_key__in=keys).delete()
        posts.filter(is_hidden=True).update(is_hidden=False, hidden_by=None)
    seeded = list(posts.filter(submission_key__in=keys).order_by("pk"))
    enrolments = dict(
        Enrolment.objects.filter(school_class=school_class).values_list("student_id", "pk")
    )
    prompts = list(lessons[1].prompts.published()[:1])
    return {
        "class_pk": school_class.pk,
        "teacher": teacher_name,
        "students": student_names,
        "prompt_pk": prompt.pk,
        "thread_url": thread_path(school_class.pk, prompt.pk),
        "post_url": thread_path(school_class.pk, prompt.pk) + "post/",
        "posts": [{"pk": post.pk, "body": post.body} for post in seeded],
        "enrolments": {name: enrolments.get(users[name].pk) for name in student_names},
        "student_pks": {name: users[name].pk for name in student_names},
        "home_url": f"/admin/classroom/schoolclass/{school_class.pk}/home/",
        "change_url": f"/admin/classroom/schoolclass/{school_class.pk}/change/",
        "new_assignment": {
            "lesson_pk": lessons[1].pk,
            "lesson_title": lessons[1].title,
            "lesson_url": lesson_path(lessons[1].slug),
            "prompt_pks": [prompt.pk for prompt in prompts],
        },
        "today": timezone.localdate().isoformat(),
    }


def clear_axes_failures():
    from django.apps import apps

    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__startswith="bench-").delete()


# Sessions ----------------------------------------------------------------------------------------


def new_session(user, store_class) -> str:
    """A signed-in session for ``user``, as a sign-in would leave it; returns its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = store_class()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LAST_SEEN_KEY] = time.time()
    session.create()
    return session.session_key


def forget_sessions(keys: list[str]) -> None:
    """Delete the sessions an earlier run of this script made (and any that expired)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key__in=keys).delete()
    Session.objects.filter(expire_date__lt=timezone.now()).delete()


# The whole school --------------------------------------------------------------------------------


def build(*, classes: int, reset: bool, sessions_only: bool, previous: dict | None) -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.db import connection, transaction

    from accounts.models import User
    from classroom.models import SchoolClass
    from lessons.models import Lesson

    database = connection.settings_dict["NAME"]
    if not str(database).startswith("bench"):
        raise SystemExit(
            f"Refusing to write benchmark data into {database!r}: use a database whose name "
            "starts with 'bench' (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            "bench_throughput)."
        )
    lessons = list(Lesson.objects.published().order_by("order"))
    if len(lessons) < 6:
        raise SystemExit(f"Expected the six lessons, found {len(lessons)}: run migrate first.")
    busy_lesson = lessons[0]
    prompt = busy_lesson.prompts.published().first()

    names = [class_names(number) for number in range(1, classes + 1)]
    if sessions_only:
        usernames = [name for teacher, students in names for name in (teacher, *students)]
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        if len(users) < len(usernames):
            raise SystemExit("--sessions-only: the bench school is not built; run without it")
        drill = (previous or {}).get("drill") or {}
    else:
        specs = []
        for number, (teacher, students) in enumerate(names, start=1):
            specs.append((teacher, "Bench", f"Teacher{number:02d}", True))
            specs += [(s, f"Student{n:02d}", "Bench", False) for n, s in enumerate(students, 1)]
        users = ensure_users(specs)
    class_rows = []
    for number, (teacher_name, student_names) in enumerate(names, start=1):
        teacher = users[teacher_name]
        students = [users[name] for name in student_names]
        section = f"B{number}"
        if sessions_only:
            school_class = SchoolClass.objects.get(name=CLASS_NAME, section=section)
            thread_posts = school_class.posts.filter(prompt=prompt).count()
        else:
            with transaction.atomic():
                school_class = ensure_class(CLASS_NAME, section, teacher, students, reset=reset)
                ensure_assignments(school_class, teacher, lessons)
                thread_posts = ensure_discussion(
                    school_class, students, prompt, number, reset=reset
                )
        class_rows.append(
            {
                "number": number,
                "pk": school_class.pk,
                "section": section,
                "teacher": teacher_name,
                "students": student_names,
                "thread_posts": thread_posts,
                "busy_thread_url": thread_path(school_class.pk, prompt.pk),
                "busy_post_url": thread_path(school_class.pk, prompt.pk) + "post/",
                "lesson_thread_urls": [
                    thread_path(school_class.pk, p.pk) for p in busy_lesson.prompts.published()
                ],
                "progress_url": progress_path(school_class.pk),
            }
        )
    if not sessions_only:
        with transaction.atomic():
            ensure_progress(
                [[users[name] for name in students] for _teacher, students in names],
                lessons,
                reset=reset,
            )
            drill = ensure_drill(lessons, reset=reset)
            if reset:
                clear_axes_failures()

    if previous:
        forget_sessions(previous.get("session_keys", []))
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    student_sessions, teacher_sessions = [], []
    for row in class_rows:
        teacher_sessions.append(
            {
                "username": row["teacher"],
                "class": row["number"],
                "cookie": new_session(users[row["teacher"]], store_class),
            }
        )
        for name in row["students"]:
            student_sessions.append(
                {
                    "username": name,
                    "class": row["number"],
                    "cookie": new_session(users[name], store_class),
                }
            )
    session_keys = [entry["cookie"] for entry in student_sessions + teacher_sessions]
    first = class_rows[0]
    return {
        "database": database,
        "made_at": time.time(),
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "password": BENCH_PASSWORD,
        "session_engine": settings.SESSION_ENGINE,
        # Class 1, as the older scripts (burst, fault drills) read it.
        "cookies": {
            "student": student_sessions[0]["cookie"],
            "teacher": teacher_sessions[0]["cookie"],
        },
        "student": first["students"][0],
        "teacher": first["teacher"],
        "students": first["students"],
        "class_pk": first["pk"],
        "prompt_pk": prompt.pk,
        "busy_lesson": busy_lesson.slug,
        "thread_posts": first["thread_posts"],
        "urls": {
            "minimal": "/bench/minimal/",
            "lesson": lesson_path(busy_lesson.slug),
            "discussion": first["busy_thread_url"],
            "dashboard": "/dashboard/",
            "progress": first["progress_url"],
        },
        "post_url": first["busy_post_url"],
        "sign_in_url": "/accounts/sign-in/",
        "lesson_urls": [lesson_path(lesson.slug) for lesson in lessons],
        "lessons": [
            {"pk": lesson.pk, "slug": lesson.slug, "title": lesson.title} for lesson in lessons
        ],
        # The whole school.
        "classes": class_rows,
        "sessions": {"students": student_sessions, "teachers": teacher_sessions},
        "session_keys": session_keys,
        "drill": drill,
    }


def default_output(database: str) -> Path:
    return RESULTS_DIR / f"setup-{database}.json.tmp"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reset", action="store_true", help="put posts, progress and the drill class back"
    )
    parser.add_argument(
        "--classes", type=int, default=DEFAULT_CLASSES, help="classes of 35 (default 30)"
    )
    parser.add_argument(
        "--sessions-only", action="store_true", help="only make fresh sessions (fast)"
    )
    parser.add_argument(
        "--output", type=Path, help="JSON file to write (default bench/results/setup-<db>.json.tmp)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection

    output = args.output or default_output(connection.settings_dict["NAME"])
    previous = None
    if output.exists():
        try:
            previous = json.loads(output.read_text())
        except ValueError:
            previous = None
    began = time.monotonic()
    data = build(
        classes=args.classes,
        reset=args.reset,
        sessions_only=args.sessions_only,
        previous=previous,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=1) + "\n")
    output.chmod(0o600)  # it holds live session cookies

    print(
        f"Database {data['database']}: {len(data['classes'])} classes of {CLASS_SIZE} students "
        f"(busy threads of {data['thread_posts']} posts) and the drill class; "
        f"{len(data['session_keys'])} fresh sessions ({data['session_engine']}) in "
        f"{time.monotonic() - began:.1f} s"
    )
    print(f"Student {data['student']}: Cookie: {data['cookie_name']}={data['cookies']['student']}")
    print(f"Teacher {data['teacher']}: Cookie: {data['cookie_name']}={data['cookies']['teacher']}")
    for name, url in data["urls"].items():
        print(f"  {name:<10} {url}")
    print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
