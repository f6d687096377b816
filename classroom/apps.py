from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = "Classes and assignments"

    def ready(self):
        from . import signals  # noqa: F401  (keeps cached pages current)
