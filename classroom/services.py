"""Writes that span several models: joining, enrolling, assignments, progress, passwords.

Roster import (a CSV of many students) has its own module, :mod:`classroom.rosters`.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .models import (
    Assignment,
    CheckAnswer,
    Enrolment,
    JoinAttempt,
    ReadingProgress,
    SchoolClass,
    new_join_code,
    normalise_join_code,
)

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


# Reaching the end of the page counts as reading it only after the time a quick reader needs
# for the lesson's words; pressing "I've finished reading" always counts.
READING_WORDS_PER_MINUTE = 300
SHORTEST_READING = timedelta(seconds=30)


def reading_time(lesson) -> timedelta:
    """How long a quick reader needs for ``lesson``'s reading (one query)."""
    words = sum(len(text.split()) for text in lesson.paragraphs.values_list("text", flat=True))
    return max(SHORTEST_READING, timedelta(minutes=words / READING_WORDS_PER_MINUTE))


def progress_record_finished(
    *, student: User, lesson, explicit: bool = True
) -> tuple[ReadingProgress, timedelta]:
    """Note that ``student`` read ``lesson`` to the end (the first time counts).

    ``explicit``: the student pressed "I've finished reading". Otherwise (the page saw them
    reach the end) it counts only once the lesson has been open for its reading time; the
    time still to go is returned (zero once finished).
    """
    now = timezone.now()
    progress, _ = ReadingProgress.objects.get_or_create(
        student=student, lesson=lesson, defaults={"opened_at": now}
    )
    if progress.finished_at is not None:
        return progress, timedelta(0)
    if not explicit:
        remaining = progress.opened_at + reading_time(lesson) - now
        if remaining > timedelta(0):
            return progress, remaining
    ReadingProgress.objects.filter(pk=progress.pk, finished_at__isnull=True).update(finished_at=now)
    progress.refresh_from_db()
    return progress, timedelta(0)


def readable_password() -> str:
    """A password a teacher can read out: three short words' worth of unambiguous characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


@transaction.atomic
def teaching_end(*, teacher: User) -> list[SchoolClass]:
    """Take ``teacher`` off every class they teach (their role is changing); returns the
    classes, for the confirmation. Co-teachers keep the classes; a class left with no teacher
    is still there for a school administrator to hand on."""
    classes = list(SchoolClass.objects.filter(teachers=teacher))
    teacher.classes_taught.clear()
    return classes


def check_answer(*, student: User, question, choice: int) -> CheckAnswer:
    """Record ``student``'s answer to a check question: the first attempt is kept, a retry
    updates the latest. A choice the question does not have raises ``ValidationError``."""
    try:
        correct = question.is_correct(choice)
    except (IndexError, TypeError):
        raise ValidationError({"choice": "Choose one of the answers."}) from None
    with transaction.atomic():
        answer, created = CheckAnswer.objects.select_for_update().get_or_create(
            student=student,
            question=question,
            defaults={
                "first_choice": choice,
                "first_correct": correct,
                "latest_choice": choice,
                "latest_correct": correct,
            },
        )
        if not created:
            answer.latest_choice, answer.latest_correct = choice, correct
            answer.attempts += 1
            answer.save(update_fields=["latest_choice", "latest_correct", "attempts", "updated_at"])
    return answer


# Students made by a teacher (one at a time here, or many by roster import) ----------------------

# The cheaper Argon2id of accounts.hashers, for passwords the site makes and prints on a slip:
# the student must replace it at first sign-in (User.must_change_password). Used here and by a
# roster import (classroom.rosters).
FIRST_PASSWORD_HASHER = "argon2-first"

USERNAME_MAX_LENGTH = 150


def _ascii_slug(text: str) -> str:
    """``text`` in lower-case ASCII letters and digits only (“Zoë O’Brien” → “zoeobrien”)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed.lower() if char.isascii() and char.isalnum())


def username_suggest(*, first_name: str, last_name: str) -> str:
    """A short username a student can type, unique among all accounts: “amara.o”, then
    “amara.ok”, “amara.oka”…, then “amara.o2”, “amara.o3”… (one query, whatever is taken).

    Lower-case ASCII only, so a student never has to find “ë” on a school keyboard; a name with
    no letters ASCII can spell becomes “student”.
    """
    given = _ascii_slug(first_name)[:30] or "student"
    family = _ascii_slug(last_name)[:30]
    stem = f"{given}.{family[0]}" if family else given
    taken = {
        name.lower()
        for name in User.objects.filter(username__istartswith=stem).values_list(
            "username", flat=True
        )
    }
    candidates = [f"{given}.{family[:length]}" for length in range(1, len(family) + 1)] or [stem]
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


@dataclass(frozen=True)
class Slip:
    """What a sign-in slip shows. Kept only in the teacher's session until the slips page shows
    it once; the password is never stored anywhere else in plain text."""

    name: str
    username: str
    password: str

    @classmethod
    def for_student(cls, student: User, password: str) -> Slip:
        return cls(student.display_name, student.username, password)


def _first_password(student: User) -> str:
    """Give ``student`` a new first password (hashed at first-password cost); returns it."""
    password = readable_password()
    student.password = make_password(password, hasher=FIRST_PASSWORD_HASHER)
    student.must_change_password = True
    return password


@transaction.atomic
def student_create(
    *,
    school_class: SchoolClass,
    first_name: str,
    last_name: str,
    username: str = "",
    email: str = "",
) -> tuple[User, str]:
    """Create a student account with a first password and enrol it in ``school_class``.

    Returns the student and the password, for a sign-in slip. Without ``username`` one is made
    from the name (:func:`username_suggest`); the e-mail address stays empty unless given. The
    student must choose their own password at first sign-in.
    """
    if school_class.is_archived:
        raise ValidationError(f"{school_class} is archived; un-archive it to add students.")
    student = User(
        username=username or username_suggest(first_name=first_name, last_name=last_name),
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=User.Role.STUDENT,
    )
    password = _first_password(student)
    student.full_clean()
    student.save()
    enrolment_create(school_class=school_class, student=student, via=Enrolment.Via.ADMIN)
    return student, password


def student_first_password_reset(*, student: User) -> str:
    """Give ``student`` a new first password for a new slip; returns it.

    Changing the password signs them out everywhere (their sessions hold the old hash), and
    they choose their own again at their next sign-in. Who may do this is the caller's to
    check (``selectors.students_managed_by``).
    """
    if not student.is_student:
        raise ValidationError("Only a student's password is reset with a sign-in slip.")
    password = _first_password(student)
    student.save(update_fields=["password", "must_change_password"])
    return password


def enrolment_delete(*, school_class: SchoolClass, student: User) -> bool:
    """Take ``student`` off ``school_class``'s roster. Their account stays, and so do their
    posts in the class's discussions and their reading progress. Returns whether they were
    on it."""
    deleted, _ = Enrolment.objects.filter(school_class=school_class, student=student).delete()
    return bool(deleted)


def join_code_switch(*, school_class: SchoolClass, enabled: bool) -> None:
    """Let students join with the class's code, or stop them."""
    school_class.join_code_enabled = enabled
    school_class.save(update_fields=["join_code_enabled"])


def class_archive(*, school_class: SchoolClass, archived: bool) -> None:
    """Archive a class at the end of the year (read-only, cannot be joined), or bring it back."""
    school_class.is_archived = archived
    school_class.save(update_fields=["is_archived"])
