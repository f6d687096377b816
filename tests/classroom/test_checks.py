"""Check your understanding: a student answers on the lesson page, learns why, may retry; the
first attempt is kept and shows to the teacher in the progress grid and its CSV."""

import pytest
from django.urls import reverse

from classroom.models import CheckAnswer
from classroom.services import check_answer
from lessons.rendering import render_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(school):
    return list(school.assignment.lesson.checkquestions.published())


def answer_url(question):
    return reverse("classroom:check_answer", args=[question.lesson.slug, question.key])


def wrong_choice(question):
    return next(i for i in range(len(question.choices)) if i != question.correct_index)


def test_a_wrong_answer_explains_and_a_retry_keeps_the_first_attempt(client, student, checks):
    question = checks[0]
    client.force_login(student)
    response = client.post(answer_url(question), {"choice": wrong_choice(question)}, follow=True)
    page = response.content.decode()
    assert "Not quite." in page
    assert str(render_note(question.feedback(wrong_choice(question)))) in page
    client.post(answer_url(question), {"choice": question.correct_index})
    answer = CheckAnswer.objects.get(student=student, question=question)
    assert (answer.first_correct, answer.latest_correct, answer.attempts) == (False, True, 2)
    page = client.get(question.lesson.get_absolute_url()).content.decode()
    assert "Right." in page and "your teacher sees that one" in page


def test_answers_are_recorded_once_per_question(student, checks):
    for _ in range(3):
        check_answer(student=student, question=checks[0], choice=checks[0].correct_index)
    assert CheckAnswer.objects.filter(student=student).count() == 1


def test_a_choice_that_does_not_exist_is_a_clear_error(client, student, checks):
    client.force_login(student)
    for choice in ("", "abc", "-1", "9", "1\x00"):
        response = client.post(answer_url(checks[0]), {"choice": choice}, follow=True)
        assert "Choose one of the answers" in response.content.decode()
    assert not CheckAnswer.objects.exists()
    fragment = client.post(answer_url(checks[0]), {"choice": "9"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 400


def test_the_htmx_answer_returns_the_question_with_its_explanation(client, student, checks):
    client.force_login(student)
    question = checks[1]
    fragment = client.post(
        answer_url(question), {"choice": question.correct_index}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'id="check-{question.key}"' in fragment and "Right." in fragment
    assert "<html" not in fragment


def test_first_attempt_scores_show_in_the_grid_and_csv(client, teacher, student, checks, school):
    for question in checks[:2]:
        check_answer(student=student, question=question, choice=question.correct_index)
    check_answer(student=student, question=checks[2], choice=wrong_choice(checks[2]))
    check_answer(student=student, question=checks[2], choice=checks[2].correct_index)
    client.force_login(teacher)
    grid = client.get(reverse("admin:classroom_schoolclass_progress", args=[school.ours.pk]))
    assert f"checks 2/{len(checks)}" in grid.content.decode()
    csv = client.get(reverse("admin:classroom_schoolclass_progress_csv", args=[school.ours.pk]))
    assert f"checks 2/{len(checks)}" in csv.content.decode()


def test_teachers_see_the_questions_with_the_right_answers(client, teacher, checks):
    client.force_login(teacher)
    page = client.get(checks[0].lesson.get_absolute_url()).content.decode()
    assert "(right answer)" in page
    assert 'name="choice"' not in page
