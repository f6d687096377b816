"""A teacher's powers over a student's account stop where the student's other classes begin.

Each test here is a finding of the outside review, reproduced: a teacher could enrol another
class's student (by the autocomplete, or a roster naming their username), then set their
password, sign in as them, export or erase them. Account powers now belong to a teacher only
while every active class of the student is one they teach; otherwise to a school administrator.
"""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import TEACHERS_GROUP
from classroom.models import Enrolment
from classroom.selectors import students_managed_by
from discussions.models import Post
from privacy.services import former_student

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_user_changelist"


def act(client, action, users, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [user.pk for user in users], **extra},
    )


def password_page(school_class, student):
    return reverse(
        "admin:classroom_schoolclass_student_password", args=[school_class.pk, student.pk]
    )


def test_enrolling_another_classes_student_by_roster_gives_no_account_powers(
    client, other_teacher, outsider, school
):
    """The takeover: the other teacher imports our student's username into their class."""
    client.force_login(other_teacher)
    roster = SimpleUploadedFile("r.csv", b"Amara,Okafor,amara\n", "text/csv")
    page = client.post(
        reverse("admin:classroom_schoolclass_import_roster", args=[school.theirs.pk]),
        {"file": roster},
    ).content.decode()
    amara = User.objects.get(username="amara")
    assert school.theirs.students.filter(pk=amara.pk).exists()  # adding is allowed …
    assert "also in another teacher’s class" in page  # … and shown as such
    # … but the account stays out of reach: no password, no export, no erasure.
    assert client.get(password_page(school.theirs, amara)).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[amara.pk])
    assert client.get(password).status_code == 403
    response = client.post(password, {"password1": "taken-over-9", "password2": "taken-over-9"})
    assert response.status_code == 403
    amara.refresh_from_db()
    assert not amara.check_password("taken-over-9")
    assert "amara" not in act(client, "export_data", [amara]).content.decode()
    act(client, "erase_students", [amara], confirm="yes", posts="remove")
    assert User.objects.filter(pk=amara.pk).exists()


def test_our_teacher_also_loses_account_powers_over_a_shared_student(
    client, teacher, student, sharing_teacher, school
):
    client.force_login(teacher)
    assert client.get(password_page(school.ours, student)).status_code == 403
    assert not students_managed_by(teacher).filter(pk=student.pk).exists()
    # The classmate, in our class only, is still ours to manage.
    assert students_managed_by(teacher).filter(pk=school.classmate.pk).exists()
    assert client.get(password_page(school.ours, school.classmate)).status_code == 200
    roster = client.get(reverse("admin:classroom_schoolclass_change", args=[school.ours.pk]))
    assert "a school administrator resets it" in roster.content.decode()


def test_a_school_administrator_manages_a_shared_students_account(
    client, administrator, student, sharing_teacher, school
):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[student.pk])
    response = client.post(
        url, {"password1": "office-reset-1917", "password2": "office-reset-1917"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("office-reset-1917")
    [data] = json.loads(act(client, "export_data", [student]).content)["students"]
    classes = {entry["class"] for entry in data["classes"]}
    assert classes == {str(school.ours), "Debating club, " + school.ours.school_year}
    # The school office sees no class discussion.
    thread = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    assert client.get(thread).status_code == 404


def test_an_archived_class_of_another_teacher_does_not_take_the_student_away(
    client, teacher, other_teacher, classmate, make_class, school
):
    old = make_class(name="Last year", teachers=[other_teacher], students=[classmate])
    assert not students_managed_by(teacher).filter(pk=classmate.pk).exists()
    old.is_archived = True
    old.save()
    assert students_managed_by(teacher).filter(pk=classmate.pk).exists()


def test_a_teachers_export_holds_only_their_own_classes(
    client, teacher, other_teacher, classmate, make_class, school
):
    old = make_class(name="Last year", teachers=[other_teacher], students=[classmate])
    Post.objects.create(school_class=old, prompt=school.prompt, author=classmate, body="Old")
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Ours"
    )
    old.is_archived = True
    old.save()
    client.force_login(teacher)
    [data] = json.loads(act(client, "export_data", [classmate]).content)["students"]
    assert [entry["class"] for entry in data["classes"]] == [str(school.ours)]
    assert [post["text"] for post in data["posts"]] == ["Ours"]


def test_the_former_student_placeholder_is_never_exportable_by_a_teacher(
    client, teacher, student, school
):
    placeholder = former_student()
    Enrolment.objects.create(school_class=school.ours, student=placeholder)  # even if enrolled
    client.force_login(teacher)
    response = act(client, "export_data", [placeholder])
    assert "former-student" not in response.content.decode()


def test_erasing_needs_its_own_permission_not_view(client, teacher, classmate, school):
    teachers = teacher.groups.get(name=TEACHERS_GROUP)
    teachers.permissions.remove(Permission.objects.get(codename="erase_student"))
    client.force_login(User.objects.get(pk=teacher.pk))  # permissions are cached per object
    act(client, "erase_students", [classmate], confirm="yes", posts="remove")
    assert User.objects.filter(pk=classmate.pk).exists()
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "erase_students" not in page and "export_data" in page


def test_a_teacher_renames_their_student_but_cannot_change_their_role(
    client, teacher, classmate, school
):
    client.force_login(teacher)
    url = reverse("admin:accounts_user_change", args=[classmate.pk])
    client.post(
        url,
        {
            "first_name": "Benjamin",
            "last_name": "Kowalski",
            "email": "",
            "role": "teacher",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    classmate.refresh_from_db()
    assert classmate.first_name == "Benjamin"
    assert classmate.role == User.Role.STUDENT
    assert not classmate.is_staff and not classmate.is_superuser


def test_a_demoted_teacher_loses_their_classes_after_a_confirmation_naming_them(
    client, superuser, teacher, school
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[teacher.pk])
    form = {
        "username": teacher.username,
        "role": "student",
        "first_name": teacher.first_name,
        "last_name": teacher.last_name,
        "email": teacher.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    page = client.post(url, form).content.decode()
    assert "teaches Year 11 History" in page  # asked first, naming the class
    teacher.refresh_from_db()
    assert teacher.is_teacher and school.ours.teachers.filter(pk=teacher.pk).exists()
    response = client.post(url, {**form, "confirm_end_teaching": "on"})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.role == User.Role.STUDENT and not teacher.is_staff
    assert not school.ours.teachers.filter(pk=teacher.pk).exists()


def test_every_check_of_teacher_access_also_checks_the_role(client, teacher, school):
    # Even if a role changed without the admin (a shell, a script) and the rows still say
    # "teaches", the classes go at once: a school administrator teaches nothing.
    User.objects.filter(pk=teacher.pk).update(role=User.Role.ADMINISTRATOR)
    client.force_login(User.objects.get(pk=teacher.pk))
    assert client.get(school.ours.get_absolute_url()).status_code == 404
    thread = reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])
    assert client.get(thread).status_code == 404
    responses = reverse("discussions:responses", args=[school.assignment.pk])
    assert client.get(responses).status_code == 404
