"""The people admin: who a teacher may see and act on, with each student's data export and
erasure. It lives here, above classroom and discussions, because deciding whom a teacher may
reach needs their classes, and erasing needs everything a student wrote.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.models import User
from accounts.services import user_set_role
from classroom.models import Enrolment, SchoolClass

from .selectors import student_data
from .services import FORMER_STUDENT_USERNAME, student_erase


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["export_data", "erase_students"]
    fieldsets = (
        (None, {"fields": ("username", "password", "role")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_superuser", "groups", "user_permissions")},
        ),
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
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Adding an existing student to a class: search the school's students.
            return users.filter(role=User.Role.STUDENT, is_active=True)
        # Otherwise a teacher sees only the students of the classes they teach.
        taught = SchoolClass.objects.taught_by(request.user)
        return users.filter(
            pk__in=Enrolment.objects.filter(school_class__in=taught).values("student")
        )

    def save_model(self, request, obj, form, change):
        # Role drives staff status and the Teachers group; keep the three in step.
        obj.is_staff = obj.role == User.Role.TEACHER or obj.is_superuser
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_set_role(user=form.instance, role=form.instance.role)

    # Privacy ------------------------------------------------------------------------------
    # Teachers reach only their own students here (get_queryset), the school's admins all.

    @admin.action(description="Export the selected students’ data (JSON)", permissions=["view"])
    def export_data(self, request, queryset):
        students = list(queryset.filter(role=User.Role.STUDENT))
        payload = {
            "exported_at": timezone.now(),
            "students": [student_data(student) for student in students],
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
        description="Erase the selected students and what they wrote", permissions=["view"]
    )
    def erase_students(self, request, queryset):
        students = list(
            queryset.filter(role=User.Role.STUDENT).exclude(username=FORMER_STUDENT_USERNAME)
        )
        if request.POST.get("confirm") == "yes" and request.POST.get("posts") in ("keep", "remove"):
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
