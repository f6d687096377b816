"""The lesson machinery's models. Rows are written only by the loader (``lessons.loader``).

Every editorial item has a stable ``key`` from its content file, unique within its lesson, so
the loader can update a row in place when its file changes and unpublish it (never delete it)
when it disappears, keeping whatever students wrote that points at it. Glossary terms belong to
the unit rather than to one lesson, so their keys are unique across the unit.
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
    big_question = models.TextField(blank=True)
    objectives = models.JSONField(default=list, blank=True, help_text="A list of sentences.")
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

    class Tier(models.TextChoices):
        """Essential notes show by default; extension notes when a reader asks for all."""

        ESSENTIAL = "essential", "Essential"
        EXTENSION = "extension", "Extension"

    kind = models.CharField(max_length=16, choices=Kind)
    tier = models.CharField(max_length=16, choices=Tier, default=Tier.ESSENTIAL)
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


class SourceCard(LessonItem):
    """What a source card shows: who, when, what kind, the excerpt and its citation (``origin``),
    and the three questions a historian asks of it."""

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
        abstract = True

    def __str__(self):
        return self.title


class Source(SourceCard):
    """A document or statement the section cites or quotes (``lesson.toml``)."""

    class Meta(SourceCard.Meta):
        pass


class Voice(SourceCard):
    """A source from someone who lived it rather than ruled it (``study.toml``).

    A model of its own rather than a ``Source`` with a flag: voices come from another file with
    keys of their own (a voice and a source may share a key), the loader upserts and unpublishes
    each file's items by key per model, and only a voice has a close-reading question.
    """

    close_reading = models.TextField()

    class Meta(SourceCard.Meta):
        pass


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


class Interpretation(LessonItem):
    """A named historian's view in a debate: a summary in our words and a cited quotation."""

    debate = models.CharField(max_length=300, help_text="Cards of one debate show side by side.")
    historian = models.CharField(max_length=200)
    school = models.CharField(max_length=200)
    summary = models.TextField()
    quotation = models.TextField()
    citation = models.TextField(help_text="Author, title, year, page.")
    question = models.TextField()
    paragraph = models.PositiveSmallIntegerField()

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return f"{self.historian}: {self.debate}"


class Dataset(LessonItem):
    """A small table of published figures, drawn as a chart; the table is always shown too."""

    class Chart(models.TextChoices):
        BAR = "bar", "Bar chart"
        LINE = "line", "Line chart"

    title = models.CharField(max_length=300)
    paragraph = models.PositiveSmallIntegerField()
    citation = models.TextField()
    note = models.TextField(blank=True)
    chart = models.CharField(max_length=8, choices=Chart)
    columns = models.JSONField(help_text="Column headings; the first labels the rows.")
    rows = models.JSONField(help_text="Each row: its label, then one number per column.")
    questions = models.JSONField(help_text="One or two questions about the figures.")

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return self.title

    @property
    def series(self) -> list[tuple[str, list[int | float]]]:
        """Each column of figures with its heading, in column order."""
        return [
            (column, [row[index] for row in self.rows])
            for index, column in enumerate(self.columns[1:], start=1)
        ]


class CheckQuestion(LessonItem):
    """A "check your understanding" question: one correct choice of three or four, and feedback
    on every choice saying why. Choices are numbered from 0 in the order the file gives them.

    The question is not rendered with the cached reading: answering is per student.
    """

    question = models.TextField()
    paragraph = models.PositiveSmallIntegerField()
    choices = models.JSONField(help_text="[{text, correct, feedback}, …] in the order shown.")

    class Meta(LessonItem.Meta):
        verbose_name = "check question"

    def __str__(self):
        return self.question[:80]

    @property
    def choice_texts(self) -> list[str]:
        """What a student chooses from, without telling which is right."""
        return [choice["text"] for choice in self.choices]

    @property
    def correct_index(self) -> int:
        return next(index for index, choice in enumerate(self.choices) if choice["correct"])

    def is_correct(self, index: int) -> bool:
        """Whether choice ``index`` is the right one; an index out of range raises IndexError."""
        return self._choice(index)["correct"]

    def feedback(self, index: int) -> str:
        """Why choice ``index`` is right or wrong (a small Markdown subset, like notes)."""
        return self._choice(index)["feedback"]

    def _choice(self, index: int) -> dict:
        # Refuse negative indexes too: a list would quietly count them from the end.
        if not 0 <= index < len(self.choices):
            raise IndexError(f"{self.key} has no choice {index}")
        return self.choices[index]


class ExamQuestion(LessonItem):
    """An exam-style question; its mark scheme and model answer are for teachers only."""

    question = models.TextField()
    marks = models.PositiveSmallIntegerField()
    success_criteria = models.JSONField(help_text="What a good answer does, for students.")
    mark_scheme = models.TextField()
    model_answer = models.TextField()

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return self.question[:80]


class FurtherReading(LessonItem):
    """A book or article to read next. Its file gives no key: the loader keys it on its position
    ("1", "2", …), so editing an entry updates it in place."""

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    publisher = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta(LessonItem.Meta):
        verbose_name = "further reading"
        verbose_name_plural = "further reading"

    def __str__(self):
        return f"{self.author}, {self.title} ({self.year})"

    @property
    def is_essay_main_source(self) -> bool:
        """Stephen J. Lee's *Stalin and the Soviet Union* (1999), which the essay draws on."""
        return self.year == 1999 and "Lee" in self.author


class Prompt(LessonItem):
    """A discussion prompt; discussions will point at it, so it is never deleted."""

    question = models.TextField()
    guidance = models.TextField(blank=True)

    class Meta(LessonItem.Meta):
        pass

    def __str__(self):
        return self.question[:80]


class GlossaryTerm(models.Model):
    """A term of the unit's glossary (``lessons/glossary.toml``), linked from the readings.

    ``lessons`` holds slugs, as the file does, not a many-to-many: the glossary page resolves
    them against the cached catalogue of lessons, and a retired lesson simply drops out.
    """

    key = models.SlugField(max_length=100, unique=True)
    term = models.CharField(max_length=200)
    definition = models.TextField()
    match = models.JSONField(help_text="Lower-case words in the readings that link here.")
    lessons = models.JSONField(default=list, blank=True, help_text="Slugs of lessons using it.")
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    objects = LessonItemQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.term
