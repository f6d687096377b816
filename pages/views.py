"""The pages a person sees that draw on several apps: the landing page, the dashboard, a
class's page and the lesson page with its assignment, progress and discussions.

This is the top layer: it may import every app below it (accounts, lessons, classroom,
discussions) and none of them imports it. Each view asks the apps' selectors for what it shows
and decides access through their queryset methods; nothing personal is cached.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annotations.selectors import lesson_page
from classroom.models import Assignment, Enrolment, ReadingProgress, SchoolClass
from classroom.selectors import (
    assignment_for_lesson,
    cells_for_student,
    check_rows,
    remember_reading,
    remembered_reading,
    required_prompt_ids,
    student_assignments,
)
from classroom.services import progress_record_open
from discussions.selectors import lesson_discussions, student_news
from lessons.catalogue import lesson_checks, lesson_prompts, published_lessons
from lessons.models import Lesson
from lessons.rendering import lesson_html


@login_not_required
@require_GET
def home(request):
    lessons = Lesson.objects.published().only("slug", "title", "summary", "order")
    return render(request, "pages/home.html", {"lessons": lessons})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def dashboard(request):
    user = request.user
    if user.is_student:
        classes = SchoolClass.objects.attended_by(user).active().prefetch_related("teachers")
        rows = student_assignments(user)
        context = {
            "classes": classes,
            "to_do": [(a, cell) for a, cell in rows if not cell.is_done],
            "done": [(a, cell) for a, cell in rows if cell.is_done],
            **student_news(user),
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


@require_GET
def lesson_index(request):
    lessons = Lesson.objects.published()
    progress = {}
    if request.user.is_student:
        progress = {
            row.lesson_id: row for row in ReadingProgress.objects.filter(student=request.user)
        }
    rows = [(lesson, progress.get(lesson.pk)) for lesson in lessons]
    return render(request, "lessons/index.html", {"rows": rows})


@require_GET
def lesson_detail(request, slug):
    lessons = published_lessons()
    lesson = next((lesson for lesson in lessons if lesson.slug == slug), None)
    if lesson is None:
        raise Http404("There is no lesson at this address.")
    position = lessons.index(lesson)
    assignment = assignment_for_lesson(
        request.user, lesson, requested=request.GET.get("assignment", "")
    )
    prompts = lesson_prompts(lesson)
    context = {
        "lesson": lesson,
        "lessons": lessons,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "html": lesson_html(lesson),
        "assignment": assignment,
        "prompts": prompts,
        "checks": check_rows(request.user, lesson_checks(lesson)),
        "show_teacher_notes": request.user.is_staff,
        "notes_shown": request.user.notes_shown,
        **lesson_discussions(
            request=request,
            prompts=prompts,
            preferred_class=assignment.school_class if assignment else None,
        ),
    }
    context["required_prompt_ids"] = required_prompt_ids(
        context["discussion_class"], lesson, assignment=assignment
    )
    # The class's annotations, after each paragraph of the reading (and the form to add one).
    context.update(
        lesson_page(
            request=request,
            lesson=lesson,
            school_class=context["discussion_class"],
            reading=context["html"]["reading"],
        )
    )
    if request.user.is_student:
        context["finished"] = _record_visit(request, lesson)
        if assignment is not None:
            [context["assignment_cell"]] = cells_for_student([assignment], request.user)
    return render(request, "lessons/detail.html", context)


def _record_visit(request, lesson) -> bool:
    """Record the visit without any effort from the student; say whether they finished.

    The database is asked once per lesson and session; after that the session remembers.
    """
    finished = remembered_reading(request.session, lesson.pk)
    if finished is None:
        progress = progress_record_open(student=request.user, lesson=lesson)
        finished = progress.finished_at is not None
        remember_reading(request.session, lesson.pk, finished=finished)
    return finished
