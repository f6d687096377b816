"""Students join a class by code: clear errors, no duplicates, guessing throttled."""

import pytest
from django.urls import reverse

from classroom.models import Enrolment, JoinAttempt, SchoolClass
from classroom.services import JOIN_ATTEMPTS_ALLOWED

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_class(make_class, teacher):
    return make_class(name="Year 10 History", teachers=[teacher])


def join(client, code):
    return client.post(reverse("classroom:join"), {"code": code})


def test_student_joins_with_the_code_and_lands_on_the_class_page(client, student, open_class):
    client.force_login(student)
    response = join(client, open_class.join_code)
    assert response.status_code == 302
    assert response.url == open_class.get_absolute_url()
    assert Enrolment.objects.filter(school_class=open_class, student=student, via="code").exists()
    page = client.get(response.url).content.decode()
    assert "You have joined Year 10 History" in page


def test_code_typed_in_lower_case_with_a_hyphen_and_spaces_still_works(client, student, open_class):
    client.force_login(student)
    typed = f" {open_class.join_code[:4].lower()} - {open_class.join_code[4:].lower()} "
    assert join(client, typed).status_code == 302
    assert open_class.students.filter(pk=student.pk).exists()


def test_wrong_code_says_so_and_keeps_what_was_typed(client, student, open_class):
    client.force_login(student)
    response = join(client, "WRONG-CODE")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No class has that code" in page
    assert 'value="WRONG-CODE"' in page
    assert not Enrolment.objects.filter(student=student).exists()


def test_switched_off_code_is_refused(client, student, open_class):
    SchoolClass.objects.filter(pk=open_class.pk).update(join_code_enabled=False)
    client.force_login(student)
    response = join(client, open_class.join_code)
    assert "is not taking new students by code" in response.content.decode()
    assert not open_class.students.exists()


def test_archived_class_cannot_be_joined(client, student, open_class):
    SchoolClass.objects.filter(pk=open_class.pk).update(is_archived=True)
    client.force_login(student)
    response = join(client, open_class.join_code)
    assert "has been archived" in response.content.decode()
    assert not open_class.students.exists()


def test_joining_twice_says_already_enrolled_and_keeps_one_enrolment(client, student, open_class):
    client.force_login(student)
    join(client, open_class.join_code)
    response = join(client, open_class.join_code)
    assert "You are already in Year 10 History" in response.content.decode()
    assert Enrolment.objects.filter(student=student, school_class=open_class).count() == 1


def test_empty_code_is_a_form_error(client, student):
    client.force_login(student)
    assert "This field is required" in join(client, "").content.decode()


def test_code_with_a_nul_byte_is_rejected_cleanly(client, student):
    client.force_login(student)
    response = join(client, "ABCD\x00EFGH")
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


def test_guessing_codes_is_throttled_even_for_the_right_code(client, student, open_class):
    client.force_login(student)
    for attempt in range(JOIN_ATTEMPTS_ALLOWED):
        join(client, f"GUESS{attempt:03d}")
    response = join(client, open_class.join_code)
    assert "Too many wrong codes" in response.content.decode()
    assert not open_class.students.filter(pk=student.pk).exists()


def test_throttle_is_per_student_so_classmates_still_join(client, student, classmate, open_class):
    client.force_login(student)
    for attempt in range(JOIN_ATTEMPTS_ALLOWED):
        join(client, f"GUESS{attempt:03d}")
    client.force_login(classmate)
    assert join(client, open_class.join_code).status_code == 302


def test_throttle_wears_off_after_the_window(client, student, open_class):
    import datetime

    from django.utils import timezone

    client.force_login(student)
    for attempt in range(JOIN_ATTEMPTS_ALLOWED):
        join(client, f"GUESS{attempt:03d}")
    JoinAttempt.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    assert join(client, open_class.join_code).status_code == 302


def test_regenerated_code_replaces_the_old_one(client, student, open_class):
    from classroom.services import join_code_regenerate

    old = open_class.join_code
    new = join_code_regenerate(school_class=open_class)
    assert new != old
    client.force_login(student)
    assert "No class has that code" in join(client, old).content.decode()
    assert join(client, new).status_code == 302


def test_join_codes_use_only_unambiguous_characters(make_class):
    codes = "".join(make_class().join_code for _ in range(30))
    assert not set(codes) & set("0O1IL")


def test_teachers_are_told_to_use_the_admin(client, teacher, open_class):
    client.force_login(teacher)
    assert client.get(reverse("classroom:join")).status_code == 403
    assert join(client, open_class.join_code).status_code == 403
