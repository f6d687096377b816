"""Read paths of discussions: what one person may see of a class's discussion, and the
answers students gave (for teachers' pages and, through ``classroom.signals.answers_wanted``,
for progress).

All posts of the class for the prompts come in one query; who sees what is decided here:

- the class's teachers (and superusers) see everything, hidden posts marked;
- a hidden post shows to its author with “hidden by your teacher”, to other students not at
  all (nor its replies);
- a deleted post with replies stays as “deleted by author” so no one's reply disappears;
- with “post first”, a student sees only their own posts until they have posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery

from classroom.models import Assignment, Enrolment, SchoolClass

from .forms import PostForm
from .models import Feedback, Post, ThreadVisit
from .services import can_moderate, can_post


@dataclass
class Thread:
    school_class: object
    prompt: object
    posts: list  # top-level posts, each with .visible_replies
    can_post: bool
    is_moderator: bool
    is_locked: bool = False  # post-first: the student has not posted yet
    hidden_count: int = 0  # posts the student cannot see yet (post-first)
    form: PostForm | None = None
    total: int = field(default=0)
    earlier_count: int = 0  # older posts left out of a long thread (shown on request)
    feedback: Feedback | None = None  # the reader's own returned feedback (students only)
    feedback_post_id: int | None = None  # the reader's answer it shows beside, when shown


def _post_first_lessons(school_class) -> set[int]:
    return set(
        Assignment.objects.filter(school_class=school_class, post_first=True).values_list(
            "lesson_id", flat=True
        )
    )


def _visible_to(user, *, is_moderator: bool, locked: bool) -> Q:
    """Which posts of a thread ``user`` may see, as a condition on Post."""
    if is_moderator:
        return Q()
    if locked:  # post first: only their own until they have posted
        return Q(author=user)
    return Q(is_hidden=False) | Q(author=user)


def build_threads(*, user, school_class, prompts, forms=None, latest=None) -> list[Thread]:
    """One :class:`Thread` per prompt, for ``user`` in ``school_class``.

    Only what the page shows is fetched: with ``latest``, a long thread's pinned posts and its
    ``latest`` most recent others (``earlier_count`` says how many were left out), and the
    replies of those posts; counts come from COUNT. The queries per prompt are fixed, however
    busy the thread.
    """
    prompts = list(prompts)
    forms = forms or {}
    is_moderator = can_moderate(user, school_class)
    may_post = can_post(user, school_class)
    gated_lessons = set() if is_moderator else _post_first_lessons(school_class)
    threads = []
    for prompt in prompts:
        thread_posts = Post.objects.filter(school_class=school_class, prompt=prompt)
        locked = prompt.lesson_id in gated_lessons and not (
            thread_posts.filter(author=user, is_deleted=False).exists()
        )
        visible = thread_posts.filter(_visible_to(user, is_moderator=is_moderator, locked=locked))
        # A deleted post stays only while replies the reader can see hang from it.
        tops = visible.filter(parent=None).filter(
            Q(is_deleted=False)
            | Exists(
                visible.filter(parent=OuterRef("pk")).values("pk"),
            )
        )
        related = ("author", "reply_to__author")
        pinned = list(tops.filter(is_pinned=True).select_related(*related).order_by("created_at"))
        others = tops.filter(is_pinned=False).select_related(*related)
        earlier = 0
        if latest is None:
            others = list(others.order_by("created_at", "pk"))
        else:
            others = list(others.order_by("-created_at", "-pk")[:latest])[::-1]
            earlier = max(0, tops.filter(is_pinned=False).count() - latest)
        shown = pinned + others
        replies: dict[int, list[Post]] = {}
        for reply in (
            visible.filter(parent__in=[top.pk for top in shown])
            .select_related(*related)
            .order_by("created_at", "pk")
        ):
            reply.is_own = reply.author_id == user.pk
            replies.setdefault(reply.parent_id, []).append(reply)
        for top in shown:
            top.is_own = top.author_id == user.pk
            top.visible_replies = replies.get(top.pk, [])
        form = forms.get(prompt.pk) or (
            PostForm(prefix=f"prompt-{prompt.pk}") if may_post else None
        )
        feedback = None
        if not is_moderator and user.is_student:
            feedback = feedback_for_thread(user=user, school_class=school_class, prompt=prompt)
        own_answer = next((top.pk for top in shown if top.is_own and not top.is_deleted), None)
        threads.append(
            Thread(
                school_class=school_class,
                prompt=prompt,
                posts=shown,
                can_post=may_post,
                is_moderator=is_moderator,
                is_locked=locked,
                hidden_count=thread_posts.filter(is_deleted=False).count() if locked else 0,
                form=form,
                total=visible.filter(is_deleted=False).count(),
                earlier_count=earlier,
                feedback=feedback,
                feedback_post_id=own_answer if feedback else None,
            )
        )
    return threads


def feedback_for_thread(*, user, school_class, prompt) -> Feedback | None:
    """The returned feedback ``user`` has on their answer to ``prompt`` in ``school_class``:
    one at most (one assignment of a lesson per class). Only ever the reader's own."""
    return (
        Feedback.objects.for_student(user)
        .filter(assignment__school_class=school_class, prompt=prompt)
        .select_related("assignment")
        .first()
    )


def student_news(user) -> dict:
    """A student's “new feedback” and “new replies”, per thread, in two grouped COUNTs.

    New feedback: returned (or revised since) and not yet shown on its thread. New replies:
    others' replies under or to the student's posts since the student last opened that thread
    (all of them if never), in the active classes they attend, hidden ones left out.
    """
    classes = SchoolClass.objects.attended_by(user).active()
    feedback_rows = list(
        Feedback.objects.for_student(user)
        .unseen()
        .filter(assignment__school_class__in=classes)
        .values(
            "assignment__school_class_id",
            "assignment__school_class__name",
            "prompt_id",
            "prompt__question",
        )
        .annotate(count=Count("pk"))
        .order_by("assignment__school_class__name", "prompt_id")
    )
    last_seen = ThreadVisit.objects.filter(
        user=user, school_class=OuterRef("school_class"), prompt=OuterRef("prompt")
    ).values("seen_at")[:1]
    reply_rows = list(
        Post.objects.filter(school_class__in=classes, is_deleted=False, is_hidden=False)
        .filter(Q(parent__author=user) | Q(reply_to__author=user))
        .filter(Q(parent__is_hidden=False) | Q(parent__author=user))
        .exclude(author=user)
        .annotate(last_seen=Subquery(last_seen))
        .filter(Q(last_seen__isnull=True) | Q(created_at__gt=F("last_seen")))
        .values("school_class_id", "school_class__name", "prompt_id", "prompt__question")
        .annotate(count=Count("pk"))
        .order_by("school_class__name", "prompt_id")
    )
    return {
        "new_feedback": [
            {
                "class_pk": row["assignment__school_class_id"],
                "class_name": row["assignment__school_class__name"],
                "prompt_pk": row["prompt_id"],
                "question": row["prompt__question"],
                "count": row["count"],
            }
            for row in feedback_rows
        ],
        "new_feedback_count": sum(row["count"] for row in feedback_rows),
        "new_replies": [
            {
                "class_pk": row["school_class_id"],
                "class_name": row["school_class__name"],
                "prompt_pk": row["prompt_id"],
                "question": row["prompt__question"],
                "count": row["count"],
            }
            for row in reply_rows
        ],
        "new_replies_count": sum(row["count"] for row in reply_rows),
    }


def post_visible_to(post: Post, user) -> bool:
    """Whether ``user`` sees ``post`` in its thread, by the rules of :func:`build_threads`
    (``post`` is already one of the user's classes' posts). A few queries, whatever the
    thread's size."""
    if can_moderate(user, post.school_class):
        return True
    gated = post.prompt.lesson_id in _post_first_lessons(post.school_class)
    locked = gated and not (
        Post.objects.filter(
            school_class=post.school_class, prompt=post.prompt, author=user, is_deleted=False
        ).exists()
    )
    rule = _visible_to(user, is_moderator=False, locked=locked)
    mine = Post.objects.filter(pk__in=[post.pk, post.parent_id or post.pk]).filter(rule)
    if mine.count() != len({post.pk, post.parent_id or post.pk}):
        return False  # the post, or the post it hangs under, is hidden from them
    if post.is_deleted and post.parent_id is None:
        return post.replies.filter(rule).exists()
    return True


def lesson_discussions(*, request, prompts, preferred_class=None) -> dict:
    """The discussion part of a lesson page: the reader's classes and the one shown.

    A student in several classes sees one class's discussion at a time (``?class=``). The
    threads themselves load into the page on their own (htmx), or open on their own pages.
    """
    classes = list(SchoolClass.objects.visible_to(request.user).active())
    chosen = None
    requested = request.GET.get("class", "")
    if requested.isdigit():
        chosen = next((c for c in classes if c.pk == int(requested)), None)
    if chosen is None and preferred_class is not None:
        chosen = next((c for c in classes if c.pk == preferred_class.pk), None)
    if chosen is None and classes:
        chosen = classes[0]
    counts = {}
    if chosen is not None:
        counts = dict(
            Post.objects.filter(
                school_class=chosen, prompt__in=prompts, is_deleted=False, is_hidden=False
            )
            .values_list("prompt")
            .annotate(count=Count("pk"))
        )
    return {
        "discussion_classes": classes,
        "discussion_class": chosen,
        "prompt_rows": [(prompt, counts.get(prompt.pk, 0)) for prompt in prompts],
    }


class Responses:
    """When each student first answered each prompt, per class: one query for many cells.

    Implements ``classroom.selectors.Answers``; :func:`answers_for_progress` hands it to
    classroom when it asks.
    """

    def __init__(self, *, classes, students, lessons):
        rows = (
            Post.objects.filter(
                school_class__in=classes,
                author__in=students,
                prompt__lesson__in=lessons,
                is_deleted=False,
            )
            .values("school_class_id", "author_id", "prompt_id", "prompt__lesson_id")
            .annotate(first=Min("created_at"))
        )
        self.first: dict[tuple[int, int], dict[int, datetime]] = {}
        self.by_lesson: dict[tuple[int, int, int], datetime] = {}
        for row in rows:
            self.first.setdefault((row["school_class_id"], row["author_id"]), {})[
                row["prompt_id"]
            ] = row["first"]
            lesson_key = (row["school_class_id"], row["author_id"], row["prompt__lesson_id"])
            earlier = self.by_lesson.get(lesson_key)
            self.by_lesson[lesson_key] = min(earlier, row["first"]) if earlier else row["first"]

    def first_answers(self, school_class_id: int, student_id: int) -> dict[int, datetime]:
        return self.first.get((school_class_id, student_id), {})

    def first_in_lesson(
        self, school_class_id: int, student_id: int, lesson_id: int
    ) -> datetime | None:
        return self.by_lesson.get((school_class_id, student_id, lesson_id))


def answers_for_progress(sender, *, classes, students, lessons, **kwargs) -> Responses:
    """``answers_wanted`` receiver: posts count as answers to their prompts."""
    return Responses(classes=classes, students=students, lessons=lessons)


@dataclass
class ResponseCell:
    """One student's answer to one prompt on the responses page, and the feedback on it."""

    prompt: object
    posts: list
    feedback: Feedback | None = None
    form: object = None  # the feedback form, set by the page for the students it shows
    number: int | None = None  # the prompt's place in the assignment (“Prompt 2”)


def assignment_responses(assignment) -> tuple[list, list[dict]]:
    """(prompts, rows): each row a student with, per prompt, their posts and the feedback on
    them (drafts included: this is the teachers' view), in fixed queries."""
    prompts = assignment_prompts(assignment)
    students = [
        enrolment.student
        for enrolment in Enrolment.objects.filter(
            school_class=assignment.school_class
        ).select_related("student")
    ]
    posts = (
        Post.objects.filter(
            school_class=assignment.school_class,
            prompt__in=prompts,
            is_deleted=False,
            author__in=[student.pk for student in students],
        )
        .select_related("reply_to__author")
        .order_by("created_at", "pk")
    )
    by_author: dict[int, dict[int, list[Post]]] = {}
    for post in posts:
        by_author.setdefault(post.author_id, {}).setdefault(post.prompt_id, []).append(post)
    feedback = {
        (item.student_id, item.prompt_id): item
        for item in Feedback.objects.filter(assignment=assignment, prompt__in=prompts)
    }
    rows = []
    for student in students:
        mine = by_author.get(student.pk, {})
        cells = []
        for number, prompt in enumerate(prompts, start=1):
            item = feedback.get((student.pk, prompt.pk))
            if item is not None:
                item.assignment = assignment  # for its mark, without a query each
            cells.append(
                ResponseCell(
                    prompt=prompt, posts=mine.get(prompt.pk, []), feedback=item, number=number
                )
            )
        rows.append(
            {
                "student": student,
                "cells": cells,
                "has_responded": all(mine.get(prompt.pk) for prompt in prompts),
            }
        )
    return prompts, rows


def assignment_prompts(assignment) -> list:
    """The prompts an assignment asks about: its required ones, or else all its lesson's."""
    return list(assignment.required_prompts.filter(is_published=True)) or list(
        assignment.lesson.prompts.published()
    )
