"""What teachers and school administrators may do: their groups and permissions, in one place.

Migrations create the groups (``accounts/0002``, ``classroom/0002``, ``accounts/0005``);
``ensure_teachers_group`` runs after every ``migrate`` and recreates a group that has gone
(deleted by accident, or a test database flushed), without touching one a school has adjusted.

Permissions say what kind of change a role may make at all; whom it may make it to is decided by
querysets (a teacher's powers over a student's account hold only while every active class of
the student is one they teach: ``classroom.selectors.students_managed_by``).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

TEACHERS_GROUP = "Teachers"

# No lesson-content models: teachers read the lessons on the site, and the admin's read-only
# copies of the content stay out of their way (classroom/0007; superusers still see them).
TEACHER_PERMISSIONS = {
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
    "accounts": ["view_user", "change_user", "export_student", "erase_student"],
    "annotations": [
        "view_annotation",
        "change_annotation",
        "view_classsettings",
        "add_classsettings",
        "change_classsettings",
    ],
}

SCHOOL_ADMINISTRATORS_GROUP = "School administrators"

SCHOOL_ADMINISTRATOR_PERMISSIONS = {
    "accounts": [
        "view_user",
        "add_user",
        "change_user",
        "export_student",
        "erase_student",
    ],
    "classroom": ["view_schoolclass", "view_enrolment"],
}

GROUPS = {
    TEACHERS_GROUP: TEACHER_PERMISSIONS,
    SCHOOL_ADMINISTRATORS_GROUP: SCHOOL_ADMINISTRATOR_PERMISSIONS,
}


def ensure_teachers_group(sender=None, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """``post_migrate`` receiver: create each role's group with its permissions if missing."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated yet
        return
    for name, permissions in GROUPS.items():
        if Group.objects.using(using).filter(name=name).exists():
            continue
        # post_migrate reaches apps in INSTALLED_APPS order: make sure their permissions exist.
        for label in permissions:
            try:
                create_permissions(
                    global_apps.get_app_config(label), verbosity=0, using=using, apps=apps
                )
            except LookupError:
                return
        group = Group.objects.using(using).create(name=name)
        for app_label, codenames in permissions.items():
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
