"""The lesson page at scale, XSS in notes and replies, the evidence log and the counts."""

import uuid

import pytest
from django.urls import reverse

from annotations.models import Annotation, Reply
from annotations.services import paragraph_texts
from classroom.models import Enrolment
from classroom.selectors import progress_grid
from discussions.text import ALLOWED_TAGS
from tests.discussions.test_xss import audit
from tests.discussions.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db


def fill(school, make_user, students, per_student):
    lesson = school.assignment.lesson
    texts = paragraph_texts(lesson)
    users = [make_user() for _ in range(students)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=u) for u in users)
    rows = []
    for user in users:
        for n in range(per_student):
            number = 1 + n % len(texts)
            words = texts[number][:20]
            rows.append(
                Annotation(
                    school_class=school.ours,
                    lesson=lesson,
                    author=user,
                    kind="evidence",
                    body=f"Point {n} ¶{number}",
                    paragraph=number,
                    exact=words,
                    start=0,
                    end=len(words),
                )
            )
    annotations = Annotation.objects.bulk_create(rows)
    Reply.objects.bulk_create(
        Reply(annotation=a, author=users[0], body="agreed") for a in annotations[::5]
    )


@pytest.mark.parametrize("persona", ["student", "teacher"])
def test_lesson_page_queries_stay_constant_from_3_to_30_students_of_20_annotations(
    client, school, make_user, django_assert_max_num_queries, persona
):
    user = school.classmate if persona == "student" else school.ours.teachers.get()
    client.force_login(user)
    url = f"{school.assignment.lesson.get_absolute_url()}?class={school.ours.pk}"
    fill(school, make_user, 3, 20)
    client.get(url)  # warm the reading's cache
    with django_assert_max_num_queries(60) as small:
        assert client.get(url).status_code == 200
    fill(school, make_user, 27, 20)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="annotation annotation-') == 600
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_note_and_a_reply_stays_inert(client, school, student, classmate, payload):
    lesson = school.assignment.lesson
    words = paragraph_texts(lesson)[1][:30]
    annotation = Annotation.objects.create(
        school_class=school.ours,
        lesson=lesson,
        author=student,
        kind="question",
        body=payload,
        paragraph=1,
        exact=words,
        start=0,
        end=len(words),
    )
    Reply.objects.create(annotation=annotation, author=classmate, body=payload)
    client.force_login(classmate)
    for url in (
        f"{lesson.get_absolute_url()}?class={school.ours.pk}",
        annotation.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        item = page.split(f'id="annotation-{annotation.pk}"')[1].split("</li>\n")[0]
        body = item.split('class="annotation-body">')[1].split("</div>")[0]
        found = audit(body)
        assert set(found.tags) <= ALLOWED_TAGS
        for name, value in found.attributes:
            assert name in ("href", "rel"), name
            assert not value.lower().startswith(("javascript", "data", "vbscript")), value
        # The whole item, replies included: no script, no handler, no unsafe link.
        whole = audit(item)
        assert not {"script", "img", "svg", "iframe", "input", "video"} & set(whole.tags)
        for name, value in whole.attributes:
            assert not name.startswith("on"), (name, value)
            if name == "href":
                assert not value.lower().startswith(("javascript", "data", "vbscript")), value


def test_evidence_log_groups_own_annotations_by_kind_and_lesson_and_downloads(
    client, school, student, classmate, make_annotation
):
    make_annotation(author=student, kind="evidence", body="Quote this", words="ruthless ambition")
    make_annotation(author=student, kind="question", body="Why?", visibility="private")
    make_annotation(author=classmate, kind="evidence", body="Not yours")
    client.force_login(student)
    page = client.get(reverse("annotations:evidence")).content.decode()
    assert "Quote this" in page and "Why?" in page and "Not yours" not in page
    assert page.index('id="kind-question"') < page.index('id="kind-evidence"')
    response = client.get(reverse("annotations:evidence_markdown"))
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "## Evidence (1)" in text and "“ruthless ambition”" in text and "Not yours" not in text


def test_progress_grid_counts_class_annotations_against_the_minimum(
    school, student, classmate, make_annotation
):
    school.assignment.min_annotations = 4
    school.assignment.save()
    for words in ("In 1912", "ruthless ambition", "Siberia"):
        make_annotation(author=student, words=words)
    make_annotation(author=student, visibility="private", words="Petrograd")
    grid = progress_grid(school.ours)
    labels = {row.student.pk: row.cells[0].label for row in grid.rows}
    assert "3/4 annotations" in labels[student.pk]
    assert "0/4 annotations" in labels[classmate.pk]


def test_private_annotations_do_not_count_and_a_new_form_key_each_time(
    client, school, student, create_url
):
    client.force_login(student)
    page = client.get(
        f"{school.assignment.lesson.get_absolute_url()}?class={school.ours.pk}"
    ).content.decode()
    assert 'name="submission_key"' in page
    assert uuid.UUID(page.split('name="submission_key" value="')[1][:36])
