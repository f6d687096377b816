"""Writing to a discussion: posting, replying, editing, deleting and moderating; teachers'
feedback on students' answers; recording that a student has read a thread.

Each function checks who may do it through the same queryset methods the views use, so a
crafted request gets the same answer as a page: nothing changes.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from classroom.models import Assignment, Enrolment, SchoolClass

from .models import MAX_POST_LENGTH, Feedback, Post, ThreadVisit
from .text import clean_text


def can_read(user, school_class: SchoolClass) -> bool:
    return SchoolClass.objects.visible_to(user).filter(pk=school_class.pk).exists()


def can_moderate(user, school_class: SchoolClass) -> bool:
    return SchoolClass.objects.taught_by(user).filter(pk=school_class.pk).exists()


def can_post(user, school_class: SchoolClass) -> bool:
    """Students of the class and its teachers may post, while the class is not archived."""
    return not school_class.is_archived and can_read(user, school_class)


def validate_body(body: str) -> str:
    text = clean_text(body).strip()
    if not text:
        raise ValidationError("Write something before posting.", code="empty")
    if len(text) > MAX_POST_LENGTH:
        raise ValidationError(
            f"Keep it to {MAX_POST_LENGTH:,} characters; this has {len(text):,}.", code="too_long"
        )
    return text


def post_create(
    *,
    author,
    school_class: SchoolClass,
    prompt,
    body: str,
    submission_key: uuid.UUID,
    reply_to: Post | None = None,
) -> tuple[Post, bool]:
    """Post (or reply) once per ``submission_key``; returns the post and whether it is new.

    A resubmitted form (double click, back and resend) finds the post it already made.
    """
    existing = Post.objects.filter(author=author, submission_key=submission_key).first()
    if existing:
        return existing, False
    if not can_post(author, school_class):
        raise PermissionDenied("You cannot post in this class.")
    if not prompt.is_published or prompt.lesson_id is None:
        raise PermissionDenied("This prompt is no longer open for discussion.")
    parent = None
    if reply_to is not None:
        if reply_to.school_class_id != school_class.pk or reply_to.prompt_id != prompt.pk:
            raise PermissionDenied("You can only reply within the same discussion.")
        # One level of replies: a reply to a reply goes under the same post, quoting whom.
        parent = reply_to.parent or reply_to
    post = Post(
        school_class=school_class,
        prompt=prompt,
        author=author,
        parent=parent,
        reply_to=reply_to,
        body=validate_body(body),
        submission_key=submission_key,
    )
    post.full_clean(exclude=["submission_key"], validate_constraints=False)
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        # The same form arrived twice at once; the other request saved it.
        return Post.objects.get(author=author, submission_key=submission_key), False
    return post, True


def post_edit(*, post: Post, editor, body: str) -> Post:
    if post.author_id != editor.pk:
        raise PermissionDenied("Only the author can edit a post.")
    if post.is_deleted:
        raise PermissionDenied("A deleted post cannot be edited.")
    if post.school_class.is_archived:
        raise PermissionDenied("This class is archived.")
    text = validate_body(body)
    if text != post.body:
        post.body = text
        post.edited_at = timezone.now()
        # A teacher pinned or praised the words they read, not whatever replaces them: the
        # marks go with an edit, and the teacher can give them again.
        post.is_pinned = post.is_exemplary = False
        post.save(update_fields=["body", "edited_at", "is_pinned", "is_exemplary"])
    return post


def post_delete(*, post: Post, user) -> Post:
    """Delete softly: the text goes, the place stays while replies hang from it."""
    if post.author_id != user.pk:
        raise PermissionDenied("Only the author can delete a post.")
    if post.school_class.is_archived:
        raise PermissionDenied("This class is archived, so its discussions are read-only.")
    if not post.is_deleted:
        post.is_deleted = True
        post.deleted_at = timezone.now()
        post.body = ""
        post.is_pinned = post.is_exemplary = False
        post.save(update_fields=["is_deleted", "deleted_at", "body", "is_pinned", "is_exemplary"])
    return post


MODERATION_ACTIONS = {
    "hide": {"is_hidden": True},
    "unhide": {"is_hidden": False},
    "pin": {"is_pinned": True},
    "unpin": {"is_pinned": False},
    "feature": {"is_exemplary": True},
    "unfeature": {"is_exemplary": False},
}


def post_moderate(*, post: Post, moderator, action: str) -> Post:
    if not can_moderate(moderator, post.school_class):
        raise PermissionDenied("Only the class's teachers can moderate its discussion.")
    if action not in MODERATION_ACTIONS:
        raise ValidationError(f"Unknown moderation action {action!r}.")
    changes = dict(MODERATION_ACTIONS[action])
    if action in ("pin", "unpin") and post.is_reply:
        raise ValidationError("Only posts, not replies, can be pinned.")
    if action == "hide":
        changes["hidden_by"] = moderator
    for field, value in changes.items():
        setattr(post, field, value)
    post.save(update_fields=list(changes))
    return post


# Feedback ---------------------------------------------------------------------------------------


def can_give_feedback(user, assignment: Assignment) -> bool:
    """The assignment's class's teachers (co-teachers too) and superusers; no one else."""
    return Assignment.objects.for_teacher(user).filter(pk=assignment.pk).exists()


def _check_feedback_target(*, teacher, assignment: Assignment, student, prompt) -> None:
    if not can_give_feedback(teacher, assignment):
        raise PermissionDenied("Only the class's teachers can give feedback on its work.")
    if assignment.school_class.is_archived:
        raise PermissionDenied("This class is archived, so its work is read-only.")
    if not Enrolment.objects.filter(
        school_class_id=assignment.school_class_id, student=student
    ).exists():
        raise PermissionDenied("That student is not in this class.")
    if prompt.lesson_id != assignment.lesson_id:
        raise PermissionDenied("That prompt is not part of this assignment.")


def _ordered_levels(assignment: Assignment, levels: dict[str, str]) -> list[dict]:
    """The chosen levels in the rubric's order; a criterion left unchosen is left out, one the
    rubric does not have is kept so that validation names it."""
    chosen = {criterion: level for criterion, level in levels.items() if level}
    rubric = assignment.rubric if isinstance(assignment.rubric, list) else []
    ordered = []
    for row in rubric:
        criterion = row.get("criterion") if isinstance(row, dict) else None
        if criterion in chosen:
            ordered.append({"criterion": criterion, "level": chosen.pop(criterion)})
    ordered += [{"criterion": criterion, "level": level} for criterion, level in chosen.items()]
    return ordered


@transaction.atomic
def feedback_save(
    *,
    teacher,
    assignment: Assignment,
    student,
    prompt,
    comment: str,
    points: int | None = None,
    levels: dict[str, str] | None = None,
) -> Feedback:
    """Write or change the feedback on ``student``'s answer to ``prompt``.

    New feedback is a draft until returned. Changing returned feedback keeps it returned,
    records when it was revised and shows it to the student as new again. Saving the same
    thing twice (a double submit) changes nothing.
    """
    _check_feedback_target(teacher=teacher, assignment=assignment, student=student, prompt=prompt)
    comment = clean_text(comment or "").strip()
    ordered = _ordered_levels(assignment, levels or {})
    feedback = (
        Feedback.objects.select_for_update()
        .filter(assignment=assignment, student=student, prompt=prompt)
        .first()
    )
    if feedback is None:
        feedback = Feedback(assignment=assignment, student=student, prompt=prompt)
    elif (feedback.comment, feedback.points, feedback.levels) == (comment, points, ordered):
        return feedback
    now = timezone.now()
    feedback.comment, feedback.points, feedback.levels = comment, points, ordered
    feedback.author = teacher
    feedback.updated_at = now
    if feedback.is_returned:
        feedback.revised_at = now
        feedback.seen_at = None
    # The related objects come from scoped querysets already; the database guards uniqueness.
    feedback.full_clean(
        exclude=["assignment", "student", "prompt", "author"], validate_constraints=False
    )
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        if feedback.pk is not None:
            raise
        # The same first save arrived twice at once; the other request made it: update that.
        return feedback_save(
            teacher=teacher,
            assignment=assignment,
            student=student,
            prompt=prompt,
            comment=comment,
            points=points,
            levels=levels,
        )
    return feedback


@transaction.atomic
def feedback_return(*, teacher, feedback: Feedback) -> Feedback:
    """Show a draft to its student. Returning it again (a double submit) changes nothing."""
    if not can_give_feedback(teacher, feedback.assignment):
        raise PermissionDenied("Only the class's teachers can return its feedback.")
    Feedback.objects.filter(pk=feedback.pk, returned_at__isnull=True).update(
        returned_at=timezone.now()
    )
    feedback.refresh_from_db(fields=["returned_at", "seen_at"])
    return feedback


@transaction.atomic
def feedback_return_all(*, teacher, assignment: Assignment) -> int:
    """Return every draft of the assignment at once; returns how many were returned."""
    if not can_give_feedback(teacher, assignment):
        raise PermissionDenied("Only the class's teachers can return its feedback.")
    return (
        Feedback.objects.filter(assignment=assignment).drafts().update(returned_at=timezone.now())
    )


def feedback_mark_seen(*, student, school_class: SchoolClass, prompt) -> int:
    """The student has been shown their returned feedback in this thread: it is no longer new."""
    return (
        Feedback.objects.filter(
            student=student, assignment__school_class=school_class, prompt=prompt
        )
        .unseen()
        .update(seen_at=timezone.now())
    )


def thread_visit_record(*, user, school_class: SchoolClass, prompt) -> None:
    """Remember when ``user`` last read this thread (one upsert), for their “new replies”."""
    ThreadVisit.objects.bulk_create(
        [ThreadVisit(user=user, school_class=school_class, prompt=prompt, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "school_class", "prompt"],
        update_fields=["seen_at"],
    )
