from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class UserQuerySet(models.QuerySet):
    def students(self):
        return self.filter(role=User.Role.STUDENT)

    def teachers(self):
        return self.filter(role=User.Role.TEACHER)


class SchoolUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser runs the site: never a student, so never offered a student's pages.
        extra_fields.setdefault("role", User.Role.TEACHER)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. ``role`` is the one source of truth for student or teacher.

    Teachers are staff (so they can use the admin) and get their permissions from the
    "Teachers" group; :func:`accounts.services.user_set_role` keeps the three in step, and a
    constraint makes sure no student is ever staff.
    """

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"

    role = models.CharField(max_length=16, choices=Role, default=Role.STUDENT)

    class NotesShown(models.TextChoices):
        ESSENTIAL = "essential", "Essential notes"
        ALL = "all", "All notes"
        CORRECTIONS = "corrections", "Corrections only"
        NONE = "none", "No notes"

    # Which editors' notes the reading highlights; the reader's choice, kept across sign-ins.
    notes_shown = models.CharField(max_length=16, choices=NotesShown, default=NotesShown.ESSENTIAL)

    objects = SchoolUserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role="teacher") | Q(is_staff=False) | Q(is_superuser=True),
                name="student_is_never_staff",
                violation_error_message="A student cannot be staff; make them a teacher instead.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
