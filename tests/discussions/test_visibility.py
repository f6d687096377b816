"""Who sees what: class isolation, hidden posts, post-first, several classes, moderation."""

import pytest
from django.urls import reverse

from classroom.models import Assignment, Enrolment
from discussions.models import Post

pytestmark = pytest.mark.django_db


def thread_url(school_class, prompt):
    return reverse("discussions:thread", args=[school_class.pk, prompt.pk])


def page_of(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_student_never_sees_another_classes_posts(client, outsider, school):
    assert client.get(thread_url(school.ours, school.prompt)).status_code == 302
    client.force_login(outsider)
    assert client.get(thread_url(school.ours, school.prompt)).status_code == 404
    page = client.get(school.prompt.lesson.get_absolute_url()).content.decode()
    assert "Stalin won by controlling" not in page
    assert (
        client.get(f"{school.prompt.lesson.get_absolute_url()}?class={school.ours.pk}")
        .content.decode()
        .count("Stalin won by controlling")
        == 0
    )


def test_outsider_cannot_reply_to_edit_or_moderate_our_posts(client, outsider, school, reply_as):
    client.force_login(outsider)
    assert reply_as(client, school.post, "sneaky").status_code == 404
    assert (
        client.post(reverse("discussions:edit", args=[school.post.pk]), {"body": "x"}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("discussions:moderate", args=[school.post.pk]), {"action": "hide"}
        ).status_code
        == 404
    )
    assert Post.objects.count() == 1
    school.post.refresh_from_db()
    assert not school.post.is_hidden


def test_student_in_two_classes_sees_each_discussion_separately(
    client, student, school, make_class, other_teacher
):
    Enrolment.objects.create(school_class=school.theirs, student=student)
    Post.objects.create(
        school_class=school.theirs, prompt=school.prompt, author=student, body="Said in Year 12"
    )
    lesson_url = school.prompt.lesson.get_absolute_url()
    client.force_login(student)
    ours = client.get(f"{lesson_url}?class={school.ours.pk}").content.decode()
    theirs = client.get(f"{lesson_url}?class={school.theirs.pk}").content.decode()
    assert (
        f"/discussions/{school.ours.pk}/" in ours
        and f"/discussions/{school.theirs.pk}/" not in ours
    )
    assert (
        f"/discussions/{school.theirs.pk}/" in theirs
        and f"/discussions/{school.ours.pk}/" not in theirs
    )
    assert 'class="nav nav-pills class-switcher"' in ours
    ours_thread = client.get(thread_url(school.ours, school.prompt)).content.decode()
    theirs_thread = client.get(thread_url(school.theirs, school.prompt)).content.decode()
    assert "Stalin won by controlling" in ours_thread and "Said in Year 12" not in ours_thread
    assert "Said in Year 12" in theirs_thread and "Stalin won by controlling" not in theirs_thread


def test_unknown_class_parameter_falls_back_to_the_students_own(client, outsider, school):
    client.force_login(outsider)
    page = client.get(f"{school.prompt.lesson.get_absolute_url()}?class={school.ours.pk}")
    assert "Only Year 12 History and its teachers see these posts" in page.content.decode()


def hide(client, teacher, post):
    client.force_login(teacher)
    return client.post(reverse("discussions:moderate", args=[post.pk]), {"action": "hide"})


def test_hidden_post_shows_to_the_teacher_marked_to_the_author_as_hidden_to_others_not(
    client, teacher, student, classmate, school
):
    assert hide(client, teacher, school.post).status_code == 302
    url = thread_url(school.ours, school.prompt)
    teacher_page = page_of(client, teacher, url)
    assert "Stalin won by controlling" in teacher_page and "Hidden from students" in teacher_page
    author_page = page_of(client, student, url)
    assert "Stalin won by controlling" in author_page and "Hidden by your teacher" in author_page
    other_page = page_of(client, classmate, url)
    assert "Stalin won by controlling" not in other_page
    assert client.get(reverse("discussions:reply", args=[school.post.pk])).status_code == 404


def test_replies_under_a_hidden_post_are_hidden_too(
    client, teacher, classmate, student, school, reply_as
):
    client.force_login(classmate)
    reply_as(client, school.post, "A reply under it")
    hide(client, teacher, school.post)
    Enrolment.objects.create(school_class=school.ours, student=school.theirs.students.first())
    page = page_of(client, school.theirs.students.first(), thread_url(school.ours, school.prompt))
    assert "A reply under it" not in page


def test_unhide_restores_the_post(client, teacher, classmate, school):
    hide(client, teacher, school.post)
    client.post(reverse("discussions:moderate", args=[school.post.pk]), {"action": "unhide"})
    assert "Stalin won by controlling" in page_of(
        client, classmate, thread_url(school.ours, school.prompt)
    )


def test_pinned_post_comes_first_and_exemplary_is_marked(
    client, teacher, classmate, school, post_as
):
    client.force_login(classmate)
    post_as(client, school.ours, school.prompt, "A later, better answer")
    later = Post.objects.get(author=classmate)
    client.force_login(teacher)
    client.post(reverse("discussions:moderate", args=[later.pk]), {"action": "pin"})
    client.post(reverse("discussions:moderate", args=[later.pk]), {"action": "feature"})
    page = page_of(client, classmate, thread_url(school.ours, school.prompt))
    assert page.index("A later, better answer") < page.index("Stalin won by controlling")
    assert "Pinned" in page and "Exemplary" in page


def test_students_cannot_moderate_even_in_their_own_class(client, classmate, school):
    client.force_login(classmate)
    response = client.post(
        reverse("discussions:moderate", args=[school.post.pk]), {"action": "hide"}
    )
    assert response.status_code == 403
    school.post.refresh_from_db()
    assert not school.post.is_hidden


def test_unknown_moderation_action_changes_nothing(client, teacher, school):
    client.force_login(teacher)
    client.post(reverse("discussions:moderate", args=[school.post.pk]), {"action": "delete"})
    school.post.refresh_from_db()
    assert not (school.post.is_hidden or school.post.is_pinned or school.post.is_deleted)


def require_post_first(school):
    Assignment.objects.filter(pk=school.assignment.pk).update(post_first=True)


def test_post_first_hides_classmates_posts_until_the_student_posts(
    client, classmate, school, post_as
):
    require_post_first(school)
    url = thread_url(school.ours, school.prompt)
    page = page_of(client, classmate, url)
    assert "Stalin won by controlling" not in page
    assert "Post your own answer first: you will see your classmates’ 1 post" in page
    assert client.get(reverse("discussions:reply", args=[school.post.pk])).status_code == 404
    post_as(client, school.ours, school.prompt, "My own answer first")
    page = client.get(url).content.decode()
    assert "Stalin won by controlling" in page and "My own answer first" in page


def test_post_first_does_not_gate_the_teacher(client, teacher, school):
    require_post_first(school)
    assert "Stalin won by controlling" in page_of(
        client, teacher, thread_url(school.ours, school.prompt)
    )


def test_post_first_applies_only_to_the_assigned_lesson(client, classmate, school, make_assignment):
    require_post_first(school)
    from lessons.models import Lesson

    other_prompt = Lesson.objects.get(order=2).prompts.first()
    Post.objects.create(
        school_class=school.ours,
        prompt=other_prompt,
        author=school.post.author,
        body="On another lesson",
    )
    page = page_of(client, classmate, thread_url(school.ours, other_prompt))
    assert "On another lesson" in page
