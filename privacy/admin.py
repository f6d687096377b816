"""The people admin: whom a teacher may see and act on, with each student's data export and
erasure. It lives here, above classroom and discussions, because deciding whom a teacher may
reach needs their classes, and erasing needs everything a student wrote.

Who may do what:

- a teacher sees the students of the classes they teach (and searches every active student
  when adding one to a class), but may rename, set the password of, export or erase only the
  students they manage: those whose every active class is one they teach
  (``classroom.selectors.students_managed_by``). An export holds only the teacher's classes.
- a school administrator manages every account but a superuser's, and changes roles;
- a superuser does everything.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.admin import ScopedAdminMixin
from accounts.models import User
from accounts.services import user_set_role
from classroom.models import Enrolment, SchoolClass
from classroom.selectors import students_managed_by
from classroom.services import teaching_end

from .selectors import student_data
from .services import FORMER_STUDENT_USERNAME, student_erase


class PersonChangeForm(UserChangeForm):
    """The user form, which asks before a role change takes a teacher off their classes."""

    confirm_end_teaching = forms.BooleanField(
        label="Take them off their classes",
        required=False,
        help_text="Needed when a teacher becomes a student or a school administrator: they stop "
        "teaching every class at once (co-teachers keep the classes).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_student:
            # Class lists, progress grids and sign-in slips show a student by name.
            for name in ("first_name", "last_name"):
                if name in self.fields:
                    self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        user = self.instance
        new_role = cleaned.get("role", user.role)
        if user.pk and user.role == User.Role.TEACHER and new_role != User.Role.TEACHER:
            classes = list(SchoolClass.objects.filter(teachers=user))
            if classes and not cleaned.get("confirm_end_teaching"):
                names = "; ".join(str(school_class) for school_class in classes)
                self.add_error(
                    "confirm_end_teaching",
                    f"{user.display_name} teaches {names}. Tick the box to take them off these "
                    "classes and change their role.",
                )
        return cleaned


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    form = PersonChangeForm
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["export_data", "erase_students"]
    fieldsets = (
        (None, {"fields": ("username", "password", "role", "confirm_end_teaching")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "must_change_password",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    # What a teacher may change about a student they manage: the name, and the password by
    # its own form (Django's, which asks has_change_permission).
    teacher_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        if request.user.is_school_administrator:
            return users.filter(is_superuser=False)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Adding an existing student to a class: search the school's students. Adding one
            # grants no power over their account (see students_managed_by).
            return users.filter(role=User.Role.STUDENT, is_active=True)
        # Otherwise a teacher sees only the students of the classes they teach.
        taught = SchoolClass.objects.taught_by(request.user)
        return users.filter(
            pk__in=Enrolment.objects.filter(school_class__in=taught).values("student")
        )

    def user_change_password(self, request, id, form_url=""):
        self._check_in_scope(request, id)
        return super().user_change_password(request, id, form_url)

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses NUL in a query; a search box must never turn it into a 500.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def _manages(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        if request.user.is_school_administrator:
            return not obj.is_superuser
        return students_managed_by(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._manages(request, obj))

    def has_delete_permission(self, request, obj=None):
        # People are erased (with their posts handled) through the erase action, by those who
        # may; the plain delete would leave no choice about the posts.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_export_student_permission(self, request):
        return request.user.has_perm("accounts.export_student")

    def has_erase_student_permission(self, request):
        return request.user.has_perm("accounts.erase_student")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_school_administrator:
            return self.teacher_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return ()
        if request.user.is_school_administrator:
            # The school office manages accounts and roles; site-wide powers stay with the
            # superuser, and groups follow the role.
            return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")
        return ("username", "last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # Role drives staff status and the role's group; keep the three in step.
        obj.is_staff = obj.role in (User.Role.TEACHER, User.Role.ADMINISTRATOR) or obj.is_superuser
        if change and "role" in form.changed_data and obj.role != User.Role.TEACHER:
            ended = teaching_end(teacher=obj)
            if ended:
                names = "; ".join(str(school_class) for school_class in ended)
                self.message_user(request, f"{obj.display_name} no longer teaches {names}.")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "role" in form.changed_data or not change:
            user_set_role(user=form.instance, role=form.instance.role)

    # Privacy ------------------------------------------------------------------------------

    def _managed_students(self, request, queryset) -> tuple[list[User], int]:
        """The selected students the user may act on, and how many others were selected."""
        selected = queryset.filter(role=User.Role.STUDENT).exclude(username=FORMER_STUDENT_USERNAME)
        managed = list(selected & students_managed_by(request.user))
        return managed, queryset.count() - len(managed)

    @admin.action(
        description="Export the selected students’ data (JSON)", permissions=["export_student"]
    )
    def export_data(self, request, queryset):
        students, refused = self._managed_students(request, queryset)
        if not students:
            self._refuse(request, refused)
            return None
        # A teacher's export holds what happened in their classes; the school's all.
        classes = None
        if not request.user.is_school_administrator:
            classes = SchoolClass.objects.taught_by(request.user)
        payload = {
            "exported_at": timezone.now(),
            "students": [student_data(student, classes=classes) for student in students],
        }
        response = JsonResponse(
            payload,
            encoder=DjangoJSONEncoder,
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        name = students[0].username if len(students) == 1 else f"{len(students)}-students"
        safe = "".join(char if char.isalnum() or char in "-._" else "-" for char in name)
        response["Content-Disposition"] = f'attachment; filename="student-data-{safe}.json"'
        return response

    @admin.action(
        description="Erase the selected students and what they wrote",
        permissions=["erase_student"],
    )
    def erase_students(self, request, queryset):
        students, refused = self._managed_students(request, queryset)
        if refused:
            self._refuse(request, refused)
        if request.POST.get("confirm") == "yes" and request.POST.get("posts") in ("keep", "remove"):
            if not students:
                raise PermissionDenied("None of these students is yours to erase.")
            keep = request.POST["posts"] == "keep"
            for student in students:
                student_erase(student=student, keep_posts_anonymously=keep)
            what = "their posts kept as “Former student”" if keep else "their posts removed"
            self.message_user(request, f"Erased {len(students)} student(s); {what}.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Erase students and their data",
            "opts": self.model._meta,
            "students": students,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "missing_choice": request.POST.get("confirm") == "yes",
        }
        return TemplateResponse(request, "admin/accounts/user/erase_confirmation.html", context)

    def _refuse(self, request, count):
        if count:
            self.message_user(
                request,
                f"{count} selected account(s) left out: a teacher acts on a student’s account only "
                "while every class of theirs is one the teacher teaches. Ask a school "
                "administrator.",
                level=messages.WARNING,
            )
