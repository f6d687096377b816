from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class UserQuerySet(models.QuerySet):
    def students(self):
        return self.filter(role=User.Role.STUDENT)

    def teachers(self):
        return self.filter(role=User.Role.TEACHER)

    def administrators(self):
        return self.filter(role=User.Role.ADMINISTRATOR)


class SchoolUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser runs the site: never a student, so never offered a student's pages.
        extra_fields.setdefault("role", User.Role.TEACHER)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. ``role`` is the one source of truth for what they are.

    Teachers and school administrators are staff (so they can use the admin) and get their
    permissions from their group ("Teachers", "School administrators");
    :func:`accounts.services.user_set_role` keeps the three in step, and a constraint makes
    sure no student is ever staff. A teacher's powers stop at the classes they teach; a school
    administrator (the school office or IT) manages every student's account but sees no class
    discussions; a superuser runs the site.
    """

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"
        ADMINISTRATOR = "administrator", "School administrator"

    role = models.CharField(max_length=16, choices=Role, default=Role.STUDENT)

    class NotesShown(models.TextChoices):
        ESSENTIAL = "essential", "Essential notes"
        ALL = "all", "All notes"
        CORRECTIONS = "corrections", "Corrections only"
        NONE = "none", "No notes"

    # Which editors' notes the reading highlights; the reader's choice, kept across sign-ins.
    notes_shown = models.CharField(max_length=16, choices=NotesShown, default=NotesShown.ESSENTIAL)
    # A first password from a teacher (printed on a slip, read aloud) is known to others: the
    # student chooses their own before anything else (accounts.middleware).
    must_change_password = models.BooleanField(
        "must choose a new password at next sign-in", default=False
    )

    objects = SchoolUserManager()

    class Meta:
        permissions = [
            ("export_student", "Can export a student's data"),
            ("erase_student", "Can erase a student and what they wrote"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["teacher", "administrator"])
                | Q(is_staff=False)
                | Q(is_superuser=True),
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
    def can_teach(self) -> bool:
        """An active teacher with staff status: what every check of teacher access asks, so a
        demoted or deactivated teacher loses their classes on the next request."""
        return self.is_active and self.is_staff and self.role == self.Role.TEACHER

    @property
    def is_school_administrator(self) -> bool:
        """Manages every student's account: the school office or IT (or a superuser)."""
        return self.is_superuser or (
            self.role == self.Role.ADMINISTRATOR and self.is_staff and self.is_active
        )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
