from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self):
        from . import signals  # noqa: F401  (keeps cached pages current)
