"""Roster import: a teacher's CSV of students, parsed, matched to accounts, created and
enrolled, all or nothing.

Parsing (:func:`parse_roster`) reads any CSV a school's spreadsheet makes; matching
(:func:`roster_import`) checks every row against existing accounts before anything is written,
and any bad row rejects the whole file with every problem listed by line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from accounts.models import User

from .models import Enrolment, SchoolClass
from .services import FIRST_PASSWORD_HASHER, readable_password

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
    # strict: an unclosed quote is an error, not the rest of the file swallowed into one cell.
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        lines = [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise RosterError(
            [
                f"Line {reader.line_num}: the file cannot be read as CSV ({error}). Check for a "
                "quote mark that is opened and never closed, or a cell pasted in by mistake."
            ]
        ) from None
    first = [cell.strip().casefold() for cell in lines[0][1]] if lines else []
    has_header = bool(first) and any(first[0] in names for names in HEADER_NAMES.values())
    records = [(line, cells) for line, cells in lines[1 if has_header else 0 :] if any(cells)]
    if len(records) > ROSTER_MAX_ROWS:
        raise RosterError(
            [
                f"The file has {len(records)} students; the limit is {ROSTER_MAX_ROWS} "
                "students a file."
            ]
        )
    rows, problems = [], []
    for line_number, cells in records:
        cells = [cell.strip() for cell in cells]
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
    existing_by_login = _existing_accounts(rows)
    problems: list[str] = []
    seen_logins: dict[str, int] = {}
    plans: list[tuple[_RosterRow, User | None, str]] = []
    username_field = User._meta.get_field("username")
    for row in rows:
        where = f"Line {row.line}"
        for label, value, field_name in (
            ("given name", row.given, "first_name"),
            ("family name", row.family, "last_name"),
        ):
            limit = User._meta.get_field(field_name).max_length
            if not value:
                problems.append(f"{where}: the {label} is missing.")
            elif len(value) > limit:
                problems.append(
                    f"{where}: the {label} has {len(value)} characters; the limit is {limit}."
                )
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
                problems.append(f"{where}: “{row.login[:60]}” is not a valid email address.")
                continue
        else:
            try:
                if len(row.login) > username_field.max_length:
                    raise ValidationError("too long")
                for validator in username_field.validators:
                    validator(row.login)
            except ValidationError:
                problems.append(
                    f"{where}: “{row.login[:60]}” is not a valid username (letters, digits and "
                    f"@ . + - _ only, at most {username_field.max_length} characters)."
                )
                continue
        existing = existing_by_login.get(key)
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
    new_accounts = []
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
                    # A first password is on a slip the teacher hands out: the student replaces
                    # it at first sign-in, and it is hashed at first-password cost (see
                    # accounts.hashers) so a class of 1,000 imports in seconds.
                    password=make_password(password, hasher=FIRST_PASSWORD_HASHER),
                    must_change_password=True,
                )
                user.full_clean(validate_unique=False, validate_constraints=False)
                new_accounts.append(user)
                result.created.append((user, password))
            elif existing.pk in enrolled_ids:
                result.already_enrolled.append(existing)
            else:
                result.enrolled.append(existing)
        # Usernames were checked against every account above; a clash now means someone made
        # the same account this very moment, and the IntegrityError undoes the whole import.
        User.objects.bulk_create(new_accounts)
        Enrolment.objects.bulk_create(
            Enrolment(school_class=school_class, student=user, via=Enrolment.Via.ROSTER)
            for user in [*new_accounts, *result.enrolled]
        )
    return result


def _existing_accounts(rows) -> dict[str, User]:
    """Accounts the roster's logins name, by casefolded login, in two queries for any size."""
    logins = {row.login.casefold() for row in rows if row.login}
    emails = {login for login in logins if "@" in login}
    found: dict[str, User] = {}
    by_username = User.objects.annotate(login=Lower("username")).filter(login__in=logins)
    for user in by_username:
        found[user.login] = user
    if emails:
        # An email matches the account with that address first, as it did row by row.
        for user in User.objects.annotate(login=Lower("email")).filter(login__in=emails):
            found[user.login] = user
    return found
