"""The main pages are valid HTML, as the Nu HTML Checker (vnu.jar, from npm's ``vnu-jar``) says.

Pages are rendered by the test client for each kind of person and checked in one run of the
checker. ``make test`` installs the checker under ``.tools/`` when npm is there; it needs Java.
Without them the test is skipped locally, and fails in CI, where they must be present.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from lessons.models import Lesson

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parent.parent / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"


def checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-jar", str(VNU)]
    if os.environ.get("CI"):
        pytest.fail(f"The HTML checker is missing in CI: need java and {VNU}")
    pytest.skip("The Nu HTML Checker is not installed (make test installs it with npm)")


def pages(client, school, student, teacher, superuser):
    yield "home", client.get(reverse("pages:home"))
    yield "sign-in", client.get(reverse("accounts:login"))
    yield "privacy", client.get(reverse("privacy:notice"))
    client.force_login(student)
    yield "student dashboard", client.get(reverse("pages:dashboard"))
    yield "lessons", client.get(reverse("pages:lesson_index"))
    for lesson in Lesson.objects.published():
        yield f"lesson {lesson.slug}", client.get(lesson.get_absolute_url())
    yield "glossary", client.get(reverse("lessons:glossary"))
    thread = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    yield "thread", client.get(thread)
    yield "thread fragment", client.get(thread, HTTP_HX_REQUEST="true")
    yield "class page (student)", client.get(school.ours.get_absolute_url())
    yield "join", client.get(reverse("classroom:join"))
    yield "password", client.get(reverse("accounts:password_change"))
    client.force_login(teacher)
    yield "teacher dashboard", client.get(reverse("pages:dashboard"))
    yield "class page (teacher)", client.get(school.ours.get_absolute_url())
    yield "responses", client.get(reverse("discussions:responses", args=[school.assignment.pk]))
    yield "lesson (teacher)", client.get(school.assignment.lesson.get_absolute_url())
    for name, args in (
        ("admin:index", []),
        ("admin:classroom_schoolclass_changelist", []),
        ("admin:classroom_schoolclass_change", [school.ours.pk]),
        ("admin:classroom_schoolclass_progress", [school.ours.pk]),
        ("admin:classroom_assignment_add", []),
        ("admin:accounts_user_changelist", []),
    ):
        yield name, client.get(reverse(name, args=args))


def test_main_pages_are_valid_html(client, school, student, teacher, superuser, tmp_path, settings):
    command = checker()
    files = {}
    for name, response in pages(client, school, student, teacher, superuser):
        assert response.status_code == 200, name
        body = response.content.decode()
        if "thread fragment" in name:  # a fragment: check it inside a minimal page
            body = f'<!DOCTYPE html><html lang="en"><title>x</title>{body}</html>'
        path = tmp_path / (name.replace(" ", "-").replace(":", "-") + ".html")
        path.write_text(body)
        files[str(path)] = name
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    problems = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: line "
        f"{m.get('lastLine')}: {m.get('message')}"
        for m in messages
    ]
    assert problems == [], "\n".join(problems)
