import uuid

import pytest

from annotations.models import Annotation
from annotations.services import annotation_create, paragraph_texts, resolve_target


@pytest.fixture
def make_annotation(school):
    """An annotation through the service, on words of the school's lesson (¶1 by default)."""

    def factory(*, author, words=None, paragraph=1, school_class=None, **overrides):
        lesson = school.assignment.lesson
        texts = paragraph_texts(lesson)
        exact = words or texts[paragraph].split(".")[0][:40]
        target = resolve_target(texts, paragraph=paragraph, exact=exact)
        fields = {
            "kind": "question",
            "body": "Why does the essay say this?",
            "visibility": Annotation.Visibility.CLASS,
            "submission_key": uuid.uuid4(),
            **overrides,
        }
        annotation, _created = annotation_create(
            author=author,
            school_class=school_class or school.ours,
            lesson=lesson,
            target=target,
            **fields,
        )
        return annotation

    return factory


@pytest.fixture
def lesson_url(school):
    lesson = school.assignment.lesson
    return f"{lesson.get_absolute_url()}?class={school.ours.pk}"


@pytest.fixture
def create_url(school):
    from django.urls import reverse

    return reverse(
        "annotations:create",
        kwargs={"slug": school.assignment.lesson.slug, "class_pk": school.ours.pk},
    )
