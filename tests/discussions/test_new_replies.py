"""“New replies”: on a student's dashboard, replies by others to their posts since they last
opened that thread, each thread linked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import Post, ThreadVisit

pytestmark = pytest.mark.django_db


def reply(school, author, to, body="I disagree", **fields):
    return Post.objects.create(
        school_class=to.school_class,
        prompt=to.prompt,
        author=author,
        parent=to.parent or to,
        reply_to=to,
        body=body,
        **fields,
    )


def new_replies(client) -> str:
    page = client.get(reverse("pages:dashboard")).content.decode()
    start = page.index('class="new-replies-count"')
    return page[start : page.index("</strong>", start)].rsplit(">", 1)[1]


def thread_url(school):
    return reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])


def test_replies_since_the_last_visit_count_and_clear_on_opening_the_thread(
    client, school, student, classmate
):
    client.force_login(student)
    client.get(thread_url(school))
    assert new_replies(client) == "0"
    reply(school, classmate, school.post)
    reply(school, classmate, school.post, body="And another thing")
    page = client.get(reverse("pages:dashboard")).content.decode()
    assert new_replies(client) == "2"
    assert "2 new replies on" in page and f'href="{thread_url(school)}"' in page
    client.get(thread_url(school))
    assert new_replies(client) == "0"
    reply(school, classmate, school.post, body="One more")
    assert new_replies(client) == "1"


def test_opening_the_thread_in_the_lesson_page_counts_as_a_visit(client, school, student):
    client.force_login(student)
    client.get(thread_url(school), headers={"HX-Request": "true"})
    assert ThreadVisit.objects.filter(user=student, school_class=school.ours).exists()


def test_never_visited_thread_counts_every_reply(client, school, student, classmate):
    reply(school, classmate, school.post)
    client.force_login(student)
    assert new_replies(client) == "1"


def test_a_reply_to_the_students_reply_counts(client, school, student, classmate):
    theirs = Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Theirs"
    )
    mine = reply(school, student, theirs, body="My reply")
    client.force_login(student)
    client.get(thread_url(school))
    ThreadVisit.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=1))
    reply(school, classmate, mine, body="Answering your reply")
    assert new_replies(client) == "1"


def test_own_hidden_deleted_and_others_replies_do_not_count(
    client, school, student, classmate, teacher
):
    reply(school, student, school.post, body="Replying to myself")
    reply(school, classmate, school.post, body="Hidden", is_hidden=True)
    reply(school, classmate, school.post, body="", is_deleted=True)
    theirs = Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Theirs"
    )
    reply(school, teacher, theirs, body="To Ben, not Amara")
    client.force_login(student)
    assert new_replies(client) == "0"
    client.force_login(classmate)
    assert new_replies(client) == "1"


def test_replies_in_an_archived_or_left_class_do_not_count(client, school, student, classmate):
    reply(school, classmate, school.post)
    school.ours.is_archived = True
    school.ours.save()
    client.force_login(student)
    assert new_replies(client) == "0"


def test_a_visit_is_one_row_per_thread(client, school, student):
    client.force_login(student)
    for _ in range(3):
        client.get(thread_url(school))
    assert ThreadVisit.objects.filter(user=student).count() == 1


def test_teachers_leave_no_visits(client, school, teacher):
    client.force_login(teacher)
    client.get(thread_url(school))
    assert not ThreadVisit.objects.exists()
