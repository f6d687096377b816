"""The reading is the essay word for word: the six sections, joined, give the essay back."""

from pathlib import Path

import pytest

from lessons.loader import read_sections
from lessons.models import Lesson

GOLDEN = Path(__file__).parent / "golden" / "essay.txt"


def essay_text() -> str:
    text = GOLDEN.read_text(encoding="utf-8")
    # The essay file ends with blank lines; everything before them is the text.
    assert text.endswith("\n") and text.strip("\n") == text.rstrip("\n")
    return text.rstrip("\n")


def test_section_files_joined_give_back_the_essay_exactly():
    sections = [section for _, section in read_sections()]
    assert len(sections) == 6
    assert "\n\n".join(section.reading for section in sections) == essay_text()


@pytest.mark.django_db
def test_loaded_paragraphs_joined_give_back_the_essay_exactly():
    blocks = []
    for lesson in Lesson.objects.published().prefetch_related("paragraphs"):
        blocks.append(lesson.title)
        blocks.extend(paragraph.text for paragraph in lesson.paragraphs.all())
    assert "\n\n".join(blocks) == essay_text()


def test_sections_follow_the_essay_order():
    titles = [section.title for _, section in read_sections()]
    assert titles == [
        "Stalin’s Rise to Power",
        "Stalinist Economic Policies",
        "Stalinist Government and Terror",
        "Stalin and Foreign Policy",
        "After the Second World War",
        "Stalin’s Legacy",
    ]
