"""Reading status of students against assignments: one place that says what “late” means."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone

from .models import Assignment, Enrolment, ReadingProgress, SchoolClass


class Status(models.TextChoices):
    NOT_OPENED = "not_opened", "Not opened"
    OPENED = "opened", "Opened"
    READ = "read", "Read to the end"


@dataclass(frozen=True)
class Cell:
    """One student's standing on one assignment."""

    status: Status
    is_late: bool
    opened_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.status.label} (late)" if self.is_late else self.status.label

    @property
    def is_done(self) -> bool:
        return self.status == Status.READ


def cell_for(assignment: Assignment, progress: ReadingProgress | None, now: datetime) -> Cell:
    """Late means read after the due time, or not read and the due time has passed."""
    if progress is None:
        return Cell(Status.NOT_OPENED, is_late=now > assignment.due_at)
    if progress.finished_at is not None:
        return Cell(
            Status.READ,
            is_late=progress.finished_at > assignment.due_at,
            opened_at=progress.opened_at,
            finished_at=progress.finished_at,
        )
    return Cell(Status.OPENED, is_late=now > assignment.due_at, opened_at=progress.opened_at)


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
    assignments = list(school_class.assignments.select_related("lesson").order_by("due_at", "pk"))
    students = [
        enrolment.student
        for enrolment in Enrolment.objects.filter(school_class=school_class).select_related(
            "student"
        )
    ]
    progress = {
        (row.student_id, row.lesson_id): row
        for row in ReadingProgress.objects.filter(
            student__in=[student.pk for student in students],
            lesson__in=[assignment.lesson_id for assignment in assignments],
        )
    }
    columns = [Column(assignment) for assignment in assignments]
    rows = []
    for student in students:
        cells = []
        for column in columns:
            cell = cell_for(
                column.assignment, progress.get((student.pk, column.assignment.lesson_id)), now
            )
            column.counts[cell.status] += 1
            if cell.is_late:
                column.counts["late"] += 1
            cells.append(cell)
        rows.append(Row(student, cells))
    return ProgressGrid(school_class, columns, rows)
