"""Read paths of annotations: what one reader sees on a lesson page, the evidence log, and the
counts classroom asks for through ``classroom.signals.annotations_wanted``.

Who sees what, for a class's annotations of a lesson:

- the class's teachers (and superusers) see every class annotation, hidden ones marked, with
  names; never a student's private annotations;
- a student sees their own (private ones too; hidden ones with “hidden by your teacher”), the
  teachers' annotations, and classmates' that are not hidden;
- with “post first” and a minimum on the class's assignment, a student sees classmates'
  annotations only once they have made that many of their own;
- with pseudonyms on, students see classmates as “Reader N”; teachers always see names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from classroom.models import Assignment
from discussions.text import rendered_posts

from .anchoring import anchor
from .forms import AnnotationForm
from .kinds import kind_choices
from .models import Annotation, ClassSettings, Pseudonym, Reply
from .services import can_annotate, can_moderate, paragraph_texts


@dataclass
class LessonAnnotations:
    """A lesson's annotations as one reader sees them in one class."""

    school_class: object
    is_moderator: bool
    can_annotate: bool
    by_paragraph: dict[int, list] = field(default_factory=dict)  # placed, in reading order
    orphans: dict[int, list] = field(default_factory=dict)  # under their old paragraph
    is_locked: bool = False  # post first: classmates' are held back
    required: int = 0  # the assignment's minimum of one's own
    own_count: int = 0
    held_back: int = 0  # classmates' annotations not shown yet (post first)
    kind_counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.by_paragraph.values()) + sum(
            len(items) for items in self.orphans.values()
        )


def _author_label(item, *, viewer, is_moderator, pseudonyms, numbers) -> str:
    author = item.author
    if author.pk == viewer.pk:
        return "You"
    if not author.is_student:
        return f"Teacher ({author.display_name})" if is_moderator else "Teacher"
    if pseudonyms and not is_moderator:
        number = numbers.get(author.pk)
        return f"Reader {number}" if number else "A classmate"
    return author.display_name


def required_annotations(school_class, lesson) -> int:
    """The minimum of their own annotations the class's assignment asks, when it holds back
    classmates' until then (post first); 0 otherwise."""
    assignment = (
        Assignment.objects.filter(
            school_class=school_class, lesson=lesson, post_first=True, min_annotations__gt=0
        )
        .order_by("-min_annotations")
        .values_list("min_annotations", flat=True)
        .first()
    )
    return assignment or 0


def lesson_annotations(*, user, lesson, school_class, texts=None) -> LessonAnnotations:
    """What ``user`` sees of ``school_class``'s annotations of ``lesson``, re-anchored to the
    current reading; a fixed number of queries however many there are."""
    texts = paragraph_texts(lesson) if texts is None else texts
    is_moderator = can_moderate(user, school_class)
    result = LessonAnnotations(
        school_class=school_class,
        is_moderator=is_moderator,
        can_annotate=can_annotate(user, school_class),
    )
    rows = Annotation.objects.filter(school_class=school_class, lesson=lesson, is_deleted=False)
    own = Q(author=user)
    if is_moderator:
        visible = own | Q(visibility=Annotation.Visibility.CLASS)
    else:
        result.required = required_annotations(school_class, lesson)
        result.own_count = rows.filter(author=user, visibility=Annotation.Visibility.CLASS).count()
        result.is_locked = result.own_count < result.required
        classmates = Q(visibility=Annotation.Visibility.CLASS, is_hidden=False)
        if result.is_locked:
            teachers = Q(author__in=school_class.teachers.all())
            visible = own | (classmates & teachers)
            result.held_back = rows.filter(classmates).exclude(own | teachers).count()
        else:
            visible = own | classmates
    annotations = list(
        rows.filter(visible)
        .select_related("author", "linked_paragraph__lesson")
        .order_by("paragraph", "start", "created_at", "pk")
    )
    replies = defaultdict(list)
    reply_rows = Reply.objects.filter(
        annotation__in=[a.pk for a in annotations], is_deleted=False
    ).select_related("author")
    if not is_moderator:
        reply_rows = reply_rows.filter(Q(is_hidden=False) | own)
    for reply in reply_rows.order_by("created_at", "pk"):
        replies[reply.annotation_id].append(reply)
    settings = ClassSettings.objects.filter(school_class=school_class).first()
    pseudonyms = bool(settings and settings.pseudonyms)
    numbers = {}
    if pseudonyms and not is_moderator:
        numbers = dict(
            Pseudonym.objects.filter(school_class=school_class).values_list("user", "number")
        )
    reading_url = lesson.get_absolute_url()
    rendered_posts(
        [*annotations, *(reply for items in replies.values() for reply in items)],
        reading_url=reading_url,
    )
    label = {"viewer": user, "is_moderator": is_moderator, "pseudonyms": pseudonyms}
    for item in annotations:
        item.shown_author = _author_label(item, numbers=numbers, **label)
        item.is_own = item.author_id == user.pk
        item.visible_replies = replies.get(item.pk, [])
        for reply in item.visible_replies:
            reply.shown_author = _author_label(reply, numbers=numbers, **label)
        place = anchor(
            texts,
            paragraph=item.paragraph,
            exact=item.exact,
            prefix=item.prefix,
            suffix=item.suffix,
            start=item.start,
            end=item.end,
        )
        result.kind_counts[item.kind] += 1
        if place is None:
            item.is_orphan_now = True
            # Under its old paragraph, or the nearest one before it that is still there.
            home = max((n for n in texts if n <= item.paragraph), default=min(texts, default=1))
            result.orphans.setdefault(home, []).append(item)
        else:
            item.is_orphan_now = False
            item.shown_paragraph, item.shown_start, item.shown_end = (
                place.paragraph,
                place.start,
                place.end,
            )
            result.by_paragraph.setdefault(place.paragraph, []).append(item)
    for items in result.by_paragraph.values():
        items.sort(key=lambda a: (not a.is_pinned, a.shown_start, a.created_at, a.pk))
    return result


# The lesson page: each paragraph's annotations after it ------------------------------------------

READING_PARAGRAPH = re.compile(r'<p id="p(\d+)" class="reading-paragraph">.*?</p>', re.DOTALL)


def reading_with_annotations(reading_html: str, blocks: dict[int, str]) -> SafeString:
    """The cached reading with each paragraph's annotation block right after the paragraph.

    The reading is rendered once for everyone (``lessons.rendering``); what a reader sees of
    their class's annotations is not, so it goes in here, after each ``<p id="pN">`` (whose
    text holds no ``</p>``: marks and links only)."""

    def insert(match):
        return match.group(0) + blocks.get(int(match.group(1)), "")

    return mark_safe(READING_PARAGRAPH.sub(insert, reading_html))


def annotation_blocks(view: LessonAnnotations, *, texts, request, extra=None) -> dict[int, str]:
    """Each paragraph's block: its annotations and orphans, as ``_paragraph.html`` renders."""
    return {
        number: render_to_string(
            "annotations/_paragraph.html",
            {
                "number": number,
                "items": view.by_paragraph.get(number, []),
                "orphans": view.orphans.get(number, []),
                "view": view,
                **(extra or {}),
            },
            request=request,
        )
        for number in texts
    }


def lesson_page(*, request, lesson, school_class, reading) -> dict:
    """The lesson page's part: the reading with each paragraph's annotations after it, the
    filters' kinds, and the form to annotate (for ``school_class``, the one the page shows)."""
    context = {"reading": reading, "annotations": None, "kind_choices": kind_choices()}
    if school_class is None:
        return context
    texts = paragraph_texts(lesson)
    view = lesson_annotations(
        user=request.user, lesson=lesson, school_class=school_class, texts=texts
    )
    blocks = annotation_blocks(view, texts=texts, request=request)
    context["reading"] = reading_with_annotations(reading, blocks)
    context["annotations"] = view
    if view.can_annotate:
        context["annotation_form"] = AnnotationForm(texts=texts, lesson=lesson)
    return context


# The evidence log ------------------------------------------------------------------------------


def evidence_log(user, *, classes=None) -> list[dict]:
    """A student's own annotations grouped by kind, then by lesson, in reading order."""
    rows = (
        Annotation.objects.filter(author=user, is_deleted=False)
        .select_related("lesson", "school_class", "linked_paragraph__lesson")
        .order_by("lesson__order", "paragraph", "start", "pk")
    )
    if classes is not None:
        rows = rows.filter(school_class__in=classes)
    by_kind: dict[str, dict] = {}
    for item in rows:
        group = by_kind.setdefault(item.kind, {})
        group.setdefault(item.lesson, []).append(item)
    labels = dict(kind_choices())
    order = [key for key, _label in kind_choices()]
    return [
        {
            "kind": kind,
            "label": labels.get(kind, kind),
            "lessons": list(by_kind[kind].items()),
            "count": sum(len(items) for items in by_kind[kind].values()),
        }
        for kind in sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order))
    ]


def evidence_markdown(groups, *, name: str) -> str:
    lines = [f"# Evidence log: {name}", ""]
    for group in groups:
        lines += [f"## {group['label']} ({group['count']})", ""]
        for lesson, items in group["lessons"]:
            lines += [f"### {lesson.title}", ""]
            for item in items:
                quote = " ".join(item.exact.split())
                lines.append(f"- ¶{item.paragraph}: “{quote}”")
                for line in item.body.splitlines():
                    lines.append(f"  {line}" if line.strip() else "")
                if item.linked_paragraph_id:
                    linked = item.linked_paragraph
                    lines.append(f"  (connects to {linked.lesson.title} ¶{linked.number})")
                if item.is_private:
                    lines.append("  (private)")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# Counts for classroom --------------------------------------------------------------------------


class AnnotationCounts:
    """Live class annotations per (class, student, lesson), with kind counts; one query.

    Implements what ``classroom.selectors`` asks of an ``annotations_wanted`` receiver:
    ``count(class_id, student_id, lesson_id)`` and ``kinds(...)``. Private annotations never
    count: teachers may not know they exist.
    """

    def __init__(self, *, classes, students, lessons):
        self._kinds: dict[tuple, Counter] = defaultdict(Counter)
        for class_id, student_id, lesson_id, kind, count in (
            Annotation.objects.filter(
                school_class__in=classes,
                author__in=students,
                lesson__in=lessons,
                is_deleted=False,
                visibility=Annotation.Visibility.CLASS,
            )
            .values_list("school_class", "author", "lesson", "kind")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            self._kinds[(class_id, student_id, lesson_id)][kind] += count

    def count(self, school_class_id, student_id, lesson_id) -> int:
        return sum(self._kinds.get((school_class_id, student_id, lesson_id), Counter()).values())

    def kinds(self, school_class_id, student_id, lesson_id) -> dict[str, int]:
        return dict(self._kinds.get((school_class_id, student_id, lesson_id), Counter()))


def counts_for_progress(sender, *, classes, students, lessons, **kwargs) -> AnnotationCounts:
    """``annotations_wanted`` receiver."""
    return AnnotationCounts(classes=classes, students=students, lessons=lessons)
