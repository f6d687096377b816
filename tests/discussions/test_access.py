"""Posting, replying, editing, deleting and moderating × every persona: only the right people
succeed; everyone else gets 403 or 404 (or the sign-in page) and nothing changes."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from discussions import services
from discussions.models import Post

pytestmark = pytest.mark.django_db

PERSONAS = [
    "signed_out",
    "student",
    "classmate",
    "outsider",
    "teacher",
    "other_teacher",
    "superuser",
]
OK = "ok"
SIGN_IN = "sign-in"


def row(signed_out, student, classmate, outsider, teacher, other_teacher, superuser):
    values = (signed_out, student, classmate, outsider, teacher, other_teacher, superuser)
    return dict(zip(PERSONAS, values, strict=True))


# What each persona gets for each write on “our” class's post (the student's).
ANYONE_IN_CLASS = row(SIGN_IN, OK, OK, 404, OK, 404, OK)
AUTHOR_ONLY = row(SIGN_IN, OK, 403, 404, 403, 404, 403)
TEACHERS_ONLY = row(SIGN_IN, 403, 403, 404, OK, 404, OK)
EXPECTED = {
    "post": ANYONE_IN_CLASS,
    "reply": ANYONE_IN_CLASS,
    "edit": AUTHOR_ONLY,
    "delete": AUTHOR_ONLY,
    "hide": TEACHERS_ONLY,
    "pin": TEACHERS_ONLY,
}


def request_for(action, school):
    post = school.post
    if action == "post":
        prefix = f"prompt-{school.prompt.pk}"
        return (
            reverse("discussions:post_create", args=[school.ours.pk, school.prompt.pk]),
            {f"{prefix}-body": "New words", f"{prefix}-submission_key": str(uuid.uuid4())},
        )
    if action == "reply":
        prefix = f"reply-{post.pk}"
        return (
            reverse("discussions:reply", args=[post.pk]),
            {f"{prefix}-body": "New words", f"{prefix}-submission_key": str(uuid.uuid4())},
        )
    if action == "edit":
        return reverse("discussions:edit", args=[post.pk]), {"body": "New words"}
    if action == "delete":
        return reverse("discussions:delete", args=[post.pk]), {}
    return reverse("discussions:moderate", args=[post.pk]), {"action": action}


def snapshot():
    return sorted(
        Post.objects.values_list("pk", "body", "is_deleted", "is_hidden", "is_pinned", "edited_at")
    )


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_right_people_can_write(
    action, persona, school, student, classmate, outsider, teacher, other_teacher, superuser
):
    users = {
        "student": student,
        "classmate": classmate,
        "outsider": outsider,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "superuser": superuser,
    }
    client = Client()
    if persona != "signed_out":
        client.force_login(users[persona])
    before = snapshot()
    url, data = request_for(action, school)
    response = client.post(url, data)
    expected = EXPECTED[action][persona]
    if expected == OK:
        assert response.status_code == 302, response.content.decode()[:500]
        assert snapshot() != before
    else:
        if expected == SIGN_IN:
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        else:
            assert response.status_code == expected
        assert snapshot() == before


def test_csrf_is_enforced_on_posting(school, classmate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(classmate)
    url, data = request_for("post", school)
    assert client.post(url, data).status_code == 403
    assert not Post.objects.filter(author=classmate).exists()


def test_reply_cannot_be_smuggled_into_another_thread(client, outsider, school, reply_as):
    """A reply form is bound to its post: an outsider cannot reach our post through theirs."""
    their_post = Post.objects.create(
        school_class=school.theirs, prompt=school.prompt, author=outsider, body="Theirs"
    )
    client.force_login(outsider)
    with pytest.raises(PermissionDenied):
        services.post_create(
            author=outsider,
            school_class=school.theirs,
            prompt=school.prompt,
            body="x",
            submission_key=uuid.uuid4(),
            reply_to=school.post,
        )
    assert reply_as(client, their_post, "fine").status_code == 302
