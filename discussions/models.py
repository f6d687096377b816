"""Class discussions of a lesson's prompts: posts and one level of replies; a teacher's
feedback on each student's answers; when each student last read each thread.

A post belongs to one class and one prompt; only that class's students and teachers ever see
it. Deleting is soft (a reply never disappears with its parent), and teachers' moderation
(hide, pin, mark as exemplary) is a flag on the post. Feedback is private: the student it is
for sees it once returned, the class's teachers always, no one else ever.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, SchoolClass

MAX_POST_LENGTH = 10_000
MAX_FEEDBACK_LENGTH = 5_000


class PostQuerySet(models.QuerySet):
    def in_classes_visible_to(self, user):
        """Posts of the classes ``user`` teaches or attends: the only posts they may reach."""
        return self.filter(school_class__in=SchoolClass.objects.visible_to(user))


class Post(models.Model):
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name="class",
    )
    prompt = models.ForeignKey("lessons.Prompt", on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The post this reply belongs under; empty for a post.",
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The post or reply this one answers, quoted above it.",
    )
    body = models.TextField(max_length=MAX_POST_LENGTH, blank=True)
    # One key per rendered form: a double submit finds the post already made.
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField("deleted by author", default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField("hidden by a teacher", default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_pinned = models.BooleanField("pinned", default=False)
    is_exemplary = models.BooleanField("exemplary", default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["school_class", "prompt", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="one_post_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(is_deleted=True) | ~Q(body=""), name="live_post_has_text"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="post_is_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.author} on “{self.prompt}” ({self.school_class})"

    def get_absolute_url(self):
        thread = reverse(
            "discussions:thread",
            kwargs={"class_pk": self.school_class_id, "prompt_pk": self.prompt_id},
        )
        return f"{thread}#post-{self.pk}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def word_count(self) -> int:
        return len(self.body.split())


class FeedbackQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(returned_at__isnull=True)

    def returned(self):
        return self.filter(returned_at__isnull=False)

    def for_teacher(self, user):
        """Feedback on assignments of the classes ``user`` teaches (co-teachers included)."""
        return self.filter(assignment__in=Assignment.objects.for_teacher(user))

    def for_student(self, user):
        """What ``user`` may read as a student: their own returned feedback, in classes they
        still attend. Never a classmate's, never a draft."""
        if not user.is_authenticated:
            return self.none()
        return self.returned().filter(
            student=user, assignment__school_class__in=SchoolClass.objects.attended_by(user)
        )

    def unseen(self):
        """Returned (or changed since returned) and not yet shown to the student."""
        return self.returned().filter(seen_at__isnull=True)


class Feedback(models.Model):
    """A teacher's private comment to one student on their answer to one prompt of an
    assignment, with an optional mark on the assignment's scale.

    A draft (``returned_at`` empty) is the teachers' alone; once returned the student sees it
    beside their answer. ``seen_at`` is when the student last saw it as it stands: an edit after
    returning clears it, so the change shows as new.
    """

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="feedback")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_received"
    )
    prompt = models.ForeignKey("lessons.Prompt", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The teacher who last wrote it.",
    )
    comment = models.TextField(max_length=MAX_FEEDBACK_LENGTH, blank=True)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"criterion": "Argument", "level": "Secure"}, …] in the rubric's order (a list, since
    # PostgreSQL's jsonb keeps no key order).
    levels = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    returned_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last changed after being returned."
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "feedback"
        ordering = ["assignment", "student", "prompt"]
        indexes = [models.Index(fields=["student", "returned_at", "seen_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "prompt"], name="one_feedback_per_answer"
            ),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True) | Q(returned_at__isnull=False),
                name="feedback_seen_only_once_returned",
            ),
        ]

    def __str__(self):
        return f"Feedback to {self.student} on “{self.prompt}”"

    def get_absolute_url(self):
        return reverse(
            "discussions:feedback",
            kwargs={
                "pk": self.assignment_id,
                "student_id": self.student_id,
                "prompt_pk": self.prompt_id,
            },
        )

    def clean(self):
        errors = {}
        assignment = self.assignment
        scale = assignment.mark_scale
        if self.points is not None:
            if scale != Assignment.MarkScale.POINTS:
                errors["points"] = "This assignment is not marked in points."
            elif not 0 <= self.points <= (assignment.points_max or 0):
                errors["points"] = f"Give between 0 and {assignment.points_max} points."
        if self.levels:
            if scale != Assignment.MarkScale.RUBRIC:
                errors["levels"] = "This assignment has no rubric."
            else:
                allowed = {row["criterion"]: row["levels"] for row in assignment.rubric}
                for chosen in self.levels:
                    criterion = chosen.get("criterion") if isinstance(chosen, dict) else None
                    if criterion not in allowed or chosen.get("level") not in allowed[criterion]:
                        errors["levels"] = "Choose each criterion’s level from the rubric."
                        break
        if not self.comment.strip() and self.points is None and not self.levels:
            errors["comment"] = "Write a comment or give a mark."
        if errors:
            raise ValidationError(errors)

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None

    @property
    def is_new(self) -> bool:
        return self.is_returned and self.seen_at is None

    @property
    def has_mark(self) -> bool:
        return self.points is not None or bool(self.levels)

    @property
    def mark_parts(self) -> list[str]:
        """The mark as the student reads it: ["7 / 10"], or each criterion and its level."""
        if self.points is not None:
            if self.assignment.points_max is None:  # the scale changed after marking
                return [f"{self.points} points"]
            return [f"{self.points} / {self.assignment.points_max}"]
        return [f"{row['criterion']}: {row['level']}" for row in self.levels]


class ThreadVisit(models.Model):
    """When a person last opened one class's discussion of one prompt: replies to their posts
    made after it are new to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_visits"
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="+", verbose_name="class"
    )
    prompt = models.ForeignKey("lessons.Prompt", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school_class", "prompt"], name="one_visit_per_thread"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.school_class} on “{self.prompt}”"
