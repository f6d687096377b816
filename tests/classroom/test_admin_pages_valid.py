"""The class home page, its buttons' pages, the slips and the assign screen are valid HTML
(the Nu HTML Checker, as tests/test_html_valid.py runs it) with one <h1> and no inline code."""

import json
import subprocess

import pytest
from django.urls import reverse

from tests.test_html_valid import checker
from tests.test_pages import INLINE_SCRIPT, INLINE_STYLE

pytestmark = pytest.mark.django_db


def pages(client, school, classmate):
    ours = school.ours.pk

    def admin(name, *args):
        return reverse(f"admin:classroom_{name}", args=args)

    yield "index", client.get(reverse("admin:index"))
    yield "class list", client.get(admin("schoolclass_changelist"))
    yield "home", client.get(admin("schoolclass_home", ours))
    yield "join code", client.get(admin("schoolclass_join_code", ours))
    yield "new code", client.get(admin("schoolclass_join_code_regenerate", ours))
    yield "switch", client.get(admin("schoolclass_join_code_switch", ours))
    yield "archive", client.get(admin("schoolclass_archive", ours))
    yield "remove", client.get(admin("schoolclass_student_remove", ours, classmate.pk))
    yield "new slip", client.get(admin("schoolclass_student_slip", ours, classmate.pk))
    yield "search", client.get(admin("schoolclass_student_add", ours), {"q": "oskar"})
    yield "new student", client.get(admin("schoolclass_student_new", ours))
    yield "new student errors", client.post(admin("schoolclass_student_new", ours), {})
    client.post(admin("schoolclass_student_new", ours), {"first_name": "A", "last_name": "B"})
    yield "slips", client.get(admin("schoolclass_slips", ours))
    yield "no slips", client.get(admin("schoolclass_slips", ours))
    lesson = school.assignment.lesson
    yield "assign", client.get(admin("assignment_add"), {"school_class": ours})
    yield (
        "assign step two",
        client.get(admin("assignment_add"), {"school_class": ours, "lesson": lesson.pk + 1}),
    )
    yield "assign errors", client.post(admin("assignment_add"), {"school_class": ours})
    yield "edit", client.get(admin("assignment_change", school.assignment.pk))
    yield "fragment", client.get(admin("assignment_prompts"), {"lesson": lesson.pk})


def test_the_teachers_admin_pages_are_valid_html_with_one_h1_and_no_inline_code(
    client, school, teacher, outsider, tmp_path
):
    command = checker()
    classmate = school.classmate
    client.force_login(teacher)
    files = {}
    for name, response in pages(client, school, classmate):
        assert response.status_code == 200, name
        body = response.content.decode()
        if name == "fragment":
            body = f'<!DOCTYPE html><html lang="en"><title>x</title><div>{body}</div></html>'
        else:
            assert body.count("<h1") == 1, name
        assert not INLINE_SCRIPT.search(body), name
        assert not INLINE_STYLE.search(body), name
        path = tmp_path / (name.replace(" ", "-") + ".html")
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
