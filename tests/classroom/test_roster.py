"""CSV roster import: all or nothing, every bad line listed, any common encoding."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from classroom.rosters import ROSTER_MAX_BYTES, ROSTER_MAX_ROWS, RosterError, roster_import

pytestmark = pytest.mark.django_db

GOOD = (
    "Given name,Family name,Username or email,Password\n"
    "Amara,Okafor,amara.okafor@school.example,\n"
    "Ben,Kowalski,bkowalski,a-strong-passphrase-1917\n"
    "Chloé,Martin,chloe.martin@school.example,\n"
)


@pytest.fixture
def our_class(make_class, teacher):
    return make_class(name="Year 11 History", teachers=[teacher])


def import_text(school_class, text, encoding="utf-8"):
    return roster_import(school_class=school_class, data=text.encode(encoding))


def problems_of(school_class, text, encoding="utf-8"):
    with pytest.raises(RosterError) as raised:
        import_text(school_class, text, encoding)
    return raised.value.problems


def test_good_file_creates_students_and_enrols_everyone(our_class):
    result = import_text(our_class, GOOD)
    assert len(result.created) == 3
    assert set(our_class.students.values_list("username", flat=True)) == {
        "amara.okafor@school.example",
        "bkowalski",
        "chloe.martin@school.example",
    }
    chloe = User.objects.get(username="chloe.martin@school.example")
    assert (chloe.first_name, chloe.last_name, chloe.email) == (
        "Chloé",
        "Martin",
        "chloe.martin@school.example",
    )
    assert chloe.is_student
    ben = User.objects.get(username="bkowalski")
    assert ben.check_password("a-strong-passphrase-1917")
    generated = {user.username: password for user, password in result.created}
    assert chloe.check_password(generated["chloe.martin@school.example"])


def test_existing_students_are_enrolled_not_duplicated(our_class, student):
    result = import_text(our_class, f"Amara,Okafor,{student.username}\n")
    assert result.created == []
    assert result.enrolled == [student]
    assert User.objects.filter(username=student.username).count() == 1
    again = import_text(our_class, f"Amara,Okafor,{student.username}\n")
    assert again.already_enrolled == [student]
    assert our_class.enrolments.count() == 1


def test_existing_students_password_is_never_changed_by_an_import(our_class, student):
    import_text(our_class, f"Amara,Okafor,{student.username},another-password-1941\n")
    student.refresh_from_db()
    assert not student.check_password("another-password-1941")


def test_each_kind_of_bad_row_is_listed_by_line_and_nothing_is_saved(our_class, teacher):
    text = (
        "Given name,Family name,Username or email\n"
        "Amara,Okafor,amara\n"  # line 2: fine
        ",Kowalski,ben\n"  # 3: missing given name
        "Chloé,,chloe\n"  # 4: missing family name
        "Dan,Brown,\n"  # 5: missing username
        "Eve,Adams,not-an-email@\n"  # 6: malformed email
        "Amara,Again,AMARA\n"  # 7: duplicate of line 2
        "Fay,Green,has space\n"  # 8: invalid username
        f"Gus,Hall,{teacher.username}\n"  # 9: a teacher's account
        "Hal,Ives,hal,123\n"  # 10: weak password
    )
    users_before = User.objects.count()
    problems = problems_of(our_class, text)
    assert len(problems) == 8
    assert problems[:7] == [
        "Line 3: the given name is missing.",
        "Line 4: the family name is missing.",
        "Line 5: the username or email is missing.",
        "Line 6: “not-an-email@” is not a valid email address.",
        "Line 7: “AMARA” is already on line 2.",
        "Line 8: “has space” is not a valid username (letters, digits and @ . + - _ only, "
        "at most 150 characters).",
        f"Line 9: “{teacher.username}” belongs to a teacher, not a student.",
    ]
    assert problems[7].startswith("Line 10: the password is too weak:")
    assert User.objects.count() == users_before
    assert not our_class.enrolments.exists()


def test_wrong_number_of_columns_is_listed(our_class):
    problems = problems_of(our_class, "Amara,Okafor\nBen,Kowalski,ben,pw,extra\n")
    assert problems == [
        "Line 1: expected 3 or 4 columns (given name, family name, username or email, optional "
        "password), found 2.",
        "Line 2: expected 3 or 4 columns (given name, family name, username or email, optional "
        "password), found 5.",
    ]


def test_huge_file_is_refused_with_a_clear_message_and_nothing_saved(our_class):
    line = "Amara,Okafor,amara{}@school.example\n"
    text = "".join(line.format(number) for number in range(20_000))
    assert len(text.encode()) > ROSTER_MAX_BYTES
    problems = problems_of(our_class, text)
    assert len(problems) == 1 and "the limit is 512 KB" in problems[0]
    assert not our_class.enrolments.exists()


def test_too_many_rows_is_refused(our_class):
    text = "".join(f"A,B,s{number}\n" for number in range(1_200))
    assert "the limit is 1000 students a file" in problems_of(our_class, text)[0]


def test_utf8_with_a_bom_reads_the_header_right(our_class):
    result = roster_import(school_class=our_class, data=b"\xef\xbb\xbf" + GOOD.encode())
    assert len(result.created) == 3


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_non_utf8_encodings_keep_accented_names(our_class, encoding):
    result = import_text(our_class, GOOD, encoding=encoding)
    names = {user.first_name for user, _ in result.created}
    assert names == {"Amara", "Ben", "Chloé"}


def test_semicolon_and_tab_separated_files_work(our_class):
    assert len(import_text(our_class, GOOD.replace(",", ";")).created) == 3


def test_tab_separated_file_works(our_class):
    assert len(import_text(our_class, GOOD.replace(",", "\t")).created) == 3


def test_file_without_a_header_row_works(our_class):
    result = import_text(our_class, "Amara,Okafor,amara\n")
    assert [user.username for user, _ in result.created] == ["amara"]


def test_empty_file_says_so(our_class):
    assert problems_of(our_class, "\n\n") == ["The file has no students in it."]


def test_binary_file_is_refused(our_class):
    with pytest.raises(RosterError, match="binary"):
        roster_import(school_class=our_class, data=b"PK\x03\x04\x00\x00binary")


def test_archived_class_refuses_an_import(our_class):
    our_class.is_archived = True
    our_class.save()
    assert "is archived" in problems_of(our_class, GOOD)[0]


def test_failure_half_way_through_the_writes_leaves_nothing(our_class, monkeypatch):
    from classroom import rosters

    def flaky_bulk_create(objs, **kwargs):
        # The accounts are written by now; the enrolments fail.
        assert User.objects.filter(username="bkowalski").exists()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(rosters.Enrolment.objects, "bulk_create", flaky_bulk_create)
    users_before = User.objects.count()
    with pytest.raises(RuntimeError):
        import_text(our_class, GOOD)
    assert User.objects.count() == users_before
    assert not our_class.enrolments.exists()


# Through the admin -----------------------------------------------------------------------------


def upload(client, school_class, text, name="roster.csv"):
    url = reverse("admin:classroom_schoolclass_import_roster", args=[school_class.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_teacher_imports_a_roster_in_the_admin_and_sees_the_new_passwords(
    client, teacher, our_class
):
    client.force_login(teacher)
    response = upload(client, our_class, GOOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Roster imported: 3 new account(s)" in page
    assert "a-strong-passphrase-1917" in page
    assert our_class.enrolments.count() == 3


def test_bad_file_in_the_admin_lists_problems_and_saves_nothing(client, teacher, our_class):
    client.force_login(teacher)
    page = upload(client, our_class, "Amara,,amara\n").content.decode()
    assert "Nothing was imported" in page
    assert "Line 1: the family name is missing." in page
    assert not our_class.enrolments.exists()


def test_other_teacher_cannot_import_into_our_class(client, other_teacher, our_class):
    client.force_login(other_teacher)
    assert upload(client, our_class, GOOD).status_code == 404
    assert not our_class.enrolments.exists()


# Large and malformed rosters --------------------------------------------------------------------


def test_a_roster_of_exactly_the_limit_imports_and_one_more_is_refused(our_class):
    rows = "".join(f"Given{n},Family{n},pupil{n:04d}\n" for n in range(ROSTER_MAX_ROWS + 1))
    assert f"has {ROSTER_MAX_ROWS + 1} students" in problems_of(our_class, rows)[0]
    assert not User.objects.filter(username="pupil0000").exists()
    header = "Given name,Family name,Username\n"
    limit = rows.splitlines(keepends=True)[:ROSTER_MAX_ROWS]
    result = import_text(our_class, header + "".join(limit))
    assert len(result.created) == ROSTER_MAX_ROWS
    assert our_class.enrolments.count() == ROSTER_MAX_ROWS
    pupil = User.objects.get(username="pupil0999")
    assert pupil.must_change_password and pupil.password.startswith("argon2-first$")
    password = {user.username: pw for user, pw in result.created}["pupil0999"]
    assert pupil.check_password(password)


def test_a_cell_over_the_csv_field_limit_is_a_clear_error(our_class):
    text = "Amara,Okafor," + "x" * 140_000 + "\n"
    [problem] = problems_of(our_class, text)
    assert problem.startswith("Line 1:") and "cannot be read as CSV" in problem


def test_an_unclosed_quote_is_a_clear_error(our_class):
    text = 'Amara,Okafor,amara\n"Ben,Kowalski,ben\nChloe,Martin,chloe\n'
    [problem] = problems_of(our_class, text)
    assert "quote mark" in problem
    assert not User.objects.filter(username="amara").exists()


def test_a_300_character_name_is_named_in_the_error(our_class):
    text = f"{'A' * 300},Okafor,amara\nBen,{'K' * 151},ben\n"
    problems = problems_of(our_class, text)
    assert "Line 1: the given name has 300 characters; the limit is 150." in problems
    assert "Line 2: the family name has 151 characters; the limit is 150." in problems
