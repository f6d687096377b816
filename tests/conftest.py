"""The cast every test draws on, and small factories.

Personas (after Zulip's ``example_user``): ``student``, ``classmate``, ``outsider`` (a student
of another class, once classes exist), ``teacher``, ``other_teacher``, ``sharing_teacher`` (who
teaches another class and has enrolled our ``student`` in it too), ``administrator`` (a school
administrator) and ``superuser``.
"""

import itertools
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from accounts.models import User
from accounts.services import user_set_role

_serial = itertools.count(1)
PASSWORD = "a-long-test-password-1917"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def factory(*, role=User.Role.STUDENT, password=PASSWORD, **overrides) -> User:
        number = next(_serial)
        fields = {
            "username": f"user{number}",
            "first_name": "Test",
            "last_name": f"Person {number}",
            "email": f"user{number}@example.org",
            **overrides,
        }
        user = User.objects.create_user(password=password, **fields)
        if role != User.Role.STUDENT:
            user_set_role(user=user, role=role)
        return user

    return factory


@pytest.fixture
def student(make_user):
    return make_user(username="amara", first_name="Amara", last_name="Okafor")


@pytest.fixture
def classmate(make_user):
    return make_user(username="ben", first_name="Ben", last_name="Kowalski")


@pytest.fixture
def outsider(make_user):
    return make_user(username="oskar", first_name="Oskar", last_name="Lind")


@pytest.fixture
def teacher(make_user):
    return make_user(
        username="hughes", first_name="Ada", last_name="Hughes", role=User.Role.TEACHER
    )


@pytest.fixture
def other_teacher(make_user):
    return make_user(username="patel", first_name="Ravi", last_name="Patel", role=User.Role.TEACHER)


@pytest.fixture
def administrator(make_user):
    """A school administrator: the school office or IT, managing every student's account."""
    return make_user(
        username="office", first_name="Sam", last_name="Okoye", role=User.Role.ADMINISTRATOR
    )


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        username="root", email="root@example.org", password=PASSWORD
    )


@pytest.fixture
def lesson(db):
    from lessons.models import Lesson

    return Lesson.objects.published().get(order=1)


@pytest.fixture
def make_class(db):
    from classroom.models import SchoolClass

    def factory(*, teachers=(), students=(), **overrides) -> SchoolClass:
        number = next(_serial)
        school_class = SchoolClass.objects.create(
            name=overrides.pop("name", f"History {number}"), **overrides
        )
        school_class.teachers.set(teachers)
        for student in students:
            school_class.enrolments.create(student=student)
        return school_class

    return factory


@pytest.fixture
def make_assignment(db):
    import datetime

    from django.utils import timezone

    from classroom.models import Assignment
    from lessons.models import Lesson

    def factory(*, school_class, lesson=None, **overrides) -> Assignment:
        now = timezone.now()
        fields = {
            "lesson": lesson or Lesson.objects.published().first(),
            "opens_at": now - datetime.timedelta(days=1),
            "due_at": now + datetime.timedelta(days=7),
            "instructions": "Read it twice and note two corrections.",
            **overrides,
        }
        return Assignment.objects.create(school_class=school_class, **fields)

    return factory


@pytest.fixture
def school(make_class, make_assignment, student, classmate, outsider, teacher, other_teacher):
    """Two classes: ours (teacher, student, classmate) and another (other_teacher, outsider),
    each with an assignment of the first lesson; the student has posted in ours."""
    from discussions.models import Post

    ours = make_class(
        name="Year 11 History", section="11B", teachers=[teacher], students=[student, classmate]
    )
    theirs = make_class(name="Year 12 History", teachers=[other_teacher], students=[outsider])
    assignment = make_assignment(school_class=ours)
    other_assignment = make_assignment(school_class=theirs)
    prompt = assignment.lesson.prompts.published().first()
    post = Post.objects.create(
        school_class=ours, prompt=prompt, author=student, body="Stalin won by controlling ¶1."
    )
    return SimpleNamespace(
        ours=ours,
        classmate=classmate,
        theirs=theirs,
        assignment=assignment,
        other_assignment=other_assignment,
        prompt=prompt,
        post=post,
    )


@pytest.fixture
def sharing_teacher(make_user, make_class, school, student):
    """A teacher of another class who has enrolled our student there too: sharing a student
    must give them nothing of our class, and neither of us the student's account."""
    teacher = make_user(
        username="okafor-t", first_name="Chidi", last_name="Nwosu", role=User.Role.TEACHER
    )
    make_class(name="Debating club", teachers=[teacher], students=[student])
    return teacher
