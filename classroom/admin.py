"""The teachers' admin for classes: scoped so a teacher sees and changes only their classes.

Every list, form, inline, search, autocomplete, export and custom page goes through
``SchoolClass.objects.taught_by(user)`` (or ``Assignment.objects.for_teacher(user)``); an id of
someone else's class answers 404, never data. A superuser sees everything.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from accounts.admin import ScopedAdminMixin
from accounts.models import User
from lessons.models import Lesson, Prompt

from .exports import csv_response, csv_safe
from .forms import AssignmentAdminForm, RosterImportForm, StudentPasswordForm
from .models import Assignment, Enrolment, SchoolClass
from .rosters import ROSTER_MAX_BYTES, RosterError, roster_import
from .selectors import other_teachers_students, progress_grid, students_managed_by
from .services import join_code_regenerate, readable_password


class EnrolmentInline(admin.TabularInline):
    """The roster. Existing rows are read-only (remove and add instead of changing who a row
    is), which also keeps the page to a fixed number of queries however big the class."""

    model = Enrolment
    extra = 0
    fields = ["student", "username", "via", "joined_at", "password_link"]
    readonly_fields = fields
    verbose_name = "student"
    verbose_name_plural = "roster"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student", "school_class")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="username")
    def username(self, enrolment):
        return enrolment.student.username if enrolment.pk else ""

    def get_formset(self, request, obj=None, **kwargs):
        # Whose accounts are the teacher's alone, asked once for the whole roster.
        self._shared = other_teachers_students(obj) if obj is not None and obj.pk else set()
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Password")
    def password_link(self, enrolment):
        if not enrolment.pk:  # the blank template row the admin always renders
            return ""
        if enrolment.student_id in getattr(self, "_shared", ()):
            return "Also in another teacher’s class: a school administrator resets it"
        url = reverse(
            "admin:classroom_schoolclass_student_password",
            args=[enrolment.school_class_id, enrolment.student_id],
        )
        return format_html('<a href="{}">Set a new password</a>', url)


class AddStudentInline(admin.TabularInline):
    """Add existing students by name (search as you type)."""

    model = Enrolment
    extra = 1
    fields = ["student"]
    autocomplete_fields = ["student"]
    verbose_name = "student to add"
    verbose_name_plural = "add existing students"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SchoolClass)
class SchoolClassAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "section",
        "school_year",
        "teacher_names",
        "student_count",
        "join_code_shown",
        "is_archived",
    ]
    list_filter = ["is_archived", "school_year", "join_code_enabled"]
    search_fields = ["name", "section", "school_year"]
    show_facets = admin.ShowFacets.ALWAYS
    filter_horizontal = ["teachers"]
    inlines = [EnrolmentInline, AddStudentInline]
    readonly_fields = ["join_code_shown", "class_tools"]
    fieldsets = [
        (None, {"fields": ["name", "section", "school_year", "teachers", "is_archived"]}),
        ("Joining by code", {"fields": ["join_code_shown", "join_code_enabled"]}),
        ("Tools", {"fields": ["class_tools"]}),
    ]
    actions = [
        "regenerate_join_codes",
        "switch_join_codes_off",
        "switch_join_codes_on",
        "archive",
        "unarchive",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .taught_by(request.user)
            .with_student_count()
            .prefetch_related("teachers")
        )

    def has_delete_permission(self, request, obj=None):
        # Archive, don't delete: students' progress and posts belong to the class.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            kwargs["queryset"] = User.objects.teachers().order_by("last_name", "first_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.is_teacher:
            initial.setdefault("teachers", [request.user.pk])
        return initial

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A teacher who creates a class teaches it, even if they forgot to tick themselves.
        if request.user.is_teacher and not request.user.is_superuser:
            form.instance.teachers.add(request.user)

    @admin.display(description="teachers")
    def teacher_names(self, school_class):
        return ", ".join(teacher.display_name for teacher in school_class.teachers.all())

    @admin.display(description="students", ordering="student_count")
    def student_count(self, school_class):
        return school_class.student_count

    @admin.display(description="join code")
    def join_code_shown(self, school_class):
        if not school_class.pk:
            return "Made when the class is saved."
        state = "" if school_class.join_code_enabled else " (switched off)"
        return f"{school_class.join_code_display}{state}"

    @admin.display(description="Class tools")
    def class_tools(self, school_class):
        if not school_class.pk:
            return "Save the class first."
        links = [
            (
                reverse("admin:classroom_schoolclass_progress", args=[school_class.pk]),
                "Progress grid",
            ),
            (
                reverse("admin:classroom_schoolclass_import_roster", args=[school_class.pk]),
                "Import a roster (CSV)",
            ),
            (
                f"{reverse('admin:classroom_assignment_add')}?school_class={school_class.pk}",
                "Assign a lesson",
            ),
            (reverse("pages:class_detail", args=[school_class.pk]), "View the class page"),
        ]
        items = format_html_join("", '<li><a href="{}">{}</a></li>', links)
        return format_html('<ul class="class-tools">{}</ul>', items)

    # Actions --------------------------------------------------------------------------------

    @admin.action(description="Give the selected classes new join codes", permissions=["change"])
    def regenerate_join_codes(self, request, queryset):
        for school_class in queryset:
            join_code_regenerate(school_class=school_class)
        self.message_user(request, f"New join codes made for {queryset.count()} class(es).")

    @admin.action(description="Switch joining by code off", permissions=["change"])
    def switch_join_codes_off(self, request, queryset):
        count = queryset.update(join_code_enabled=False)
        self.message_user(request, f"Joining by code switched off for {count} class(es).")

    @admin.action(description="Switch joining by code on", permissions=["change"])
    def switch_join_codes_on(self, request, queryset):
        count = queryset.update(join_code_enabled=True)
        self.message_user(request, f"Joining by code switched on for {count} class(es).")

    @admin.action(description="Archive the selected classes (end of year)", permissions=["change"])
    def archive(self, request, queryset):
        count = queryset.update(is_archived=True)
        self.message_user(request, f"{count} class(es) archived.")

    @admin.action(description="Unarchive the selected classes", permissions=["change"])
    def unarchive(self, request, queryset):
        count = queryset.update(is_archived=False)
        self.message_user(request, f"{count} class(es) unarchived.")

    # Custom pages ---------------------------------------------------------------------------

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "<path:object_id>/progress/",
                view(require_GET(self.progress_view)),
                name="classroom_schoolclass_progress",
            ),
            path(
                "<path:object_id>/progress.csv",
                view(require_GET(self.progress_csv_view)),
                name="classroom_schoolclass_progress_csv",
            ),
            path(
                "<path:object_id>/import-roster/",
                view(self.import_roster_view),
                name="classroom_schoolclass_import_roster",
            ),
            path(
                "<path:object_id>/students/<int:student_id>/password/",
                view(self.student_password_view),
                name="classroom_schoolclass_student_password",
            ),
            *super().get_urls(),
        ]

    def _class_for(self, request, object_id, *, change=False):
        try:
            pk = int(unquote(object_id))
        except ValueError:  # "abc", or NUL: not an id, so no such page
            raise Http404("That is not a class id.") from None
        school_class = get_object_or_404(SchoolClass.objects.taught_by(request.user), pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, school_class):
            raise PermissionDenied
        return school_class

    def _context(self, request, school_class, title):
        site = self.admin_site
        return {
            # The admin's usual context, less the sidebar's list of every app and model, whose
            # permission checks cost more than the rest of these pages (the progress grid is
            # the page teachers open most).
            "site_title": site.site_title,
            "site_header": site.site_header,
            "site_url": site.site_url,
            "has_permission": site.has_permission(request),
            "available_apps": [],
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
            "log_entries": [],
            "opts": self.model._meta,
            "original": school_class,
            "school_class": school_class,
            "title": title,
            "has_view_permission": True,
        }

    def progress_view(self, request, object_id):
        school_class = self._class_for(request, object_id)
        context = self._context(request, school_class, f"Progress: {school_class}")
        context["grid"] = progress_grid(school_class)
        return TemplateResponse(request, "admin/classroom/schoolclass/progress.html", context)

    def progress_csv_view(self, request, object_id):
        school_class = self._class_for(request, object_id)
        grid = progress_grid(school_class)
        response, writer = csv_response(
            f"progress-{school_class.name}-{timezone.localdate():%Y-%m-%d}.csv"
        )
        writer.writerow(
            ["Student", "Username"]
            + [
                f"{column.assignment.lesson.title} (due "
                f"{timezone.localtime(column.assignment.due_at):%Y-%m-%d %H:%M})"
                for column in grid.columns
            ]
        )
        for row in grid.rows:
            writer.writerow(
                [csv_safe(row.student.display_name), csv_safe(row.student.username)]
                + [cell.label for cell in row.cells]
            )
        return response

    def import_roster_view(self, request, object_id):
        school_class = self._class_for(request, object_id, change=True)
        if not request.user.has_perm("classroom.add_enrolment"):
            raise PermissionDenied
        context = self._context(request, school_class, f"Import a roster into {school_class}")
        form = RosterImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = upload.read(ROSTER_READ_LIMIT)
                result = roster_import(school_class=school_class, data=data)
            except RosterError as error:
                context["problems"] = error.problems
            except (IntegrityError, ValidationError):
                context["problems"] = [
                    "Someone changed these accounts at the same moment; nothing was saved. "
                    "Try the import again."
                ]
            else:
                context["result"] = result
                context["shared"] = other_teachers_students(school_class)
                messages.success(
                    request,
                    f"Roster imported: {len(result.created)} new account(s), "
                    f"{len(result.enrolled)} existing student(s) added, "
                    f"{len(result.already_enrolled)} already in the class.",
                )
        context["form"] = form
        return TemplateResponse(request, "admin/classroom/schoolclass/import_roster.html", context)

    def student_password_view(self, request, object_id, student_id):
        school_class = self._class_for(request, object_id, change=True)
        student = get_object_or_404(school_class.students.all(), pk=student_id)
        if not students_managed_by(request.user).filter(pk=student.pk).exists():
            raise PermissionDenied(
                f"{student.display_name} is also in another teacher’s class, so their password "
                "is set by a school administrator."
            )
        suggestion = readable_password()
        form = StudentPasswordForm(student, request.POST or None)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(
                request,
                f"New password set for {student.display_name}. They are signed out everywhere "
                "and can change it after signing in.",
            )
            return redirect("admin:classroom_schoolclass_change", school_class.pk)
        context = self._context(request, school_class, f"Set a password for {student.display_name}")
        context.update(form=form, student=student, suggestion=suggestion)
        return TemplateResponse(
            request, "admin/classroom/schoolclass/student_password.html", context
        )


# Read one byte past the limit, so the size check can say the file is too big.
ROSTER_READ_LIMIT = ROSTER_MAX_BYTES + 1


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ["lesson", "school_class", "opens_at", "due_at", "is_open_now"]
    list_select_related = ["lesson", "school_class"]
    show_facets = admin.ShowFacets.ALWAYS
    autocomplete_fields = ["school_class"]
    filter_horizontal = ["required_prompts"]
    search_fields = ["lesson__title", "school_class__name", "instructions"]
    date_hierarchy = "due_at"

    def get_queryset(self, request):
        return super().get_queryset(request).for_teacher(request.user)

    def get_list_filter(self, request):
        return [ClassFilter, "lesson"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school_class":
            kwargs["queryset"] = SchoolClass.objects.taught_by(request.user).active()
        elif db_field.name == "lesson":
            kwargs["queryset"] = Lesson.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "required_prompts":
            kwargs["queryset"] = Prompt.objects.published().select_related("lesson")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(boolean=True, description="open now")
    def is_open_now(self, assignment):
        return assignment.is_open()


class ClassFilter(admin.SimpleListFilter):
    """Filter by class, offering only the classes the teacher teaches."""

    title = "class"
    parameter_name = "school_class"

    def lookups(self, request, model_admin):
        return [(c.pk, str(c)) for c in SchoolClass.objects.taught_by(request.user)]

    def queryset(self, request, queryset):
        value = str(self.value() or "")
        if value.isdigit():
            return queryset.filter(school_class=int(value))
        if value:  # not a class id (letters, NUL): nothing matches, rather than a server error
            return queryset.none()
        return queryset
