"""Writes about people that span several models (the user, their group, their staff flag)."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import SCHOOL_ADMINISTRATORS_GROUP, TEACHERS_GROUP

ROLE_GROUPS = {
    User.Role.TEACHER: TEACHERS_GROUP,
    User.Role.ADMINISTRATOR: SCHOOL_ADMINISTRATORS_GROUP,
}


@transaction.atomic
def user_set_role(*, user: User, role: User.Role) -> User:
    """Give ``user`` a role, keeping staff status and the role's group in step.

    Teachers and school administrators are staff in their group; students are neither. What a
    former teacher taught is the business of ``classroom`` (``teaching_end``), which the user
    admin calls when it changes a role.
    """
    user.role = role
    user.is_staff = role in ROLE_GROUPS or user.is_superuser
    user.full_clean()
    user.save()
    for group_role, name in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if role == group_role:
            user.groups.add(group)
        else:
            user.groups.remove(group)
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
