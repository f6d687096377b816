"""Signing in and out, changing and resetting a password, and who counts as a teacher."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.roles import TEACHERS_GROUP
from accounts.services import user_set_role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_create_user_makes_a_student():
    user = get_user_model().objects.create_user("newbie", password=PASSWORD)
    assert user.role == User.Role.STUDENT
    assert user.is_student and not user.is_teacher
    assert not user.is_staff


def test_student_signs_in_and_lands_on_their_dashboard(client, student):
    response = sign_in(client, student.username)
    assert response.status_code == 302
    assert response.url == reverse("pages:dashboard")
    assert client.get(reverse("pages:lesson_index")).status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, student, lesson):
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    response = sign_in(client, student.username, next_url=lesson.get_absolute_url())
    assert response.url == lesson.get_absolute_url()


def test_sign_in_ignores_an_offsite_next(client, student):
    response = sign_in(client, student.username, next_url="https://evil.example/")
    assert response.url == reverse("pages:dashboard")


def test_wrong_password_shows_an_error_and_keeps_the_username(client, student):
    response = sign_in(client, student.username, password="not-the-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert f'value="{student.username}"' in page
    assert "_auth_user_id" not in client.session


def test_inactive_student_cannot_sign_in(client, student):
    student.is_active = False
    student.save()
    response = sign_in(client, student.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, student):
    sign_in(client, student.username)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("pages:home")
    assert client.get(reverse("pages:lesson_index")).status_code == 302


def test_sign_out_by_get_is_refused(client, student):
    client.force_login(student)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("pages:lesson_index")).status_code == 200


def test_student_changes_their_password(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-1941",
            "new_password2": "a-brand-new-password-1941",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    student.refresh_from_db()
    assert student.check_password("a-brand-new-password-1941")


def test_weak_new_password_is_rejected_with_a_reason(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_password_reset_by_email_lets_the_student_choose_a_new_password(client, student):
    response = client.post(reverse("accounts:password_reset"), {"email": student.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "reset-password-for-1945", "new_password2": "reset-password-for-1945"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    response = sign_in(client, student.username, password="reset-password-for-1945")
    assert response.status_code == 302


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_used_reset_link_is_refused(client, student):
    client.post(reverse("accounts:password_reset"), {"email": student.email})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "one-new-password-1953", "new_password2": "one-new-password-1953"},
    )
    response = client.get(link.group(1), follow=True)
    assert "expired or has already been used" in response.content.decode()


def test_teacher_is_staff_in_the_teachers_group(teacher):
    assert teacher.is_teacher
    assert teacher.is_staff
    assert teacher.groups.filter(name=TEACHERS_GROUP).exists()


def test_teachers_group_comes_from_a_migration_with_its_permissions():
    group = Group.objects.get(name=TEACHERS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    # The read-only lesson content is out of a teacher's way in the admin (superusers see it).
    assert not group.permissions.filter(content_type__app_label="lessons").exists()
    assert {"view_schoolclass", "change_schoolclass", "add_assignment"} <= codenames
    # A teacher renames and exports their own students (the people admin narrows whose), but
    # never creates accounts in the admin or deletes them outright.
    assert {"change_user", "export_student", "erase_student"} <= codenames
    assert "add_user" not in codenames and "delete_user" not in codenames


def test_teacher_signs_in_to_the_admin(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Your classes" in response.content.decode()
    assert client.get(reverse("admin:lessons_lesson_changelist")).status_code == 403


def test_teacher_cannot_change_lesson_content_in_the_admin(client, teacher, lesson):
    client.force_login(teacher)
    response = client.post(
        reverse("admin:lessons_lesson_change", args=[lesson.pk]), {"title": "Vandalised"}
    )
    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.title != "Vandalised"


def test_student_cannot_use_the_admin(client, student):
    client.force_login(student)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_making_a_teacher_a_student_removes_staff_and_group(teacher):
    user_set_role(user=teacher, role=User.Role.STUDENT)
    teacher.refresh_from_db()
    assert not teacher.is_staff
    assert not teacher.groups.filter(name=TEACHERS_GROUP).exists()


def test_a_student_can_never_be_staff(student):
    student.is_staff = True
    with pytest.raises(ValidationError, match="A student cannot be staff"):
        student.full_clean()


def test_a_deleted_teachers_group_comes_back_with_the_next_migrate(teacher):
    from io import StringIO

    from django.core.management import call_command

    Group.objects.filter(name=TEACHERS_GROUP).delete()
    call_command("migrate", stdout=StringIO(), verbosity=0)
    group = Group.objects.get(name=TEACHERS_GROUP)
    assert {"change_schoolclass", "view_user"} <= set(
        group.permissions.values_list("codename", flat=True)
    )
    assert not group.permissions.filter(content_type__app_label="lessons").exists()


def test_migrate_leaves_a_schools_adjusted_teachers_group_alone():
    from io import StringIO

    from django.core.management import call_command

    group = Group.objects.get(name=TEACHERS_GROUP)
    group.permissions.remove(*group.permissions.filter(codename="add_schoolclass"))
    call_command("migrate", stdout=StringIO(), verbosity=0)
    assert not group.permissions.filter(codename="add_schoolclass").exists()
