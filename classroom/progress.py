"""Reading status of students against assignments: one place that says what “late” means."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db import models
from django.db.models import Min
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .models import Assignment, Enrolment, ReadingProgress, SchoolClass

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

    @property
    def label(self) -> str:
        return f"{self.status.label} (late)" if self.is_late else self.status.label

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
) -> Cell:
    """Late means done after the due time, or not done and the due time has passed."""
    due = assignment.due_at
    opened = progress.opened_at if progress else None
    finished = progress.finished_at if progress else None
    if responded_at is not None:
        return Cell(
            Status.RESPONDED, responded_at > due, needs_response, opened, finished, responded_at
        )
    if progress is None:
        return Cell(Status.NOT_OPENED, now > due, needs_response)
    if finished is not None:
        late = now > due if needs_response else finished > due
        return Cell(Status.READ, late, needs_response, opened, finished)
    return Cell(Status.OPENED, now > due, needs_response, opened)


class Responses:
    """When each student first answered each prompt, per class: one query for many cells."""

    def __init__(self, *, classes, students, lessons):
        from discussions.models import Post

        rows = (
            Post.objects.filter(
                school_class__in=classes,
                author__in=students,
                prompt__lesson__in=lessons,
                is_deleted=False,
            )
            .values("school_class_id", "author_id", "prompt_id", "prompt__lesson_id")
            .annotate(first=Min("created_at"))
        )
        self.first: dict[tuple[int, int, int], datetime] = {}
        self.by_lesson: dict[tuple[int, int, int], datetime] = {}
        for row in rows:
            key = (row["school_class_id"], row["author_id"], row["prompt_id"])
            self.first[key] = row["first"]
            lesson_key = (row["school_class_id"], row["author_id"], row["prompt__lesson_id"])
            earlier = self.by_lesson.get(lesson_key)
            self.by_lesson[lesson_key] = min(earlier, row["first"]) if earlier else row["first"]

    def responded_at(
        self, assignment: Assignment, student_id: int, required: list[int] | None = None
    ) -> datetime | None:
        """When the student had answered every required prompt (any prompt, if none is).

        Pass ``required`` (the prompt ids) when calling for many students, to look them up once.
        """
        if required is None:
            required = [prompt.pk for prompt in assignment.required_prompts.all()]
        if not required:
            return self.by_lesson.get(
                (assignment.school_class_id, student_id, assignment.lesson_id)
            )
        times = [self.first.get((assignment.school_class_id, student_id, pk)) for pk in required]
        return None if None in times else max(times)


def cells_for_student(assignments, student, *, now=None) -> list[Cell]:
    """The student's cell for each assignment, in a fixed number of queries."""
    now = now or timezone.now()
    progress = {
        row.lesson_id: row
        for row in ReadingProgress.objects.filter(
            student=student, lesson__in={assignment.lesson_id for assignment in assignments}
        )
    }
    responses = Responses(
        classes={a.school_class_id for a in assignments},
        students=[student.pk],
        lessons={a.lesson_id for a in assignments},
    )
    return [
        cell_for(
            assignment,
            progress.get(assignment.lesson_id),
            now,
            responded_at=responses.responded_at(assignment, student.pk),
            needs_response=bool(assignment.required_prompts.all()),
        )
        for assignment in assignments
    ]


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
    responses = Responses(classes=[school_class.pk], students=student_ids, lessons=lesson_ids)
    required = {a.pk: [prompt.pk for prompt in a.required_prompts.all()] for a in assignments}
    columns = [Column(assignment) for assignment in assignments]
    rows = []
    for student in students:
        cells = []
        for column in columns:
            assignment = column.assignment
            cell = cell_for(
                assignment,
                progress.get((student.pk, assignment.lesson_id)),
                now,
                responded_at=responses.responded_at(
                    assignment, student.pk, required[assignment.pk]
                ),
                needs_response=bool(required[assignment.pk]),
            )
            column.counts[cell.status] += 1
            if cell.is_late:
                column.counts["late"] += 1
            cells.append(cell)
        rows.append(Row(student, cells))
    return ProgressGrid(school_class, columns, rows)
