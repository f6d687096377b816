"""The glossary page and the reader's choice of notes, and what the lesson page shows of the
study apparatus to students and to teachers."""

import html
import re

import pytest
from django.urls import reverse

from lessons import catalogue
from lessons.loader import sync_lessons
from lessons.models import GlossaryTerm, Lesson

from .study_content import use_glossary, use_study_content

pytestmark = pytest.mark.django_db

GLOSSARY_LINK = re.compile(r'<a class="glossary-link" href="/lessons/glossary/#term-([\w-]+)">')


@pytest.fixture
def study(tmp_path, monkeypatch):
    use_study_content(tmp_path, monkeypatch)
    use_glossary(tmp_path, monkeypatch)
    sync_lessons()
    catalogue.forget()


def paragraph_html(page: str, number: int) -> str:
    return re.search(rf'<p id="p{number}" class="reading-paragraph">(.*?)</p>', page, re.S).group(1)


# The glossary --------------------------------------------------------------------------------


def test_glossary_lists_every_term_alphabetically_with_where_it_is_used(client, student, study):
    client.force_login(student)
    response = client.get(reverse("lessons:glossary"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    terms = re.findall(r'<dt id="term-([\w-]+)">([^<]+)</dt>', page)
    assert [name for _, name in terms] == sorted(
        GlossaryTerm.objects.published().values_list("term", flat=True), key=str.casefold
    )
    entry = page[page.index('id="term-nep"') :]
    entry = entry[: entry.index("</dd>")]
    assert "FIXTURE: the economic policy of 1921–28." in entry
    assert '<a href="/lessons/rise-to-power/">Stalin’s Rise to Power</a>' in entry
    assert 'href="/lessons/rise-to-power/#p3"' in entry
    assert 'href="/lessons/economic-policies/#p1"' in entry
    assert page.count("<h1") == 1


def test_glossary_entry_used_in_no_reading_has_no_links(client, student, study):
    client.force_login(student)
    page = client.get(reverse("lessons:glossary")).content.decode()
    entry = page[page.index('id="term-holodomor"') :]
    assert "Used in" not in entry[: entry.index("</dd>")]


def test_an_empty_glossary_says_so(client, student, tmp_path, monkeypatch):
    use_glossary(tmp_path, monkeypatch, glossary="")
    sync_lessons()
    catalogue.forget()
    client.force_login(student)
    assert "The glossary is empty" in client.get(reverse("lessons:glossary")).content.decode()


@pytest.mark.parametrize("content", ["fixture", "the editors'"])
def test_glossary_links_resolve_both_ways(client, student, request, content):
    """Every glossary link in a reading has its entry, and every place an entry names has a
    link back to that entry: with our fixture glossary, and with whatever the editors wrote."""
    if content == "fixture":
        request.getfixturevalue("study")
    client.force_login(student)
    glossary = client.get(reverse("lessons:glossary")).content.decode()
    entries = set(re.findall(r'<dt id="term-([\w-]+)">', glossary))
    linked_from_readings = set()
    for lesson in Lesson.objects.published():
        page = client.get(lesson.get_absolute_url()).content.decode()
        for key in GLOSSARY_LINK.findall(page):
            assert key in entries, f"{lesson.slug} links to a missing entry {key!r}"
            linked_from_readings.add(key)
    for key in entries:
        entry = glossary[glossary.index(f'<dt id="term-{key}">') :]
        entry = entry[: entry.index("</dd>")]
        for slug, number in re.findall(r'href="/lessons/([\w-]+)/#p(\d+)"', entry):
            page = client.get(f"/lessons/{slug}/").content.decode()
            assert key in GLOSSARY_LINK.findall(paragraph_html(page, int(number))), (key, slug)
        term = GlossaryTerm.objects.get(key=key)
        listed = [s for s in term.lessons if Lesson.objects.published().filter(slug=s).exists()]
        for slug in listed:
            assert f'href="/lessons/{slug}/#p' in entry, f"{key} does not link to {slug}"
        assert bool(listed) == (key in linked_from_readings), key


def test_glossary_is_cached_until_the_content_changes(
    client, student, study, tmp_path, monkeypatch, django_assert_max_num_queries
):
    client.force_login(student)
    client.get(reverse("lessons:glossary"))
    with django_assert_max_num_queries(3) as cached:  # the session and the user only
        client.get(reverse("lessons:glossary"))
    assert "lessons_glossaryterm" not in " ".join(q["sql"] for q in cached.captured_queries)
    path = use_glossary(tmp_path, monkeypatch)
    path.write_text(
        path.read_text(encoding="utf-8").replace("FIXTURE: the famine", "FIXTURE: a new famine"),
        encoding="utf-8",
    )
    sync_lessons()
    catalogue.forget()
    assert "FIXTURE: a new famine" in client.get(reverse("lessons:glossary")).content.decode()


# The lesson page -----------------------------------------------------------------------------


def test_students_never_see_mark_schemes_teachers_do(client, student, teacher, study):
    url = Lesson.objects.get(app_label="rise_to_power").get_absolute_url()
    client.force_login(student)
    page = client.get(url).content.decode()
    assert "FIXTURE: How far was Stalin" in html.unescape(page)
    assert "TEACHER-ONLY" not in page and 'id="teacher-notes"' not in page
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "TEACHER-ONLY MARK SCHEME" in page and "TEACHER-ONLY MODEL ANSWER" in page
    assert 'href="#teacher-notes"' in page


def test_lesson_page_shows_the_study_apparatus_in_order(client, student, study):
    client.force_login(student)
    page = client.get(Lesson.objects.get(app_label="rise_to_power").get_absolute_url())
    page = page.content.decode()
    order = [
        'id="big-question"',
        'id="notes-control"',
        'id="reading"',
        'id="sources"',
        'id="interpretations"',
        'id="voices"',
        'id="data"',
        'id="exam-practice"',
        'id="prompts"',
        'id="further-reading"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    for anchor in ("#big-question", "#interpretations", "#voices", "#data", "#exam-practice"):
        assert f'href="{anchor}"' in page  # "On this page"
    assert f'href="{reverse("lessons:glossary")}"' in page
    assert page.count("<h1") == 1


# Notes in tiers ------------------------------------------------------------------------------


def test_notes_control_is_a_form_with_the_readers_choice(client, student, lesson):
    student.notes_shown = "corrections"
    student.save()
    client.force_login(student)
    page = client.get(lesson.get_absolute_url()).content.decode()
    form = page[page.index('<form id="notes-control"') :]
    form = form[: form.index("</form>")]
    assert f'action="{reverse("lessons:notes_preference")}"' in form and 'method="post"' in form
    assert "<fieldset>" in form and "<legend" in form and "csrfmiddlewaretoken" in form
    assert re.findall(r'name="notes_shown" id="[\w-]+" value="(\w+)"', form) == [
        "essential",
        "all",
        "corrections",
        "none",
    ]
    assert 'value="corrections" checked' in form
    assert f'name="next" value="{lesson.get_absolute_url()}#notes-control"' in form
    assert 'data-notes-shown="corrections"' in page


def test_choosing_notes_saves_and_goes_back(client, student, lesson):
    client.force_login(student)
    back = f"{lesson.get_absolute_url()}#notes-control"
    response = client.post(
        reverse("lessons:notes_preference"), {"notes_shown": "all", "next": back}
    )
    assert response.status_code == 302 and response.url == back
    student.refresh_from_db()
    assert student.notes_shown == "all"
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Notes shown: all notes." in page
    assert 'value="all" checked' in page


def test_choosing_notes_in_the_background_answers_204(client, student):
    client.force_login(student)
    response = client.post(
        reverse("lessons:notes_preference"),
        {"notes_shown": "none"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 204
    student.refresh_from_db()
    assert student.notes_shown == "none"


def test_unknown_choice_of_notes_is_refused(client, student):
    client.force_login(student)
    response = client.post(reverse("lessons:notes_preference"), {"notes_shown": "most"})
    assert response.status_code == 400
    student.refresh_from_db()
    assert student.notes_shown == "essential"


def test_choosing_notes_never_redirects_off_the_site(client, student):
    client.force_login(student)
    response = client.post(
        reverse("lessons:notes_preference"),
        {"notes_shown": "all", "next": "https://example.org/phish"},
    )
    assert response.status_code == 302 and response.url == reverse("pages:dashboard")
