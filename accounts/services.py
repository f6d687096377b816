"""Writes about people that span several models (the user, their group, their staff flag)."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import TEACHERS_GROUP


@transaction.atomic
def user_set_role(*, user: User, role: User.Role) -> User:
    """Make ``user`` a student or a teacher, keeping staff status and the Teachers group in step."""
    teachers, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    user.role = role
    user.is_staff = role == User.Role.TEACHER or user.is_superuser
    user.full_clean()
    user.save()
    if role == User.Role.TEACHER:
        user.groups.add(teachers)
    else:
        user.groups.remove(teachers)
    return user


@transaction.atomic
def teacher_create(
    *, username: str, password: str, first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    """Create a teacher: a staff user in the Teachers group."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user_set_role(user=user, role=User.Role.TEACHER)
