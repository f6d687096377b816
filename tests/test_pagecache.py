"""Cached pages: a second view costs almost nothing, and any change shows at the next view."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment
from discussions.models import Post
from lessons.models import Lesson
from site_config.pagecache import bump_viewers

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured.captured_queries)


@pytest.mark.parametrize("page", ["dashboard", "lesson", "grid"])
def test_a_second_view_is_served_from_the_cache(client, school, student, teacher, page):
    url, user = {
        "dashboard": (reverse("classroom:dashboard"), student),
        "lesson": (school.prompt.lesson.get_absolute_url(), student),
        "grid": (reverse("admin:classroom_schoolclass_progress", args=[school.ours.pk]), teacher),
    }[page]
    client.force_login(user)
    client.get(url)  # a first visit may record reading progress, which changes the page
    bump_viewers(users=[user])  # something changed: the next view renders afresh
    first, rendered = queries_for(client, url)
    second, cached = queries_for(client, url)
    assert second.content == first.content
    assert cached <= 2 < rendered  # the session and the user, nothing else


def test_a_new_assignment_shows_on_the_next_dashboard_view(client, school, student):
    client.force_login(student)
    client.get(reverse("classroom:dashboard"))
    lesson = Lesson.objects.get(order=6)
    Assignment.objects.create(
        school_class=school.ours,
        lesson=lesson,
        opens_at=timezone.now(),
        due_at=school.assignment.due_at,
    )
    assert lesson.title in client.get(reverse("classroom:dashboard")).content.decode()


def test_a_classmates_post_updates_the_lesson_pages_count(client, school, student, classmate):
    url = school.prompt.lesson.get_absolute_url()
    client.force_login(student)
    client.get(url)
    assert "(1 post)" in client.get(url).content.decode()
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Another view"
    )
    assert "(2 posts)" in client.get(url).content.decode()


def test_a_student_finishing_shows_on_the_teachers_grid(client, school, student, teacher):
    grid = reverse("admin:classroom_schoolclass_progress", args=[school.ours.pk])
    teacher_client = Client()
    teacher_client.force_login(teacher)
    before = teacher_client.get(grid).content.decode()
    client.force_login(student)
    Post.objects.filter(author=student).delete()  # so the cell shows reading, not responding
    client.post(reverse("classroom:lesson_finished", args=[school.assignment.lesson.slug]))
    after = teacher_client.get(grid).content.decode()
    assert after.count("Read to the end") == before.count("Read to the end") + 1


def test_archiving_a_class_in_the_admin_drops_it_from_the_students_dashboard(
    client, school, student, teacher
):
    client.force_login(student)
    assert "Year 11 History" in client.get(reverse("classroom:dashboard")).content.decode()
    admin = Client()
    admin.force_login(teacher)
    admin.post(
        reverse("admin:classroom_schoolclass_changelist"),
        {"action": "archive", ACTION_CHECKBOX_NAME: [school.ours.pk]},
    )
    assert "Year 11 History" not in client.get(reverse("classroom:dashboard")).content.decode()


def test_a_message_is_shown_once_and_never_cached(client, school, student):
    url = school.assignment.lesson.get_absolute_url()
    client.force_login(student)
    client.get(url)
    client.post(reverse("classroom:lesson_finished", args=[school.assignment.lesson.slug]))
    assert "Well done" in client.get(url).content.decode()
    assert "Well done" not in client.get(url).content.decode()


def test_each_browser_gets_its_own_page_so_its_forms_keep_working(school, student):
    pages = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(student)
        browser.get(reverse("classroom:dashboard"))
        page = browser.get(reverse("classroom:dashboard")).content.decode()
        pages.append((browser, page))
    for browser, page in pages:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302


def test_a_cached_thread_gives_every_view_fresh_submission_keys(client, school, classmate):
    url = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    client.force_login(classmate)
    keys = []
    for _ in range(3):
        page = client.get(url).content.decode()
        keys += re.findall(r'name="prompt-\d+-submission_key" value="([0-9a-f-]{36})"', page)
    assert len(keys) == 3 and len(set(keys)) == 3
    # Two tabs opened from the cache each post their own answer.
    prefix = f"prompt-{school.prompt.pk}"
    for number, key in enumerate(keys[1:]):
        client.post(
            reverse("discussions:post_create", args=[school.ours.pk, school.prompt.pk]),
            {f"{prefix}-body": f"Tab {number}", f"{prefix}-submission_key": key},
        )
    assert Post.objects.filter(author=classmate).count() == 2


def test_a_cached_thread_shows_a_new_post_at_once(client, school, student, classmate):
    url = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    client.force_login(student)
    client.get(url)
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Fresh from Ben"
    )
    assert "Fresh from Ben" in client.get(url).content.decode()
