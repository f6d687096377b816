"""What classroom's pages show: reading status against assignments, in one place that says
what “done” and “late” mean, built in a fixed number of queries whatever a class's size.

Answers to prompts are recorded by apps above this one; they reach these selectors through the
``classroom.signals.answers_wanted`` signal, never through an import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple, Protocol

from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from accounts.models import User
from lessons.models import CheckQuestion

from .models import Assignment, CheckAnswer, Enrolment, ReadingProgress, SchoolClass
from .signals import annotations_wanted, answers_wanted

# The session remembers which lessons a student has opened and finished ({lesson id: finished?}),
# so the lesson page asks the database once per lesson and session.
READING_SESSION_KEY = "reading"


def remembered_reading(session, lesson_id: int) -> bool | None:
    """Whether the session knows the lesson finished (None: not opened in this session)."""
    return session.get(READING_SESSION_KEY, {}).get(str(lesson_id))


def remember_reading(session, lesson_id: int, *, finished: bool) -> None:
    state = session.get(READING_SESSION_KEY, {})
    state[str(lesson_id)] = finished
    session[READING_SESSION_KEY] = state


class Answers(Protocol):
    """When students first answered prompts, as an app above classroom records it."""

    def first_answers(self, school_class_id: int, student_id: int) -> dict[int, datetime]:
        """Prompt id → when the student first answered it in the class."""

    def first_in_lesson(
        self, school_class_id: int, student_id: int, lesson_id: int
    ) -> datetime | None:
        """When the student first answered any prompt of the lesson in the class."""


class NoAnswers:
    """What classroom knows of answers on its own: nothing."""

    def first_answers(self, school_class_id, student_id):
        return {}

    def first_in_lesson(self, school_class_id, student_id, lesson_id):
        return None


def collect_answers(*, classes: Iterable[int], students: Iterable[int], lessons: Iterable[int]):
    """Ask the apps above (through ``answers_wanted``) for their students' answers."""
    replies = answers_wanted.send(
        sender=Assignment, classes=set(classes), students=set(students), lessons=set(lessons)
    )
    ledgers = [ledger for _receiver, ledger in replies if ledger is not None]
    return ledgers[0] if len(ledgers) == 1 else _Combined(ledgers)


class NoAnnotations:
    """What classroom knows of annotations on its own: none."""

    def count(self, school_class_id, student_id, lesson_id) -> int:
        return 0

    def kinds(self, school_class_id, student_id, lesson_id) -> dict[str, int]:
        return {}


def collect_annotation_counts(
    *, classes: Iterable[int], students: Iterable[int], lessons: Iterable[int]
):
    """Ask the apps above (through ``annotations_wanted``) how many annotations each student
    made per lesson; the first answer wins (one app records annotations)."""
    replies = annotations_wanted.send(
        sender=Assignment, classes=set(classes), students=set(students), lessons=set(lessons)
    )
    counts = [answer for _receiver, answer in replies if answer is not None]
    return counts[0] if counts else NoAnnotations()


def with_annotations(cell, assignment, annotations, student_id):
    """The cell with the student's annotations of the assignment's lesson in its class."""
    made = annotations.count(assignment.school_class_id, student_id, assignment.lesson_id)
    if not made and not assignment.min_annotations:
        return cell
    return replace(cell, annotations=made, annotations_required=assignment.min_annotations)


class _Combined:
    """Several apps' answers as one: a prompt counts as answered at its earliest answer."""

    def __init__(self, ledgers):
        self.ledgers = ledgers

    def first_answers(self, school_class_id, student_id):
        merged: dict[int, datetime] = {}
        for ledger in self.ledgers:
            for prompt_id, when in ledger.first_answers(school_class_id, student_id).items():
                merged[prompt_id] = min(merged.get(prompt_id, when), when)
        return merged

    def first_in_lesson(self, school_class_id, student_id, lesson_id):
        times = [
            when
            for ledger in self.ledgers
            if (when := ledger.first_in_lesson(school_class_id, student_id, lesson_id))
        ]
        return min(times, default=None)


class Status(models.TextChoices):
    NOT_OPENED = "not_opened", "Not opened"
    OPENED = "opened", "Opened"
    READ = "read", "Read to the end"
    RESPONDED = "responded", "Responded"


class Visit(NamedTuple):
    """When a student opened and finished a lesson (a light stand-in for ReadingProgress)."""

    opened_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Cell:
    """One student's standing on one assignment."""

    status: Status
    is_late: bool
    needs_response: bool = False
    opened_at: datetime | None = None
    finished_at: datetime | None = None
    responded_at: datetime | None = None
    answered: int = 0  # required prompts answered so far
    required: int = 0  # required prompts of the assignment
    checks_right: int = 0  # check questions right at the first attempt
    checks_total: int = 0  # the lesson's check questions
    annotations: int = 0  # the student's class annotations of the lesson
    annotations_required: int = 0  # the assignment's minimum

    @property
    def label(self) -> str:
        label = f"{self.status.label} (late)" if self.is_late else self.status.label
        if self.required:
            label += f" · {self.answered}/{self.required} answered"
        if self.checks_total:
            label += f" · checks {self.checks_right}/{self.checks_total}"
        if self.annotations_required:
            label += f" · {self.annotations}/{self.annotations_required} annotations"
        elif self.annotations:
            label += f" · {self.annotations} annotation{'s' if self.annotations != 1 else ''}"
        return label

    @property
    def is_done(self) -> bool:
        """Read it, and answered the required prompts when there are any."""
        if self.status == Status.RESPONDED:
            return True
        return self.status == Status.READ and not self.needs_response


def cell_for(
    assignment: Assignment,
    progress: ReadingProgress | Visit | None,
    now: datetime,
    *,
    responded_at: datetime | None = None,
    needs_response: bool = False,
    answered: int = 0,
    required: int = 0,
) -> Cell:
    """Late means done after the due time, or not done and the due time has passed."""
    due = assignment.due_at
    opened = progress.opened_at if progress else None
    finished = progress.finished_at if progress else None
    counts = {"answered": answered, "required": required}
    if responded_at is not None:
        return Cell(
            Status.RESPONDED,
            responded_at > due,
            needs_response,
            opened,
            finished,
            responded_at,
            **counts,
        )
    if progress is None:
        return Cell(Status.NOT_OPENED, now > due, needs_response, **counts)
    if finished is not None:
        late = now > due if needs_response else finished > due
        return Cell(Status.READ, late, needs_response, opened, finished, **counts)
    return Cell(Status.OPENED, now > due, needs_response, opened, **counts)


def answered_cell(assignment, progress, now, answers, student_id, required: list[int]) -> Cell:
    """The cell of one student, given what they answered (``required``: the prompt ids)."""
    if required:
        first = answers.first_answers(assignment.school_class_id, student_id)
        times = [first[pk] for pk in required if pk in first]
        responded_at = max(times) if len(times) == len(required) else None
    else:
        times = []
        responded_at = answers.first_in_lesson(
            assignment.school_class_id, student_id, assignment.lesson_id
        )
    return cell_for(
        assignment,
        progress,
        now,
        responded_at=responded_at,
        needs_response=bool(required),
        answered=len(times),
        required=len(required),
    )


def cells_for_student(assignments, student, *, now=None) -> list[Cell]:
    """The student's cell for each assignment, in a fixed number of queries."""
    now = now or timezone.now()
    progress = {
        row.lesson_id: row
        for row in ReadingProgress.objects.filter(
            student=student, lesson__in={assignment.lesson_id for assignment in assignments}
        )
    }
    answers = collect_answers(
        classes={a.school_class_id for a in assignments},
        students=[student.pk],
        lessons={a.lesson_id for a in assignments},
    )
    annotations = collect_annotation_counts(
        classes={a.school_class_id for a in assignments},
        students=[student.pk],
        lessons={a.lesson_id for a in assignments},
    )
    return [
        with_annotations(
            answered_cell(
                assignment,
                progress.get(assignment.lesson_id),
                now,
                answers,
                student.pk,
                [prompt.pk for prompt in assignment.required_prompts.all()],
            ),
            assignment,
            annotations,
            student.pk,
        )
        for assignment in assignments
    ]


def student_assignments(user, *, school_class=None) -> list[tuple[Assignment, Cell]]:
    """The open assignments of ``user``'s active classes with each one's cell, soonest due
    first (of one class, with ``school_class``)."""
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(school_class__in=SchoolClass.objects.attended_by(user).active())
        .select_related("lesson", "school_class")
        .prefetch_related("required_prompts")
        .order_by("due_at", "pk")
    )
    if school_class is not None:
        assignments = assignments.filter(school_class=school_class)
    assignments = list(assignments)
    return list(zip(assignments, cells_for_student(assignments, user), strict=True))


def assignment_for_lesson(user, lesson, *, requested: str = "") -> Assignment | None:
    """The assignment a reader came from (``requested``, an id from ``?assignment=``), else a
    student's soonest due one for the lesson."""
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(lesson=lesson)
        .select_related("school_class")
        .order_by("due_at")
    )
    if requested.isdigit():
        chosen = assignments.filter(pk=int(requested)).first()
        if chosen:
            return chosen
    if user.is_student:
        return assignments.filter(school_class__students=user).first()
    return None


@dataclass
class Column:
    assignment: Assignment
    counts: Counter = field(default_factory=Counter)

    def count(self, status: str) -> int:
        return self.counts[status]

    @property
    def late(self) -> int:
        return self.counts["late"]


@dataclass
class Row:
    student: object
    cells: list[Cell]

    def cells_html(self) -> SafeString:
        """The row's cells as table cells, built here: a class of 35 × 6 assignments is 210
        cells, too many to push through the template engine one by one."""
        return format_html_join(
            "",
            '<td class="cell cell-{}{}">{}</td>',
            (
                (cell.status, " cell-late" if cell.is_late else "", cell.label)
                for cell in self.cells
            ),
        )


@dataclass
class ProgressGrid:
    school_class: SchoolClass
    columns: list[Column]
    rows: list[Row]

    @property
    def totals(self) -> list[tuple[str, list[int]]]:
        """Per-column counts: one line per status, then the late ones."""
        lines = [
            (status.label, [column.count(status) for column in self.columns]) for status in Status
        ]
        lines.append(("Late", [column.late for column in self.columns]))
        return lines


def _check_scores(student_ids, lesson_ids):
    """Per lesson, its published check questions; per (student, lesson), how many they got
    right at the first attempt. Two queries for any class."""
    totals = dict(
        CheckQuestion.objects.filter(lesson__in=lesson_ids, is_published=True)
        .values_list("lesson")
        .annotate(count=Count("pk"))
    )
    right = {
        (student_id, lesson_id): count
        for student_id, lesson_id, count in CheckAnswer.objects.filter(
            student__in=student_ids,
            question__lesson__in=lesson_ids,
            question__is_published=True,
            first_correct=True,
        )
        .values_list("student", "question__lesson")
        .annotate(count=Count("pk"))
    }
    return totals, right


def progress_grid(school_class: SchoolClass, *, now: datetime | None = None) -> ProgressGrid:
    """Students × assignments for one class, in a fixed number of queries whatever its size."""
    now = now or timezone.now()
    assignments = list(
        school_class.assignments.select_related("lesson")
        .prefetch_related("required_prompts")
        .order_by("due_at", "pk")
    )
    students = [
        enrolment.student
        for enrolment in Enrolment.objects.filter(school_class=school_class).select_related(
            "student"
        )
    ]
    student_ids = [student.pk for student in students]
    lesson_ids = [assignment.lesson_id for assignment in assignments]
    # Plain tuples, not model instances: a class of 35 × 6 lessons is 210 rows a request.
    progress = {
        (student_id, lesson_id): Visit(opened_at, finished_at)
        for student_id, lesson_id, opened_at, finished_at in ReadingProgress.objects.filter(
            student__in=student_ids, lesson__in=lesson_ids
        ).values_list("student_id", "lesson_id", "opened_at", "finished_at")
    }
    answers = collect_answers(classes=[school_class.pk], students=student_ids, lessons=lesson_ids)
    annotations = collect_annotation_counts(
        classes=[school_class.pk], students=student_ids, lessons=lesson_ids
    )
    checks_total, checks_right = _check_scores(student_ids, lesson_ids)
    required = {a.pk: [prompt.pk for prompt in a.required_prompts.all()] for a in assignments}
    columns = [Column(assignment) for assignment in assignments]
    rows = []
    for student in students:
        cells = []
        for column in columns:
            assignment = column.assignment
            cell = answered_cell(
                assignment,
                progress.get((student.pk, assignment.lesson_id)),
                now,
                answers,
                student.pk,
                required[assignment.pk],
            )
            if checks_total.get(assignment.lesson_id):
                cell = replace(
                    cell,
                    checks_total=checks_total[assignment.lesson_id],
                    checks_right=checks_right.get((student.pk, assignment.lesson_id), 0),
                )
            cell = with_annotations(cell, assignment, annotations, student.pk)
            column.counts[cell.status] += 1
            if cell.is_late:
                column.counts["late"] += 1
            cells.append(cell)
        rows.append(Row(student, cells))
    return ProgressGrid(school_class, columns, rows)


def students_managed_by(user):
    """Students whose accounts ``user`` may manage (rename, set a password, export, erase).

    A school administrator or superuser manages every student. A teacher manages a student only
    while every active class of the student is one they teach: a student who is also in another
    teacher's class belongs, for their account, to the school's administrators, so adding an
    existing student to a class never hands over their account.
    """
    students = User.objects.students()
    if not user.is_authenticated:
        return students.none()
    if user.is_school_administrator:
        return students
    if not user.can_teach:
        return students.none()
    taught = SchoolClass.objects.taught_by(user).active()
    others = SchoolClass.objects.active().exclude(teachers=user)
    return students.filter(
        pk__in=Enrolment.objects.filter(school_class__in=taught).values("student")
    ).exclude(pk__in=Enrolment.objects.filter(school_class__in=others).values("student"))


def other_teachers_students(school_class) -> set[int]:
    """Students of ``school_class`` who are also in an active class it shares no teacher with:
    shown as such on the roster, since their accounts are not this class's teachers' alone."""
    teachers = school_class.teachers.all()
    elsewhere = (
        Enrolment.objects.filter(school_class__is_archived=False)
        .exclude(school_class=school_class)
        .exclude(school_class__teachers__in=teachers)
        .values("student")
    )
    return set(
        Enrolment.objects.filter(school_class=school_class, student__in=elsewhere).values_list(
            "student_id", flat=True
        )
    )


@dataclass
class CheckRow:
    """One check question on the lesson page, with what this student has answered so far."""

    question: object
    answer: object | None  # CheckAnswer

    @property
    def latest_feedback(self) -> str:
        return self.question.feedback(self.answer.latest_choice) if self.answer else ""


def check_rows(student, questions) -> list[CheckRow]:
    """The lesson's check questions with ``student``'s answers, in one query."""
    answers = {}
    if student.is_authenticated and student.is_student:
        answers = {
            answer.question_id: answer
            for answer in CheckAnswer.objects.filter(
                student=student, question__in=[question.pk for question in questions]
            )
        }
    return [CheckRow(question, answers.get(question.pk)) for question in questions]


def required_prompt_ids(school_class, lesson, *, assignment=None) -> set[int]:
    """The prompts of ``lesson`` that ``school_class`` must answer (its assignment's, or the
    given ``assignment``'s when it is that class's). Marked on that class's discussions only,
    so a student in two classes never sees the other class's requirements there."""
    if school_class is None:
        return set()
    if assignment is None or assignment.school_class_id != school_class.pk:
        assignment = (
            Assignment.objects.filter(school_class=school_class, lesson=lesson)
            .prefetch_related("required_prompts")
            .first()
        )
    return {prompt.pk for prompt in assignment.required_prompts.all()} if assignment else set()


# The class home page ----------------------------------------------------------------------------


@dataclass
class AssignmentSummary:
    """How a class stands on one assignment, counted from the progress grid's cells.

    The reading counts (not opened, reading, finished) add up to the class; “answered all
    required” and “late” are counted apart, since a student can be both, or neither.
    """

    assignment: Assignment
    required_prompts: list
    not_opened: int = 0
    reading: int = 0
    finished: int = 0
    answered_all: int = 0
    late: int = 0

    def add(self, cell: Cell) -> None:
        if cell.opened_at is None and cell.status != Status.RESPONDED:
            self.not_opened += 1
        elif cell.finished_at is None:
            self.reading += 1
        else:
            self.finished += 1
        if cell.required and cell.answered >= cell.required:
            self.answered_all += 1
        if cell.is_late:
            self.late += 1


@dataclass
class RosterEntry:
    enrolment: Enrolment
    is_shared: bool  # also in an active class this class's teachers do not teach
    is_managed: bool  # the viewer may reset the password (see students_managed_by)

    @property
    def student(self):
        return self.enrolment.student

    @property
    def has_signed_in(self) -> bool:
        return self.enrolment.student.last_login is not None


@dataclass
class ClassHome:
    school_class: SchoolClass
    roster: list[RosterEntry]
    assignments: list[AssignmentSummary]


def class_home(school_class: SchoolClass, *, user, now: datetime | None = None) -> ClassHome:
    """What a class's home page in the admin shows ``user``: the roster, with whose accounts
    they manage, and each assignment's counts. A fixed number of queries whatever the class's
    size (the progress grid's, and three for the roster)."""
    grid = progress_grid(school_class, now=now)
    summaries = [
        AssignmentSummary(column.assignment, list(column.assignment.required_prompts.all()))
        for column in grid.columns
    ]
    for row in grid.rows:
        for summary, cell in zip(summaries, row.cells, strict=True):
            summary.add(cell)
    enrolments = list(Enrolment.objects.filter(school_class=school_class).select_related("student"))
    shared = other_teachers_students(school_class)
    managed = set(
        students_managed_by(user)
        .filter(pk__in=[enrolment.student_id for enrolment in enrolments])
        .values_list("pk", flat=True)
    )
    roster = [
        RosterEntry(
            enrolment,
            is_shared=enrolment.student_id in shared,
            is_managed=enrolment.student_id in managed,
        )
        for enrolment in enrolments
    ]
    return ClassHome(school_class, roster, summaries)


def classes_on_admin_index(user) -> list[SchoolClass] | None:
    """The active classes ``user`` teaches, with their student counts, for the top of the
    admin's index; None for someone who teaches no class (an administrator, or a superuser who
    teaches none), whose index stays the admin's own."""
    if not user.is_authenticated or not user.can_teach:
        return None
    # can_teach is the role check taught_by makes; listed as a teacher is what "yours" means
    # here, so a superuser is not shown every class of the school.
    classes = list(SchoolClass.objects.filter(teachers=user).active().with_student_count())
    if not classes and user.is_superuser:
        return None
    return classes


STUDENT_SEARCH_LIMIT = 20


def students_to_add(school_class: SchoolClass, query: str) -> list:
    """Active students whose name or username matches every word of ``query`` and who are not
    in ``school_class`` yet, for adding an existing student (a teacher adds anyone of the
    school's students, as the class form's search does). At most ``STUDENT_SEARCH_LIMIT``."""
    words = query.split()
    if not words:
        return []
    students = User.objects.students().filter(is_active=True)
    for word in words[:5]:
        students = students.filter(
            models.Q(first_name__icontains=word)
            | models.Q(last_name__icontains=word)
            | models.Q(username__icontains=word)
        )
    return list(
        students.exclude(enrolments__school_class=school_class).order_by(
            "last_name", "first_name", "username"
        )[:STUDENT_SEARCH_LIMIT]
    )
