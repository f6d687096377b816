from django.contrib.auth.management import create_permissions
from django.db import migrations

# What a teacher may do with classes in the admin. Scoping to their own classes is done by the
# admin's querysets; these say what kind of change they may make at all.
TEACHER_PERMISSIONS = [
    ("classroom", "view_schoolclass"),
    ("classroom", "add_schoolclass"),
    ("classroom", "change_schoolclass"),
    ("classroom", "view_enrolment"),
    ("classroom", "add_enrolment"),
    ("classroom", "change_enrolment"),
    ("classroom", "delete_enrolment"),
    ("classroom", "view_assignment"),
    ("classroom", "add_assignment"),
    ("classroom", "change_assignment"),
    ("classroom", "delete_assignment"),
    ("classroom", "view_readingprogress"),
    ("accounts", "view_user"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers, _ = Group.objects.get_or_create(name="Teachers")
    for app_label, codename in TEACHER_PERMISSIONS:
        teachers.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers = Group.objects.filter(name="Teachers").first()
    if teachers:
        for app_label, codename in TEACHER_PERMISSIONS:
            teachers.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0001_initial"),
        ("accounts", "0002_teachers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
