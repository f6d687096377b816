"""The lesson machinery's models. Rows are written only by the loader (``lessons.loader``).

Every editorial item has a stable ``key`` from its content file, unique within its lesson, so
the loader can update a row in place when its file changes and unpublish it (never delete it)
when it disappears, keeping whatever students wrote that points at it.
"""

from django.db import models
from django.urls import reverse

from .content import format_date


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Lesson(models.Model):
    app_label = models.CharField(max_length=100, unique=True, help_text="The section's app.")
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64, help_text="Changes whenever the files do.")
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:lesson_detail", kwargs={"slug": self.slug})


class Paragraph(models.Model):
    """One paragraph of the reading, word for word as in the essay."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="unique_paragraph_number")
        ]

    def __str__(self):
        return f"{self.lesson} ¶{self.number}"


class LessonItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class LessonItem(models.Model):
    """What every editorial item shares: its lesson, stable key, position in the file."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="%(class)ss")
    key = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    objects = LessonItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "key"], name="unique_%(class)s_key"),
        ]


class AnchoredItem(LessonItem):
    """An item tied to an exact quote in one paragraph of the reading."""

    paragraph = models.PositiveSmallIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()

    class Meta(LessonItem.Meta):
        abstract = True


class Annotation(AnchoredItem):
    class Kind(models.TextChoices):
        CONTEXT = "context", "Context"
        DEFINITION = "definition", "Definition"
        CORRECTION = "correction", "Correction"

    kind = models.CharField(max_length=16, choices=Kind)
    note = models.TextField()

    class Meta(AnchoredItem.Meta):
        pass

    def __str__(self):
        return f"{self.get_kind_display()}: “{self.quote}”"


class Term(AnchoredItem):
    term = models.CharField(max_length=200)
    definition = models.TextField()

    class Meta(AnchoredItem.Meta):
        pass

    def __str__(self):
        return self.term


class Source(LessonItem):
    """A document or statement the section cites or quotes, as a source card."""

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=300)
    date_label = models.CharField(max_length=100)
    kind = models.CharField(max_length=300)
    origin = models.TextField()
    excerpt = models.TextField()
    headnote = models.TextField()
    paragraph = models.PositiveSmallIntegerField()
    sourcing = models.TextField()
    contextualisation = models.TextField()
    corroboration = models.TextField()

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return self.title


class Person(LessonItem):
    name = models.CharField(max_length=200)
    life = models.CharField(max_length=100)
    role = models.TextField()

    class Meta(LessonItem.Meta):
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class Event(LessonItem):
    date = models.CharField(max_length=10, help_text="YYYY, YYYY-MM or YYYY-MM-DD.")
    title = models.TextField()
    paragraph = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta(LessonItem.Meta):
        ordering = ["lesson", "date", "position"]

    def __str__(self):
        return f"{self.date}: {self.title}"

    @property
    def date_display(self) -> str:
        return format_date(self.date)


class Prompt(LessonItem):
    """A discussion prompt; discussions will point at it, so it is never deleted."""

    question = models.TextField()
    guidance = models.TextField(blank=True)

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return self.question[:80]
