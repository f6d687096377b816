"""Erasing a student: the account and what they wrote, with their classmates' replies kept.

Privacy sits at the top of the layers, beside ``pages``: it must reach everything a person
left anywhere (classes, reading progress, posts), so it imports every app and none imports it.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from discussions.models import Post

FORMER_STUDENT_USERNAME = "former-student"


def former_student() -> User:
    """The placeholder that keeps anonymised posts: inactive, cannot sign in."""
    user, _ = User.objects.get_or_create(
        username=FORMER_STUDENT_USERNAME,
        defaults={
            "first_name": "Former",
            "last_name": "student",
            "is_active": False,
            "password": make_password(None),
        },
    )
    return user


@transaction.atomic
def student_erase(*, student: User, keep_posts_anonymously: bool) -> dict:
    """Delete a student and what they wrote; returns counts for the confirmation message.

    Posts are either anonymised (kept, credited to “Former student”) or removed. A removed
    post that classmates replied to stays as “deleted by author” so their replies stay.
    """
    if not student.is_student or student.username == FORMER_STUDENT_USERNAME:
        raise ValueError("Only student accounts can be erased this way.")
    posts = Post.objects.filter(author=student)
    counts = {"posts_anonymised": 0, "posts_removed": 0, "posts_emptied": 0}
    placeholder = former_student()
    if keep_posts_anonymously:
        counts["posts_anonymised"] = posts.update(author=placeholder)
    else:
        # Keep the place of posts that others replied to, so no one's reply disappears.
        answered = Post.objects.filter(parent__author=student).exclude(author=student)
        counts["posts_emptied"] = Post.objects.filter(
            pk__in=list(answered.values_list("parent_id", flat=True))
        ).update(author=placeholder, body="", is_deleted=True, is_hidden=False)
        counts["posts_removed"] = Post.objects.filter(author=student).count()
        Post.objects.filter(author=student).delete()
    student.delete()
    return counts
