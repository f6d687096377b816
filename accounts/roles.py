"""What a teacher may do: the "Teachers" group and its permissions, defined in one place.

Migrations create the group (``accounts/0002``, ``classroom/0002``); ``ensure_teachers_group``
runs after every ``migrate`` and recreates the group if it has gone (deleted by accident, or
a test database flushed), without touching a group a school has adjusted.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

TEACHERS_GROUP = "Teachers"

TEACHER_PERMISSIONS = {
    "lessons": [
        "view_lesson",
        "view_annotation",
        "view_term",
        "view_source",
        "view_person",
        "view_event",
        "view_prompt",
    ],
    "classroom": [
        "view_schoolclass",
        "add_schoolclass",
        "change_schoolclass",
        "view_enrolment",
        "add_enrolment",
        "change_enrolment",
        "delete_enrolment",
        "view_assignment",
        "add_assignment",
        "change_assignment",
        "delete_assignment",
        "view_readingprogress",
    ],
    "accounts": ["view_user"],
}


def ensure_teachers_group(sender=None, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """``post_migrate`` receiver: create the Teachers group with its permissions if missing."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated yet
        return
    if Group.objects.using(using).filter(name=TEACHERS_GROUP).exists():
        return
    # post_migrate reaches apps in INSTALLED_APPS order: make sure their permissions exist.
    for label in TEACHER_PERMISSIONS:
        try:
            create_permissions(
                global_apps.get_app_config(label), verbosity=0, using=using, apps=apps
            )
        except LookupError:
            return
    group = Group.objects.using(using).create(name=TEACHERS_GROUP)
    for app_label, codenames in TEACHER_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
