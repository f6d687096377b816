"""The loader is idempotent, updates rows in place, and never deletes what students may use."""

import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from lessons.content import ContentError
from lessons.loader import sync_lessons
from lessons.models import Annotation, Lesson, Paragraph, Prompt

pytestmark = pytest.mark.django_db


@pytest.fixture
def editable_section(tmp_path, monkeypatch):
    """The first section's content copied to a temporary folder the test may edit."""
    config = apps.get_app_config("rise_to_power")
    folder = tmp_path / "content"
    shutil.copytree(config.content_dir, folder)
    monkeypatch.setattr(config, "content_dir", folder)
    return folder


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "is_published"))
        for model in (Lesson, Paragraph, Annotation, Prompt)
    }


def test_migrate_loads_all_six_lessons():
    assert Lesson.objects.published().count() == 6
    assert Paragraph.objects.count() == 19


def test_second_sync_changes_nothing():
    before = snapshot()
    report = sync_lessons()
    assert not report.changed
    assert str(report) == "Lessons are up to date."
    assert snapshot() == before


def test_second_migrate_changes_nothing():
    before = snapshot()
    output = StringIO()
    call_command("migrate", stdout=output, verbosity=1)
    assert "Lessons synced" not in output.getvalue()
    assert snapshot() == before


def test_edited_note_updates_the_row_in_place(editable_section):
    annotation = Annotation.objects.filter(lesson__app_label="rise_to_power").first()
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    assert annotation.note in text
    path.write_text(text.replace(annotation.note, "A corrected note."), encoding="utf-8")

    report = sync_lessons()

    assert report.updated["annotations"] == 1
    refreshed = Annotation.objects.get(pk=annotation.pk)
    assert refreshed.note == "A corrected note."
    assert refreshed.is_published


def test_item_removed_from_the_file_is_unpublished_not_deleted(editable_section):
    prompt = Prompt.objects.filter(lesson__app_label="rise_to_power").order_by("position").first()
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    block_start = text.index(f'key = "{prompt.key}"')
    block_start = text.rindex("[[prompts]]", 0, block_start)
    block_end = text.find("\n[[", block_start + 1)
    path.write_text(
        text[:block_start] + (text[block_end + 1 :] if block_end != -1 else ""), encoding="utf-8"
    )

    report = sync_lessons()

    assert report.unpublished["prompts"] == 1
    prompt.refresh_from_db()
    assert prompt.is_published is False
    assert prompt not in Prompt.objects.published()


def test_item_restored_to_the_file_is_published_again_with_its_id(editable_section):
    path = editable_section / "lesson.toml"
    original = path.read_text(encoding="utf-8")
    prompt = Prompt.objects.filter(lesson__app_label="rise_to_power").order_by("position").last()
    Prompt.objects.filter(pk=prompt.pk).update(is_published=False)
    Lesson.objects.filter(app_label="rise_to_power").update(content_hash="stale")
    path.write_text(original, encoding="utf-8")

    sync_lessons()

    prompt.refresh_from_db()
    assert prompt.is_published


def test_removed_section_is_unpublished_and_its_rows_kept(monkeypatch):
    from lessons import loader

    configs = [c for c in loader.section_configs() if c.label != "legacy"]
    monkeypatch.setattr(loader, "section_configs", lambda: configs)
    paragraphs_before = Paragraph.objects.filter(lesson__app_label="legacy").count()

    report = sync_lessons()

    assert report.unpublished["lessons"] == 1
    legacy = Lesson.objects.get(app_label="legacy")
    assert legacy.is_published is False
    assert Paragraph.objects.filter(lesson=legacy).count() == paragraphs_before


def test_duplicate_slug_across_sections_names_both_files(editable_section):
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('slug = "rise-to-power"', 'slug = "legacy"'), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        sync_lessons()
    message = str(raised.value)
    assert "slug 'legacy' is already used" in message
    assert "lesson.toml" in message


def test_content_error_stops_migrate_with_a_message_naming_the_file(editable_section):
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    quote_line = next(line for line in text.splitlines() if line.startswith("quote = "))
    path.write_text(
        text.replace(quote_line, 'quote = "words the essay never uses"', 1), encoding="utf-8"
    )
    before = snapshot()

    with pytest.raises(CommandError) as raised:
        call_command("migrate", stdout=StringIO(), verbosity=0)

    assert str(path) in str(raised.value)
    assert "'words the essay never uses' is not found" in str(raised.value)
    assert snapshot() == before


def test_sync_lessons_command_reports_changes_and_check_writes_nothing(editable_section):
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary = ", 'summary = "New summary." #', 1), encoding="utf-8")

    output = StringIO()
    call_command("sync_lessons", "--check", stdout=output)
    assert "6 lessons are valid" in output.getvalue()
    assert Lesson.objects.get(app_label="rise_to_power").summary != "New summary."

    call_command("sync_lessons", stdout=output)
    assert "updated 1 lessons" in output.getvalue()
    assert Lesson.objects.get(app_label="rise_to_power").summary == "New summary."


def test_a_synced_change_shows_on_the_next_page_view(
    editable_section, client, student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    url = Lesson.objects.get(app_label="rise_to_power").get_absolute_url()
    client.get(url)  # the catalogue of lessons is now cached
    path = editable_section / "lesson.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("summary = ", 'summary = "A freshly edited summary." #', 1), encoding="utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the sync commits
        sync_lessons()
    assert "A freshly edited summary." in client.get(url).content.decode()
