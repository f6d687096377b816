from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self):
        from .loader import sync_after_migrate

        # Keep the content current after every migrate, as Django does for permissions.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="lessons.sync")


class SectionConfig(AppConfig):
    """Base for the apps that each hold one section of the essay in ``content/``."""

    default = False

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        self.content_dir = Path(self.path) / "content"
