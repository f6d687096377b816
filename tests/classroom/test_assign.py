"""Assigning a lesson in one screen: the lesson's own prompts as checkboxes (htmx, or two steps
without JavaScript), due the next school day at 09:00 by default, marks, and back to the class."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.forms import next_school_day
from classroom.models import Assignment, ReadingProgress
from discussions.models import Post
from lessons.models import Lesson

pytestmark = pytest.mark.django_db

ADD = "/admin/classroom/assignment/add/"


def lesson(order):
    return Lesson.objects.published().get(order=order)


def form_data(school_class, lesson, *, due=("01/12/2026", "09:00"), **fields):
    return {
        "school_class": school_class.pk,
        "lesson": lesson.pk,
        "opens_at_0": "01/11/2026",
        "opens_at_1": "08:00",
        "due_at_0": due[0],
        "due_at_1": due[1],
        "instructions": "",
        "mark_scale": "none",
        "min_annotations": "0",
        **fields,
    }


@pytest.mark.parametrize(
    ("today", "due"),
    [
        ("2026-11-30 15:00", "2026-12-01"),  # Monday → Tuesday
        ("2026-12-04 15:00", "2026-12-07"),  # Friday → Monday
        ("2026-12-05 10:00", "2026-12-07"),  # Saturday → Monday
        ("2026-12-06 23:30", "2026-12-07"),  # Sunday night → Monday
    ],
)
def test_due_by_default_the_next_school_day_at_nine_in_the_schools_zone(settings, today, due):
    settings.TIME_ZONE = "Europe/London"
    zone = zoneinfo.ZoneInfo("Europe/London")
    now = datetime.datetime.fromisoformat(today).replace(tzinfo=zone)
    result = next_school_day(now=now)
    assert timezone.localtime(result).strftime("%Y-%m-%d %H:%M") == f"{due} 09:00"


def test_the_form_opens_now_and_is_due_next_school_day_at_nine_without_seconds(
    client, teacher, school
):
    client.force_login(teacher)
    page = client.get(ADD, {"school_class": school.ours.pk}).content.decode()
    due = timezone.localtime(next_school_day())
    assert f'name="due_at_0" value="{due:%d/%m/%Y}"' in page
    assert 'name="due_at_1" value="09:00"' in page
    opens_time = re.search(r'name="opens_at_1" value="([^"]+)"', page).group(1)
    assert re.fullmatch(r"\d\d:\d\d", opens_time)  # no seconds
    assert f'<option value="{school.ours.pk}" selected>' in page
    assert "Year 12 History" not in page  # another teacher's class is not offered


def test_the_chosen_lessons_prompts_only_appear_with_their_full_text(client, teacher, school):
    client.force_login(teacher)
    page = client.get(ADD, {"school_class": school.ours.pk, "lesson": lesson(2).pk})
    text = page.content.decode()
    for prompt in lesson(2).prompts.published():
        assert f'value="{prompt.pk}"' in text
        assert prompt.question.replace("’", "’") in text.replace("&#x27;", "'")
    for other in lesson(1).prompts.published():
        assert f'name="required_prompts" value="{other.pk}"' not in text


def test_without_a_lesson_the_form_asks_for_one_first(client, teacher, school):
    client.force_login(teacher)
    text = client.get(ADD, {"school_class": school.ours.pk}).content.decode()
    assert "Choose a lesson, and its discussion prompts appear here" in text
    assert 'name="required_prompts"' not in text
    assert 'name="_choose_lesson"' in text  # the second step, without JavaScript


def test_the_lesson_list_asks_htmx_for_the_prompts_with_valid_attributes(client, teacher, school):
    client.force_login(teacher)
    text = client.get(ADD, {"school_class": school.ours.pk}).content.decode()
    select = re.search(r'<select name="lesson"[^>]*>', text).group(0)
    assert f'data-hx-get="{reverse("admin:classroom_assignment_prompts")}"' in select
    assert 'data-hx-target="#prompt-choices"' in select
    assert 'data-hx-trigger="change"' in select
    assert not re.search(r"\shx-\w+=", text)  # hx-* is not valid HTML
    assert 'id="prompt-choices"' in text and "vendor/htmx/htmx.min.js" in text


def test_the_htmx_fragment_is_the_lessons_checkboxes(client, teacher):
    client.force_login(teacher)
    url = reverse("admin:classroom_assignment_prompts")
    text = client.get(url, {"lesson": lesson(3).pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in text and "<body" not in text
    assert text.count('type="checkbox"') == lesson(3).prompts.published().count()
    assert all(f'value="{prompt.pk}"' in text for prompt in lesson(3).prompts.published())
    for bad in ("", "abc", "1\x00", "99999999999999999999"):
        response = client.get(url, {"lesson": bad})
        assert response.status_code in (200, 400)
        assert 'type="checkbox"' not in response.content.decode()


def test_the_fragment_is_for_teachers_only(client, administrator, student):
    url = reverse("admin:classroom_assignment_prompts")
    client.force_login(administrator)
    assert client.get(url, {"lesson": lesson(1).pk}).status_code == 403
    client.force_login(student)
    assert client.get(url, {"lesson": lesson(1).pk}).url.startswith(reverse("admin:login"))


def test_without_javascript_continue_shows_the_prompts_and_keeps_what_was_typed(
    client, teacher, school
):
    client.force_login(teacher)
    data = form_data(
        school.ours,
        lesson(2),
        due=("03/12/2026", "15:30"),
        instructions="Read ¶4 twice.",
        post_first="on",
        _choose_lesson="1",
    )
    response = client.post(ADD, data)
    assert response.status_code == 302
    assert not Assignment.objects.filter(lesson=lesson(2), school_class=school.ours).exists()
    text = client.get(response.url).content.decode()
    assert "Read ¶4 twice." in text
    assert 'name="due_at_0" value="03/12/2026"' in text
    assert 'name="due_at_1" value="15:30"' in text
    assert re.search(r'name="post_first"[^>]*checked', text)
    prompt = lesson(2).prompts.published().first()
    assert f'name="required_prompts" value="{prompt.pk}"' in text


def test_saving_an_assignment_keeps_its_choices_and_returns_to_the_class(client, teacher, school):
    client.force_login(teacher)
    prompts = list(lesson(2).prompts.published()[:2])
    response = client.post(
        ADD,
        form_data(
            school.ours,
            lesson(2),
            required_prompts=[prompt.pk for prompt in prompts],
            post_first="on",
            instructions="Answer both.",
            mark_scale="rubric",
            rubric="Argument: Emerging / Secure / Excellent\nEvidence: Thin / Solid",
            points_max="10",  # not the chosen scale: dropped
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("admin:classroom_schoolclass_home", args=[school.ours.pk])
    assignment = Assignment.objects.get(school_class=school.ours, lesson=lesson(2))
    assert set(assignment.required_prompts.all()) == set(prompts)
    assert assignment.post_first
    assert assignment.created_by == teacher
    assert assignment.points_max is None
    assert assignment.rubric == [
        {"criterion": "Argument", "levels": ["Emerging", "Secure", "Excellent"]},
        {"criterion": "Evidence", "levels": ["Thin", "Solid"]},
    ]
    local_due = timezone.localtime(assignment.due_at)
    assert (local_due.day, local_due.month, local_due.hour, local_due.minute) == (1, 12, 9, 0)


def test_points_need_a_maximum_and_a_rubric_needs_levels(client, teacher, school):
    client.force_login(teacher)
    page = client.post(ADD, form_data(school.ours, lesson(2), mark_scale="points")).content
    assert "Say how many points a response is out of." in page.decode()
    page = client.post(
        ADD, form_data(school.ours, lesson(2), mark_scale="rubric", rubric="Argument: Only")
    ).content.decode()
    assert "Give each criterion a name and at least two levels." in page
    assert "Argument: Only" in page  # what the teacher typed is kept
    client.post(ADD, form_data(school.ours, lesson(2), mark_scale="points", points_max="20"))
    assert Assignment.objects.get(school_class=school.ours, lesson=lesson(2)).points_max == 20


def test_a_lesson_assigned_twice_to_a_class_is_refused_with_a_reason(client, teacher, school):
    client.force_login(teacher)
    page = client.post(ADD, form_data(school.ours, school.assignment.lesson)).content.decode()
    assert "is already assigned to Year 11 History" in page


def test_another_teachers_class_or_another_lessons_prompts_change_nothing(client, teacher, school):
    client.force_login(teacher)
    page = client.post(ADD, form_data(school.theirs, lesson(2))).content.decode()
    assert "Select a valid choice" in page
    wrong = lesson(3).prompts.published().first()
    page = client.post(
        ADD, form_data(school.ours, lesson(2), required_prompts=[wrong.pk])
    ).content.decode()
    assert "Choose prompts of the assigned lesson only." in page
    assert not Assignment.objects.filter(lesson=lesson(2)).exists()


def test_editing_an_assignment_keeps_students_work_its_class_and_lesson(
    client, teacher, school, student
):
    assignment = school.assignment
    ReadingProgress.objects.create(student=student, lesson=assignment.lesson)
    prompt = assignment.lesson.prompts.published().last()
    client.force_login(teacher)
    change = reverse("admin:classroom_assignment_change", args=[assignment.pk])
    page = client.get(change).content.decode()
    assert 'name="_choose_lesson"' not in page  # the lesson is fixed once assigned
    response = client.post(
        change,
        {
            **form_data(school.theirs, Lesson.objects.published().last()),
            "due_at_0": "24/12/2026",
            "due_at_1": "12:00",
            "required_prompts": [prompt.pk],
            "instructions": "Changed.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == reverse("admin:classroom_schoolclass_home", args=[school.ours.pk])
    assignment.refresh_from_db()
    assert (assignment.school_class, assignment.lesson) == (school.ours, school.prompt.lesson)
    assert assignment.instructions == "Changed."
    assert list(assignment.required_prompts.all()) == [prompt]
    assert timezone.localtime(assignment.due_at).strftime("%d/%m %H:%M") == "24/12 12:00"
    assert Post.objects.filter(pk=school.post.pk).exists()
    assert ReadingProgress.objects.filter(student=student, lesson=assignment.lesson).exists()
    assert Assignment.objects.filter(school_class=school.ours).count() == 1


def test_another_teachers_assignment_cannot_be_edited(client, teacher, school):
    client.force_login(teacher)
    change = reverse("admin:classroom_assignment_change", args=[school.other_assignment.pk])
    response = client.post(change, {**form_data(school.theirs, lesson(1)), "instructions": "X"})
    assert response.status_code == 404
    school.other_assignment.refresh_from_db()
    assert school.other_assignment.instructions != "X"
