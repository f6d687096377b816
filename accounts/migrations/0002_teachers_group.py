from django.contrib.auth.management import create_permissions
from django.db import migrations

# What a teacher may do in the admin. Later apps add theirs in their own migrations.
TEACHER_PERMISSIONS = [
    ("lessons", "view_lesson"),
    ("lessons", "view_annotation"),
    ("lessons", "view_term"),
    ("lessons", "view_source"),
    ("lessons", "view_person"),
    ("lessons", "view_event"),
    ("lessons", "view_prompt"),
]


def create_teachers_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now so
    # the group can hold them on a fresh database.
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


def remove_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Teachers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
