"""Faults a school server meets: a failure half way through a write leaves nothing behind, and
the same form sent ten times at once makes one record."""

import threading
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
from django.db import connection
from django.urls import reverse

from classroom.models import Assignment
from classroom.services import assignment_create
from discussions import services as discussion_services
from discussions.models import Post
from lessons.models import Lesson


@pytest.mark.django_db
def test_failure_while_creating_an_assignment_leaves_nothing(school, teacher, monkeypatch):
    lesson = Lesson.objects.get(order=5)
    prompts = list(lesson.prompts.published()[:2])

    real_save = Assignment.save

    def save_then_fail(self, *args, **kwargs):
        real_save(self, *args, **kwargs)  # the assignment row is written...
        raise RuntimeError("connection lost before the prompts were saved")

    monkeypatch.setattr(Assignment, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        assignment_create(
            school_class=school.ours,
            lesson=lesson,
            due_at=school.assignment.due_at,
            required_prompts=prompts,
            created_by=teacher,
        )
    assert not Assignment.objects.filter(lesson=lesson).exists()


@pytest.mark.django_db
def test_failure_while_saving_a_post_leaves_nothing_and_the_form_can_be_sent_again(
    school, classmate, monkeypatch
):
    key = uuid.uuid4()
    real_save = Post.save

    def failing_save(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        raise RuntimeError("worker killed after the insert")

    monkeypatch.setattr(Post, "save", failing_save)
    with pytest.raises(RuntimeError):
        discussion_services.post_create(
            author=classmate,
            school_class=school.ours,
            prompt=school.prompt,
            body="Half way",
            submission_key=key,
        )
    monkeypatch.undo()
    assert not Post.objects.filter(author=classmate).exists()
    post, created = discussion_services.post_create(
        author=classmate,
        school_class=school.ours,
        prompt=school.prompt,
        body="Half way",
        submission_key=key,
    )
    assert created and Post.objects.filter(author=classmate).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_post_sent_ten_times_at_once_makes_one_post(
    live_server, make_user, teacher, make_class
):
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server that takes concurrent writes; CI runs PostgreSQL")
    from tests.conftest import PASSWORD

    student = make_user(username="ten-times")
    school_class = make_class(teachers=[teacher], students=[student])
    prompt = Lesson.objects.get(order=1).prompts.published().first()

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    sign_in_url = live_server.url + reverse("accounts:login")
    opener.open(sign_in_url)
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    opener.open(
        sign_in_url,
        urllib.parse.urlencode(
            {"username": student.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
        ).encode(),
    )
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    prefix = f"prompt-{prompt.pk}"
    form = urllib.parse.urlencode(
        {
            f"{prefix}-body": "Sent ten times at once",
            f"{prefix}-submission_key": str(uuid.uuid4()),
            "csrfmiddlewaretoken": csrf,
        }
    ).encode()
    url = live_server.url + reverse("discussions:post_create", args=[school_class.pk, prompt.pk])
    start = threading.Barrier(10)
    statuses = []

    def send():
        start.wait()
        request = urllib.request.Request(url, data=form, headers={"Referer": live_server.url})
        try:
            with opener.open(request) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * 10  # each followed its redirect to the thread
    assert Post.objects.filter(author=student, body="Sent ten times at once").count() == 1
