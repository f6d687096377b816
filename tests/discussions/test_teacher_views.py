"""Teachers: every response to an assignment on one page, a CSV, and “responded” progress."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Enrolment, ReadingProgress
from classroom.selectors import Status, progress_grid
from discussions.models import Post

pytestmark = pytest.mark.django_db


def cell_of(school, student):
    """The student's cell for the fixture's assignment on the progress grid."""
    return next(row.cells[0] for row in progress_grid(school.ours).rows if row.student == student)


def test_responses_page_shows_everyones_posts_and_who_has_not_responded(
    client, teacher, school, student, classmate
):
    client.force_login(teacher)
    page = client.get(reverse("discussions:responses", args=[school.assignment.pk])).content
    page = page.decode()
    assert "Stalin won by controlling" in page
    missing = page[page.index("Not responded yet") :]
    assert "Ben Kowalski" in missing[:400]


def test_responses_csv_has_one_row_per_post(client, teacher, school, classmate):
    Post.objects.create(
        school_class=school.ours,
        prompt=school.prompt,
        author=classmate,
        body="=cmd|' /C calc'!A0 and more words",
    )
    client.force_login(teacher)
    response = client.get(reverse("discussions:responses_csv", args=[school.assignment.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["Student", "Username", "Prompt", "Kind", "Time", "Words", "Text"]
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["amara"][6] == "Stalin won by controlling ¶1."
    assert by_user["amara"][5] == "5"
    assert by_user["ben"][6].startswith("'=cmd")  # defused for spreadsheets


def test_required_prompts_limit_the_responses_page(client, teacher, school):
    other_prompt = school.assignment.lesson.prompts.published().last()
    school.assignment.required_prompts.set([other_prompt])
    client.force_login(teacher)
    page = client.get(reverse("discussions:responses", args=[school.assignment.pk])).content
    assert other_prompt.question[:40] in page.decode()
    assert "Amara Okafor" in page.decode()[page.decode().index("Not responded yet") :][:400]


def test_grid_counts_responded_when_every_required_prompt_is_answered(school, student):
    prompts = list(school.assignment.lesson.prompts.published()[:2])
    school.assignment.required_prompts.set(prompts)
    Post.objects.all().delete()
    Post.objects.create(school_class=school.ours, prompt=prompts[0], author=student, body="one")
    cell = (
        progress_grid(school.ours)
        .rows[[r.student for r in progress_grid(school.ours).rows].index(student)]
        .cells[0]
    )
    assert cell.status != Status.RESPONDED
    Post.objects.create(school_class=school.ours, prompt=prompts[1], author=student, body="two")
    cell = cell_of(school, student)
    assert cell.status == Status.RESPONDED and cell.is_done


def test_reading_alone_is_not_done_when_prompts_are_required(school, classmate):
    school.assignment.required_prompts.set([school.prompt])
    ReadingProgress.objects.create(
        student=classmate, lesson=school.assignment.lesson, finished_at=timezone.now()
    )
    cell = cell_of(school, classmate)
    assert cell.status == Status.READ and not cell.is_done


def test_deleted_posts_and_other_classes_posts_do_not_count(school, outsider, classmate):
    Enrolment.objects.create(school_class=school.theirs, student=classmate)
    Post.objects.create(
        school_class=school.theirs,
        prompt=school.prompt,
        author=classmate,
        body="in the other class",
    )
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="", is_deleted=True
    )
    cell = cell_of(school, classmate)
    assert cell.status == Status.NOT_OPENED


def test_responding_after_the_due_time_is_late(school, student):
    Assignment.objects.filter(pk=school.assignment.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=9),
        due_at=timezone.now() - datetime.timedelta(days=1),
    )
    cell = cell_of(school, student)
    assert cell.status == Status.RESPONDED and cell.is_late


def test_responses_come_25_students_a_page_with_every_post_on_its_page(
    client, school, teacher, make_user
):
    from classroom.models import Enrolment
    from discussions.models import Post

    students = [make_user(last_name=f"Zz{number:02d}") for number in range(30)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=s) for s in students)
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=students[-1], body="**Last** one"
    )
    client.force_login(teacher)
    url = reverse("discussions:responses", args=[school.assignment.pk])
    first = client.get(url).content.decode()
    assert "Students 1–25 of 32" in first and "<strong>Last</strong>" not in first
    second = client.get(url + "?page=2").content.decode()
    assert "Students 26–32 of 32" in second and "<strong>Last</strong> one" in second
