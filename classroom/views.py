"""Classroom pages of the site: joining a class by code, and finishing a reading.

The pages that combine classes with lessons and discussions (the dashboard, a class's page,
the lesson page) are composed in ``pages``, above every app they draw on.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lessons.models import CheckQuestion, Lesson

from .forms import JoinForm
from .selectors import check_rows, remember_reading
from .services import JoinError, check_answer, class_join, progress_record_finished


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
                ip_address=request.client_ip,
            )
        except JoinError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"You have joined {school_class}.")
            return redirect(school_class)
    return render(request, "classroom/join.html", {"form": form})


@require_POST
def lesson_finished(request, slug):
    """“I've finished reading”: a plain form post, also sent by the page when the end is seen.

    Sent by the page (``fetch``), it counts only after the lesson's reading time; the answer
    then says how long to wait (``X-Read-Again-In``) and the page asks again.
    """
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    background = request.headers.get("X-Requested-With") == "fetch"
    finished = True
    if request.user.is_student:
        progress, remaining = progress_record_finished(
            student=request.user, lesson=lesson, explicit=not background
        )
        finished = progress.finished_at is not None
        if finished:
            remember_reading(request.session, lesson.pk, finished=True)
    if request.htmx or background:
        response = render(
            request, "classroom/_finished.html", {"lesson": lesson, "finished": finished}
        )
        if not finished:
            response["X-Read-Again-In"] = str(int(remaining.total_seconds()) + 1)
        return response
    messages.success(request, f"Well done: you have finished “{lesson.title}”.")
    return redirect(f"{lesson.get_absolute_url()}#finish")


@require_POST
def check_answer_view(request, slug, key):
    """A student answers a “check your understanding” question; the explanation shows at once
    (htmx, in place) or after a plain post and redirect, and they may try again."""
    question = get_object_or_404(
        CheckQuestion.objects.published().select_related("lesson"),
        lesson__slug=slug,
        lesson__is_published=True,
        key=key,
    )
    if not request.user.is_student:
        raise PermissionDenied("Checks are answered by students.")
    error = ""
    try:
        check_answer(
            student=request.user, question=question, choice=int(request.POST.get("choice", ""))
        )
    except (ValueError, ValidationError):
        error = "Choose one of the answers, then press Check."
    if request.htmx:
        [row] = check_rows(request.user, [question])
        return render(
            request,
            "classroom/_check.html",
            {"row": row, "lesson": question.lesson, "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(f"{question.lesson.get_absolute_url()}#check-{question.key}")
