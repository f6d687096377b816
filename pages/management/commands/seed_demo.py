"""``manage.py seed_demo``: the demo school a newcomer sees after ``make run``."""

import datetime
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_set_role
from classroom.models import Assignment, SchoolClass
from classroom.services import enrolment_create
from discussions.models import Post
from lessons.models import Lesson

DEMO_TEACHER = ("teacher", "Ada", "Hughes", "teach-1917-demo")
DEMO_ADMINISTRATOR = ("office", "Sam", "Okoye", "office-1936-demo")
DEMO_STUDENTS = [
    ("amara", "Amara", "Okafor", "read-1924-demo"),
    ("ben", "Ben", "Kowalski", "read-1928-demo"),
    ("chloe", "Chloé", "Martin", "read-1936-demo"),
]
DEMO_CLASS = {"name": "Year 11 History", "section": "11B"}


class Command(BaseCommand):
    help = (
        "Create the demo teacher, students, class and two assignments (one overdue). "
        "Idempotent: running it again resets the demo passwords and dates. Refused unless "
        "DEBUG is on, so a real school never has demo accounts."
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
            administrator = self._account(*DEMO_ADMINISTRATOR)
            user_set_role(user=administrator, role=User.Role.ADMINISTRATOR)
            students = [self._account(*account) for account in DEMO_STUDENTS]
            school_class = self._class(teacher, students)
            self._discussion(school_class, teacher, students)

        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        rows = [("teacher", *DEMO_TEACHER), ("office", *DEMO_ADMINISTRATOR)] + [
            ("student", *row) for row in DEMO_STUDENTS
        ]
        for role, username, first, last, password in rows:
            name = f"{first} {last}"
            self.stdout.write(
                f"  {role:<8} {name:<16} username: {username:<8} password: {password}"
            )
        self.stdout.write(
            f"  Class “{school_class}”, join code {school_class.join_code_display}; "
            "teachers also sign in to the admin at /admin/."
        )

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

    def _class(self, teacher, students):
        school_class = SchoolClass.objects.filter(
            teachers=teacher, **DEMO_CLASS
        ).first() or SchoolClass.objects.create(**DEMO_CLASS)
        school_class.teachers.add(teacher)
        for student in students:
            enrolment_create(school_class=school_class, student=student)
        now = timezone.now()
        lessons = list(Lesson.objects.published()[:2])
        plans = [
            (
                lessons[0],
                now - datetime.timedelta(days=1),
                now + datetime.timedelta(days=7),
                "Read it and open every correction note. Ideas or power: be ready to argue.",
            ),
            (
                lessons[1],
                now - datetime.timedelta(days=10),
                now - datetime.timedelta(days=2),
                "Overdue: read it before Thursday’s lesson.",
            ),
        ]
        for lesson, opens_at, due_at, instructions in plans:
            assignment, _ = Assignment.objects.update_or_create(
                school_class=school_class,
                lesson=lesson,
                defaults={
                    "opens_at": opens_at,
                    "due_at": due_at,
                    "instructions": instructions,
                    "created_by": teacher,
                },
            )
            # The first two prompts count: students see them marked "Required".
            assignment.required_prompts.set(lesson.prompts.published()[:2])
        return school_class

    def _discussion(self, school_class, teacher, students):
        """A few posts on the first prompt, so a newcomer sees a discussion at once."""
        prompt = Lesson.objects.published().first().prompts.published().first()
        amara, ben, chloe = students
        script = [
            (
                "amara-1",
                amara,
                None,
                "Mostly his posts. As General Secretary he chose who "
                "got Party jobs (¶1), so the delegates who voted were his people.",
            ),
            (
                "ben-1",
                ben,
                None,
                "I think his rivals beat themselves: Kamenev and Zinoviev "
                "switched sides twice (¶3). **Stalin only had to wait.**",
            ),
            (
                "chloe-1",
                chloe,
                "ben-1",
                "But they switched because Stalin out-voted them every "
                "time, and he could only do that because of his appointments.",
            ),
            (
                "teacher-1",
                teacher,
                "amara-1",
                "Good use of ¶1. Now check the note on "
                "“No further action could be pursued”: does it help your case?",
            ),
        ]
        made = {}
        for key, author, answering, body in script:
            reply_to = made.get(answering)
            post, _ = Post.objects.update_or_create(
                author=author,
                submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"seed-demo/{key}"),
                defaults={
                    "school_class": school_class,
                    "prompt": prompt,
                    "body": body,
                    "reply_to": reply_to,
                    "parent": (reply_to.parent or reply_to) if reply_to else None,
                },
            )
            made[key] = post
        Post.objects.filter(pk=made["amara-1"].pk).update(is_exemplary=True)
