"""A student's data: everything the site holds about one person, as plain values to export."""

from __future__ import annotations

from accounts.models import User
from classroom.models import Enrolment, ReadingProgress
from discussions.models import Post


def student_data(student: User, *, classes=None) -> dict:
    """All of one student's data as plain values, for a JSON export.

    ``classes``: only what happened in these classes (a teacher's export holds their own
    classes, never another teacher's); ``None`` for everything (a school administrator).
    """
    enrolments = Enrolment.objects.filter(student=student).select_related("school_class")
    progress = ReadingProgress.objects.filter(student=student).select_related("lesson")
    posts = Post.objects.filter(author=student).select_related("school_class", "prompt__lesson")
    if classes is not None:
        enrolments = enrolments.filter(school_class__in=classes)
        posts = posts.filter(school_class__in=classes)
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
