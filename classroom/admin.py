"""The teachers' admin for classes: scoped so a teacher sees and changes only their classes.

Every list, form, inline, search, autocomplete, export and custom page goes through
``SchoolClass.objects.taught_by(user)`` (or ``Assignment.objects.for_teacher(user)``); an id of
someone else's class answers 404, never data. A superuser sees everything.
"""

from dataclasses import asdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from accounts.admin import ScopedAdminMixin
from accounts.models import User
from lessons.models import Lesson

from .exports import csv_response, csv_safe
from .forms import (
    AssignmentAdminForm,
    ConfirmForm,
    NewStudentForm,
    RosterImportForm,
    StudentPasswordForm,
    StudentSearchForm,
    id_or_none,
    next_school_day,
    prompt_choices_html,
    prompts_field,
)
from .models import Assignment, Enrolment, SchoolClass
from .rosters import ROSTER_MAX_BYTES, RosterError, roster_import
from .selectors import (
    class_home,
    other_teachers_students,
    progress_grid,
    students_managed_by,
    students_to_add,
)
from .services import (
    Slip,
    class_archive,
    enrolment_create,
    enrolment_delete,
    join_code_regenerate,
    join_code_switch,
    readable_password,
    student_create,
    student_first_password_reset,
)

# New students' first passwords wait here, per class, until the slips page shows them once.
SLIPS_SESSION_KEY = "classroom_slips"


def slips_keep(request, school_class, slips) -> None:
    pending = request.session.get(SLIPS_SESSION_KEY, {})
    pending.setdefault(str(school_class.pk), []).extend(asdict(slip) for slip in slips)
    request.session[SLIPS_SESSION_KEY] = pending


def slips_pending(request, school_class) -> int:
    return len(request.session.get(SLIPS_SESSION_KEY, {}).get(str(school_class.pk), []))


def slips_take(request, school_class) -> list[Slip]:
    """The class's waiting slips, forgotten as they are handed over: a password is shown once."""
    pending = request.session.get(SLIPS_SESSION_KEY, {})
    slips = [Slip(**slip) for slip in pending.pop(str(school_class.pk), [])]
    if pending:
        request.session[SLIPS_SESSION_KEY] = pending
    else:
        request.session.pop(SLIPS_SESSION_KEY, None)
    return slips


class EnrolmentInline(admin.TabularInline):
    """The roster as it stands, read-only: students are added, created and removed (with a
    confirmation) from the class's home page. Read-only rows also keep the page to a fixed
    number of queries however big the class."""

    model = Enrolment
    extra = 0
    can_delete = False
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
    # The roster lives on the class's home page (add, create, remove, slips); this form keeps the
    # class's details, its teachers and the roster as it stands.
    inlines = [EnrolmentInline]
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

    def get_changelist(self, request, **kwargs):
        return ClassChangeList

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if is_plain_save(request):  # "Save": on to the new class's home page
            return redirect("admin:classroom_schoolclass_home", obj.pk)
        return response

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            kwargs["queryset"] = User.objects.teachers().order_by("last_name", "first_name")
            # Checkboxes, which every keyboard and screen reader knows, rather than the
            # two-box "filter" widget.
            kwargs["widget"] = forms.CheckboxSelectMultiple
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
            (reverse("admin:classroom_schoolclass_home", args=[school_class.pk]), "Class home"),
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
                "<path:object_id>/home/",
                view(require_GET(self.home_view)),
                name="classroom_schoolclass_home",
            ),
            path(
                "<path:object_id>/join-code/",
                view(require_GET(self.join_code_view)),
                name="classroom_schoolclass_join_code",
            ),
            path(
                "<path:object_id>/join-code/new/",
                view(self.join_code_regenerate_view),
                name="classroom_schoolclass_join_code_regenerate",
            ),
            path(
                "<path:object_id>/join-code/switch/",
                view(self.join_code_switch_view),
                name="classroom_schoolclass_join_code_switch",
            ),
            path(
                "<path:object_id>/archive/",
                view(self.archive_view),
                name="classroom_schoolclass_archive",
            ),
            path(
                "<path:object_id>/students/add/",
                view(self.student_add_view),
                name="classroom_schoolclass_student_add",
            ),
            path(
                "<path:object_id>/students/new/",
                view(self.student_new_view),
                name="classroom_schoolclass_student_new",
            ),
            path(
                "<path:object_id>/students/<int:student_id>/remove/",
                view(self.student_remove_view),
                name="classroom_schoolclass_student_remove",
            ),
            path(
                "<path:object_id>/students/<int:student_id>/new-slip/",
                view(self.student_slip_view),
                name="classroom_schoolclass_student_slip",
            ),
            path(
                "<path:object_id>/slips/",
                view(require_GET(self.slips_view)),
                name="classroom_schoolclass_slips",
            ),
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
                slips_keep(
                    request,
                    school_class,
                    [Slip.for_student(user, password) for user, password in result.created],
                )
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
            return redirect("admin:classroom_schoolclass_home", school_class.pk)
        context = self._context(request, school_class, f"Set a password for {student.display_name}")
        context.update(form=form, student=student, suggestion=suggestion)
        return TemplateResponse(
            request, "admin/classroom/schoolclass/student_password.html", context
        )

    # The class home page and its buttons ---------------------------------------------------

    def home_view(self, request, object_id):
        school_class = self._class_for(request, object_id)
        context = self._context(request, school_class, str(school_class))
        context.update(
            home=class_home(school_class, user=request.user),
            can_change=self.has_change_permission(request, school_class),
            pending_slips=slips_pending(request, school_class),
        )
        return TemplateResponse(request, "admin/classroom/schoolclass/home.html", context)

    def join_code_view(self, request, object_id):
        school_class = self._class_for(request, object_id)
        context = self._context(request, school_class, f"Join {school_class.name}")
        context["join_url"] = request.build_absolute_uri(reverse("classroom:join"))
        return TemplateResponse(request, "admin/classroom/schoolclass/join_code.html", context)

    def _confirm(self, request, school_class, *, title, question, button, fields=None, notes=()):
        """A confirmation page: what will happen, one button, and a way back."""
        context = self._context(request, school_class, title)
        context.update(question=question, button=button, fields=fields or {}, notes=notes)
        return TemplateResponse(request, "admin/classroom/schoolclass/confirm.html", context)

    def _done(self, request, school_class, message):
        messages.success(request, message)
        return redirect("admin:classroom_schoolclass_home", school_class.pk)

    def join_code_regenerate_view(self, request, object_id):
        school_class = self._class_for(request, object_id, change=True)
        if request.method == "POST" and ConfirmForm(request.POST).is_valid():
            join_code_regenerate(school_class=school_class)
            return self._done(
                request,
                school_class,
                f"New join code for {school_class.name}: {school_class.join_code_display}. "
                "The old code no longer works.",
            )
        return self._confirm(
            request,
            school_class,
            title="Make a new join code?",
            question=f"The code {school_class.join_code_display} stops working at once, and "
            f"{school_class.name} gets a new one. Students already in the class stay in it.",
            button="Make a new code",
        )

    def join_code_switch_view(self, request, object_id):
        school_class = self._class_for(request, object_id, change=True)
        wanted = request.POST.get("enabled") if request.method == "POST" else None
        if wanted in ("on", "off") and ConfirmForm(request.POST).is_valid():
            join_code_switch(school_class=school_class, enabled=wanted == "on")
            state = "on" if wanted == "on" else "off"
            return self._done(
                request, school_class, f"Joining {school_class.name} by code is switched {state}."
            )
        if school_class.join_code_enabled:
            return self._confirm(
                request,
                school_class,
                title="Switch joining by code off?",
                question=f"Nobody can join {school_class.name} with its code until you switch "
                "it on again. Students already in the class stay in it.",
                button="Switch joining off",
                fields={"enabled": "off"},
            )
        return self._confirm(
            request,
            school_class,
            title="Switch joining by code on?",
            question=f"Anyone with the code {school_class.join_code_display} can join "
            f"{school_class.name}. Make a new code first if the old one has been shared too "
            "widely.",
            button="Switch joining on",
            fields={"enabled": "on"},
        )

    def archive_view(self, request, object_id):
        school_class = self._class_for(request, object_id, change=True)
        wanted = request.POST.get("archived") if request.method == "POST" else None
        if wanted in ("yes", "no") and ConfirmForm(request.POST).is_valid():
            class_archive(school_class=school_class, archived=wanted == "yes")
            done = "archived" if wanted == "yes" else "back from the archive"
            return self._done(request, school_class, f"{school_class.name} is {done}.")
        if school_class.is_archived:
            return self._confirm(
                request,
                school_class,
                title=f"Un-archive {school_class.name}?",
                question="The class becomes active again: its students see its assignments, "
                "and you can add students and assign lessons.",
                button="Un-archive the class",
                fields={"archived": "no"},
            )
        return self._confirm(
            request,
            school_class,
            title=f"Archive {school_class.name}?",
            question="At the end of the year: the class becomes read-only and cannot be "
            "joined. Its students' posts and progress are kept, and you can un-archive it.",
            button="Archive the class",
            fields={"archived": "yes"},
        )

    def _roster_class_for(self, request, object_id):
        """A class whose roster ``request.user`` may change (not an archived one: that is a
        page saying so, rather than a change)."""
        school_class = self._class_for(request, object_id, change=True)
        if not request.user.has_perm("classroom.add_enrolment"):
            raise PermissionDenied
        return school_class

    def _archived(self, request, school_class):
        context = self._context(request, school_class, f"{school_class.name} is archived")
        return TemplateResponse(request, "admin/classroom/schoolclass/archived.html", context)

    def student_add_view(self, request, object_id):
        school_class = self._roster_class_for(request, object_id)
        if school_class.is_archived:
            return self._archived(request, school_class)
        context = self._context(
            request, school_class, f"Add an existing student to {school_class.name}"
        )
        if request.method == "POST":
            chosen = request.POST.get("student", "")
            student = (
                User.objects.students().filter(is_active=True, pk=int(chosen)).first()
                if chosen.isdigit() and len(chosen) < 10
                else None
            )
            if student is not None:
                enrolment_create(school_class=school_class, student=student)
                message = f"{student.display_name} ({student.username}) is in {school_class.name}."
                if student.pk in other_teachers_students(school_class):
                    message += (
                        " They are also in another teacher’s class, so a school administrator "
                        "looks after their account (password, export)."
                    )
                return self._done(request, school_class, message)
            context["problem"] = "Choose a student to add from the search results."
        search = StudentSearchForm(request.GET if "q" in request.GET else None)
        if search.is_valid():
            context["results"] = students_to_add(school_class, search.cleaned_data["q"])
        context["search"] = search
        return TemplateResponse(request, "admin/classroom/schoolclass/student_add.html", context)

    def student_new_view(self, request, object_id):
        school_class = self._roster_class_for(request, object_id)
        if school_class.is_archived:
            return self._archived(request, school_class)
        form = NewStudentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                student, password = student_create(school_class=school_class, **form.cleaned_data)
            except (ValidationError, IntegrityError) as error:
                problems = getattr(error, "messages", None) or [
                    "Someone made that account at the same moment; try again."
                ]
                form.add_error(None, ValidationError(problems))
            else:
                slips_keep(request, school_class, [Slip.for_student(student, password)])
                messages.success(
                    request,
                    f"{student.display_name} is in {school_class.name}, with the username "
                    f"{student.username}. Print their sign-in slip: its password is shown once.",
                )
                if "_addanother" in request.POST:
                    return redirect("admin:classroom_schoolclass_student_new", school_class.pk)
                return redirect("admin:classroom_schoolclass_slips", school_class.pk)
        context = self._context(
            request, school_class, f"Create a new student in {school_class.name}"
        )
        context.update(form=form, pending_slips=slips_pending(request, school_class))
        return TemplateResponse(request, "admin/classroom/schoolclass/student_new.html", context)

    def student_remove_view(self, request, object_id, student_id):
        school_class = self._roster_class_for(request, object_id)
        student = get_object_or_404(school_class.students.all(), pk=student_id)
        if school_class.is_archived:
            return self._archived(request, school_class)
        if request.method == "POST" and ConfirmForm(request.POST).is_valid():
            enrolment_delete(school_class=school_class, student=student)
            return self._done(
                request,
                school_class,
                f"{student.display_name} is no longer in {school_class.name}.",
            )
        return self._confirm(
            request,
            school_class,
            title=f"Remove {student.display_name} from {school_class.name}?",
            question=f"{student.display_name} ({student.username}) leaves the class and stops "
            "seeing its assignments and discussions.",
            notes=[
                "Their account is not deleted, and their posts stay in the class’s "
                "discussions. You can add them again later.",
            ],
            button="Remove from the class",
        )

    def student_slip_view(self, request, object_id, student_id):
        school_class = self._class_for(request, object_id, change=True)
        student = get_object_or_404(school_class.students.all(), pk=student_id)
        if not students_managed_by(request.user).filter(pk=student.pk).exists():
            raise PermissionDenied(
                f"{student.display_name} is also in another teacher’s class, so their password "
                "is set by a school administrator."
            )
        if request.method == "POST" and ConfirmForm(request.POST).is_valid():
            password = student_first_password_reset(student=student)
            slips_keep(request, school_class, [Slip.for_student(student, password)])
            messages.success(
                request,
                f"{student.display_name} has a new password and is signed out everywhere. "
                "Print their slip now: its password is shown once.",
            )
            return redirect("admin:classroom_schoolclass_slips", school_class.pk)
        return self._confirm(
            request,
            school_class,
            title=f"A new sign-in slip for {student.display_name}?",
            question=f"{student.display_name} ({student.username}) gets a new password, printed "
            "on a slip, and is signed out everywhere. They choose their own password when they "
            "next sign in.",
            notes=["Their current password stops working at once."],
            button="Make a new password and slip",
        )

    def slips_view(self, request, object_id):
        school_class = self._class_for(request, object_id)
        context = self._context(request, school_class, f"Sign-in slips: {school_class.name}")
        context.update(
            slips=slips_take(request, school_class),
            site_address=request.build_absolute_uri("/"),
        )
        return TemplateResponse(request, "admin/classroom/schoolclass/slips.html", context)


# Read one byte past the limit, so the size check can say the file is too big.
ROSTER_READ_LIMIT = ROSTER_MAX_BYTES + 1


def is_plain_save(request) -> bool:
    """The form's "Save" (not "Save and continue editing", "… add another", or a popup)."""
    return not any(
        key in request.POST for key in ("_continue", "_addanother", "_saveasnew", IS_POPUP_VAR)
    )


class ClassChangeList(ChangeList):
    """The class list, each class opening its home page (its details are a link away there)."""

    def url_for_result(self, result):
        if self.is_popup:
            return super().url_for_result(result)
        return reverse(
            "admin:classroom_schoolclass_home",
            args=[quote(result.pk)],
            current_app=self.model_admin.admin_site.name,
        )


# What "Show this lesson's prompts" (the form without JavaScript) carries over to the next step.
CARRIED_OVER = [
    "school_class",
    "lesson",
    "instructions",
    "min_annotations",
    "mark_scale",
    "points_max",
    "rubric",
]


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Assigning a lesson in one screen: the lesson, its prompts as checkboxes (swapped in by
    htmx as the lesson changes, or after "Show this lesson's prompts" without JavaScript), the
    dates, instructions and marks; saving returns to the class's home page. An assignment keeps
    its class and lesson once made, so editing it never loses students' work."""

    form = AssignmentAdminForm
    change_form_template = "admin/classroom/assignment/change_form.html"
    list_display = ["lesson", "school_class", "opens_at", "due_at", "is_open_now"]
    list_select_related = ["lesson", "school_class"]
    show_facets = admin.ShowFacets.ALWAYS
    radio_fields = {"mark_scale": admin.VERTICAL}
    search_fields = ["lesson__title", "school_class__name", "instructions"]
    date_hierarchy = "due_at"
    fieldsets = [
        (None, {"fields": ["school_class", "lesson", "required_prompts"]}),
        ("When", {"fields": ["opens_at", "due_at"]}),
        ("What students do", {"fields": ["instructions", "post_first", "min_annotations"]}),
        ("Marks", {"fields": ["mark_scale", "points_max", "rubric"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_teacher(request.user)

    def get_list_filter(self, request):
        return [ClassFilter, "lesson"]

    def get_readonly_fields(self, request, obj=None):
        # Posts and progress hang on the class and the lesson: keep both once assigned.
        return ["school_class", "lesson"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school_class":
            kwargs["queryset"] = SchoolClass.objects.taught_by(request.user).active()
        elif db_field.name == "lesson":
            kwargs["queryset"] = Lesson.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """From the link or the previous step (``?school_class=3&lesson=2``), else: the
        teacher's only class, open now, due the next school day at 09:00."""
        initial = super().get_changeform_initial_data(request)
        defaults = {
            "opens_at": timezone.localtime().replace(second=0, microsecond=0),
            "due_at": next_school_day(),
        }
        for name, default in defaults.items():
            value = initial.get(name)
            if isinstance(value, str):
                try:
                    value = forms.DateTimeField().clean(value)
                except ValidationError:
                    value = None
            initial[name] = value or default
        if "school_class" not in initial:
            classes = list(
                SchoolClass.objects.taught_by(request.user)
                .filter(teachers=request.user)
                .active()
                .values_list("pk", flat=True)[:2]
            )
            if len(classes) == 1:
                initial["school_class"] = classes[0]
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None and request.method == "POST" and "_choose_lesson" in request.POST:
            if not self.has_add_permission(request):
                raise PermissionDenied
            # Without JavaScript: show the chosen lesson's prompts, keeping what was typed.
            return redirect(f"{request.path}?{self._carried_over(request.POST).urlencode()}")
        extra_context = {**(extra_context or {}), **self._class_context(request, object_id)}
        if object_id is None:
            extra_context.setdefault("title", "Assign a lesson")
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _carried_over(data) -> QueryDict:
        query = QueryDict(mutable=True)
        for name in CARRIED_OVER:
            value = data.get(name, "")
            if value and "\x00" not in value:
                query[name] = value
        if data.get("post_first"):
            query["post_first"] = "1"
        prompts = [pk for pk in data.getlist("required_prompts") if pk.isdigit()]
        if prompts:
            query["required_prompts"] = ",".join(prompts)
        for name in ("opens_at", "due_at"):
            try:
                when = forms.SplitDateTimeField().clean(
                    [data.get(f"{name}_0", ""), data.get(f"{name}_1", "")]
                )
            except ValidationError:
                continue  # not a date yet: the next step offers the default
            query[name] = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
        return query

    def _class_context(self, request, object_id):
        """The class the assignment is for, for the breadcrumbs back to its home page."""
        if object_id is not None:
            assignment = self.get_queryset(request).filter(pk=id_or_none(object_id)).first()
            return {"assignment_class": assignment.school_class if assignment else None}
        pk = request.POST.get("school_class") or request.GET.get("school_class")
        return {
            "assignment_class": SchoolClass.objects.taught_by(request.user)
            .filter(pk=id_or_none(pk))
            .first()
        }

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if is_plain_save(request):
            return redirect("admin:classroom_schoolclass_home", obj.school_class_id)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if is_plain_save(request):
            return redirect("admin:classroom_schoolclass_home", obj.school_class_id)
        return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "prompts/",
                self.admin_site.admin_view(require_GET(self.prompts_view)),
                name="classroom_assignment_prompts",
            ),
            *super().get_urls(),
        ]

    def prompts_view(self, request):
        """The htmx fragment: the chosen lesson's prompts as checkboxes."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        lesson = Lesson.objects.published().filter(pk=id_or_none(request.GET.get("lesson")))
        field = prompts_field(lesson.values_list("pk", flat=True).first())
        html = prompt_choices_html(
            field.widget, "required_prompts", [], {"id": "id_required_prompts"}
        )
        return HttpResponse(html)

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
