"""Build the benchmark's classroom in a ``bench*`` database, idempotently, and sign two people in.

What it makes (and leaves alone when it is already there):

- a teacher, ``bench-teacher``, and 35 students, ``bench-student-01`` … ``-35``, all with the
  password ``BENCH_PASSWORD``, hashed by the site's real (PBKDF2) hasher;
- one class, "Bench Year 11 History", taught by the teacher, with the 35 students;
- six assignments, one per lesson (the first two overdue), each requiring the lesson's first
  prompt;
- reading progress: fewer students have opened (and finished) each later lesson;
- a busy discussion of the first lesson's first prompt: 150 posts by the students, 120 posts and
  30 replies, made through ``discussions.services.post_create`` with fixed submission keys.

With ``--reset`` it also puts the discussion and the reading progress back to exactly that
(posts and progress rows added by earlier burst runs are deleted) and clears django-axes'
failed sign-ins of the bench accounts, so every run starts from the same state.

Every run makes two fresh sessions, one for ``bench-student-01`` and one for the teacher, and
prints their ``sessionid`` cookies and the five pages the throughput benchmark measures; the
same goes to a JSON file for the other scripts. Sessions are signed with ``DJANGO_SECRET_KEY``,
so the cookies work only for a server started with the same key.

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
import uuid
from pathlib import Path

import django

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_PASSWORD = "bench-read-1928-plan"  # noqa: S105 (a local benchmark account's password)
TEACHER_USERNAME = "bench-teacher"
STUDENT_COUNT = 35
CLASS_NAME = "Bench Year 11 History"
CLASS_SECTION = "B1"
TOP_LEVEL_POSTS = 120
REPLIES = 30
# Submission keys of the seeded posts are derived from this namespace, so reruns find them.
SEED_NAMESPACE = uuid.UUID("6f6e9a52-3d1f-4e52-9a0c-2b9f1c0e7d11")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

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


def seed_key(kind: str, number: int) -> uuid.UUID:
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}-{number}")


def progress_plan(lesson_order: int) -> tuple[int, int]:
    """How many students (the first ones) have opened and finished the lesson."""
    opened = max(0, STUDENT_COUNT + 1 - 6 * lesson_order)
    return opened, max(0, opened - 10)


def ensure_people():
    from accounts.models import User
    from accounts.services import teacher_create

    teacher = User.objects.filter(username=TEACHER_USERNAME).first()
    if teacher is None:
        teacher = teacher_create(
            username=TEACHER_USERNAME,
            password=BENCH_PASSWORD,
            first_name="Bench",
            last_name="Teacher",
            email="bench-teacher@example.org",
        )
    students = []
    for number in range(1, STUDENT_COUNT + 1):
        username = f"bench-student-{number:02d}"
        student = User.objects.filter(username=username).first()
        if student is None:
            # create_user hashes with the configured hasher (PBKDF2): about 0.3 s each, once.
            student = User.objects.create_user(
                username=username,
                password=BENCH_PASSWORD,
                first_name=f"Student{number:02d}",
                last_name="Bench",
                email=f"{username}@example.org",
            )
        students.append(student)
    return teacher, students


def ensure_class(teacher, students):
    from classroom.models import SchoolClass
    from classroom.services import enrolment_create

    school_class = SchoolClass.objects.filter(name=CLASS_NAME, section=CLASS_SECTION).first()
    if school_class is None:
        school_class = SchoolClass.objects.create(name=CLASS_NAME, section=CLASS_SECTION)
    school_class.teachers.add(teacher)
    for student in students:
        enrolment_create(school_class=school_class, student=student)
    return school_class


def ensure_assignments(school_class, teacher, lessons):
    from django.utils import timezone

    from classroom.models import Assignment
    from classroom.services import assignment_create

    now = timezone.now()
    days = datetime.timedelta(days=1)
    for lesson in lessons:
        if Assignment.objects.filter(school_class=school_class, lesson=lesson).exists():
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


def ensure_progress(students, lessons, *, reset: bool):
    from django.utils import timezone

    from classroom.models import ReadingProgress

    now = timezone.now()
    wanted: set[tuple[int, int]] = set()
    for lesson in lessons:
        opened, finished = progress_plan(lesson.order)
        for index, student in enumerate(students[:opened]):
            wanted.add((student.pk, lesson.pk))
            progress, _ = ReadingProgress.objects.get_or_create(
                student=student,
                lesson=lesson,
                defaults={"opened_at": now - datetime.timedelta(hours=48 - index)},
            )
            should_finish = index < finished
            if should_finish and progress.finished_at is None:
                progress.finished_at = progress.opened_at + datetime.timedelta(minutes=25)
                progress.save(update_fields=["finished_at"])
            elif reset and not should_finish and progress.finished_at is not None:
                progress.finished_at = None
                progress.save(update_fields=["finished_at"])
    if reset:
        stray = [
            row.pk
            for row in ReadingProgress.objects.filter(student__in=students)
            if (row.student_id, row.lesson_id) not in wanted
        ]
        ReadingProgress.objects.filter(pk__in=stray).delete()


def ensure_discussion(school_class, students, prompt, *, reset: bool) -> int:
    """The 150 seeded posts; returns how many posts the thread holds afterwards."""
    from django.utils import timezone

    from discussions.models import Post
    from discussions.services import post_create

    start = timezone.now() - datetime.timedelta(hours=72)
    tops = []
    for number in range(TOP_LEVEL_POSTS):
        author = students[number % len(students)]
        post, created = post_create(
            author=author,
            school_class=school_class,
            prompt=prompt,
            body=post_body(number),
            submission_key=seed_key("post", number),
        )
        if created:
            post.created_at = start + datetime.timedelta(minutes=20 * number)
            Post.objects.filter(pk=post.pk).update(created_at=post.created_at)
        tops.append(post)
    for number in range(REPLIES):
        parent = tops[number * (TOP_LEVEL_POSTS // REPLIES)]
        author = students[(number * 7 + 3) % len(students)]
        if author.pk == parent.author_id:
            author = students[(number * 7 + 4) % len(students)]
        reply, created = post_create(
            author=author,
            school_class=school_class,
            prompt=prompt,
            body=post_body(1000 + number),
            submission_key=seed_key("reply", number),
            reply_to=parent,
        )
        if created:
            Post.objects.filter(pk=reply.pk).update(
                created_at=parent.created_at + datetime.timedelta(minutes=5)
            )
    seeded = [seed_key("post", n) for n in range(TOP_LEVEL_POSTS)] + [
        seed_key("reply", n) for n in range(REPLIES)
    ]
    in_class = Post.objects.filter(school_class=school_class)
    if reset:
        in_class.exclude(submission_key__in=seeded).delete()
    return in_class.filter(prompt=prompt).count()


def clear_axes_failures():
    from django.apps import apps

    if not apps.is_installed("axes"):
        return
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__startswith="bench-").delete()


def session_cookie(user) -> str:
    """A fresh signed-in session for ``user``, as the value of its ``sessionid`` cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build(*, reset: bool) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django.urls import reverse

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
    teacher, students = ensure_people()
    busy_lesson = lessons[0]
    prompt = busy_lesson.prompts.published().first()
    with transaction.atomic():
        school_class = ensure_class(teacher, students)
        ensure_assignments(school_class, teacher, lessons)
        ensure_progress(students, lessons, reset=reset)
        thread_posts = ensure_discussion(school_class, students, prompt, reset=reset)
        if reset:
            clear_axes_failures()

    thread_kwargs = {"class_pk": school_class.pk, "prompt_pk": prompt.pk}
    return {
        "database": database,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "cookies": {"student": session_cookie(students[0]), "teacher": session_cookie(teacher)},
        "student": students[0].username,
        "teacher": teacher.username,
        "students": [student.username for student in students],
        "password": BENCH_PASSWORD,
        "class_pk": school_class.pk,
        "prompt_pk": prompt.pk,
        "busy_lesson": busy_lesson.slug,
        "thread_posts": thread_posts,
        "urls": {
            "minimal": reverse("bench_minimal"),
            "lesson": reverse("pages:lesson_detail", kwargs={"slug": busy_lesson.slug}),
            "discussion": reverse("discussions:thread", kwargs=thread_kwargs),
            "dashboard": reverse("pages:dashboard"),
            "progress": reverse("admin:classroom_schoolclass_progress", args=[school_class.pk]),
        },
        "post_url": reverse("discussions:post_create", kwargs=thread_kwargs),
        "sign_in_url": reverse("accounts:login"),
        "lesson_urls": [
            reverse("pages:lesson_detail", kwargs={"slug": lesson.slug}) for lesson in lessons
        ],
    }


def default_output(database: str) -> Path:
    return RESULTS_DIR / f"setup-{database}.json.tmp"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reset",
        action="store_true",
        help="put the discussion and reading progress back to the seeded state",
    )
    parser.add_argument(
        "--output", type=Path, help="JSON file to write (default bench/results/setup-<db>.json.tmp)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    data = build(reset=args.reset)
    output = args.output or default_output(data["database"])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=2) + "\n")
    output.chmod(0o600)  # it holds live session cookies

    print(
        f"Database {data['database']}: class {data['class_pk']} with {STUDENT_COUNT} students; "
        f"busy thread of {data['thread_posts']} posts on prompt {data['prompt_pk']}"
    )
    print(f"Student {data['student']}: Cookie: {data['cookie_name']}={data['cookies']['student']}")
    print(f"Teacher {data['teacher']}: Cookie: {data['cookie_name']}={data['cookies']['teacher']}")
    for name, url in data["urls"].items():
        print(f"  {name:<10} {url}")
    print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
