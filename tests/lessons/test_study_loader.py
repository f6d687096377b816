"""The loader brings in the study apparatus and the glossary as it does the rest: idempotent,
updating rows in place, unpublishing (never deleting) what leaves the files."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lessons.loader import sync_lessons
from lessons.models import (
    Annotation,
    CheckQuestion,
    Dataset,
    ExamQuestion,
    FurtherReading,
    GlossaryTerm,
    Interpretation,
    Lesson,
    Voice,
)

from .study_content import STUDY, use_glossary, use_study_content

pytestmark = pytest.mark.django_db

STUDY_MODELS = (
    Interpretation,
    Voice,
    Dataset,
    CheckQuestion,
    ExamQuestion,
    FurtherReading,
    GlossaryTerm,
)


@pytest.fixture
def study(tmp_path, monkeypatch):
    """The first lesson with our study file and the unit with our glossary, loaded."""
    folder = use_study_content(tmp_path, monkeypatch)
    glossary = use_glossary(tmp_path, monkeypatch)
    sync_lessons()
    return folder, glossary


def rows():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "is_published"))
        for model in STUDY_MODELS
    }


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_study_items_and_glossary_are_loaded(study):
    lesson = Lesson.objects.get(app_label="rise_to_power")
    assert lesson.big_question.startswith("FIXTURE: How did Stalin")
    assert len(lesson.objectives) == 3
    assert list(lesson.interpretations.published().values_list("key", flat=True)) == [
        "fixture-machine",
        "fixture-ideas",
    ]
    assert lesson.voices.published().get().close_reading.startswith("FIXTURE close reading")
    members = lesson.datasets.get(key="fixture-members")
    assert members.columns == ["Year", "Members (thousands)", "Candidates (thousands)"]
    assert members.rows[0] == ["1924", 350, 120.5]
    assert members.series[1] == ("Candidates (thousands)", [120.5, 360, 1426])
    assert (
        lesson.examquestions.published().get().success_criteria[1]
        == "Reach a *supported* judgement."
    )
    assert list(lesson.furtherreadings.published().values_list("key", "author")) == [
        ("1", "Stephen J. Lee"),
        ("2", "A. Historian"),
    ]
    assert list(GlossaryTerm.objects.published().values_list("key", flat=True)) == [
        "bolshevik-party",
        "nep",
        "holodomor",
    ]
    assert GlossaryTerm.objects.get(key="nep").lessons == ["rise-to-power", "economic-policies"]


def test_annotation_tiers_are_loaded():
    tiers = set(Annotation.objects.values_list("tier", flat=True))
    assert tiers <= {"essential", "extension"} and tiers


def test_second_sync_of_study_content_changes_nothing(study):
    before = rows()
    report = sync_lessons()
    assert not report.changed, str(report)
    assert rows() == before


def test_edited_dataset_row_updates_in_place(study):
    folder, _ = study
    dataset = Dataset.objects.get(key="fixture-votes")
    edit(folder / "study.toml", '["Opposition", 65]', '["Opposition", 66]')

    report = sync_lessons()

    assert report.updated["datasets"] == 1
    refreshed = Dataset.objects.get(pk=dataset.pk)
    assert refreshed.rows[1] == ["Opposition", 66]


def test_removed_check_is_unpublished_not_deleted_and_comes_back_with_its_id(study):
    folder, _ = study
    check = CheckQuestion.objects.get(key="fixture-post")
    start = STUDY.index("[[checks]]")
    end = STUDY.index("[[exam_questions]]")
    (folder / "study.toml").write_text(STUDY[:start] + STUDY[end:], encoding="utf-8")

    report = sync_lessons()

    assert report.unpublished["check questions"] == 1
    check.refresh_from_db()
    assert check.is_published is False

    (folder / "study.toml").write_text(STUDY, encoding="utf-8")
    sync_lessons()
    check.refresh_from_db()
    assert check.is_published


def test_removed_study_file_unpublishes_its_items(study):
    folder, _ = study
    (folder / "study.toml").unlink()

    report = sync_lessons()

    assert report.unpublished["interpretations"] == 2
    assert report.unpublished["further reading"] == 2
    lesson = Lesson.objects.get(app_label="rise_to_power")
    assert lesson.big_question == "" and lesson.objectives == []
    assert not lesson.voices.published().exists()
    assert lesson.voices.exists()


def test_edited_further_reading_keeps_its_id(study):
    folder, _ = study
    book = FurtherReading.objects.published().get(lesson__app_label="rise_to_power", key="2")
    edit(folder / "study.toml", "year = 2005", "year = 2006")

    sync_lessons()

    assert FurtherReading.objects.get(pk=book.pk).year == 2006


def test_glossary_edit_updates_the_term_and_every_lesson_version(study):
    _, glossary = study
    hashes = dict(Lesson.objects.values_list("pk", "content_hash"))
    term = GlossaryTerm.objects.get(key="holodomor")
    edit(glossary, 'definition = "FIXTURE: the famine', 'definition = "FIXTURE: the great famine')

    report = sync_lessons()

    assert report.updated["glossary terms"] == 1
    assert GlossaryTerm.objects.get(pk=term.pk).definition.startswith("FIXTURE: the great")
    # The readings link to the glossary, so each lesson's rendered version changes too.
    new_hashes = dict(Lesson.objects.values_list("pk", "content_hash"))
    assert all(new_hashes[pk] != digest for pk, digest in hashes.items())


def test_removed_glossary_term_is_unpublished(study):
    _, glossary = study
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text[: text.index('[[glossary]]\nkey = "holodomor"')], encoding="utf-8")

    report = sync_lessons()

    assert report.unpublished["glossary terms"] == 1
    assert not GlossaryTerm.objects.get(key="holodomor").is_published


def test_check_command_validates_the_study_file(study):
    folder, _ = study
    edit(folder / "study.toml", "marks = 20", "marks = 0")
    with pytest.raises(CommandError) as raised:
        call_command("sync_lessons", "--check", stdout=StringIO())
    assert str(folder / "study.toml") in str(raised.value)
    assert "marks must be at least 1" in str(raised.value)


def test_check_command_validates_the_glossary(study):
    _, glossary = study
    edit(glossary, 'match = ["nep"]', 'match = ["Nep"]')
    with pytest.raises(CommandError) as raised:
        call_command("sync_lessons", "--check", stdout=StringIO())
    assert str(glossary) in str(raised.value)
    assert "match 'Nep' must be lower case" in str(raised.value)


def test_check_question_answers_by_index(study):
    check = CheckQuestion.objects.get(key="fixture-post")
    assert check.choice_texts[0] == "General Secretary"
    assert check.correct_index == 0
    assert check.is_correct(0) and not check.is_correct(2)
    assert check.feedback(2) == "No: Lenin himself held that post."
    for index in (3, -1):
        with pytest.raises(IndexError):
            check.is_correct(index)


def test_lee_1999_is_known_as_the_essays_main_source(study):
    books = FurtherReading.objects.published().filter(lesson__app_label="rise_to_power")
    assert [book.is_essay_main_source for book in books] == [True, False]
