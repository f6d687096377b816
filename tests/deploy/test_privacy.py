"""A student's data can be exported, and a student erased with what they wrote."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import User
from classroom.models import ReadingProgress
from discussions.models import Post

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:accounts_user_changelist"


def act(client, action, users, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [user.pk for user in users], **extra},
    )


def test_teacher_exports_all_of_a_students_data_as_json(client, teacher, student, school):
    ReadingProgress.objects.create(student=student, lesson=school.prompt.lesson)
    client.force_login(teacher)
    response = act(client, "export_data", [student])
    assert response["Content-Type"] == "application/json"
    assert 'filename="student-data-amara.json"' in response["Content-Disposition"]
    [data] = json.loads(response.content)["students"]
    assert data["account"]["username"] == "amara"
    assert [c["class"] for c in data["classes"]] == [str(school.ours)]
    assert data["reading_progress"][0]["lesson"] == school.prompt.lesson.title
    assert data["posts"][0]["text"] == "Stalin won by controlling ¶1."


def test_teacher_cannot_export_another_classes_student(client, teacher, outsider, school):
    client.force_login(teacher)
    response = act(client, "export_data", [outsider])
    assert "oskar" not in response.content.decode()


def test_erase_asks_first_and_then_keeps_posts_anonymously(
    client, teacher, student, classmate, school
):
    reply = Post.objects.create(
        school_class=school.ours,
        prompt=school.prompt,
        author=classmate,
        parent=school.post,
        reply_to=school.post,
        body="Ben's reply",
    )
    client.force_login(teacher)
    confirm = act(client, "erase_students", [student])
    assert "What happens to their posts?" in confirm.content.decode()
    assert User.objects.filter(pk=student.pk).exists()
    act(client, "erase_students", [student], confirm="yes", posts="keep")
    assert not User.objects.filter(pk=student.pk).exists()
    school.post.refresh_from_db()
    assert school.post.author.username == "former-student"
    assert school.post.body == "Stalin won by controlling ¶1."
    assert Post.objects.filter(pk=reply.pk).exists()
    assert not school.post.author.is_active


def test_erase_and_remove_posts_keeps_others_replies(client, teacher, student, classmate, school):
    reply = Post.objects.create(
        school_class=school.ours,
        prompt=school.prompt,
        author=classmate,
        parent=school.post,
        reply_to=school.post,
        body="Ben's reply",
    )
    lonely = Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=student, body="No one answered this"
    )
    client.force_login(teacher)
    act(client, "erase_students", [student], confirm="yes", posts="remove")
    assert not User.objects.filter(pk=student.pk).exists()
    school.post.refresh_from_db()
    assert school.post.is_deleted and school.post.body == ""
    assert Post.objects.filter(pk=reply.pk).exists()
    assert not Post.objects.filter(pk=lonely.pk).exists()
    assert not Post.objects.filter(body__contains="Stalin won").exists()


def test_erase_without_a_choice_erases_nothing(client, teacher, student, school):
    client.force_login(teacher)
    response = act(client, "erase_students", [student], confirm="yes")
    assert "Choose what happens to their posts." in response.content.decode()
    assert User.objects.filter(pk=student.pk).exists()


def test_teacher_cannot_erase_another_classes_student(client, teacher, outsider, school):
    client.force_login(teacher)
    act(client, "erase_students", [outsider], confirm="yes", posts="remove")
    assert User.objects.filter(pk=outsider.pk).exists()


def test_privacy_page_is_public_and_says_who_sees_what(client):
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Who sees it" in page and "no analytics" in page
