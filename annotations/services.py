"""Writing annotations: creating (once per submission), replying, deleting, moderating,
re-anchoring after the reading changed, and a teacher's re-attaching or dismissing.

Each function checks who may do it through the same queryset methods the views use, so a
crafted request gets the same answer as a page: nothing changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from classroom.models import SchoolClass

# One rule for who moderates a class, and what moderating does, for posts and annotations.
from discussions.services import MODERATION_ACTIONS, can_moderate
from discussions.text import clean_text
from lessons.models import Lesson, Paragraph

from .anchoring import MAX_QUOTE_LENGTH, anchor, context_of, find_quote, sentences
from .kinds import CONNECTION, kind_choices
from .models import MAX_NOTE_LENGTH, Annotation, Pseudonym, Reply


def can_annotate(user, school_class: SchoolClass) -> bool:
    """The class's students and teachers, while the class is not archived."""
    return (
        not school_class.is_archived
        and SchoolClass.objects.visible_to(user).filter(pk=school_class.pk).exists()
    )


def validate_note(text: str, *, required: bool = True) -> str:
    text = clean_text(text or "").strip()
    if required and not text:
        raise ValidationError("Write a note before saving.", code="empty_note")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(
            f"Keep it to {MAX_NOTE_LENGTH:,} characters; this has {len(text):,}.",
            code="note_too_long",
        )
    return text


@dataclass(frozen=True)
class Target:
    """Where the chosen words are: a paragraph and the W3C selectors that find them."""

    paragraph: int
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


def paragraph_texts(lesson) -> dict[int, str]:
    return dict(
        Paragraph.objects.filter(lesson=lesson, is_published=True).values_list("number", "text")
    )


def resolve_target(
    texts: dict[int, str],
    *,
    paragraph: int | None,
    exact: str = "",
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    sentence: int | None = None,
    words: str = "",
) -> Target:
    """Check the selectors a browser (or the sentence chooser) sent against the paragraph.

    The position wins when the words are there; else the quote is searched with its context
    (the page may be older than the reading). A chosen sentence, optionally narrowed to some
    of its ``words``, stands for a selection made without a mouse. Anything that does not
    describe words of the paragraph is refused with a message saying why; the stored prefix
    and suffix are always the server's own.
    """
    if paragraph is None or paragraph not in texts:
        raise ValidationError("Choose a paragraph of this reading.", code="no_paragraph")
    text = texts[paragraph]
    if sentence is not None:
        spans = sentences(text)
        if not 0 <= sentence < len(spans):
            raise ValidationError(f"¶{paragraph} has no such sentence.", code="no_sentence")
        begin, finish = spans[sentence]
        words = clean_text(words).strip()
        if words:
            found = find_quote(text[begin:finish], words)
            if found is None:
                raise ValidationError(
                    "Those words are not in the sentence you chose: copy them exactly, or leave "
                    "the box empty to annotate the whole sentence.",
                    code="not_in_sentence",
                )
            begin, finish = begin + found[0], begin + found[1]
        prefix, suffix = context_of(text, begin, finish)
        return Target(paragraph, text[begin:finish], prefix, suffix, begin, finish)
    if not exact or not exact.strip():
        raise ValidationError(
            "Select some words of the reading (or choose a sentence) first.", code="empty"
        )
    if len(exact) > MAX_QUOTE_LENGTH or len(exact) > len(text):
        raise ValidationError(
            f"That selection is longer than ¶{paragraph}: select words within one paragraph.",
            code="too_long",
        )
    if start is not None and end is not None:
        if not 0 <= start < end <= len(text):
            raise ValidationError(
                f"That selection is outside ¶{paragraph}: select the words again.",
                code="out_of_range",
            )
        if text[start:end] == exact:
            prefix, suffix = context_of(text, start, end)
            return Target(paragraph, exact, prefix, suffix, start, end)
    found = find_quote(text, exact, prefix=prefix or "", suffix=suffix or "", near=start or 0)
    if found is None:
        raise ValidationError(
            f"Those words are not in ¶{paragraph}: select them in the reading again.",
            code="not_found",
        )
    prefix, suffix = context_of(text, *found)
    return Target(paragraph, exact, prefix, suffix, *found)


def annotation_create(
    *,
    author,
    school_class: SchoolClass,
    lesson: Lesson,
    target: Target,
    kind: str,
    body: str,
    visibility: str = Annotation.Visibility.CLASS,
    linked_paragraph: Paragraph | None = None,
    submission_key: uuid.UUID,
) -> tuple[Annotation, bool]:
    """Annotate once per ``submission_key``; returns the annotation and whether it is new."""
    existing = Annotation.objects.filter(author=author, submission_key=submission_key).first()
    if existing:
        return existing, False
    if not can_annotate(author, school_class):
        raise PermissionDenied("You cannot annotate in this class.")
    if not lesson.is_published:
        raise PermissionDenied("This lesson is not published.")
    if kind not in dict(kind_choices()):
        raise ValidationError("Choose a kind of annotation.", code="kind")
    if linked_paragraph is not None and (
        kind != CONNECTION or linked_paragraph.lesson_id == lesson.pk
    ):
        raise ValidationError(
            "Only a connection links a paragraph, and of another lesson.", code="link"
        )
    annotation = Annotation(
        school_class=school_class,
        lesson=lesson,
        author=author,
        visibility=visibility,
        kind=kind,
        body=validate_note(body),
        paragraph=target.paragraph,
        exact=target.exact,
        prefix=target.prefix,
        suffix=target.suffix,
        start=target.start,
        end=target.end,
        linked_paragraph=linked_paragraph,
        submission_key=submission_key,
    )
    annotation.full_clean(exclude=["submission_key"], validate_constraints=False)
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError:
        # The same form arrived twice at once; the other request saved it.
        return Annotation.objects.get(author=author, submission_key=submission_key), False
    if annotation.visibility == Annotation.Visibility.CLASS and author.is_student:
        pseudonym_for(school_class, author)
    return annotation, True


def reply_create(
    *, author, annotation: Annotation, body: str, submission_key
) -> tuple[Reply, bool]:
    existing = Reply.objects.filter(author=author, submission_key=submission_key).first()
    if existing:
        return existing, False
    if annotation.is_private or annotation.is_deleted:
        raise PermissionDenied("Only a class annotation can have replies.")
    if not can_annotate(author, annotation.school_class):
        raise PermissionDenied("You cannot reply in this class.")
    reply = Reply(
        annotation=annotation,
        author=author,
        body=validate_note(body),
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        return Reply.objects.get(author=author, submission_key=submission_key), False
    if author.is_student:
        pseudonym_for(annotation.school_class, author)
    return reply, True


def annotation_delete(*, annotation: Annotation, user) -> Annotation:
    """Delete softly: the note goes; replies stay under “deleted by its author”."""
    if annotation.author_id != user.pk:
        raise PermissionDenied("Only the author can delete an annotation.")
    if not annotation.is_deleted:
        annotation.is_deleted = True
        annotation.deleted_at = timezone.now()
        annotation.body = ""
        annotation.is_pinned = annotation.is_exemplary = False
        annotation.save(
            update_fields=["is_deleted", "deleted_at", "body", "is_pinned", "is_exemplary"]
        )
    return annotation


def annotation_moderate(*, annotation: Annotation, moderator, action: str) -> Annotation:
    if annotation.is_private or not can_moderate(moderator, annotation.school_class):
        raise PermissionDenied("Only the class's teachers can moderate its annotations.")
    if action not in MODERATION_ACTIONS:
        raise ValidationError(f"Unknown moderation action {action!r}.")
    changes = dict(MODERATION_ACTIONS[action])
    if action == "hide":
        changes["hidden_by"] = moderator
    for field, value in changes.items():
        setattr(annotation, field, value)
    annotation.save(update_fields=list(changes))
    return annotation


def pseudonym_for(school_class: SchoolClass, user) -> int:
    """The student's stable reader number in the class, given once and kept."""
    found = Pseudonym.objects.filter(school_class=school_class, user=user).first()
    if found:
        return found.number
    for _attempt in range(5):
        number = (
            Pseudonym.objects.filter(school_class=school_class).aggregate(top=Max("number"))["top"]
            or 0
        ) + 1
        try:
            with transaction.atomic():
                return Pseudonym.objects.create(
                    school_class=school_class, user=user, number=number
                ).number
        except IntegrityError:  # someone took the number (or this user was given one) at once
            found = Pseudonym.objects.filter(school_class=school_class, user=user).first()
            if found:
                return found.number
    raise RuntimeError("Could not give a reader number.")


# The reading changed ----------------------------------------------------------------------------


def lesson_reanchor(lesson: Lesson) -> dict[str, int]:
    """Follow every annotation of ``lesson`` to where its words are now, after a content sync.

    Words found again move (paragraph, position and context updated); words not found make
    the annotation orphaned, never deleted; one found again after being orphaned is restored.
    Returns counts: ``kept``, ``moved``, ``orphaned``.
    """
    texts = paragraph_texts(lesson)
    counts = {"kept": 0, "moved": 0, "orphaned": 0}
    for annotation in Annotation.objects.filter(lesson=lesson, orphan_dismissed_at=None):
        place = anchor(
            texts,
            paragraph=annotation.paragraph,
            exact=annotation.exact,
            prefix=annotation.prefix,
            suffix=annotation.suffix,
            start=annotation.start,
            end=annotation.end,
        )
        if place is None:
            counts["orphaned"] += 1
            if not annotation.is_orphaned:
                annotation.is_orphaned = True
                annotation.save(update_fields=["is_orphaned"])
            continue
        if place.moved or annotation.paragraph != place.paragraph or annotation.is_orphaned:
            counts["moved"] += 1
            text = texts[place.paragraph]
            annotation.paragraph, annotation.start, annotation.end = (
                place.paragraph,
                place.start,
                place.end,
            )
            annotation.prefix, annotation.suffix = context_of(text, place.start, place.end)
            annotation.is_orphaned = False
            annotation.save(
                update_fields=["paragraph", "start", "end", "prefix", "suffix", "is_orphaned"]
            )
        else:
            counts["kept"] += 1
    return counts


def annotation_reattach(*, annotation: Annotation, teacher, target: Target) -> Annotation:
    """A teacher places an orphaned annotation on new words of the reading."""
    if not can_moderate(teacher, annotation.school_class) or annotation.is_private:
        raise PermissionDenied("Only the class's teachers can re-attach its annotations.")
    annotation.paragraph = target.paragraph
    annotation.exact, annotation.prefix, annotation.suffix = (
        target.exact,
        target.prefix,
        target.suffix,
    )
    annotation.start, annotation.end = target.start, target.end
    annotation.is_orphaned = False
    annotation.orphan_dismissed_at = None
    annotation.save()
    return annotation


def orphan_dismiss(*, annotation: Annotation, teacher) -> Annotation:
    """Keep the annotation (its author still has it) but take it off the teacher's list."""
    if not can_moderate(teacher, annotation.school_class) or annotation.is_private:
        raise PermissionDenied("Only the class's teachers can dismiss its annotations.")
    annotation.orphan_dismissed_at = timezone.now()
    annotation.save(update_fields=["orphan_dismissed_at"])
    return annotation
