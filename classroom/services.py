"""Writes that span several models: joining, rosters, assignments, progress, passwords."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .models import (
    Assignment,
    Enrolment,
    JoinAttempt,
    ReadingProgress,
    SchoolClass,
    new_join_code,
    normalise_join_code,
)
from .signals import reading_progress_changed

JOIN_ATTEMPTS_ALLOWED = 10
JOIN_ATTEMPT_WINDOW = timedelta(minutes=15)


class JoinError(Exception):
    """A join code was refused; the message is for the student."""


def class_join(*, user: User, code: str, ip_address: str | None = None) -> SchoolClass:
    """Enrol ``user`` in the class whose join code they typed, or raise :class:`JoinError`."""
    if not user.is_student:
        raise JoinError("Only students join classes with a code; teachers are added in the admin.")
    since = timezone.now() - JOIN_ATTEMPT_WINDOW
    failures = JoinAttempt.objects.filter(user=user, succeeded=False, created_at__gte=since)
    if failures.count() >= JOIN_ATTEMPTS_ALLOWED:
        raise JoinError(
            "Too many wrong codes. Wait 15 minutes, then try again with the code from your teacher."
        )

    def refuse(message: str):
        JoinAttempt.objects.create(user=user, ip_address=ip_address, succeeded=False)
        raise JoinError(message)

    normalised = normalise_join_code(code)
    if not normalised:
        raise JoinError("Enter the code your teacher gave you.")
    school_class = SchoolClass.objects.filter(join_code=normalised).first()
    if school_class is None:
        refuse("No class has that code. Check it with your teacher (it has 8 letters and digits).")
    if school_class.is_archived:
        refuse(f"{school_class} has been archived, so it cannot be joined.")
    if not school_class.join_code_enabled:
        refuse(f"{school_class} is not taking new students by code. Ask your teacher.")
    if school_class.students.filter(pk=user.pk).exists():
        raise JoinError(f"You are already in {school_class}.")
    with transaction.atomic():
        enrolment_create(school_class=school_class, student=user, via=Enrolment.Via.CODE)
        JoinAttempt.objects.create(user=user, ip_address=ip_address, succeeded=True)
    return school_class


def enrolment_create(
    *, school_class: SchoolClass, student: User, via: str = Enrolment.Via.ADMIN
) -> Enrolment:
    """Enrol ``student``; enrolling someone twice returns the existing enrolment."""
    existing = Enrolment.objects.filter(school_class=school_class, student=student).first()
    if existing:
        return existing
    enrolment = Enrolment(school_class=school_class, student=student, via=via)
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:  # a double submit enrolled them a moment ago
        return Enrolment.objects.get(school_class=school_class, student=student)
    return enrolment


def join_code_regenerate(*, school_class: SchoolClass) -> str:
    """Give the class a new join code; the old one stops working at once."""
    while True:
        code = new_join_code()
        if not SchoolClass.objects.filter(join_code=code).exists():
            break
    school_class.join_code = code
    school_class.save(update_fields=["join_code"])
    return code


def check_prompts_of_lesson(lesson, prompts) -> None:
    """An assignment's required prompts must be the assigned lesson's own."""
    if any(prompt.lesson_id != lesson.pk for prompt in prompts):
        raise ValidationError({"required_prompts": "Choose prompts of the assigned lesson only."})


def assignment_create(
    *,
    school_class: SchoolClass,
    lesson,
    due_at: datetime,
    opens_at: datetime | None = None,
    instructions: str = "",
    required_prompts=(),
    created_by: User | None = None,
) -> Assignment:
    """Assign ``lesson`` to ``school_class``; the prompts must belong to the lesson."""
    assignment = Assignment(
        school_class=school_class,
        lesson=lesson,
        due_at=due_at,
        opens_at=opens_at or timezone.now(),
        instructions=instructions,
        created_by=created_by,
    )
    prompts = list(required_prompts)
    check_prompts_of_lesson(lesson, prompts)
    assignment.full_clean()
    with transaction.atomic():
        assignment.save()
        assignment.required_prompts.set(prompts)
    return assignment


def progress_record_open(*, student: User, lesson) -> ReadingProgress:
    """Note that ``student`` opened ``lesson`` (the first time counts)."""
    progress, _ = ReadingProgress.objects.get_or_create(student=student, lesson=lesson)
    return progress


def progress_record_finished(*, student: User, lesson) -> ReadingProgress:
    """Note that ``student`` read ``lesson`` to the end (the first time counts)."""
    now = timezone.now()
    progress, _ = ReadingProgress.objects.get_or_create(
        student=student, lesson=lesson, defaults={"opened_at": now}
    )
    if progress.finished_at is None:
        ReadingProgress.objects.filter(pk=progress.pk, finished_at__isnull=True).update(
            finished_at=now
        )
        progress.refresh_from_db()
        reading_progress_changed(student.pk)  # .update() sends no signal
    return progress


def readable_password() -> str:
    """A password a teacher can read out: three short words' worth of unambiguous characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


# Roster import ---------------------------------------------------------------------------------

ROSTER_MAX_BYTES = 512 * 1024
ROSTER_MAX_ROWS = 1000
HEADER_NAMES = {
    "given": {"given name", "first name", "forename", "given", "first"},
    "family": {"family name", "last name", "surname", "family", "last"},
    "login": {"username or email", "username", "email", "e-mail", "login", "user"},
    "password": {"password", "initial password"},
}


class RosterError(Exception):
    """The whole file was refused; ``problems`` lists every reason, by line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class RosterResult:
    created: list[tuple[User, str]] = field(default_factory=list)  # new account, its password
    enrolled: list[User] = field(default_factory=list)  # existing accounts added to the class
    already_enrolled: list[User] = field(default_factory=list)


@dataclass
class _RosterRow:
    line: int
    given: str
    family: str
    login: str
    password: str


def decode_roster(data: bytes) -> str:
    """Decode an uploaded CSV: UTF-8 (with or without a BOM), UTF-16, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_roster(data: bytes) -> list[_RosterRow]:
    """Read the CSV into rows, or raise :class:`RosterError` naming every bad line."""
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterError(
            [
                f"The file is {len(data) // 1024} KB; the limit is {ROSTER_MAX_BYTES // 1024} KB. "
                "Split the roster into several files."
            ]
        )
    text = decode_roster(data)
    if "\x00" in text:
        raise RosterError(["The file is not a CSV text file (it contains binary data)."])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    if len(lines) > ROSTER_MAX_ROWS + 1:
        raise RosterError(
            [f"The file has {len(lines)} lines; the limit is {ROSTER_MAX_ROWS} students a file."]
        )
    first = [cell.strip().casefold() for cell in lines[0]] if lines else []
    has_header = bool(first) and any(first[0] in names for names in HEADER_NAMES.values())
    start = 2 if has_header else 1
    rows, problems = [], []
    for line_number, cells in enumerate(lines[start - 1 :], start=start):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(cells) not in (3, 4):
            problems.append(
                f"Line {line_number}: expected 3 or 4 columns (given name, family name, username "
                f"or email, optional password), found {len(cells)}."
            )
            continue
        given, family, login = cells[:3]
        rows.append(
            _RosterRow(line_number, given, family, login, cells[3] if len(cells) == 4 else "")
        )
    if problems:
        raise RosterError(problems)
    if not rows:
        raise RosterError(["The file has no students in it."])
    return rows


def roster_import(*, school_class: SchoolClass, data: bytes) -> RosterResult:
    """Create missing student accounts and enrol everyone, all or nothing.

    Every row is checked before anything is written; any bad row rejects the whole file with
    every problem listed by line number, and nothing is saved.
    """
    if school_class.is_archived:
        raise RosterError([f"{school_class} is archived; unarchive it before importing."])
    rows = parse_roster(data)
    problems: list[str] = []
    seen_logins: dict[str, int] = {}
    plans: list[tuple[_RosterRow, User | None, str]] = []
    username_field = User._meta.get_field("username")
    for row in rows:
        where = f"Line {row.line}"
        if not row.given:
            problems.append(f"{where}: the given name is missing.")
        if not row.family:
            problems.append(f"{where}: the family name is missing.")
        if not row.login:
            problems.append(f"{where}: the username or email is missing.")
            continue
        key = row.login.casefold()
        if key in seen_logins:
            problems.append(f"{where}: “{row.login}” is already on line {seen_logins[key]}.")
            continue
        seen_logins[key] = row.line
        is_email = "@" in row.login
        if is_email:
            try:
                validate_email(row.login)
            except ValidationError:
                problems.append(f"{where}: “{row.login}” is not a valid email address.")
                continue
            existing = (
                User.objects.filter(email__iexact=row.login).first()
                or User.objects.filter(username__iexact=row.login).first()
            )
        else:
            try:
                for validator in username_field.validators:
                    validator(row.login)
            except ValidationError:
                problems.append(
                    f"{where}: “{row.login}” is not a valid username (letters, digits and "
                    "@ . + - _ only, at most 150 characters)."
                )
                continue
            existing = User.objects.filter(username__iexact=row.login).first()
        if existing is not None and not existing.is_student:
            problems.append(f"{where}: “{row.login}” belongs to a teacher, not a student.")
            continue
        password = row.password
        if existing is None:
            candidate = User(
                username=row.login.lower() if is_email else row.login,
                email=row.login if is_email else "",
                first_name=row.given,
                last_name=row.family,
            )
            if password:
                try:
                    validate_password(password, user=candidate)
                except ValidationError as error:
                    problems.append(
                        f"{where}: the password is too weak: {' '.join(error.messages)}"
                    )
                    continue
            else:
                password = readable_password()
            plans.append((row, None, password))
        else:
            plans.append((row, existing, ""))
    if problems:
        raise RosterError(problems)

    result = RosterResult()
    with transaction.atomic():
        enrolled_ids = set(school_class.enrolments.values_list("student_id", flat=True))
        for row, existing, password in plans:
            if existing is None:
                is_email = "@" in row.login
                user = User(
                    username=row.login.lower() if is_email else row.login,
                    email=row.login if is_email else "",
                    first_name=row.given,
                    last_name=row.family,
                    role=User.Role.STUDENT,
                )
                user.set_password(password)
                user.full_clean()
                user.save()
                result.created.append((user, password))
            else:
                user = existing
                if user.pk in enrolled_ids:
                    result.already_enrolled.append(user)
                    continue
                result.enrolled.append(user)
            Enrolment.objects.create(
                school_class=school_class, student=user, via=Enrolment.Via.ROSTER
            )
    return result


def student_password_set(
    *, school_class: SchoolClass, student: User, password: str | None = None
) -> str:
    """Set a new password for a student of ``school_class``; returns it for the teacher."""
    if not school_class.students.filter(pk=student.pk).exists():
        raise ValidationError("That student is not in this class.")
    password = password or readable_password()
    validate_password(password, user=student)
    student.set_password(password)
    student.save(update_fields=["password"])
    return password
