from django.contrib.auth.management import create_permissions
from django.db import migrations

# What a teacher may do with annotations in the admin: moderate, re-attach or dismiss those of
# their classes (the admin's querysets scope them), and set their classes' pseudonyms.
TEACHER_PERMISSIONS = [
    ("annotations", "view_annotation"),
    ("annotations", "change_annotation"),
    ("annotations", "view_classsettings"),
    ("annotations", "add_classsettings"),
    ("annotations", "change_classsettings"),
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
        ("annotations", "0001_initial"),
        ("accounts", "0002_teachers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
