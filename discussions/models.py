"""Class discussions of a lesson's prompts: posts and one level of replies.

A post belongs to one class and one prompt; only that class's students and teachers ever see
it. Deleting is soft (a reply never disappears with its parent), and teachers' moderation
(hide, pin, mark as exemplary) is a flag on the post.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from classroom.models import SchoolClass

MAX_POST_LENGTH = 10_000


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
