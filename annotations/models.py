"""Students' and teachers' annotations of a reading: highlights with a note, kept per class.

An annotation is a W3C Web Annotation in a few columns: its target is a paragraph of a lesson,
described by a TextQuoteSelector (``exact``, ``prefix``, ``suffix``) and a TextPositionSelector
(``start``, ``end``, offsets within the paragraph's text). Its body is the note, its motivation
the ``kind``. Class annotations are seen by the class and its teachers; private ones by their
author alone, never by teachers. Nothing is ever lost when the reading changes: words that
cannot be found again make the annotation ``is_orphaned``, never deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from classroom.models import SchoolClass

from .anchoring import MAX_QUOTE_LENGTH
from .kinds import kind_choices, kind_label

MAX_NOTE_LENGTH = 2_000
MAX_CONTEXT_LENGTH = 64


class AnnotationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(is_deleted=False)

    def visible_to(self, user):
        """Annotations ``user`` may reach at all: their own, and the class annotations of the
        classes they teach or attend. Hidden ones and post-first are decided on top of this
        (``selectors``), as for posts."""
        if not user.is_authenticated:
            return self.none()
        classes = SchoolClass.objects.visible_to(user)
        return self.filter(
            Q(author=user) | Q(visibility=Annotation.Visibility.CLASS, school_class__in=classes)
        )

    def moderated_by(self, user):
        """Class annotations of the classes ``user`` teaches (private ones are never theirs)."""
        return self.filter(
            visibility=Annotation.Visibility.CLASS,
            school_class__in=SchoolClass.objects.taught_by(user),
        )


class Annotation(models.Model):
    class Visibility(models.TextChoices):
        CLASS = "class", "My class"
        PRIVATE = "private", "Only me"

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="annotations", verbose_name="class"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.PROTECT, related_name="student_annotations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.CLASS
    )
    kind = models.CharField(max_length=30, choices=kind_choices)
    body = models.TextField("note", max_length=MAX_NOTE_LENGTH, blank=True)
    # The target: a paragraph of the lesson and the words chosen in it.
    paragraph = models.PositiveSmallIntegerField(help_text="The paragraph's number (¶).")
    exact = models.TextField("quote", max_length=MAX_QUOTE_LENGTH)
    prefix = models.CharField(max_length=MAX_CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=MAX_CONTEXT_LENGTH, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    linked_paragraph = models.ForeignKey(
        "lessons.Paragraph",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a connection: the paragraph of another lesson it links.",
    )
    # When the words could not be found after the reading changed; kept until a teacher
    # re-attaches or dismisses it (the author still sees it under its paragraph).
    is_orphaned = models.BooleanField("text changed", default=False)
    orphan_dismissed_at = models.DateTimeField(null=True, blank=True)
    # One key per rendered form: a double submit finds the annotation already made.
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_deleted = models.BooleanField("deleted by author", default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField("hidden by a teacher", default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_pinned = models.BooleanField("pinned", default=False)
    is_exemplary = models.BooleanField("exemplary", default=False)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["lesson", "paragraph", "start", "created_at", "pk"]
        indexes = [models.Index(fields=["school_class", "lesson", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="one_annotation_per_submission"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="quote_not_empty"),
            models.CheckConstraint(
                condition=Q(visibility__in=["class", "private"]), name="annotation_visibility"
            ),
        ]

    def __str__(self):
        return f"{self.author} on {self.lesson} ¶{self.paragraph}: “{self.exact[:40]}”"

    def get_absolute_url(self):
        return reverse("annotations:detail", kwargs={"pk": self.pk})

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    def as_selectors(self) -> list[dict]:
        """The target's selectors as the W3C Web Annotation model spells them."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


class ReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(annotation__in=Annotation.objects.visible_to(user))


class Reply(models.Model):
    """One level of replies under a class annotation."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_replies"
    )
    body = models.TextField(max_length=MAX_NOTE_LENGTH, blank=True)
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    is_deleted = models.BooleanField("deleted by author", default=False)
    is_hidden = models.BooleanField("hidden by a teacher", default=False)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="one_reply_per_submission"
            ),
        ]

    def __str__(self):
        return f"{self.author} replying to #{self.annotation_id}"


class ClassSettings(models.Model):
    """A class's choices for annotations, kept here so classroom knows nothing of them."""

    school_class = models.OneToOneField(
        SchoolClass, on_delete=models.CASCADE, related_name="annotation_settings"
    )
    pseudonyms = models.BooleanField(
        "pseudonyms for classmates",
        default=False,
        help_text="Students see each other as “Reader 1”, “Reader 2”…; teachers see names.",
    )

    class Meta:
        verbose_name = "annotation settings"
        verbose_name_plural = "annotation settings"

    def __str__(self):
        return f"Annotation settings of {self.school_class}"


class Pseudonym(models.Model):
    """A student's stable number in a class (“Reader 7”), given at their first annotation."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "user"], name="one_pseudonym_each"),
            models.UniqueConstraint(fields=["school_class", "number"], name="unique_reader_number"),
        ]

    def __str__(self):
        return f"Reader {self.number}"
