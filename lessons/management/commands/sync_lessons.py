"""``manage.py sync_lessons``: load the section apps' content files (``--check``: only validate)."""

from django.core.management.base import BaseCommand, CommandError

from lessons.content import ContentError
from lessons.loader import read_sections, sync_lessons


class Command(BaseCommand):
    help = (
        "Load the lesson content files of every section app into the database. "
        "Idempotent; content removed from the files is unpublished, never deleted. "
        "With --check, only validate the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Validate the files and write nothing."
        )

    def handle(self, *args, check=False, **options):
        try:
            if check:
                sections = read_sections()
                self.stdout.write(f"{len(sections)} lessons are valid.")
                return
            report = sync_lessons()
        except ContentError as error:
            raise CommandError(f"Lesson content error: {error}") from error
        self.stdout.write(str(report))
