from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User
from .services import user_set_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    show_facets = admin.ShowFacets.ALWAYS
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
        from classroom.models import Enrolment, SchoolClass

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
