"""Writing to a discussion: posting, replying, editing, deleting and moderating.

Each function checks who may do it through the same queryset methods the views use, so a
crafted request gets the same answer as a page: nothing changes.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from classroom.models import SchoolClass

from .models import MAX_POST_LENGTH, Post
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
