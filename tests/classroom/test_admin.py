"""The teachers' admin is scoped: a teacher sees and changes only the classes they teach."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classroom.models import Assignment, Enrolment, ReadingProgress, SchoolClass
from discussions.models import Post
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:classroom_{name}", args=args)


def add_assignment(
    client, *, school_class, lesson, opens="2026-11-01 09:00", due="2026-12-01 09:00", **fields
):
    """Post the admin's “add assignment” form, as a teacher filling it in would."""
    opens_date, opens_time = opens.split()
    due_date, due_time = due.split()
    return client.post(
        admin_url("assignment_add"),
        {
            "school_class": school_class.pk,
            "lesson": lesson.pk,
            "opens_at_0": opens_date,
            "opens_at_1": opens_time,
            "due_at_0": due_date,
            "due_at_1": due_time,
            **fields,
        },
    )


def roster_forms():
    """The class form's inline: the roster as it stands (read-only rows)."""
    return {"enrolments-TOTAL_FORMS": "0", "enrolments-INITIAL_FORMS": "0"}


def test_class_list_shows_only_the_teachers_own_classes(client, teacher, school):
    client.force_login(teacher)
    page = client.get(admin_url("schoolclass_changelist")).content.decode()
    assert "Year 11 History" in page
    assert "Year 12 History" not in page


def test_superuser_sees_every_class(client, superuser, school):
    client.force_login(superuser)
    page = client.get(admin_url("schoolclass_changelist")).content.decode()
    assert "Year 11 History" in page and "Year 12 History" in page


def test_search_and_facets_do_not_reveal_other_classes(client, teacher, school):
    SchoolClass.objects.filter(pk=school.theirs.pk).update(school_year="2019–20")
    client.force_login(teacher)
    page = client.get(admin_url("schoolclass_changelist"), {"q": "Year 12", "_facets": "1"})
    text = page.content.decode()
    assert "Year 12 History" not in text
    assert "2019–20" not in text
    assert "0 classes" in text


def test_other_teachers_class_is_404_to_view_or_change(client, teacher, school):
    client.force_login(teacher)
    assert client.get(admin_url("schoolclass_change", school.theirs.pk)).status_code == 404
    response = client.post(
        admin_url("schoolclass_change", school.theirs.pk),
        {"name": "Hijacked", "school_year": "2026–27", "teachers": [teacher.pk]},
    )
    assert response.status_code == 404
    school.theirs.refresh_from_db()
    assert school.theirs.name == "Year 12 History"
    assert not school.theirs.teachers.filter(pk=teacher.pk).exists()


def test_teacher_creates_a_class_and_teaches_it(client, teacher):
    client.force_login(teacher)
    response = client.post(
        admin_url("schoolclass_add"),
        {
            "name": "Year 9 History",
            "section": "Period 2",
            "school_year": "2026–27",
            "join_code_enabled": "on",
            **roster_forms(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = SchoolClass.objects.get(name="Year 9 History")
    assert list(created.teachers.all()) == [teacher]
    assert len(created.join_code) == 8


def test_teacher_adds_an_existing_student_with_a_co_teacher(
    client, teacher, other_teacher, student
):
    client.force_login(teacher)
    response = client.post(
        admin_url("schoolclass_add"),
        {
            "name": "Year 13 History",
            "school_year": "2026–27",
            "teachers": [teacher.pk, other_teacher.pk],
            **roster_forms(),
        },
    )
    assert response.status_code == 302
    created = SchoolClass.objects.get(name="Year 13 History")
    assert set(created.teachers.all()) == {teacher, other_teacher}
    # Existing students join from the class's home page ("Add an existing student").
    response = client.post(
        admin_url("schoolclass_student_add", created.pk), {"student": student.pk}
    )
    assert response.status_code == 302
    assert list(created.students.all()) == [student]


def test_a_teacher_cannot_be_enrolled_as_a_student(client, teacher, other_teacher, school):
    client.force_login(teacher)
    response = client.post(
        admin_url("schoolclass_student_add", school.ours.pk), {"student": other_teacher.pk}
    )
    assert response.status_code == 200
    assert not school.ours.students.filter(pk=other_teacher.pk).exists()
    assert not Enrolment.objects.filter(student=other_teacher).exists()


def test_actions_touch_only_the_teachers_classes(client, teacher, school):
    client.force_login(teacher)
    client.post(
        admin_url("schoolclass_changelist"),
        {"action": "archive", "_selected_action": [school.ours.pk, school.theirs.pk]},
    )
    school.ours.refresh_from_db()
    school.theirs.refresh_from_db()
    assert school.ours.is_archived
    assert not school.theirs.is_archived


def test_regenerate_and_switch_off_join_codes_by_action(client, teacher, school):
    client.force_login(teacher)
    old = school.ours.join_code
    changelist = admin_url("schoolclass_changelist")
    client.post(
        changelist, {"action": "regenerate_join_codes", "_selected_action": [school.ours.pk]}
    )
    client.post(
        changelist, {"action": "switch_join_codes_off", "_selected_action": [school.ours.pk]}
    )
    school.ours.refresh_from_db()
    assert school.ours.join_code != old
    assert not school.ours.join_code_enabled


def test_teacher_cannot_delete_a_class_only_archive_it(client, teacher, school):
    client.force_login(teacher)
    response = client.post(admin_url("schoolclass_delete", school.ours.pk), {"post": "yes"})
    assert response.status_code == 403
    assert SchoolClass.objects.filter(pk=school.ours.pk).exists()


def test_assignment_list_and_form_offer_only_the_teachers_classes(client, teacher, school):
    client.force_login(teacher)
    page = client.get(admin_url("assignment_changelist")).content.decode()
    assert "Year 11 History" in page and "Year 12 History" not in page
    lesson = Lesson.objects.published().last()
    response = add_assignment(
        client,
        school_class=school.theirs,
        lesson=lesson,
        opens="2026-11-01 09:00",
        due="2026-12-01 09:00",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.filter(school_class=school.theirs, lesson=lesson).exists()


def test_class_autocomplete_finds_only_the_teachers_classes(client, teacher, school):
    client.force_login(teacher)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "classroom",
            "model_name": "assignment",
            "field_name": "school_class",
            "term": "History",
        },
    )
    names = [item["text"] for item in json.loads(response.content)["results"]]
    assert names == [str(school.ours)]


def test_student_autocomplete_finds_students_not_teachers(client, teacher, school, outsider):
    client.force_login(teacher)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "classroom", "model_name": "enrolment", "field_name": "student", "term": ""},
    )
    ids = {int(item["id"]) for item in json.loads(response.content)["results"]}
    assert outsider.pk in ids  # adding an existing student from elsewhere in the school
    assert teacher.pk not in ids


def test_teacher_sees_only_their_own_students_in_the_user_list(
    client, teacher, school, student, outsider
):
    client.force_login(teacher)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert student.username in page
    assert outsider.username not in page
    assert client.get(reverse("admin:accounts_user_change", args=[outsider.pk])).status_code in (
        302,
        404,
    )


def test_teacher_assigns_a_lesson_with_a_due_date_in_the_schools_time_zone(client, teacher, school):
    client.force_login(teacher)
    lesson = Lesson.objects.get(order=4)
    prompt = lesson.prompts.published().first()
    response = add_assignment(
        client,
        school_class=school.ours,
        lesson=lesson,
        opens="2026-11-01 09:00",
        due="2026-12-01 23:59",
        instructions="Read ¶4 closely.",
        required_prompts=[prompt.pk],
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get(school_class=school.ours, lesson=lesson)
    local_due = timezone.localtime(assignment.due_at)
    assert (local_due.date(), local_due.hour, local_due.minute) == (
        datetime.date(2026, 12, 1),
        23,
        59,
    )
    assert assignment.created_by == teacher
    assert list(assignment.required_prompts.all()) == [prompt]


def test_assignment_with_prompts_of_another_lesson_is_refused(client, teacher, school):
    client.force_login(teacher)
    lesson = Lesson.objects.get(order=4)
    wrong_prompt = Lesson.objects.get(order=5).prompts.first()
    response = add_assignment(
        client,
        school_class=school.ours,
        lesson=lesson,
        opens="2026-11-01 09:00",
        due="2026-12-01 09:00",
        required_prompts=[wrong_prompt.pk],
    )
    assert response.status_code == 200
    assert "Choose prompts of the assigned lesson only." in response.content.decode()


def test_due_date_before_the_open_date_is_refused_and_the_input_kept(client, teacher, school):
    client.force_login(teacher)
    response = add_assignment(
        client,
        school_class=school.ours,
        lesson=Lesson.objects.get(order=3),
        opens="2026-12-01 09:00",
        due="2026-11-01 09:00",
        instructions="Keep this text",
    )
    page = response.content.decode()
    assert "The due date must be after the open date." in page
    assert "Keep this text" in page


# Progress grid and export ----------------------------------------------------------------------


def test_progress_grid_shows_each_students_status(client, teacher, school, student, classmate):
    lesson = school.assignment.lesson
    Post.objects.all().delete()
    ReadingProgress.objects.create(student=student, lesson=lesson, finished_at=timezone.now())
    client.force_login(teacher)
    page = client.get(admin_url("schoolclass_progress", school.ours.pk)).content.decode()
    assert student.display_name in page and classmate.display_name in page
    assert "Read to the end" in page
    assert "Not opened" in page
    assert "Year 12 History" not in page


def test_progress_grid_counts_late_work(client, teacher, school, student, make_user):
    Assignment.objects.filter(pk=school.assignment.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    reader = make_user(first_name="Late", last_name="Reader")
    Enrolment.objects.create(school_class=school.ours, student=reader)
    ReadingProgress.objects.create(
        student=reader, lesson=school.assignment.lesson, finished_at=timezone.now()
    )
    client.force_login(teacher)
    page = client.get(admin_url("schoolclass_progress", school.ours.pk)).content.decode()
    assert "Read to the end (late)" in page  # the new reader
    assert "Responded (late)" in page  # the student posted in the fixture, after the due time
    assert "Not opened (late)" in page  # the classmate


def test_progress_csv_has_one_row_per_student(client, teacher, school, student, classmate):
    client.force_login(teacher)
    response = client.get(admin_url("schoolclass_progress_csv", school.ours.pk))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Student", "Username"]
    assert rows[0][2].startswith(school.assignment.lesson.title)
    assert {row[1] for row in rows[1:]} == {student.username, classmate.username}


def test_progress_csv_defuses_names_that_look_like_formulas(client, teacher, school, make_user):
    sneaky = make_user(first_name='=HYPERLINK("x")', last_name="")
    Enrolment.objects.create(school_class=school.ours, student=sneaky)
    client.force_login(teacher)
    body = client.get(admin_url("schoolclass_progress_csv", school.ours.pk)).content.decode()
    assert "'=HYPERLINK" in body


def enrol_many(school_class, make_user, count):
    for _ in range(count):
        user = make_user()
        Enrolment.objects.create(school_class=school_class, student=user)
        ReadingProgress.objects.create(
            student=user, lesson=Lesson.objects.published().first(), finished_at=timezone.now()
        )


# Passwords -------------------------------------------------------------------------------------


def test_teacher_sets_a_new_password_for_their_student(client, teacher, school, student):
    client.force_login(teacher)
    url = admin_url("schoolclass_student_password", school.ours.pk, student.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"new_password1": "fresh-start-9931", "new_password2": "fresh-start-9931"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("fresh-start-9931")


def test_weak_password_for_a_student_is_refused(client, teacher, school, student):
    client.force_login(teacher)
    url = admin_url("schoolclass_student_password", school.ours.pk, student.pk)
    response = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()


def test_teacher_cannot_reset_a_password_outside_their_classes(
    client, teacher, other_teacher, school, outsider
):
    client.force_login(teacher)
    # Another class's student through our class id, and through their class id.
    for class_pk in (school.ours.pk, school.theirs.pk):
        url = admin_url("schoolclass_student_password", class_pk, outsider.pk)
        response = client.post(
            url, {"new_password1": "taken-over-123", "new_password2": "taken-over-123"}
        )
        assert response.status_code == 404
    outsider.refresh_from_db()
    assert not outsider.check_password("taken-over-123")


def test_lesson_content_is_read_only_and_out_of_a_teachers_way(client, teacher, superuser):
    client.force_login(teacher)
    assert client.get(reverse("admin:lessons_annotation_changelist")).status_code == 403
    assert User.objects.filter(pk=teacher.pk, groups__name="Teachers").exists()
    client.force_login(superuser)
    page = client.get(reverse("admin:lessons_annotation_changelist")).content.decode()
    assert "Add annotation" not in page
