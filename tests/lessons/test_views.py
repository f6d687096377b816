"""What a signed-in student sees on the lesson pages."""

import html
import re

import pytest
from django.urls import reverse

from lessons import catalogue
from lessons.models import Annotation, Lesson, Paragraph, Term

pytestmark = pytest.mark.django_db


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_index_lists_the_six_lessons_in_essay_order_with_summaries(client, student):
    client.force_login(student)
    response = client.get(reverse("pages:lesson_index"))
    assert response.status_code == 200
    page = response.content.decode()
    lessons = list(Lesson.objects.published())
    positions = [page.index(html.escape(lesson.title)) for lesson in lessons]
    assert positions == sorted(positions)
    for lesson in lessons:
        assert html.escape(lesson.summary) in page
        assert lesson.get_absolute_url() in page


@pytest.mark.parametrize("order", range(1, 7))
def test_every_lesson_page_shows_its_reading_word_for_word(client, student, order):
    lesson = Lesson.objects.get(order=order)
    client.force_login(student)
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for paragraph in lesson.paragraphs.all():
        match = re.search(
            rf'<p id="p{paragraph.number}" class="reading-paragraph">(.*?)</p>', page, re.S
        )
        assert match, f"¶{paragraph.number} missing"
        # Drop the paragraph number and the note numbers: what remains is the essay's text.
        body = re.sub(
            r'<a class="paragraph-number".*?</a>(<button[^>]*cite-button.*?</button>)? ',
            "",
            match.group(1),
            count=1,
        )
        body = re.sub(r'<sup class="mark-number">\d+</sup>', "", body)
        assert visible_text(body) == paragraph.text


def test_lesson_page_shows_annotations_as_marks_with_numbered_notes(client, student, lesson):
    client.force_login(student)
    page = client.get(lesson.get_absolute_url()).content.decode()
    annotation = lesson.annotations.published().first()
    assert 'class="mark mark-' in page
    number = re.search(
        r'href="#note-(\d+)"[^>]*>' + re.escape(html.escape(annotation.quote)), page
    ).group(1)
    assert f'id="note-{number}"' in page
    note_html = page[page.index(f'id="note-{number}"') :]
    assert html.escape(annotation.get_kind_display()) in note_html[:400]


def test_lesson_page_shows_sources_terms_people_timeline_and_prompts(client, student, lesson):
    client.force_login(student)
    page = html.unescape(client.get(lesson.get_absolute_url()).content.decode())
    source = lesson.sources.published().first()
    assert source.title in page and source.sourcing in page
    assert source.corroboration in page and source.contextualisation in page
    assert lesson.terms.published().first().term in page
    assert lesson.persons.published().first().name in page
    assert lesson.events.published().first().date_display in page
    for prompt in lesson.prompts.published():
        assert prompt.question in page


def test_lesson_page_links_previous_and_next(client, student):
    client.force_login(student)
    first, second, third = Lesson.objects.published()[:3]
    page = client.get(second.get_absolute_url()).content.decode()
    assert f'href="{first.get_absolute_url()}" rel="prev"' in page
    assert f'href="{third.get_absolute_url()}" rel="next"' in page
    first_page = client.get(first.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first_page


def test_unknown_lesson_is_404(client, student):
    client.force_login(student)
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_unpublished_lesson_is_404(client, student, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(is_published=False)
    client.force_login(student)
    assert client.get(lesson.get_absolute_url()).status_code == 404


def test_unpublished_annotation_is_not_shown(client, student, lesson):
    annotation = lesson.annotations.published().first()
    Annotation.objects.filter(pk=annotation.pk).update(is_published=False)
    Lesson.objects.filter(pk=lesson.pk).update(content_hash="changed")
    catalogue.forget()  # as sync_lessons does after a change
    client.force_login(student)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert html.escape(annotation.note[:60]) not in page


def add_annotations(lesson, count):
    """Extra anchored items spread over the reading, as a bigger lesson would have."""
    paragraphs = list(Paragraph.objects.filter(lesson=lesson))
    Annotation.objects.filter(lesson=lesson).delete()
    Term.objects.filter(lesson=lesson).delete()
    rows = []
    for index in range(count):
        paragraph = paragraphs[index % len(paragraphs)]
        start = (index // len(paragraphs)) * 12
        rows.append(
            Annotation(
                lesson=lesson,
                key=f"extra-{index}",
                kind="context",
                paragraph=paragraph.number,
                start=start,
                end=start + 10,
                quote=paragraph.text[start : start + 10],
                note=f"Note {index}",
                position=index,
            )
        )
    Annotation.objects.bulk_create(rows)
    Lesson.objects.filter(pk=lesson.pk).update(content_hash=f"size-{count}")
    catalogue.forget()  # as sync_lessons does after a change


def test_lesson_page_queries_do_not_grow_with_annotations(
    client,
    student,
    lesson,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client.force_login(student)
    client.get(lesson.get_absolute_url())  # the first visit records the student's progress
    add_annotations(lesson, 6)
    # The first view after a change renders the lesson: one query per kind of content, whatever
    # its size (every later view reads the rendered parts from the cache).
    with django_assert_max_num_queries(22) as small:
        assert client.get(lesson.get_absolute_url()).status_code == 200
    add_annotations(lesson, 60)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(lesson.get_absolute_url()).content.decode()
    assert page.count('href="#note-') == 60


def test_cached_lesson_page_reads_no_content_tables(
    client, student, lesson, django_assert_max_num_queries
):
    client.force_login(student)
    client.get(lesson.get_absolute_url())
    with django_assert_max_num_queries(8) as cached:
        client.get(lesson.get_absolute_url())
    tables = " ".join(query["sql"] for query in cached.captured_queries)
    assert "lessons_annotation" not in tables
    assert "lessons_paragraph" not in tables
