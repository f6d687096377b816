"""A student reads a lesson in a real browser: sign in, open notes by mouse and keyboard."""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from tests.conftest import PASSWORD

from .conftest import axe_violations, sign_in


@pytest.fixture
def console_errors(page):
    """Collect console errors (a CSP violation shows up here) for the test to check."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_student_signs_in_from_the_landing_page_and_opens_a_note_by_click(
    page, live_server, student, console_errors
):
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username").fill(student.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")

    page.get_by_role("link", name="All lessons").click()
    page.get_by_role("link", name="Stalin’s Rise to Power").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stalin’s Rise to Power")
    mark = page.locator(".reading .mark[href]").nth(1)
    note = page.locator(f"#{mark.get_attribute('data-note')}")
    expect(note).to_be_hidden()

    mark.click()
    expect(note).to_be_visible()
    expect(mark).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".note.is-open")).to_have_count(1)

    mark.click()
    expect(note).to_be_hidden()
    assert console_errors == []


def test_student_opens_and_closes_a_note_with_the_keyboard(page, live_server, student):
    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}/lessons/rise-to-power/")
    focused_mark = None
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('mark')"):
            focused_mark = page.evaluate("document.activeElement.dataset.note")
            break
    assert focused_mark, "no highlighted passage is reachable with Tab"

    page.keyboard.press("Enter")
    note = page.locator(f"#{focused_mark}")
    expect(note).to_be_visible()
    expect(note).to_be_focused()

    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.note") == focused_mark


def test_touch_tap_opens_a_note_on_a_phone(browser, live_server, student):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}/lessons/foreign-policy/")
    mark = page.locator(".reading .mark[href]").first
    mark.tap()
    expect(page.locator(f"#{mark.get_attribute('data-note')}")).to_be_visible()
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_without_javascript_every_note_is_shown_after_its_paragraph(browser, live_server, student):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}/lessons/legacy/")
    notes = page.locator(".reading .note")
    assert notes.count() >= 6
    for index in range(notes.count()):
        expect(notes.nth(index)).to_be_visible()
    first_mark = page.locator(".reading .mark[href]").first
    first_mark.click()
    assert re.search(r"#note-\d+$", page.url)
    context.close()


def test_public_and_student_pages_have_no_serious_accessibility_violations(
    page, live_server, student
):
    page.goto(live_server.url)
    assert axe_violations(page) == [], "landing page"
    page.goto(f"{live_server.url}/accounts/sign-in/")
    assert axe_violations(page) == [], "sign-in page"

    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}/lessons/")
    assert axe_violations(page) == [], "lesson index"
    for lesson in Lesson.objects.published():
        page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
        assert axe_violations(page) == [], lesson.slug
        page.locator(".reading .mark[href]").first.click()
        assert axe_violations(page) == [], f"{lesson.slug} with a note open"
