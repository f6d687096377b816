"""A student's data: everything the site holds about one person, to export or to erase."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import User

FORMER_STUDENT_USERNAME = "former-student"


def student_data(student: User) -> dict:
    """All of one student's data as plain values, for a JSON export."""
    from classroom.models import Enrolment, ReadingProgress
    from discussions.models import Post

    enrolments = Enrolment.objects.filter(student=student).select_related("school_class")
    progress = ReadingProgress.objects.filter(student=student).select_related("lesson")
    posts = Post.objects.filter(author=student).select_related("school_class", "prompt__lesson")
    return {
        "account": {
            "username": student.username,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "email": student.email,
            "role": student.role,
            "is_active": student.is_active,
            "date_joined": student.date_joined,
            "last_login": student.last_login,
        },
        "classes": [
            {
                "class": str(enrolment.school_class),
                "joined_at": enrolment.joined_at,
                "joined_by": enrolment.get_via_display(),
            }
            for enrolment in enrolments
        ],
        "reading_progress": [
            {"lesson": row.lesson.title, "opened_at": row.opened_at, "finished_at": row.finished_at}
            for row in progress
        ],
        "posts": [
            {
                "id": post.pk,
                "class": str(post.school_class),
                "lesson": post.prompt.lesson.title,
                "prompt": post.prompt.question,
                "reply_to_post": post.reply_to_id,
                "text": post.body,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "deleted_by_author": post.is_deleted,
                "hidden_by_teacher": post.is_hidden,
            }
            for post in posts
        ],
    }


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
    from discussions.models import Post

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
