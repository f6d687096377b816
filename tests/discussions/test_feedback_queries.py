"""Feedback keeps the pages' queries constant: the responses page with every student's form
and feedback, the feedback page, and a student's dashboard and thread with feedback and new
replies, each the same at 5 and 200 students."""

import pytest
from django.urls import reverse

from classroom.models import Assignment, Enrolment
from discussions.models import Feedback, Post

pytestmark = pytest.mark.django_db

BUDGET = 20


def grow_class(school, make_user, teacher, size):
    """Our class with ``size`` more students, each with a post, a reply to our student's
    post and returned feedback with a mark."""
    users = [make_user() for _ in range(size)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=u) for u in users)
    Post.objects.bulk_create(
        Post(school_class=school.ours, prompt=school.prompt, author=u, body=f"Answer {n}")
        for n, u in enumerate(users)
    )
    Post.objects.bulk_create(
        Post(
            school_class=school.ours,
            prompt=school.prompt,
            author=u,
            parent=school.post,
            reply_to=school.post,
            body="A reply to Amara",
        )
        for u in users
    )
    Feedback.objects.bulk_create(
        Feedback(
            assignment=school.assignment,
            student=u,
            prompt=school.prompt,
            author=teacher,
            comment="Well done",
            points=5,
            returned_at=school.post.created_at,
        )
        for u in users
    )


def measure(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["teacher", "student"])
def test_pages_with_feedback_make_the_same_queries_at_5_and_200_students(
    client, school, teacher, student, make_user, who, django_assert_max_num_queries
):
    Assignment.objects.filter(pk=school.assignment.pk).update(mark_scale="points", points_max=10)
    Feedback.objects.create(
        assignment=school.assignment,
        student=student,
        prompt=school.prompt,
        author=teacher,
        comment="Yours",
        points=8,
        returned_at=school.post.created_at,
    )
    if who == "teacher":
        urls = [
            reverse("discussions:responses", args=[school.assignment.pk]),
            reverse("discussions:responses_csv", args=[school.assignment.pk]),
            reverse(
                "discussions:feedback", args=[school.assignment.pk, student.pk, school.prompt.pk]
            ),
        ]
    else:
        urls = [
            reverse("pages:dashboard"),
            reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk]),
        ]
    client.force_login({"teacher": teacher, "student": student}[who])
    for url in urls:
        client.get(url)  # first visits record what a second visit finds
    counts = {}
    grown = 0
    for size in (5, 200):
        grow_class(school, make_user, teacher, size - grown)
        grown = size
        Feedback.objects.filter(student=student).update(seen_at=None)  # new again each round
        counts[size] = [measure(client, url, django_assert_max_num_queries) for url in urls]
    assert counts[5] == counts[200], counts
