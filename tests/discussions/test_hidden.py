"""Hidden means hidden: what a teacher hid, or an author deleted or changed, does not live on
elsewhere on the page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from discussions import services
from discussions.models import Post

pytestmark = pytest.mark.django_db


def test_a_reply_quoting_a_hidden_reply_shows_no_quote(client, school, student, classmate, teacher):
    first = Post.objects.create(
        school_class=school.ours,
        prompt=school.prompt,
        author=classmate,
        parent=school.post,
        reply_to=school.post,
        body="Something unkind about Amara",
    )
    Post.objects.create(
        school_class=school.ours,
        prompt=school.prompt,
        author=student,
        parent=school.post,
        reply_to=first,
        body="That was not fair",
    )
    services.post_moderate(post=first, moderator=teacher, action="hide")
    client.force_login(student)
    page = client.get(school.post.get_absolute_url().split("#")[0]).content.decode()
    assert "That was not fair" in page
    assert "Something unkind" not in page
    assert "a reply hidden by a teacher" in page


def test_an_edited_post_loses_its_pin_and_exemplary_mark(school, student, teacher):
    services.post_moderate(post=school.post, moderator=teacher, action="pin")
    services.post_moderate(post=school.post, moderator=teacher, action="feature")
    services.post_edit(post=school.post, editor=student, body="Something else entirely")
    school.post.refresh_from_db()
    assert not school.post.is_pinned and not school.post.is_exemplary
    # Saving the same words again changes nothing, marks included.
    services.post_moderate(post=school.post, moderator=teacher, action="pin")
    services.post_edit(post=school.post, editor=student, body="Something else entirely")
    school.post.refresh_from_db()
    assert school.post.is_pinned


def test_students_cannot_delete_posts_in_an_archived_class(client, school, student):
    school.ours.is_archived = True
    school.ours.save()
    with pytest.raises(PermissionDenied):
        services.post_delete(post=school.post, user=student)
    client.force_login(student)
    response = client.post(reverse("discussions:delete", args=[school.post.pk]))
    assert response.status_code == 403
    school.post.refresh_from_db()
    assert not school.post.is_deleted
