"""A student's data: everything the site holds about one person, as plain values to export."""

from __future__ import annotations

from accounts.models import User
from annotations.models import Annotation, Reply
from classroom.models import Enrolment, ReadingProgress
from discussions.models import Feedback, Post


def student_data(student: User, *, classes=None) -> dict:
    """All of one student's data as plain values, for a JSON export.

    ``classes``: only what happened in these classes (a teacher's export holds their own
    classes, never another teacher's); ``None`` for everything (a school administrator).
    """
    enrolments = Enrolment.objects.filter(student=student).select_related("school_class")
    progress = ReadingProgress.objects.filter(student=student).select_related("lesson")
    posts = Post.objects.filter(author=student).select_related("school_class", "prompt__lesson")
    # Feedback once returned: a draft is the teacher's unfinished work until then.
    feedback = (
        Feedback.objects.filter(student=student)
        .returned()
        .select_related("assignment__school_class", "assignment__lesson", "prompt", "author")
        .order_by("returned_at", "pk")
    )
    annotations = Annotation.objects.filter(author=student).select_related("school_class", "lesson")
    replies = Reply.objects.filter(author=student).select_related("annotation__school_class")
    if classes is not None:
        # A private annotation is its author's alone: never in a teacher's export.
        annotations = annotations.filter(school_class__in=classes, visibility="class")
        replies = replies.filter(annotation__school_class__in=classes)
        enrolments = enrolments.filter(school_class__in=classes)
        posts = posts.filter(school_class__in=classes)
        feedback = feedback.filter(assignment__school_class__in=classes)
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
        "annotations": [
            {
                "id": item.pk,
                "class": str(item.school_class),
                "lesson": item.lesson.title,
                "paragraph": item.paragraph,
                "kind": item.kind_label,
                "visibility": item.get_visibility_display(),
                "quote": item.exact,
                "selectors": item.as_selectors(),
                "text": item.body,
                "created_at": item.created_at,
                "deleted_by_author": item.is_deleted,
                "hidden_by_teacher": item.is_hidden,
            }
            for item in annotations
        ],
        "annotation_replies": [
            {
                "id": reply.pk,
                "annotation": reply.annotation_id,
                "class": str(reply.annotation.school_class),
                "text": reply.body,
                "created_at": reply.created_at,
            }
            for reply in replies
        ],
        "feedback": [
            {
                "class": str(item.assignment.school_class),
                "lesson": item.assignment.lesson.title,
                "prompt": item.prompt.question,
                "teacher": item.author.display_name if item.author else "",
                "comment": item.comment,
                "mark": " · ".join(item.mark_parts),
                "points": item.points,
                "rubric_levels": item.levels,
                "returned_at": item.returned_at,
                "updated_at": item.revised_at,
                "seen_at": item.seen_at,
            }
            for item in feedback
        ],
    }
