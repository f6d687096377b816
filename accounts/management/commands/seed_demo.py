from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import user_set_role

DEMO_TEACHER = ("teacher", "Ada", "Hughes", "teach-1917-demo")
DEMO_STUDENTS = [
    ("amara", "Amara", "Okafor", "read-1924-demo"),
    ("ben", "Ben", "Kowalski", "read-1928-demo"),
    ("chloe", "Chloé", "Martin", "read-1936-demo"),
]


class Command(BaseCommand):
    help = (
        "Create the demo teacher and students (idempotent; their passwords are reset to the "
        "printed ones). Refused unless DEBUG is on, so a real school never has demo accounts."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on (development settings): demo accounts with "
                "published passwords must never exist on a real school's site."
            )
        with transaction.atomic():
            teacher = self._account(*DEMO_TEACHER)
            user_set_role(user=teacher, role=User.Role.TEACHER)
            for account in DEMO_STUDENTS:
                self._account(*account)

        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        rows = [("teacher", *DEMO_TEACHER)] + [("student", *row) for row in DEMO_STUDENTS]
        for role, username, first, last, password in rows:
            name = f"{first} {last}"
            self.stdout.write(
                f"  {role:<8} {name:<16} username: {username:<8} password: {password}"
            )
        self.stdout.write("  Teachers also sign in to the admin at /admin/.")

    def _account(self, username, first_name, last_name, password):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name},
        )
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@example.org"
        user.is_active = True
        user.set_password(password)
        user.save()
        return user
