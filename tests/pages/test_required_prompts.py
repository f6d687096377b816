"""Required prompts count: a student sees which prompts their class requires and how many they
have answered, and never another class's requirements on this class's discussions."""

import pytest

from discussions.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_required(school):
    prompts = list(school.assignment.lesson.prompts.published()[:2])
    school.assignment.required_prompts.set(prompts)
    Post.objects.filter(pk=school.post.pk).update(prompt=prompts[0])
    return prompts


def test_the_lesson_page_marks_required_prompts_and_counts_answers(
    client, student, school, two_required
):
    client.force_login(student)
    page = client.get(school.assignment.get_absolute_url()).content.decode()
    assert page.count("Required for Year 11 History") == 2
    assert "<strong>1 of 2</strong> required prompts answered" in page
    Post.objects.create(
        school_class=school.ours, prompt=two_required[1], author=student, body="My second answer"
    )
    page = client.get(school.assignment.get_absolute_url()).content.decode()
    assert "<strong>2 of 2</strong> required prompts answered" in page


def test_a_student_in_two_classes_sees_each_classes_own_requirements(
    client, student, teacher, make_class, make_assignment, school, two_required
):
    other = make_class(name="History club", teachers=[teacher], students=[student])
    other_assignment = make_assignment(school_class=other, lesson=school.assignment.lesson)
    other_assignment.required_prompts.set(two_required[1:])
    client.force_login(student)
    ours = client.get(f"{school.assignment.get_absolute_url()}&class={school.ours.pk}")
    assert "Required for History club" not in ours.content.decode()
    theirs = client.get(f"{other_assignment.get_absolute_url()}&class={other.pk}")
    page = theirs.content.decode()
    assert page.count("Required for History club") == 1
    assert "Required for Year 11 History" not in page
    assert "Assignment for History club" in page
