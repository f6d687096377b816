"""Discussion pages. Every view reaches posts through ``Post.objects.in_classes_visible_to``
and classes through ``SchoolClass.objects.visible_to``: outside your classes is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from classroom.exports import csv_response, csv_safe
from classroom.models import Assignment, SchoolClass
from lessons.models import Prompt

from . import selectors, services
from .forms import EditForm, FeedbackForm, PostForm, ReplyForm
from .models import Feedback, Post
from .text import rendered_posts


def _thread_url(school_class, prompt) -> str:
    return reverse(
        "discussions:thread", kwargs={"class_pk": school_class.pk, "prompt_pk": prompt.pk}
    )


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _back_to(request, post):
    """Back to the page the form was on (or the thread), at the post."""
    page = _next_url(request, _thread_url(post.school_class, post.prompt)).split("#")[0]
    return redirect(f"{page}#post-{post.pk}")


def _class_and_prompt(request, class_pk, prompt_pk):
    school_class = get_object_or_404(SchoolClass.objects.visible_to(request.user), pk=class_pk)
    prompt = get_object_or_404(Prompt.objects.published().select_related("lesson"), pk=prompt_pk)
    return school_class, prompt


LATEST_POSTS = 20  # a long thread shows its newest posts; the earlier ones on request


def _render_thread(request, school_class, prompt, *, form=None, status=200):
    forms = {prompt.pk: form} if form is not None else None
    [thread] = selectors.build_threads(
        user=request.user,
        school_class=school_class,
        prompts=[prompt],
        forms=forms,
        latest=None if request.GET.get("all") == "1" else LATEST_POSTS,
    )
    rendered_posts(
        [p for top in thread.posts for p in (top, *top.visible_replies) if not p.is_deleted],
        reading_url=prompt.lesson.get_absolute_url(),
    )
    if request.user.is_student:
        # The student has now read the thread: replies so far are no longer new, nor is the
        # feedback shown beside their answer.
        services.thread_visit_record(user=request.user, school_class=school_class, prompt=prompt)
        if thread.feedback is not None and thread.feedback.is_new:
            services.feedback_mark_seen(
                student=request.user, school_class=school_class, prompt=prompt
            )
    thread_url = _thread_url(school_class, prompt)
    shown_from = (request.htmx.current_url_abs_path or "") if request.htmx else request.path
    context = {
        "thread": thread,
        "school_class": school_class,
        "prompt": prompt,
        "next_url": _next_url(request, thread_url),
        "on_thread_page": shown_from.split("?")[0] == thread_url,
    }
    template = "discussions/thread.html#thread" if request.htmx else "discussions/thread.html"
    return render(request, template, context, status=status)


@require_GET
def thread(request, class_pk, prompt_pk):
    school_class, prompt = _class_and_prompt(request, class_pk, prompt_pk)
    return _render_thread(request, school_class, prompt)


@require_POST
def post_create(request, class_pk, prompt_pk):
    school_class, prompt = _class_and_prompt(request, class_pk, prompt_pk)
    if not services.can_post(request.user, school_class):
        raise PermissionDenied("This class is archived, so its discussions are read-only.")
    form = PostForm(request.POST, prefix=f"prompt-{prompt.pk}")
    if form.is_valid():
        try:
            post, created = services.post_create(
                author=request.user,
                school_class=school_class,
                prompt=prompt,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if request.htmx:
                return _render_thread(request, school_class, prompt)
            if created:
                messages.success(request, "Your post is up.")
            return _back_to(request, post)
    # Keep what the student typed: the bound form goes back with its errors.
    return _render_thread(request, school_class, prompt, form=form)


def _post_for(request, pk) -> Post:
    """A post the user may see: in their classes, not hidden from them, not behind post-first."""
    post = get_object_or_404(
        Post.objects.in_classes_visible_to(request.user).select_related(
            "school_class", "prompt__lesson", "author", "reply_to__author"
        ),
        pk=pk,
    )
    if not selectors.post_visible_to(post, request.user):
        raise Http404("No such post.")
    return post


@require_http_methods(["GET", "POST"])
def reply(request, pk):
    parent = _post_for(request, pk)
    if not services.can_post(request.user, parent.school_class):
        raise PermissionDenied("This class is archived, so its discussions are read-only.")
    if parent.is_deleted:
        raise Http404("That post was deleted.")
    form = ReplyForm(request.POST or None, prefix=f"reply-{parent.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            post, created = services.post_create(
                author=request.user,
                school_class=parent.school_class,
                prompt=parent.prompt,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
                reply_to=parent,
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if request.htmx:
                return _render_thread(request, parent.school_class, parent.prompt)
            if created:
                messages.success(request, "Your reply is up.")
            return _back_to(request, post)
    context = {
        "parent": parent,
        "form": form,
        "next_url": _next_url(request, _thread_url(parent.school_class, parent.prompt)),
    }
    template = "discussions/reply.html#reply-form" if request.htmx else "discussions/reply.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    post = _post_for(request, pk)
    if post.author_id != request.user.pk or post.is_deleted:
        raise PermissionDenied("Only the author can edit a post.")
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Your post is updated.")
            return redirect(post.get_absolute_url())
    return render(request, "discussions/edit.html", {"post": post, "form": form})


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    post = _post_for(request, pk)
    if post.author_id != request.user.pk or post.is_deleted:
        raise PermissionDenied("Only the author can delete a post.")
    if post.school_class.is_archived:
        raise PermissionDenied("This class is archived, so its discussions are read-only.")
    if request.method == "POST":
        services.post_delete(post=post, user=request.user)
        messages.success(request, "Your post is deleted.")
        return redirect(_thread_url(post.school_class, post.prompt))
    return render(request, "discussions/delete.html", {"post": post})


@require_POST
def moderate(request, pk):
    post = _post_for(request, pk)
    action = request.POST.get("action", "")
    try:
        services.post_moderate(post=post, moderator=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        return _render_thread(request, post.school_class, post.prompt)
    return _back_to(request, post)


# Teachers: every response to an assignment -----------------------------------------------------


def _assignment_for_teacher(request, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("lesson", "school_class"),
        pk=pk,
    )


RESPONSES_PER_PAGE = 25  # students a page: their posts are read, so keep a page readable


@require_GET
def assignment_responses(request, pk):
    assignment = _assignment_for_teacher(request, pk)
    prompts, rows = selectors.assignment_responses(assignment)
    page = Paginator(rows, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    # Markdown once per post text, shared by every view of it (keyed on the text).
    rendered_posts(
        [post for row in page for cell in row["cells"] for post in cell.posts],
        reading_url=assignment.lesson.get_absolute_url(),
    )
    for row in page:
        for cell in row["cells"]:
            cell.form = FeedbackForm(
                assignment=assignment,
                feedback=cell.feedback,
                prefix=_feedback_prefix(row["student"], cell.prompt),
            )
    given = [cell.feedback for row in rows for cell in row["cells"] if cell.feedback]
    context = {
        "assignment": assignment,
        "prompts": prompts,
        "rows": rows,
        "page": page,
        "missing": [row["student"] for row in rows if not row["has_responded"]],
        "draft_count": sum(1 for item in given if not item.is_returned),
        "returned_count": sum(1 for item in given if item.is_returned),
        "next_url": request.get_full_path(),
    }
    return render(request, "discussions/responses.html", context)


@require_GET
def assignment_responses_csv(request, pk):
    assignment = _assignment_for_teacher(request, pk)
    prompts, rows = selectors.assignment_responses(assignment)
    response, writer = csv_response(
        f"responses-{assignment.lesson.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    )
    mark_heading = "Mark"
    if assignment.mark_scale == Assignment.MarkScale.POINTS and assignment.points_max:
        mark_heading = f"Mark (out of {assignment.points_max})"
    writer.writerow(
        [
            "Student",
            "Username",
            "Prompt",
            "Kind",
            "Time",
            "Words",
            "Text",
            "Feedback",
            mark_heading,
            "Feedback status",
        ]
    )
    for row in rows:
        student = row["student"]
        for cell in row["cells"]:
            # The feedback goes on the first line of the answer only, so marks add up once;
            # feedback on no answer at all gets a line of its own.
            feedback_columns = _feedback_columns(cell.feedback)
            if not cell.posts and cell.feedback:
                writer.writerow(
                    [
                        csv_safe(student.display_name),
                        csv_safe(student.username),
                        csv_safe(cell.prompt.question),
                        "no response",
                        "",
                        0,
                        "",
                        *feedback_columns,
                    ]
                )
            for number, post in enumerate(cell.posts):
                writer.writerow(
                    [
                        csv_safe(student.display_name),
                        csv_safe(student.username),
                        csv_safe(cell.prompt.question),
                        "reply" if post.is_reply else "post",
                        timezone.localtime(post.created_at).strftime("%Y-%m-%d %H:%M"),
                        post.word_count,
                        csv_safe(post.body),
                        *(feedback_columns if number == 0 else ["", "", ""]),
                    ]
                )
    return response


def _feedback_columns(feedback: Feedback | None) -> list:
    """Comment, mark (points as a bare number, so a spreadsheet can add them) and status."""
    if feedback is None:
        return ["", "", ""]
    if feedback.points is not None:
        mark = feedback.points
    else:
        mark = csv_safe("; ".join(feedback.mark_parts))
    status = "draft"
    if feedback.is_returned:
        status = "returned, updated" if feedback.revised_at else "returned"
    return [csv_safe(feedback.comment), mark, status]


# Teachers: feedback on each answer ----------------------------------------------------------


def _feedback_prefix(student, prompt) -> str:
    return f"feedback-{student.pk}-{prompt.pk}"


def _feedback_target(request, pk, student_id, prompt_pk):
    """The assignment (of a class the user teaches), a student enrolled in that class and a
    published prompt of its lesson: any other id, in the URL or not, answers 404."""
    assignment = _assignment_for_teacher(request, pk)
    # Looked up by the user's pk, which Django checks against the column's range (a foreign
    # key's raw id is not, and an over-long id would reach SQLite as an error).
    student = get_object_or_404(
        User.objects.filter(enrolments__school_class_id=assignment.school_class_id), pk=student_id
    )
    prompt = get_object_or_404(
        Prompt.objects.published(), pk=prompt_pk, lesson_id=assignment.lesson_id
    )
    return assignment, student, prompt


def _responses_url(assignment, student=None, prompt=None) -> str:
    url = reverse("discussions:responses", args=[assignment.pk])
    if student is not None:
        url += f"#{_feedback_prefix(student, prompt)}"
    return url


FEEDBACK_FIELDS = {"comment", "points"}


def _add_feedback_errors(form, error: ValidationError) -> None:
    """Put the service's objections on the form: on a field where it has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
def feedback(request, pk, student_id, prompt_pk):
    """Write, change and return the feedback on one student's answer to one prompt.

    The responses page holds these forms; htmx saves them in place (the form comes back,
    saved or with its errors). Without JavaScript a saved form goes back to the responses
    page and a rejected one shows here, keeping what the teacher typed.
    """
    assignment, student, prompt = _feedback_target(request, pk, student_id, prompt_pk)
    existing = Feedback.objects.filter(
        assignment=assignment, student=student, prompt=prompt
    ).first()
    if existing is not None:
        existing.assignment = assignment
    prefix = _feedback_prefix(student, prompt)
    is_post = request.method == "POST"
    form = FeedbackForm(
        request.POST if is_post else None, assignment=assignment, feedback=existing, prefix=prefix
    )
    saved_message = ""
    if is_post and form.is_valid():
        returning = request.POST.get("action") == "return"
        was_returned = existing is not None and existing.is_returned
        try:
            existing = services.feedback_save(
                teacher=request.user,
                assignment=assignment,
                student=student,
                prompt=prompt,
                comment=form.cleaned_data["comment"],
                points=form.cleaned_data.get("points"),
                levels=form.levels(),
            )
            if returning:
                existing = services.feedback_return(teacher=request.user, feedback=existing)
        except ValidationError as error:
            _add_feedback_errors(form, error)
        else:
            if was_returned:
                saved_message = f"Saved: {student.display_name} sees the updated feedback."
            elif returning:
                saved_message = f"Returned to {student.display_name}."
            else:
                saved_message = f"Draft saved for {student.display_name}: only teachers see it."
            if not request.htmx:
                messages.success(request, saved_message)
                page = _next_url(request, _responses_url(assignment)).split("#")[0]
                return redirect(f"{page}#{prefix}")
            form = FeedbackForm(assignment=assignment, feedback=existing, prefix=prefix)
    prompt_ids = [item.pk for item in selectors.assignment_prompts(assignment)]
    number = prompt_ids.index(prompt.pk) + 1 if prompt.pk in prompt_ids else None
    context = {
        "assignment": assignment,
        "student": student,
        "cell": selectors.ResponseCell(
            prompt=prompt, posts=[], feedback=existing, form=form, number=number
        ),
        "next_url": _next_url(request, _responses_url(assignment)),
        "saved_message": saved_message,
    }
    if request.htmx:
        return render(request, "discussions/_feedback_form.html", context)
    posts = list(
        Post.objects.filter(
            school_class=assignment.school_class, prompt=prompt, author=student, is_deleted=False
        ).order_by("created_at", "pk")
    )
    rendered_posts(posts, reading_url=assignment.lesson.get_absolute_url())
    context["posts"] = posts
    return render(request, "discussions/feedback.html", context)


@require_POST
def feedback_return_all(request, pk):
    assignment = _assignment_for_teacher(request, pk)
    count = services.feedback_return_all(teacher=request.user, assignment=assignment)
    if count:
        messages.success(
            request,
            f"Returned {count} draft{'s' if count != 1 else ''}: the students see them now.",
        )
    else:
        messages.info(request, "There were no drafts to return.")
    return redirect(_responses_url(assignment))
