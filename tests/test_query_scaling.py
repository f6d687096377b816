"""Every page that lists people or posts makes the same number of queries at 1×, 10× and 100×
the data (students, posts, replies, progress), within a budget, and answers 200 each time, so a
big class never slows a page down query by query. This is the one sweep of query counts: a page
that lists people or posts gets a row here rather than a test of its own."""

import pytest
from django.urls import reverse

from classroom.models import Enrolment, ReadingProgress
from discussions.models import Post

pytestmark = pytest.mark.django_db


def grow_to(school, make_user, factor):
    """Add ``factor`` students to our class, each with progress and two posts and a reply."""
    lesson = school.prompt.lesson
    users = [make_user() for _ in range(factor)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=u) for u in users)
    ReadingProgress.objects.bulk_create(ReadingProgress(student=u, lesson=lesson) for u in users)
    posts = Post.objects.bulk_create(
        Post(school_class=school.ours, prompt=school.prompt, author=u, body=f"Point {n} ¶1")
        for u in users
        for n in range(2)
    )
    Post.objects.bulk_create(
        Post(
            school_class=school.ours,
            prompt=school.prompt,
            author=users[0],
            parent=p,
            reply_to=p,
            body="reply",
        )
        for p in posts[::2]
    )


PAGES = {
    "student dashboard": ("student", lambda s: reverse("pages:dashboard")),
    "teacher dashboard": ("teacher", lambda s: reverse("pages:dashboard")),
    "class page (teacher)": ("teacher", lambda s: s.ours.get_absolute_url()),
    "lesson page": ("student", lambda s: s.prompt.lesson.get_absolute_url()),
    "thread (student)": ("student", lambda s: s.post.get_absolute_url().split("#")[0]),
    "thread (teacher)": ("teacher", lambda s: s.post.get_absolute_url().split("#")[0]),
    "thread, every post (student)": (
        "student",
        lambda s: s.post.get_absolute_url().split("#")[0] + "?all=1",
    ),
    "responses": ("teacher", lambda s: reverse("discussions:responses", args=[s.assignment.pk])),
    "feedback page": (
        "teacher",
        lambda s: reverse(
            "discussions:feedback", args=[s.assignment.pk, s.post.author_id, s.prompt.pk]
        ),
    ),
    "progress grid": (
        "teacher",
        lambda s: reverse("admin:classroom_schoolclass_progress", args=[s.ours.pk]),
    ),
    "progress CSV": (
        "teacher",
        lambda s: reverse("admin:classroom_schoolclass_progress_csv", args=[s.ours.pk]),
    ),
    "class admin page": (
        "teacher",
        lambda s: reverse("admin:classroom_schoolclass_change", args=[s.ours.pk]),
    ),
    "class home page (admin)": (
        "teacher",
        lambda s: reverse("admin:classroom_schoolclass_home", args=[s.ours.pk]),
    ),
    "user list (teacher)": ("teacher", lambda s: reverse("admin:accounts_user_changelist")),
}


# Queries a page may make at most; well under these, a page is as lean as its data allows.
BUDGET = 20


@pytest.mark.parametrize("page", PAGES)
def test_queries_are_the_same_at_1x_10x_and_100x(
    client, school, student, teacher, make_user, page, django_assert_max_num_queries
):
    persona, url_for = PAGES[page]
    client.force_login({"student": student, "teacher": teacher}[persona])
    url = url_for(school)
    client.get(url)  # record first-visit progress, as a second visit finds it
    counts, grown = [], 0
    for factor in (1, 10, 100):
        grow_to(school, make_user, factor - grown)
        grown = factor
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{page} at {factor}×: {response.status_code}"
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2], f"{page}: {counts} queries at 1×, 10×, 100×"
    assert Post.objects.filter(school_class=school.ours).count() > 300  # the data did grow
