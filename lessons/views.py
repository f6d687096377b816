from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Lesson
from .rendering import reading_html


@require_GET
def lesson_index(request):
    lessons = Lesson.objects.published()
    return render(request, "lessons/index.html", {"lessons": lessons})


@require_GET
def lesson_detail(request, slug):
    lessons = list(Lesson.objects.published())
    lesson = next((lesson for lesson in lessons if lesson.slug == slug), None)
    if lesson is None:
        raise Http404("There is no lesson at this address.")
    position = lessons.index(lesson)
    context = {
        "lesson": lesson,
        "lessons": lessons,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "reading": reading_html(lesson),
        "prompts": lesson.prompts.published(),
    }
    return render(request, "lessons/detail.html", context)
