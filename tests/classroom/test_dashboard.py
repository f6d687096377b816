"""What students see of their work: the dashboard, the class page, progress on a lesson."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.models import Enrolment, ReadingProgress, SchoolClass
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def days(number):
    return timezone.now() + datetime.timedelta(days=number)


def test_dashboard_lists_assignments_by_due_date_with_status_and_overdue_marked(
    client, student, make_class, make_assignment, teacher
):
    school_class = make_class(teachers=[teacher], students=[student])
    lessons = list(Lesson.objects.published())
    later = make_assignment(school_class=school_class, lesson=lessons[0], due_at=days(5))
    overdue = make_assignment(
        school_class=school_class, lesson=lessons[1], opens_at=days(-9), due_at=days(-2)
    )
    started = make_assignment(school_class=school_class, lesson=lessons[2], due_at=days(1))
    done = make_assignment(school_class=school_class, lesson=lessons[3], due_at=days(3))
    ReadingProgress.objects.create(student=student, lesson=started.lesson)
    ReadingProgress.objects.create(student=student, lesson=done.lesson, finished_at=timezone.now())

    client.force_login(student)
    page = client.get(reverse("pages:dashboard")).content.decode()

    to_do = page[page.index("To do") : page.index(">Done<")]
    order = [to_do.index(a.lesson.title) for a in (overdue, started, later)]
    assert order == sorted(order)
    overdue_row = to_do[to_do.index(overdue.lesson.title) :][:900]
    assert "Overdue" in overdue_row and "Not started" in overdue_row
    assert "In progress" in to_do[to_do.index(started.lesson.title) :][:900]
    assert done.lesson.title in page[page.index(">Done<") :]


def test_dashboard_hides_unopened_and_other_classes_assignments(
    client, student, school, make_assignment
):
    future = make_assignment(
        school_class=school.ours,
        lesson=Lesson.objects.get(order=6),
        opens_at=days(2),
        due_at=days(9),
    )
    client.force_login(student)
    page = client.get(reverse("pages:dashboard")).content.decode()
    assert school.assignment.lesson.title in page
    assert future.lesson.title not in page
    assert "Year 12 History" not in page


def test_archived_class_drops_off_the_dashboard(client, student, school):
    SchoolClass.objects.filter(pk=school.ours.pk).update(is_archived=True)
    client.force_login(student)
    page = client.get(reverse("pages:dashboard")).content.decode()
    assert "Year 11 History" not in page


def test_lesson_page_shows_the_assignments_due_date_and_instructions(client, student, school):
    client.force_login(student)
    page = client.get(school.assignment.get_absolute_url()).content.decode()
    assert "Assignment for Year 11 History" in page
    assert "Read it twice and note two corrections." in page
    due = timezone.localtime(school.assignment.due_at)
    assert f"{due:%-d} {due:%B} {due:%Y}, {due:%H:%M}" in page


def test_outsider_cannot_see_another_classes_assignment_through_the_url(client, outsider, school):
    school.assignment.instructions = "Only for Year 11."
    school.assignment.save()
    client.force_login(outsider)
    page = client.get(school.assignment.get_absolute_url()).content.decode()
    assert "Only for Year 11." not in page
    assert "Year 11 History" not in page
    # Their own class's assignment of the same lesson is the one they are shown.
    assert "Assignment for Year 12 History" in page


def test_opening_a_lesson_records_progress_without_effort(client, student, lesson):
    client.force_login(student)
    client.get(lesson.get_absolute_url())
    progress = ReadingProgress.objects.get(student=student, lesson=lesson)
    assert progress.finished_at is None
    client.get(lesson.get_absolute_url())
    assert ReadingProgress.objects.filter(student=student, lesson=lesson).count() == 1


def test_finished_button_works_without_javascript_and_twice_is_harmless(client, student, lesson):
    client.force_login(student)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "I’ve finished reading" in page
    url = reverse("classroom:lesson_finished", args=[lesson.slug])
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == f"{lesson.get_absolute_url()}#finish"
    first = ReadingProgress.objects.get(student=student, lesson=lesson).finished_at
    assert first is not None
    client.post(url)
    assert ReadingProgress.objects.get(student=student, lesson=lesson).finished_at == first
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "You have read this lesson to the end" in page
    assert "I’ve finished reading" not in page


def test_background_finish_answers_with_the_fragment(client, student, lesson):
    client.force_login(student)
    client.get(lesson.get_absolute_url())  # opened it …
    ReadingProgress.objects.filter(student=student).update(  # … long enough ago to read it
        opened_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    response = client.post(
        reverse("classroom:lesson_finished", args=[lesson.slug]),
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert "You have read this lesson to the end" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_reaching_the_end_too_soon_is_not_reading_it(client, student, lesson):
    """Scrolling straight to the bottom is not reading: the page is told to ask again once
    the lesson's reading time has passed, and the button still counts at once."""
    client.force_login(student)
    client.get(lesson.get_absolute_url())
    url = reverse("classroom:lesson_finished", args=[lesson.slug])
    response = client.post(url, headers={"X-Requested-With": "fetch"})
    assert "I’ve finished reading" in response.content.decode()
    wait = int(response["X-Read-Again-In"])
    words = sum(len(p.text.split()) for p in lesson.paragraphs.all())
    assert wait >= min(30, words * 60 // 300)
    assert ReadingProgress.objects.get(student=student).finished_at is None
    client.post(url)  # the button is the student's word for it
    assert ReadingProgress.objects.get(student=student).finished_at is not None


def test_teachers_reading_a_lesson_leave_no_progress(client, teacher, lesson):
    client.force_login(teacher)
    client.get(lesson.get_absolute_url())
    client.post(reverse("classroom:lesson_finished", args=[lesson.slug]))
    assert not ReadingProgress.objects.exists()


def test_class_page_lists_the_students_assignments(client, student, classmate, school):
    client.force_login(classmate)
    page = client.get(school.ours.get_absolute_url()).content.decode()
    assert school.assignment.lesson.title in page
    assert "Not started" in page
    client.force_login(student)  # who has posted in the fixture's discussion
    assert "Done · responded" in client.get(school.ours.get_absolute_url()).content.decode()


def test_teacher_dashboard_shows_their_classes_with_counts(client, teacher, school):
    client.force_login(teacher)
    page = client.get(reverse("pages:dashboard")).content.decode()
    assert "Year 11 History" in page and "2 students" in page
    assert "Year 12 History" not in page
    assert school.ours.join_code_display in page


def grow(school_class, make_user, count):
    Enrolment.objects.bulk_create(
        Enrolment(school_class=school_class, student=make_user()) for _ in range(count)
    )


def test_student_dashboard_queries_do_not_grow_with_assignments(
    client,
    student,
    teacher,
    make_class,
    make_assignment,
    django_assert_max_num_queries,
):
    lessons = list(Lesson.objects.published())
    client.force_login(student)
    first = make_class(teachers=[teacher], students=[student])
    make_assignment(school_class=first, lesson=lessons[0])
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse("pages:dashboard")).status_code == 200
    for _ in range(5):
        extra = make_class(teachers=[teacher], students=[student])
        for lesson in lessons:
            make_assignment(school_class=extra, lesson=lesson)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("pages:dashboard")).content.decode()
    assert page.count("assignment-row") == 31
