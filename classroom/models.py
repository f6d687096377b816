"""Classes, their rosters and assignments, and students' reading progress.

Who may see what is decided here, in queryset methods (``visible_to``, ``taught_by``), which the
site's views and the admin both use.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What the student typed, as stored: upper case, without spaces or hyphens."""
    return "".join(char for char in text.upper() if char.isalnum())


def default_school_year() -> str:
    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}–{str(start + 1)[-2:]}"


class SchoolClassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_archived=False)

    def taught_by(self, user):
        """Classes ``user`` teaches; a superuser teaches (sees) them all.

        The role is checked too, so a teacher who is made a student or loses staff status loses
        every class at once, whatever the rows say.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if not user.can_teach:
            return self.none()
        return self.filter(teachers=user)

    def attended_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(students=user)

    def with_student_count(self):
        # Order explicitly: Meta.ordering does not apply to a GROUP BY query.
        return self.annotate(student_count=models.Count("enrolments", distinct=True)).order_by(
            *self.model._meta.ordering
        )

    def visible_to(self, user):
        """Classes ``user`` may see on the site: the ones they teach or attend."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        # A user is either a student (enrolled) or a teacher (teaching), never both: the
        # enrolment and teachers fields only accept their own role. One simple join each.
        if user.is_student:
            return self.filter(students=user)
        return self.taught_by(user)


class SchoolClass(models.Model):
    name = models.CharField(max_length=100, help_text="For example “Year 11 History”.")
    section = models.CharField(
        "period or section", max_length=50, blank=True, help_text="For example “Period 3” or “11B”."
    )
    school_year = models.CharField(max_length=20, default=default_school_year)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="classes_taught",
        limit_choices_to={"role": "teacher"},
        blank=True,
        help_text="Everyone who teaches this class; co-teachers see and manage it too.",
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrolment",
        related_name="classes_attended",
        blank=True,
    )
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    join_code_enabled = models.BooleanField("students may join with the code", default=True)
    is_archived = models.BooleanField(
        "archived", default=False, help_text="Archived classes are read-only and cannot be joined."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["is_archived", "name", "section"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="class_has_a_name"),
        ]

    def __str__(self):
        label = f"{self.name} ({self.section})" if self.section else self.name
        return f"{label}, {self.school_year}"

    def get_absolute_url(self):
        return reverse("pages:class_detail", kwargs={"pk": self.pk})

    @property
    def join_code_display(self) -> str:
        half = JOIN_CODE_LENGTH // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"


class Enrolment(models.Model):
    class Via(models.TextChoices):
        ADMIN = "admin", "Added by a teacher"
        ROSTER = "roster", "Roster import"
        CODE = "code", "Join code"

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="enrolments"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        limit_choices_to={"role": "student"},
    )
    via = models.CharField(max_length=10, choices=Via, default=Via.ADMIN)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["student__last_name", "student__first_name", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "student"], name="student_enrolled_once_per_class"
            ),
        ]

    def __str__(self):
        return f"{self.student} in {self.school_class}"

    def clean(self):
        if self.student_id and not self.student.is_student:
            raise ValidationError({"student": "Only student accounts can be enrolled in a class."})


class JoinAttempt(models.Model):
    """One try at a join code, kept to throttle guessing (shared by every app server)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} at {self.created_at:%Y-%m-%d %H:%M}"


class AssignmentQuerySet(models.QuerySet):
    def for_teacher(self, user):
        """Assignments of the classes ``user`` teaches (all, for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if not user.can_teach:
            return self.none()
        return self.filter(school_class__teachers=user)

    def visible_to(self, user):
        """What ``user`` may see on the site: a student sees only open assignments of their
        classes; a teacher sees all of their classes' assignments."""
        if not user.is_authenticated:
            return self.none()
        if user.is_student:
            return self.filter(school_class__students=user, opens_at__lte=timezone.now())
        return self.for_teacher(user)


class Assignment(models.Model):
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assignments", verbose_name="class"
    )
    lesson = models.ForeignKey(
        "lessons.Lesson", on_delete=models.PROTECT, related_name="assignments"
    )
    opens_at = models.DateTimeField(
        "open from", default=timezone.now, help_text="Students see the assignment from then on."
    )
    due_at = models.DateTimeField("due", help_text="In the school’s time zone.")
    instructions = models.TextField(blank=True)
    required_prompts = models.ManyToManyField(
        "lessons.Prompt",
        blank=True,
        related_name="assignments",
        help_text="The lesson’s discussion prompts students must answer.",
    )
    post_first = models.BooleanField(
        "post before seeing classmates’ posts",
        default=False,
        help_text="Each student sees the class’s answers to a prompt only after posting their own.",
    )

    min_annotations = models.PositiveSmallIntegerField(
        "annotations to make",
        default=0,
        validators=[MaxValueValidator(50)],
        help_text="How many annotations of their own each student makes on the reading (0: none "
        "required). With “post first”, classmates' annotations show once a student has made them.",
    )

    class MarkScale(models.TextChoices):
        NONE = "none", "No marks (comments only)"
        POINTS = "points", "Points out of a maximum"
        RUBRIC = "rubric", "A short rubric with levels"

    mark_scale = models.CharField("marks", max_length=10, choices=MarkScale, default=MarkScale.NONE)
    points_max = models.PositiveSmallIntegerField(
        "out of",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="For points: the most a response can score.",
    )
    # [{"criterion": "Argument", "levels": ["Emerging", "Secure", "Excellent"]}, …]
    rubric = models.JSONField(
        default=list,
        blank=True,
        help_text="For a rubric: its criteria, each with its levels from lowest to highest.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "lesson"], name="lesson_assigned_once_per_class"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("opens_at")),
                name="assignment_due_after_it_opens",
                violation_error_message="The due date must be after the open date.",
            ),
        ]

    def __str__(self):
        return f"{self.lesson} for {self.school_class}"

    def get_absolute_url(self):
        return f"{self.lesson.get_absolute_url()}?assignment={self.pk}"

    def clean(self):
        if self.mark_scale == self.MarkScale.POINTS and not self.points_max:
            raise ValidationError({"points_max": "Say how many points a response is out of."})
        if self.mark_scale == self.MarkScale.RUBRIC:
            rubric = self.rubric if isinstance(self.rubric, list) else []
            valid = rubric and all(
                isinstance(row, dict)
                and str(row.get("criterion", "")).strip()
                and isinstance(row.get("levels"), list)
                and len(row["levels"]) >= 2
                for row in rubric
            )
            if not valid:
                raise ValidationError(
                    {"rubric": "Give each criterion a name and at least two levels."}
                )

    def is_overdue(self, now=None) -> bool:
        return (now or timezone.now()) > self.due_at

    def is_open(self, now=None) -> bool:
        return self.opens_at <= (now or timezone.now())


class ReadingProgressQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        taught_students = Enrolment.objects.filter(
            school_class__in=SchoolClass.objects.taught_by(user)
        ).values("student")
        return self.filter(Q(student=user) | Q(student__in=taught_students))


class ReadingProgress(models.Model):
    """How far one student has got with one lesson (whichever class assigned it)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReadingProgressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reading progress"
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson"], name="one_progress_per_lesson"),
        ]

    def __str__(self):
        return f"{self.student} – {self.lesson}"


class CheckAnswer(models.Model):
    """A student's answers to one “check your understanding” question.

    The first attempt is what a teacher sees (it shows what the student understood on reading);
    a retry after the explanation updates only the latest answer.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_answers"
    )
    question = models.ForeignKey(
        "lessons.CheckQuestion", on_delete=models.PROTECT, related_name="answers"
    )
    first_choice = models.PositiveSmallIntegerField()
    first_correct = models.BooleanField()
    first_answered_at = models.DateTimeField(default=timezone.now)
    latest_choice = models.PositiveSmallIntegerField()
    latest_correct = models.BooleanField()
    attempts = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "question"], name="one_check_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.student} on {self.question}"
