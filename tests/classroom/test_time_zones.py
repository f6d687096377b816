"""“Overdue” and due dates follow the school's time zone, across midnight and clock changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment
from classroom.selectors import Status, cell_for
from lessons.models import Lesson

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def at(year, month, day, hour, minute, zone=LONDON):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


def assignment_due(due_at):
    # Unsaved is enough for the status rules; they only compare instants.
    return Assignment(due_at=due_at, opens_at=due_at - datetime.timedelta(days=7))


def test_due_at_2359_is_not_overdue_at_2358_and_is_overdue_at_midnight():
    assignment = assignment_due(at(2026, 3, 28, 23, 59))
    assert not cell_for(assignment, None, at(2026, 3, 28, 23, 58)).is_late
    assert cell_for(assignment, None, at(2026, 3, 29, 0, 0)).is_late


def test_overdue_is_exact_across_the_spring_clock_change():
    # On 29 March 2026 London's clocks go from 01:00 GMT to 02:00 BST.
    assignment = assignment_due(at(2026, 3, 29, 9, 0))  # 08:00 UTC
    assert not cell_for(assignment, None, datetime.datetime(2026, 3, 29, 7, 59, tzinfo=UTC)).is_late
    assert cell_for(assignment, None, datetime.datetime(2026, 3, 29, 8, 1, tzinfo=UTC)).is_late


def test_overdue_is_exact_across_the_autumn_clock_change():
    # On 25 October 2026 01:00–02:00 happens twice; 09:00 local is 09:00 UTC (GMT again).
    assignment = assignment_due(at(2026, 10, 25, 9, 0))
    assert not cell_for(
        assignment, None, datetime.datetime(2026, 10, 25, 8, 59, tzinfo=UTC)
    ).is_late
    assert cell_for(assignment, None, datetime.datetime(2026, 10, 25, 9, 1, tzinfo=UTC)).is_late


def test_work_finished_one_minute_late_counts_as_late():
    from classroom.models import ReadingProgress

    due = at(2026, 12, 1, 23, 59)
    progress = ReadingProgress(opened_at=due, finished_at=due + datetime.timedelta(minutes=1))
    cell = cell_for(assignment_due(due), progress, due + datetime.timedelta(days=1))
    assert cell.status == Status.READ and cell.is_late
    on_time = ReadingProgress(opened_at=due, finished_at=due)
    assert not cell_for(assignment_due(due), on_time, due + datetime.timedelta(days=1)).is_late


def admin_post(client, school, date, time):
    return client.post(
        reverse("admin:classroom_assignment_add"),
        {
            "school_class": school.ours.pk,
            "lesson": Lesson.objects.get(order=2).pk,
            "opens_at_0": "2026-03-01",
            "opens_at_1": "09:00",
            "due_at_0": date,
            "due_at_1": time,
            "instructions": "Keep me",
        },
    )


def test_a_due_time_that_does_not_exist_on_clock_change_night_is_a_clear_error(
    client, teacher, school
):
    client.force_login(teacher)
    response = admin_post(client, school, "2026-03-29", "01:30")  # skipped by the clocks
    assert response.status_code == 200
    page = response.content.decode()
    assert "couldn’t be interpreted in time zone Europe/London" in page
    assert "Keep me" in page
    assert not Assignment.objects.filter(lesson__order=2).exists()


def test_an_ambiguous_due_time_on_clock_change_night_is_a_clear_error(client, teacher, school):
    client.force_login(teacher)
    response = admin_post(client, school, "2026-10-25", "01:30")  # happens twice
    assert "couldn’t be interpreted in time zone Europe/London" in response.content.decode()


def test_due_time_is_entered_and_stored_as_school_time(client, teacher, school):
    client.force_login(teacher)
    assert admin_post(client, school, "2026-06-30", "23:30").status_code == 302
    due = Assignment.objects.get(lesson__order=2).due_at
    assert due == datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # BST is UTC+1


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/London", "Thursday 26 November, 23:30"), ("Asia/Tokyo", "Friday 27 November, 08:30")],
)
def test_dashboard_shows_due_times_in_the_schools_zone_around_midnight(
    client, settings, student, school, zone, expected
):
    settings.TIME_ZONE = zone
    due = datetime.datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    Assignment.objects.filter(pk=school.assignment.pk).update(
        opens_at=due - datetime.timedelta(days=30), due_at=due
    )
    client.force_login(student)
    page = client.get(reverse("pages:dashboard")).content.decode()
    assert expected in page


def test_school_time_zone_comes_from_the_environment_setting():
    from django.conf import settings

    assert settings.USE_TZ
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE
