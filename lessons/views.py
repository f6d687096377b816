from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from classroom.models import Assignment, ReadingProgress
from classroom.progress import remember_reading, remembered_reading
from classroom.services import progress_record_open
from discussions.threads import lesson_discussions
from site_config.pagecache import per_viewer_cache

from .catalogue import lesson_prompts, published_lessons
from .models import Lesson
from .rendering import lesson_html


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
@per_viewer_cache
def lesson_detail(request, slug):
    lessons = published_lessons()
    lesson = next((lesson for lesson in lessons if lesson.slug == slug), None)
    if lesson is None:
        raise Http404("There is no lesson at this address.")
    position = lessons.index(lesson)
    context = {
        "lesson": lesson,
        "lessons": lessons,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "html": lesson_html(lesson),
        "assignment": _assignment_for(request, lesson),
    }
    prompts = lesson_prompts(lesson)
    context.update(
        prompts=prompts,
        **lesson_discussions(
            request=request,
            prompts=prompts,
            preferred_class=context["assignment"].school_class if context["assignment"] else None,
        ),
    )
    if request.user.is_student:
        context["finished"] = _record_visit(request, lesson)
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


def _assignment_for(request, lesson):
    """The assignment the student came from (?assignment=id), else their soonest due one."""
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(lesson=lesson)
        .select_related("school_class")
        .order_by("due_at")
    )
    requested = request.GET.get("assignment", "")
    if requested.isdigit():
        chosen = assignments.filter(pk=int(requested)).first()
        if chosen:
            return chosen
    if request.user.is_student:
        return assignments.filter(school_class__students=request.user).first()
    return None
