"""Annotating the reading in a real browser: by mouse and by keyboard alone, a classmate sees
and replies, another class sees nothing, and axe passes with the margin open."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Reply
from tests.conftest import PASSWORD

from .conftest import axe_violations, sign_in


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, user.username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def open_lesson(page, live_server, school):
    lesson = school.assignment.lesson
    page.goto(f"{live_server.url}{lesson.get_absolute_url()}?class={school.ours.pk}")
    expect(page.locator("#reading.annotations-ready")).to_have_count(1)


def drag_select(page, words):
    """Select ``words`` of ¶1 with the mouse: press at their first letter, release at their last."""
    box = page.evaluate(
        """(words) => {
          const scope = document.querySelector('#p1 .annotation-scope');
          const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at === -1) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + words.length);
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
          }
          return null;
        }""",
        words,
    )
    assert box, words
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def test_annotate_by_mouse_and_keyboard_classmate_replies_other_class_sees_nothing(
    new_page, live_server, school, student, classmate, outsider
):
    amara = new_page(student)
    open_lesson(amara, live_server, school)

    # By mouse: drag over the words, then write the note.
    amara.locator("#p1").scroll_into_view_if_needed()
    drag_select(amara, "ruthless ambition")
    expect(amara.locator("#annotation-selection")).to_contain_text("ruthless ambition")
    amara.locator("#annotation-form").get_by_label("Kind").select_option("evidence")
    amara.get_by_label("Your note").fill("Lenin feared **ambition**.")
    amara.get_by_role("button", name="Save annotation").click()
    expect(amara.locator("mark.student-highlight").first).to_have_text("ruthless ambition")
    first = Annotation.objects.get()
    assert (first.exact, first.paragraph) == ("ruthless ambition", 1)

    # By keyboard alone: choose a sentence from the list, narrow it, and save.
    amara.get_by_label("Words to annotate").focus()
    amara.keyboard.press("ArrowDown")  # the first sentence of ¶1
    amara.keyboard.press("Tab")
    amara.keyboard.type("Vladimir Lenin")
    amara.keyboard.press("Tab")  # the kind
    amara.keyboard.press("ArrowDown")
    amara.keyboard.press("Tab")
    amara.keyboard.type("Who was he?")
    amara.get_by_label("Your note").press("Control+Enter")  # no shortcut: stays
    amara.keyboard.press("Tab")  # who sees it
    amara.keyboard.press("Tab")  # connects to
    amara.keyboard.press("Tab")  # save
    amara.keyboard.press("Enter")
    expect(amara.locator("mark.student-highlight")).to_have_count(2)
    second = Annotation.objects.exclude(pk=first.pk).get()
    assert second.exact == "Vladimir Lenin" and second.body == "Who was he?"

    # A classmate opens the highlight from the keyboard, then Escape returns to the text.
    ben = new_page(classmate)
    open_lesson(ben, live_server, school)
    highlight = ben.locator(f'mark[data-annotation="{first.pk}"][tabindex="0"]')
    highlight.focus()
    ben.keyboard.press("Enter")
    item = ben.locator(f"#annotation-{first.pk}")
    expect(item).to_be_focused()
    expect(ben.locator("#annotation-status")).to_contain_text("1 annotation on these words")
    assert axe_violations(ben) == []  # with the margin open
    ben.keyboard.press("Escape")
    expect(highlight).to_be_focused()

    # … and replies.
    item.get_by_role("link", name="Reply").click()
    ben.get_by_label("Your reply").fill("Lenin called him rude, not ambitious.")
    ben.get_by_role("button", name="Reply").click()
    expect(ben.locator(f"#annotation-{first.pk}")).to_contain_text("called him rude")
    assert Reply.objects.count() == 1

    # A student of another class sees none of it.
    oskar = new_page(outsider)
    oskar.goto(f"{live_server.url}{school.assignment.lesson.get_absolute_url()}")
    expect(oskar.locator("#reading")).to_be_visible()
    expect(oskar.locator("mark.student-highlight")).to_have_count(0)
    expect(oskar.locator("body")).not_to_contain_text("Lenin feared")
