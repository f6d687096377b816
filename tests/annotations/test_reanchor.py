"""When a reading is edited and synced, annotations follow their words or are kept as orphans:
never lost. Checked on the server's copy (the lesson page without JavaScript) and in the rows."""

import shutil

import pytest
from django.apps import apps
from django.urls import reverse

from annotations.services import paragraph_texts
from lessons.loader import sync_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def editable_reading(tmp_path, monkeypatch):
    config = apps.get_app_config("rise_to_power")
    folder = tmp_path / "content"
    shutil.copytree(config.content_dir, folder)
    monkeypatch.setattr(config, "content_dir", folder)
    return folder / "reading.txt"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edited_reading_moves_refinds_orphans_and_keeps_every_annotation(
    client,
    school,
    student,
    teacher,
    make_annotation,
    editable_reading,
    django_capture_on_commit_callbacks,
):
    lesson = school.assignment.lesson
    assert lesson.app_label == "rise_to_power"
    kept = make_annotation(author=student, words="In 1912", body="Kept in place")
    refound = make_annotation(
        author=student, words="Lenin was wary of his ruthless ambition", body="Found by quote"
    )
    orphan = make_annotation(
        author=student, words="Despite Stalin’s service to the Party", body="Words removed"
    )
    old_start = refound.start

    # 1. Words removed before one annotation; another annotation's words removed.
    edit(editable_reading, "Despite Stalin’s service to the Party, Lenin", "Even so, Lenin")
    with django_capture_on_commit_callbacks(execute=True):
        sync_lessons()
    texts = paragraph_texts(lesson)
    for annotation in (kept, refound, orphan):
        annotation.refresh_from_db()
    assert (kept.paragraph, kept.start, kept.is_orphaned) == (1, texts[1].index("In 1912"), False)
    assert refound.start != old_start and not refound.is_orphaned
    assert texts[1][refound.start : refound.end] == refound.exact
    assert orphan.is_orphaned and orphan.body == "Words removed"  # kept, never deleted

    # The page without JavaScript shows each where it is, and the orphan under its paragraph.
    client.force_login(student)
    page = client.get(f"{lesson.get_absolute_url()}?class={school.ours.pk}").content.decode()
    block = page.split('id="annotations-p1"')[1].split('id="p2"')[0]
    assert "Kept in place" in block and "Found by quote" in block
    assert "The text you annotated has changed" in block
    assert block.index("has changed") < block.index("Words removed")
    assert f'data-start="{refound.start}"' in block

    # The teacher finds it in the admin and re-attaches it to new words.
    client.force_login(teacher)
    changelist = reverse("admin:annotations_annotation_changelist")
    listed = client.get(changelist + "?orphaned=waiting").content.decode()
    assert "Despite Stalin’s service" in listed
    change = reverse("admin:annotations_annotation_change", args=[orphan.pk])
    response = client.post(
        change,
        {
            "new_paragraph": "1",
            "new_words": "Even so, Lenin",
            "is_hidden": "",
            "is_pinned": "",
            "is_exemplary": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    orphan.refresh_from_db()
    assert not orphan.is_orphaned and orphan.exact == "Even so, Lenin"

    # 2. A new paragraph at the top: every annotation moves down with its words.
    edit(
        editable_reading,
        "\n\nWhen Vladimir Lenin",
        "\n\nA new first paragraph.\n\nWhen Vladimir Lenin",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sync_lessons()
    texts = paragraph_texts(lesson)
    for annotation in (kept, refound, orphan):
        annotation.refresh_from_db()
        assert annotation.paragraph == 2 and not annotation.is_orphaned
        assert texts[2][annotation.start : annotation.end] == annotation.exact


def test_teacher_dismisses_an_orphan_and_its_author_keeps_it(
    client, school, student, teacher, make_annotation
):
    orphan = make_annotation(author=student, body="Still mine")
    orphan.is_orphaned = True
    orphan.save()
    client.force_login(teacher)
    response = client.post(
        reverse("admin:annotations_annotation_changelist"),
        {"action": "dismiss_orphans", "_selected_action": [orphan.pk]},
    )
    assert response.status_code == 302
    orphan.refresh_from_db()
    assert orphan.orphan_dismissed_at is not None
    client.force_login(student)
    assert "Still mine" in client.get(reverse("annotations:evidence")).content.decode()


def test_other_teacher_cannot_reach_our_annotations_in_the_admin(
    client, school, student, other_teacher, make_annotation
):
    annotation = make_annotation(author=student, visibility="private")
    shared = make_annotation(author=student, body="for the class")
    client.force_login(other_teacher)
    for item in (annotation, shared):
        url = reverse("admin:annotations_annotation_change", args=[item.pk])
        assert client.get(url).status_code == 404
