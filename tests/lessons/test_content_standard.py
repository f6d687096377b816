"""Each lesson carries the editorial layer the unit promises to students and teachers."""

import pytest

from lessons.loader import read_sections

SECTIONS = [section for _, section in read_sections()]


@pytest.mark.parametrize("section", SECTIONS, ids=[s.slug for s in SECTIONS])
def test_each_lesson_has_the_promised_editorial_content(section):
    assert len(section.annotations) >= 6
    assert len(section.sources) >= 2
    assert len(section.terms) >= 6
    assert len(section.people) >= 1
    assert len(section.events) >= 3
    assert len(section.prompts) >= 3
    assert len(section.summary.split()) <= 30


@pytest.mark.parametrize("section", SECTIONS, ids=[s.slug for s in SECTIONS])
def test_every_paragraph_has_at_least_one_annotation(section):
    annotated = {annotation.anchor.paragraph for annotation in section.annotations}
    assert annotated == set(range(1, len(section.paragraphs) + 1))


@pytest.mark.parametrize("section", SECTIONS, ids=[s.slug for s in SECTIONS])
def test_every_lesson_teaches_students_to_question_the_essay(section):
    corrections = [a for a in section.annotations if a.kind == "correction"]
    assert len(corrections) >= 2


@pytest.mark.parametrize("section", SECTIONS, ids=[s.slug for s in SECTIONS])
def test_every_source_card_asks_the_three_historians_questions(section):
    for source in section.sources:
        for question in (source.sourcing, source.contextualisation, source.corroboration):
            assert "?" in question, (source.key, question)


def test_the_front_through_moscow_is_corrected():
    foreign_policy = next(s for s in SECTIONS if s.slug == "foreign-policy")
    correction = next(a for a in foreign_policy.annotations if "Moscow" in a.quote)
    assert correction.kind == "correction"
    assert "never" in correction.note


def test_sections_that_cite_lee_1999_say_so_in_their_notes():
    for section in SECTIONS:
        if "(Lee 1999)" in " ".join(section.paragraphs):
            notes = " ".join(a.note for a in section.annotations)
            notes += " ".join(s.origin for s in section.sources)
            assert "Lee" in notes, section.slug
