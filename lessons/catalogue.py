"""The published lessons and their prompts, cached: they change only when content is synced.

Every lesson page needs the list of lessons (sidebar, previous and next) and the lesson's
prompts; reading them from the cache saves two queries a page. The list is kept for a minute
and cleared by ``sync_lessons``; prompts are keyed on the lesson's content hash, so an edited
file is seen at once.
"""

from django.core.cache import cache

from .models import Lesson

CATALOGUE_KEY = "lesson-catalogue"
CATALOGUE_SECONDS = 60


def published_lessons() -> list[Lesson]:
    lessons = cache.get(CATALOGUE_KEY)
    if lessons is None:
        lessons = list(Lesson.objects.published())
        cache.set(CATALOGUE_KEY, lessons, CATALOGUE_SECONDS)
    return lessons


def lesson_prompts(lesson: Lesson) -> list:
    key = f"lesson-prompts:{lesson.pk}:{lesson.content_hash}"
    prompts = cache.get(key)
    if prompts is None:
        prompts = list(lesson.prompts.published())
        for prompt in prompts:
            prompt.lesson = lesson
        cache.set(key, prompts, None)
    return prompts


def lesson_checks(lesson: Lesson) -> list:
    """The lesson's published check questions, in file order, cached like its prompts.

    Each is a :class:`~lessons.models.CheckQuestion`: ``choice_texts`` to show,
    ``is_correct(index)`` and ``feedback(index)`` to answer with.
    """
    key = f"lesson-checks:{lesson.pk}:{lesson.content_hash}"
    checks = cache.get(key)
    if checks is None:
        checks = list(lesson.checkquestions.published())
        for check in checks:
            check.lesson = lesson
        cache.set(key, checks, None)
    return checks


def forget() -> None:
    cache.delete(CATALOGUE_KEY)
