from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-in log receivers)
        from .roles import ensure_teachers_group

        post_migrate.connect(ensure_teachers_group, sender=self, dispatch_uid="accounts.teachers")
