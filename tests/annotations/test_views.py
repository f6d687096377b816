"""Annotating on the lesson page: creating, replying, deleting and moderating, class-scoped."""

import uuid

import pytest
from django.urls import reverse

from annotations.models import Annotation, ClassSettings, Reply
from annotations.services import paragraph_texts

pytestmark = pytest.mark.django_db


def selection(school, words, paragraph=1, **extra):
    text = paragraph_texts(school.assignment.lesson)[paragraph]
    start = text.index(words)
    return {
        "paragraph": paragraph,
        "exact": words,
        "prefix": text[max(0, start - 20) : start],
        "suffix": text[start + len(words) : start + len(words) + 20],
        "start": start,
        "end": start + len(words),
        "kind": "evidence",
        "body": "This shows **ambition**.",
        "visibility": "class",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


def test_student_annotates_a_selection_and_sees_it_after_its_paragraph(
    client, school, student, create_url, lesson_url
):
    client.force_login(student)
    response = client.post(create_url, selection(school, "ruthless ambition"))
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#annotation-{annotation.pk}")
    assert (annotation.paragraph, annotation.exact, annotation.kind) == (
        1,
        "ruthless ambition",
        "evidence",
    )
    page = client.get(lesson_url).content.decode()
    assert 'id="annotations-p1"' in page
    assert f'id="annotation-{annotation.pk}"' in page
    assert "<strong>ambition</strong>" in page
    # The block sits right after its paragraph, before the next one.
    assert page.index('id="p1"') < page.index('id="annotations-p1"') < page.index('id="p2"')


def test_keyboard_sentence_choice_annotates_the_sentence_or_some_of_its_words(
    client, school, student, create_url
):
    client.force_login(student)
    data = {
        "sentence": "1:1",
        "words": "",
        "kind": "context",
        "body": "Where?",
        "visibility": "class",
        "submission_key": str(uuid.uuid4()),
    }
    assert client.post(create_url, data).status_code == 302
    narrowed = {**data, "sentence": "1:2", "words": "Siberia", "submission_key": str(uuid.uuid4())}
    assert client.post(create_url, narrowed).status_code == 302
    whole, part = Annotation.objects.order_by("pk")
    assert whole.exact.startswith("In 1912") and whole.exact.endswith("Bolshevik Party.")
    text = paragraph_texts(school.assignment.lesson)[1]
    assert text[whole.start : whole.end] == whole.exact
    assert part.exact == "Siberia" and text[part.start : part.end] == "Siberia"


def test_double_submit_makes_one_annotation(client, school, student, create_url):
    client.force_login(student)
    data = selection(school, "ruthless ambition")
    client.post(create_url, data)
    client.post(create_url, data)
    assert Annotation.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"exact": ""},
        {"exact": "ruthless", "start": 5000, "end": 5008},
        {"exact": "x" * 10_000},
        {"exact": "ruthless\x00ambition"},
        {"exact": "ruthless\x01ambition", "start": "", "end": ""},
        {"paragraph": 99},
        {"prefix": "p" * 10_000},
        {"sentence": "99:0"},
        {"kind": "gossip"},
        {"body": ""},
        {"body": "\x00\x01"},
        {"visibility": "world"},
    ],
)
def test_bad_selectors_and_fields_get_a_form_error_and_store_nothing(
    client, school, student, create_url, change
):
    client.force_login(student)
    data = {**selection(school, "ruthless ambition"), **change}
    response = client.post(create_url, data)
    assert response.status_code == 400
    assert Annotation.objects.count() == 0
    page = response.content.decode()
    assert "not saved" in page
    # What the student typed is kept.
    if change.get("body", "x") and "\x00" not in change.get("body", ""):
        assert "ambition" in page


def test_private_annotation_is_the_authors_alone(
    client, school, student, classmate, teacher, make_annotation, lesson_url
):
    mine = make_annotation(author=student, visibility="private", body="My secret thought")
    for user in (classmate, teacher):
        client.force_login(user)
        assert "My secret thought" not in client.get(lesson_url).content.decode()
        assert client.get(mine.get_absolute_url()).status_code == 404
    client.force_login(student)
    assert "My secret thought" in client.get(lesson_url).content.decode()


def test_other_class_sees_nothing_and_gets_404_for_every_annotation_url(
    client, school, student, outsider, other_teacher, make_annotation
):
    annotation = make_annotation(author=student, body="Only for 11B")
    lesson = school.assignment.lesson
    for user in (outsider, other_teacher):
        client.force_login(user)
        page = client.get(f"{lesson.get_absolute_url()}?class={school.ours.pk}").content.decode()
        assert "Only for 11B" not in page
        for name in ("detail", "delete"):
            url = reverse(f"annotations:{name}", kwargs={"pk": annotation.pk})
            assert client.get(url).status_code == 404
        for name, data in (
            (
                "reply",
                {
                    f"reply-{annotation.pk}-body": "hi",
                    f"reply-{annotation.pk}-submission_key": str(uuid.uuid4()),
                },
            ),
            ("delete", {}),
            ("moderate", {"action": "hide"}),
        ):
            url = reverse(f"annotations:{name}", kwargs={"pk": annotation.pk})
            assert client.post(url, data).status_code == 404
        create = reverse(
            "annotations:create", kwargs={"slug": lesson.slug, "class_pk": school.ours.pk}
        )
        assert client.post(create, selection(school, "ruthless ambition")).status_code == 404
    annotation.refresh_from_db()
    assert not annotation.is_hidden and not annotation.is_deleted
    assert Reply.objects.count() == 0
    assert Annotation.objects.count() == 1


def test_classmate_replies_and_the_author_sees_the_reply(
    client, school, student, classmate, make_annotation, lesson_url
):
    annotation = make_annotation(author=student)
    client.force_login(classmate)
    url = reverse("annotations:reply", kwargs={"pk": annotation.pk})
    data = {
        f"reply-{annotation.pk}-body": "I think it was luck.",
        f"reply-{annotation.pk}-submission_key": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    assert Reply.objects.count() == 1
    client.force_login(student)
    assert "I think it was luck." in client.get(lesson_url).content.decode()


def test_only_the_author_deletes_and_deleting_is_soft(
    client, school, student, classmate, make_annotation
):
    annotation = make_annotation(author=student)
    url = reverse("annotations:delete", kwargs={"pk": annotation.pk})
    client.force_login(classmate)
    assert client.post(url).status_code == 403
    client.force_login(student)
    assert client.post(url).status_code == 302
    annotation.refresh_from_db()
    assert annotation.is_deleted and annotation.body == ""


def test_teacher_hides_pins_and_praises_and_students_cannot(
    client, school, student, classmate, teacher, make_annotation, lesson_url
):
    annotation = make_annotation(author=classmate, body="A weak reading")
    url = reverse("annotations:moderate", kwargs={"pk": annotation.pk})
    client.force_login(student)
    assert client.post(url, {"action": "hide"}).status_code == 403
    client.force_login(teacher)
    for action in ("pin", "feature", "hide"):
        assert client.post(url, {"action": action}).status_code == 302
    annotation.refresh_from_db()
    assert annotation.is_pinned and annotation.is_exemplary and annotation.is_hidden
    assert "Hidden from students" in client.get(lesson_url).content.decode()
    client.force_login(student)
    assert "A weak reading" not in client.get(lesson_url).content.decode()
    assert client.get(annotation.get_absolute_url()).status_code == 404
    client.force_login(classmate)
    assert "Hidden by your teacher" in client.get(lesson_url).content.decode()


def test_teachers_annotation_shows_as_teacher_to_students(
    client, school, student, teacher, make_annotation, lesson_url
):
    make_annotation(author=teacher, body="Look closely here")
    client.force_login(student)
    page = client.get(lesson_url).content.decode()
    assert '<span class="annotation-author">Teacher</span>' in page
    assert "Hughes" not in page.split('id="reading"')[1].split('id="annotate"')[0]


def test_pseudonyms_show_to_classmates_and_names_to_teachers(
    client, school, student, classmate, teacher, make_annotation, lesson_url
):
    ClassSettings.objects.create(school_class=school.ours, pseudonyms=True)
    make_annotation(author=classmate)
    client.force_login(student)
    page = client.get(lesson_url).content.decode()
    assert '<span class="annotation-author">Reader 1</span>' in page
    assert "Kowalski" not in page.split('id="reading"')[1].split('id="annotate"')[0]
    client.force_login(teacher)
    assert "Ben Kowalski" in client.get(lesson_url).content.decode()


def test_post_first_holds_classmates_annotations_back_until_the_minimum(
    client, school, student, classmate, make_annotation, lesson_url
):
    school.assignment.post_first = True
    school.assignment.min_annotations = 2
    school.assignment.save()
    theirs = make_annotation(author=classmate, body="Classmate's view")
    client.force_login(student)
    page = client.get(lesson_url).content.decode()
    assert "Classmate's view" not in page and "Classmate&#x27;s view" not in page
    assert "0 of 2" in page
    assert client.get(theirs.get_absolute_url()).status_code == 404
    make_annotation(author=student)
    make_annotation(author=student, words="ruthless ambition")
    page = client.get(lesson_url).content.decode()
    assert "Classmate's view" in page
    assert client.get(theirs.get_absolute_url()).status_code == 200


def test_student_in_two_classes_annotates_in_the_class_chosen(
    client, school, student, make_class, make_annotation
):
    other = make_class(name="Debating", students=[student])
    lesson = school.assignment.lesson
    make_annotation(author=student, school_class=other, body="Said in debating")
    client.force_login(student)
    ours = client.get(f"{lesson.get_absolute_url()}?class={school.ours.pk}").content.decode()
    assert "Said in debating" not in ours
    theirs = client.get(f"{lesson.get_absolute_url()}?class={other.pk}").content.decode()
    assert "Said in debating" in theirs


def test_connection_links_a_paragraph_of_another_lesson(
    client, school, student, create_url, lesson_url
):
    from lessons.models import Paragraph

    elsewhere = Paragraph.objects.exclude(lesson=school.assignment.lesson).first()
    client.force_login(student)
    data = selection(school, "ruthless ambition", kind="connection", linked_paragraph=elsewhere.pk)
    assert client.post(create_url, data).status_code == 302
    page = client.get(lesson_url).content.decode()
    assert f"{elsewhere.lesson.get_absolute_url()}#p{elsewhere.number}" in page
    same = Paragraph.objects.filter(lesson=school.assignment.lesson).first()
    data = selection(school, "ruthless ambition", kind="connection", linked_paragraph=same.pk)
    assert client.post(create_url, data).status_code == 400


def test_archived_class_is_read_only(client, school, student, create_url):
    school.ours.is_archived = True
    school.ours.save()
    client.force_login(student)
    assert client.post(create_url, selection(school, "ruthless ambition")).status_code == 403
    assert Annotation.objects.count() == 0
