"""A thread's queries do not grow with posts, replies or students."""

import pytest
from django.urls import reverse

from classroom.models import Enrolment
from discussions.models import Post

pytestmark = pytest.mark.django_db


def grow(school, make_user, *, students, posts_each):
    users = [make_user() for _ in range(students)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=u) for u in users)
    rows = []
    for user in users:
        for number in range(posts_each):
            rows.append(
                Post(
                    school_class=school.ours,
                    prompt=school.prompt,
                    author=user,
                    body=f"Post {number} with **bold** and ¶{number % 3 + 1}",
                )
            )
    Post.objects.bulk_create(rows)
    tops = list(Post.objects.filter(parent=None, school_class=school.ours)[:50])
    replies = [
        Post(
            school_class=school.ours,
            prompt=school.prompt,
            author=users[i % len(users)],
            parent=top,
            reply_to=top,
            body="A reply",
        )
        for i, top in enumerate(tops)
    ]
    Post.objects.bulk_create(replies)


@pytest.mark.parametrize("persona", ["student", "teacher"])
def test_thread_page_queries_are_the_same_for_5_and_200_posts(
    client,
    school,
    make_user,
    student,
    teacher,
    persona,
    django_assert_max_num_queries,

):
    client.force_login({"student": student, "teacher": teacher}[persona])
    # ?all=1: every post on the page, the heaviest case.
    url = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk]) + "?all=1"
    grow(school, make_user, students=2, posts_each=2)
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    grow(school, make_user, students=40, posts_each=5)
    assert Post.objects.filter(school_class=school.ours).count() >= 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="post') >= 250


def test_lesson_page_queries_do_not_grow_with_posts(
    client, school, make_user, student, django_assert_max_num_queries
):
    client.force_login(student)
    url = school.prompt.lesson.get_absolute_url()
    client.get(url)  # cache the reading and record progress
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    grow(school, make_user, students=40, posts_each=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_responses_page_queries_do_not_grow_with_students(
    client, school, make_user, teacher, django_assert_max_num_queries
):
    client.force_login(teacher)
    url = reverse("discussions:responses", args=[school.assignment.pk])
    with django_assert_max_num_queries(15) as small:
        client.get(url)
    grow(school, make_user, students=40, posts_each=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
