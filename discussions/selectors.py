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

from django.db.models import Count, Min

from classroom.models import Assignment, Enrolment, SchoolClass

from .forms import PostForm
from .models import Post
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


def _post_first_lessons(school_class) -> set[int]:
    return set(
        Assignment.objects.filter(school_class=school_class, post_first=True).values_list(
            "lesson_id", flat=True
        )
    )


def build_threads(*, user, school_class, prompts, forms=None, latest=None) -> list[Thread]:
    """One :class:`Thread` per prompt, for ``user`` in ``school_class``, in two queries.

    With ``latest``, a long thread shows its pinned posts and only the ``latest`` most recent
    others; ``earlier_count`` says how many were left out.
    """
    prompts = list(prompts)
    forms = forms or {}
    is_moderator = can_moderate(user, school_class)
    may_post = can_post(user, school_class)
    gated_lessons = set() if is_moderator else _post_first_lessons(school_class)
    posts = list(
        Post.objects.filter(school_class=school_class, prompt__in=prompts)
        .select_related("author", "reply_to__author")
        .order_by("created_at", "pk")
    )
    by_prompt: dict[int, list[Post]] = {prompt.pk: [] for prompt in prompts}
    for post in posts:
        by_prompt[post.prompt_id].append(post)

    threads = []
    for prompt in prompts:
        thread_posts = by_prompt[prompt.pk]
        has_posted = any(post.author_id == user.pk and not post.is_deleted for post in thread_posts)
        locked = prompt.lesson_id in gated_lessons and not has_posted
        visible = [post for post in thread_posts if _visible(post, user, is_moderator, locked)]
        tops = [post for post in visible if post.parent_id is None]
        replies: dict[int, list[Post]] = {}
        for post in visible:
            if post.parent_id is not None:
                replies.setdefault(post.parent_id, []).append(post)
        shown = []
        for top in tops:
            top.visible_replies = replies.get(top.pk, [])
            if top.is_deleted and not top.visible_replies:
                continue  # nothing left to show
            top.is_own = top.author_id == user.pk
            for reply in top.visible_replies:
                reply.is_own = reply.author_id == user.pk
            shown.append(top)
        shown.sort(key=lambda post: (not post.is_pinned, post.created_at, post.pk))
        earlier = 0
        if latest is not None:
            pinned = [post for post in shown if post.is_pinned]
            others = [post for post in shown if not post.is_pinned]
            earlier = max(0, len(others) - latest)
            shown = pinned + others[earlier:]
        form = forms.get(prompt.pk) or (
            PostForm(prefix=f"prompt-{prompt.pk}") if may_post else None
        )
        threads.append(
            Thread(
                school_class=school_class,
                prompt=prompt,
                posts=shown,
                can_post=may_post,
                is_moderator=is_moderator,
                is_locked=locked,
                hidden_count=sum(1 for p in thread_posts if not p.is_deleted) if locked else 0,
                form=form,
                total=sum(1 for p in visible if not p.is_deleted),
                earlier_count=earlier,
            )
        )
    return threads


def _visible(post: Post, user, is_moderator: bool, locked: bool) -> bool:
    if is_moderator:
        return True
    if locked:
        return post.author_id == user.pk
    if post.is_hidden:
        return post.author_id == user.pk
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


def assignment_responses(assignment) -> tuple[list, list[dict]]:
    """(prompts, rows): each row a student with their posts per prompt, in fixed queries."""
    prompts = list(assignment.required_prompts.filter(is_published=True)) or list(
        assignment.lesson.prompts.published()
    )
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
    rows = []
    for student in students:
        mine = by_author.get(student.pk, {})
        rows.append(
            {
                "student": student,
                "cells": [(prompt, mine.get(prompt.pk, [])) for prompt in prompts],
                "has_responded": all(mine.get(prompt.pk) for prompt in prompts),
            }
        )
    return prompts, rows
