"""Classes on the site: the dashboard, joining by code, a class's page, finishing a reading."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lessons.models import Lesson
from site_config.pagecache import per_viewer_cache

from .forms import JoinForm
from .models import Assignment, Enrolment, SchoolClass
from .progress import cells_for_student, remember_reading
from .services import JoinError, class_join, progress_record_finished


def student_assignments(user, *, school_class=None):
    """The open assignments of ``user``'s classes with each one's status, soonest due first."""
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(school_class__in=SchoolClass.objects.attended_by(user).active())
        .select_related("lesson", "school_class")
        .prefetch_related("required_prompts")
        .order_by("due_at", "pk")
    )
    if school_class is not None:
        assignments = assignments.filter(school_class=school_class)
    assignments = list(assignments)
    return list(zip(assignments, cells_for_student(assignments, user), strict=True))


@require_GET
@per_viewer_cache
def dashboard(request):
    user = request.user
    if user.is_student:
        classes = SchoolClass.objects.attended_by(user).active().prefetch_related("teachers")
        rows = student_assignments(user)
        context = {
            "classes": classes,
            "to_do": [(a, cell) for a, cell in rows if not cell.is_done],
            "done": [(a, cell) for a, cell in rows if cell.is_done],
        }
        return render(request, "classroom/dashboard_student.html", context)
    classes = (
        SchoolClass.objects.taught_by(user)
        .active()
        .prefetch_related(
            "teachers",
            Prefetch("assignments", queryset=Assignment.objects.select_related("lesson")),
        )
        .with_student_count()
    )
    return render(request, "classroom/dashboard_teacher.html", {"classes": classes})


@require_http_methods(["GET", "POST"])
def join(request):
    if not request.user.is_student:
        raise PermissionDenied("Teachers are added to classes in the admin.")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_class = class_join(
                user=request.user,
                code=form.cleaned_data["code"],
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except JoinError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"You have joined {school_class}.")
            return redirect(school_class)
    return render(request, "classroom/join.html", {"form": form})


@require_GET
def class_detail(request, pk):
    school_class = get_object_or_404(
        SchoolClass.objects.visible_to(request.user).prefetch_related("teachers"), pk=pk
    )
    is_teacher = SchoolClass.objects.taught_by(request.user).filter(pk=pk).exists()
    context = {"school_class": school_class, "is_teacher": is_teacher, "now": timezone.now()}
    if is_teacher:
        context["assignments"] = school_class.assignments.select_related("lesson")
        context["enrolments"] = Enrolment.objects.filter(school_class=school_class).select_related(
            "student"
        )
    else:
        context["rows"] = student_assignments(request.user, school_class=school_class)
    return render(request, "classroom/class_detail.html", context)


@require_POST
def lesson_finished(request, slug):
    """“I've finished reading”: a plain form post, also sent by the page when the end is seen."""
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    if request.user.is_student:
        progress_record_finished(student=request.user, lesson=lesson)
        remember_reading(request.session, lesson.pk, finished=True)
    if request.htmx or request.headers.get("X-Requested-With") == "fetch":
        return render(request, "classroom/_finished.html", {"lesson": lesson, "finished": True})
    messages.success(request, f"Well done: you have finished “{lesson.title}”.")
    return redirect(f"{lesson.get_absolute_url()}#finish")
