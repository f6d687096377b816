from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from classroom.models import Assignment, SchoolClass

pytestmark = pytest.mark.django_db


def test_seed_demo_is_refused_unless_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.filter(username="teacher").exists()


def test_seed_demo_creates_a_teacher_and_three_students_and_prints_their_sign_ins(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    output = capsys.readouterr().out
    teacher = User.objects.get(username="teacher")
    assert teacher.is_teacher and teacher.is_staff
    students = User.objects.students()
    assert students.count() == 3
    for user in [teacher, *students]:
        assert user.username in output
    assert teacher.check_password("teach-1917-demo")
    assert "teach-1917-demo" in output


def test_seed_demo_twice_changes_nothing_but_restores_passwords(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    ids = sorted(User.objects.values_list("pk", flat=True))
    amara = User.objects.get(username="amara")
    amara.set_password("changed-by-a-tinkerer")
    amara.save()
    call_command("seed_demo")
    assert sorted(User.objects.values_list("pk", flat=True)) == ids
    amara.refresh_from_db()
    assert amara.check_password("read-1924-demo")


def test_seed_demo_creates_a_class_with_the_students_and_two_assignments_one_overdue(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    school_class = SchoolClass.objects.get()
    assert set(school_class.students.values_list("username", flat=True)) == {
        "amara",
        "ben",
        "chloe",
    }
    assignments = Assignment.objects.filter(school_class=school_class)
    assert assignments.count() == 2
    assert sum(assignment.is_overdue() for assignment in assignments) == 1


def test_seed_demo_starts_a_discussion_once(settings):
    from discussions.models import Post

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    posts = Post.objects.filter(school_class=SchoolClass.objects.get())
    assert posts.count() == 4
    assert posts.filter(parent__isnull=False).count() == 2
    assert posts.filter(author__username="teacher").exists()


def test_seed_demo_makes_a_school_administrator_and_required_prompts(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    office = User.objects.get(username="office")
    assert office.is_school_administrator and not office.can_teach
    assignment = Assignment.objects.order_by("due_at").last()
    assert assignment.required_prompts.count() == 2
