from django.db import migrations

# The read-only lesson-content models (lessons, annotations, sources, prompts…) are out of a
# teacher's way in the admin: teachers read the lessons on the site, and the admin is where they
# run their classes. Superusers still see them (they have every permission); a school that wants
# its teachers to browse them there can tick the permissions in the "Teachers" group again.
LESSON_CONTENT_VIEWS = [
    "view_lesson",
    "view_annotation",
    "view_term",
    "view_source",
    "view_person",
    "view_event",
    "view_prompt",
]


def hide_lesson_content(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers = Group.objects.filter(name="Teachers").first()
    if teachers:
        teachers.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="lessons", codename__startswith="view_"
            )
        )


def show_lesson_content(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    teachers = Group.objects.filter(name="Teachers").first()
    if teachers:
        teachers.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="lessons", codename__in=LESSON_CONTENT_VIEWS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0006_assignment_min_annotations"),
        ("accounts", "0005_roles_and_first_passwords"),
    ]

    operations = [migrations.RunPython(hide_lesson_content, show_lesson_content)]
