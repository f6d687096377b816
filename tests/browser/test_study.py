"""The study apparatus in a real browser: the notes control by keyboard (remembered across a
reload, and still a working form without JavaScript), and charts that pass axe."""

import re

import pytest
from playwright.sync_api import expect

from lessons import catalogue
from lessons.loader import sync_lessons
from lessons.models import Lesson
from tests.conftest import PASSWORD
from tests.lessons.study_content import set_tiers, use_glossary, use_study_content

from .conftest import axe_violations, sign_in

EVERY_MARK_IS_A_LINK = "[...document.querySelectorAll('.reading .mark')].every(m => m.href)"
LINKED_MARKS = "[...document.querySelectorAll('.reading .mark')].filter(m => m.href)"


@pytest.fixture
def study_lesson(live_server, tmp_path, monkeypatch):
    """The first lesson with our study file (two charts), our glossary and known tiers."""
    folder = use_study_content(tmp_path, monkeypatch)
    set_tiers(folder, {"last-exile": "extension", "stalins-posts": "essential"})
    use_glossary(tmp_path, monkeypatch)
    sync_lessons()
    catalogue.forget()
    return Lesson.objects.get(app_label="rise_to_power")


@pytest.fixture
def console_errors(page):
    """Collect console errors (a CSP violation shows up here) for the test to check."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def tab_to(page, test: str, *, presses: int = 120) -> bool:
    """Press Tab until ``test`` (JavaScript, about document.activeElement) holds."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return True
    return False


def test_student_chooses_notes_by_keyboard_and_the_choice_survives_reload(
    page, live_server, student, study_lesson, console_errors
):
    sign_in(page, live_server, student.username, PASSWORD)
    url = f"{live_server.url}{study_lesson.get_absolute_url()}"
    page.goto(url)

    # By default only the essential notes are highlighted; the rest read as plain text.
    expect(page.get_by_label("Essential notes")).to_be_checked()
    extension = page.locator('.reading .mark[data-tier="extension"]')
    assert extension.count() > 0
    assert page.evaluate(f"{LINKED_MARKS}.every(m => m.dataset.tier === 'essential')")
    assert page.evaluate(f"{LINKED_MARKS}.length") > 0
    expect(page.locator(".notes-control-submit")).to_be_hidden()  # choices apply at once

    assert tab_to(page, "document.activeElement.name === 'notes_shown'"), "control not reachable"
    assert page.evaluate("document.activeElement.value") == "essential"
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("All notes")).to_be_checked()
    expect(page.locator(".notes-status")).to_have_text("Showing all notes. Saved.")
    assert page.evaluate(EVERY_MARK_IS_A_LINK)
    extension.first.click()
    expect(page.locator(f"#{extension.first.get_attribute('data-note')}")).to_be_visible()

    page.reload()
    expect(page.get_by_label("All notes")).to_be_checked()
    assert page.evaluate(EVERY_MARK_IS_A_LINK)
    student.refresh_from_db()
    assert student.notes_shown == "all"

    page.get_by_label("All notes").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Corrections only")).to_be_checked()
    expect(page.locator(".notes-status")).to_have_text("Showing corrections only. Saved.")
    kinds = page.evaluate(f"{LINKED_MARKS}.map(m => m.dataset.kind)")
    assert kinds and set(kinds) == {"correction"}

    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("No notes")).to_be_checked()
    expect(page.locator(".notes-status")).to_contain_text("Saved.")
    assert page.evaluate(f"{LINKED_MARKS}.length") == 0
    # A quieted mark is out of the tab order and a click on it opens nothing.
    assert not tab_to(page, "document.activeElement.classList.contains('mark')", presses=40)
    page.locator(".reading .mark").first.click()
    expect(page.locator(".reading .note.is-open")).to_have_count(0)

    page.reload()
    expect(page.get_by_label("No notes")).to_be_checked()
    assert page.evaluate(f"{LINKED_MARKS}.length") == 0
    assert console_errors == []


def test_without_javascript_every_note_shows_and_the_control_is_a_plain_form(
    browser, live_server, student, study_lesson
):
    student.notes_shown = "none"
    student.save()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}{study_lesson.get_absolute_url()}")

    notes = page.locator(".reading .note")
    assert notes.count() == page.locator(".reading .mark").count() >= 6
    for index in range(notes.count()):
        expect(notes.nth(index)).to_be_visible()

    page.get_by_label("All notes").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"#notes-control$"))
    expect(page.get_by_label("All notes")).to_be_checked()
    expect(page.get_by_text("Notes shown: all notes.")).to_be_visible()
    student.refresh_from_db()
    assert student.notes_shown == "all"
    context.close()


def test_charts_and_the_glossary_have_no_serious_accessibility_violations(
    page, live_server, student, study_lesson, console_errors
):
    sign_in(page, live_server, student.username, PASSWORD)
    with_charts = [
        lesson for lesson in Lesson.objects.published() if lesson.datasets.published().exists()
    ]
    assert study_lesson in with_charts
    for lesson in with_charts:
        page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.locator(".data-table").first).to_be_visible()
        assert axe_violations(page) == [], lesson.slug
        page.get_by_label("All notes").check()
        assert axe_violations(page) == [], f"{lesson.slug} with all notes"
    page.goto(f"{live_server.url}/lessons/glossary/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Glossary")
    assert axe_violations(page) == [], "glossary"
    assert console_errors == []


def test_study_lesson_fits_a_phone_screen(browser, live_server, student, study_lesson):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}{study_lesson.get_absolute_url()}")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
