"""Annotation pages. Every view reaches annotations through ``Annotation.objects.visible_to``
and classes through ``SchoolClass.objects.visible_to``: outside your classes is a 404, and so
is someone else's private annotation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from classroom.models import SchoolClass
from discussions.text import rendered_posts
from lessons.models import Lesson

from . import selectors, services
from .forms import AnnotationForm, ReplyForm
from .models import Annotation

ERROR_FIELDS = {
    "empty_note": "body",
    "note_too_long": "body",
    "kind": "kind",
    "link": "linked_paragraph",
}


def lesson_url(lesson, school_class, anchor: str = "") -> str:
    url = f"{lesson.get_absolute_url()}?class={school_class.pk}"
    return f"{url}#{anchor}" if anchor else url


@require_POST
def create(request, slug, class_pk):
    lesson = get_object_or_404(Lesson.objects.published(), slug=slug)
    school_class = get_object_or_404(SchoolClass.objects.visible_to(request.user), pk=class_pk)
    if not services.can_annotate(request.user, school_class):
        raise PermissionDenied("This class is archived, so its annotations are read-only.")
    texts = services.paragraph_texts(lesson)
    form = AnnotationForm(request.POST, texts=texts, lesson=lesson)
    if form.is_valid():
        data = form.cleaned_data
        chosen = form.selected_sentence()
        try:
            target = services.resolve_target(
                texts,
                paragraph=chosen[0] if chosen else data["paragraph"],
                sentence=chosen[1] if chosen else None,
                words=data["words"] if chosen else "",
                exact=data["exact"],
                prefix=data["prefix"],
                suffix=data["suffix"],
                start=data["start"],
                end=data["end"],
            )
            annotation, created = services.annotation_create(
                author=request.user,
                school_class=school_class,
                lesson=lesson,
                target=target,
                kind=data["kind"],
                body=data["body"],
                visibility=data["visibility"],
                linked_paragraph=data["linked_paragraph"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            # Problems with the chosen words go at the top of the form, the rest by their field.
            form.add_error(ERROR_FIELDS.get(error.code), error)
        else:
            if created:
                messages.success(request, f"Your annotation of ¶{annotation.paragraph} is saved.")
            return redirect(lesson_url(lesson, school_class, f"annotation-{annotation.pk}"))
    # Keep what the student typed: the bound form goes back with its errors.
    context = {"form": form, "lesson": lesson, "school_class": school_class}
    return render(request, "annotations/create.html", context, status=400)


def _annotation_for(request, pk) -> Annotation:
    """An annotation the user may see: theirs, or their class's, not hidden from them and not
    held back by post first."""
    annotation = get_object_or_404(
        Annotation.objects.visible_to(request.user)
        .filter(is_deleted=False)
        .select_related("school_class", "lesson", "author", "linked_paragraph__lesson"),
        pk=pk,
    )
    if annotation.author_id == request.user.pk:
        return annotation
    if services.can_moderate(request.user, annotation.school_class):
        return annotation
    if annotation.is_hidden:
        raise Http404("No such annotation.")
    view = selectors.lesson_annotations(
        user=request.user, lesson=annotation.lesson, school_class=annotation.school_class
    )
    shown = {a.pk for items in (*view.by_paragraph.values(), *view.orphans.values()) for a in items}
    if annotation.pk not in shown:
        raise Http404("No such annotation.")
    return annotation


def _shown(request, annotation):
    """The annotation as its page shows it, with its replies and authors' labels."""
    view = selectors.lesson_annotations(
        user=request.user, lesson=annotation.lesson, school_class=annotation.school_class
    )
    for items in (*view.by_paragraph.values(), *view.orphans.values()):
        for item in items:
            if item.pk == annotation.pk:
                return item, view
    # Hidden from the page's list but the viewer's own or their class's: show it plainly.
    annotation.shown_author = "You"
    annotation.visible_replies = []
    annotation.is_own = annotation.author_id == request.user.pk
    rendered_posts([annotation], reading_url=annotation.lesson.get_absolute_url())
    return annotation, view


@require_GET
def detail(request, pk):
    annotation, view = _shown(request, _annotation_for(request, pk))
    context = {
        "annotation": annotation,
        "view": view,
        "reply_form": ReplyForm(prefix=f"reply-{annotation.pk}"),
        "back_url": lesson_url(
            annotation.lesson, annotation.school_class, f"p{annotation.paragraph}"
        ),
    }
    return render(request, "annotations/detail.html", context)


@require_POST
def reply(request, pk):
    annotation = _annotation_for(request, pk)
    form = ReplyForm(request.POST, prefix=f"reply-{annotation.pk}")
    if form.is_valid():
        try:
            services.reply_create(
                author=request.user,
                annotation=annotation,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Your reply is up.")
            return redirect(
                lesson_url(annotation.lesson, annotation.school_class, f"annotation-{pk}")
            )
    annotation, view = _shown(request, annotation)
    context = {
        "annotation": annotation,
        "view": view,
        "reply_form": form,
        "back_url": lesson_url(
            annotation.lesson, annotation.school_class, f"p{annotation.paragraph}"
        ),
    }
    return render(request, "annotations/detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    annotation = _annotation_for(request, pk)
    if annotation.author_id != request.user.pk:
        raise PermissionDenied("Only the author can delete an annotation.")
    if request.method == "POST":
        services.annotation_delete(annotation=annotation, user=request.user)
        messages.success(request, "Your annotation is deleted.")
        return redirect(
            lesson_url(annotation.lesson, annotation.school_class, f"p{annotation.paragraph}")
        )
    return render(request, "annotations/delete.html", {"annotation": annotation})


@require_POST
def moderate(request, pk):
    annotation = _annotation_for(request, pk)
    try:
        services.annotation_moderate(
            annotation=annotation, moderator=request.user, action=request.POST.get("action", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(lesson_url(annotation.lesson, annotation.school_class, f"annotation-{pk}"))


# The evidence log --------------------------------------------------------------------------------


@require_GET
def evidence(request):
    groups = selectors.evidence_log(request.user)
    return render(
        request,
        "annotations/evidence.html",
        {"groups": groups, "total": sum(group["count"] for group in groups)},
    )


@require_GET
def evidence_markdown(request):
    groups = selectors.evidence_log(request.user)
    text = selectors.evidence_markdown(groups, name=request.user.display_name)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    filename = f"evidence-log-{slugify(request.user.username)}-{timezone.localdate():%Y-%m-%d}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
