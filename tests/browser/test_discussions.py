"""Class discussions in a real browser: students talk, teachers moderate, nothing runs."""

import pytest
from playwright.sync_api import expect

from classroom.models import Assignment
from discussions.models import Post
from tests.conftest import PASSWORD
from tests.discussions.xss_payloads import PAYLOADS

from .conftest import axe_violations, sign_in


@pytest.fixture
def new_page(browser, live_server):
    """A fresh browser (its own cookies) signed in as ``user``."""
    contexts = []

    def open_as(user, **options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, user.username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def lesson_url(live_server, school):
    return f"{live_server.url}{school.prompt.lesson.get_absolute_url()}"


def thread(page, school):
    return page.locator(f"#thread-{school.ours.pk}-{school.prompt.pk}")


def open_lesson_discussion(page, live_server, school):
    """Open the lesson and scroll to its first prompt, whose thread then loads in place."""
    page.goto(lesson_url(live_server, school))
    page.locator(".thread-slot").first.scroll_into_view_if_needed()
    expect(thread(page, school)).to_be_visible()


def test_two_classmates_discuss_and_a_student_of_another_class_sees_nothing(
    new_page, live_server, school, student, classmate, outsider
):
    amara = new_page(student)
    open_lesson_discussion(amara, live_server, school)
    box = thread(amara, school).get_by_label("Your answer")
    box.fill("Power, not ideas: he controlled appointments. ")
    amara.locator("#p1 .cite-button").click()  # cites ¶1 into the box she was writing in
    expect(box).to_have_value("Power, not ideas: he controlled appointments. ¶1 ")
    thread(amara, school).get_by_role("button", name="Post").click()
    expect(thread(amara, school)).to_contain_text("Power, not ideas")
    expect(thread(amara, school).get_by_role("link", name="¶1").first).to_be_visible()

    ben = new_page(classmate)
    open_lesson_discussion(ben, live_server, school)
    expect(thread(ben, school)).to_contain_text("Power, not ideas")
    ben_thread = thread(ben, school)
    ben_thread.get_by_role("link", name="Reply to Amara Okafor").last.click()
    ben_thread.locator(".reply-form textarea").fill("But Trotsky also made mistakes (¶2).")
    ben_thread.locator(".reply-form").get_by_role("button", name="Reply").click()
    expect(thread(ben, school).locator(".post-reply")).to_contain_text("Trotsky also made")

    open_lesson_discussion(amara, live_server, school)
    expect(thread(amara, school).locator(".post-reply")).to_contain_text("Trotsky also made")

    oskar = new_page(outsider)
    oskar.goto(lesson_url(live_server, school))
    expect(oskar.locator("#prompts")).to_contain_text("Only Year 12 History")
    expect(oskar.locator("body")).not_to_contain_text("Power, not ideas")
    response = oskar.goto(
        f"{live_server.url}/discussions/{school.ours.pk}/prompts/{school.prompt.pk}/"
    )
    assert response.status == 404


def test_teacher_hides_a_post(new_page, live_server, school, teacher, student, classmate):
    ada = new_page(teacher)
    open_lesson_discussion(ada, live_server, school)
    post = ada.locator(f"#post-{school.post.pk}")
    post.get_by_role("button", name="Hide").click()
    expect(ada.locator(f"#post-{school.post.pk}")).to_contain_text("Hidden from students")

    ben = new_page(classmate)
    open_lesson_discussion(ben, live_server, school)
    expect(thread(ben, school)).not_to_contain_text("Stalin won by controlling")

    amara = new_page(student)
    open_lesson_discussion(amara, live_server, school)
    expect(amara.locator(f"#post-{school.post.pk}")).to_contain_text("Hidden by your teacher")


def test_post_first_rule_holds_until_the_student_posts(new_page, live_server, school, classmate):
    Assignment.objects.filter(pk=school.assignment.pk).update(post_first=True)
    ben = new_page(classmate)
    open_lesson_discussion(ben, live_server, school)
    expect(thread(ben, school)).to_contain_text("Post your own answer first")
    expect(thread(ben, school)).not_to_contain_text("Stalin won by controlling")
    thread(ben, school).get_by_label("Your answer").fill("My own view first.")
    thread(ben, school).get_by_role("button", name="Post").click()
    expect(thread(ben, school)).to_contain_text("Stalin won by controlling")
    expect(thread(ben, school)).to_contain_text("My own view first.")


def test_posting_works_with_javascript_off_and_a_double_click_posts_once(
    new_page, live_server, school, classmate
):
    ben = new_page(classmate, java_script_enabled=False)
    ben.goto(lesson_url(live_server, school))
    ben.get_by_role("link", name="Read and join the discussion").first.click()
    thread(ben, school).get_by_label("Your answer").fill("Posted without JavaScript.")
    thread(ben, school).get_by_role("button", name="Post").dblclick()
    expect(ben.locator("body")).to_contain_text("Posted without JavaScript.")
    ben.go_back()
    ben.go_forward()
    assert Post.objects.filter(author=classmate).count() == 1


def test_no_payload_runs_in_the_browser(new_page, live_server, school, classmate, student):
    Post.objects.bulk_create(
        Post(school_class=school.ours, prompt=school.prompt, author=classmate, body=payload)
        for payload in PAYLOADS
    )
    dialogs = []
    amara = new_page(student)
    amara.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    amara.goto(f"{live_server.url}/discussions/{school.ours.pk}/prompts/{school.prompt.pk}/?all=1")
    expect(amara.locator(".post")).to_have_count(len(PAYLOADS) + 1)
    for link in amara.locator(".post-body a").all():
        link.hover()
    amara.wait_for_timeout(300)
    assert amara.evaluate("window.__xss") is None
    assert dialogs == []
    expect(amara.locator(".post-body").nth(1)).to_contain_text("window.__xss=1")


def test_busy_thread_has_no_serious_accessibility_violations(
    new_page, live_server, school, teacher, make_user, classmate
):
    from classroom.models import Enrolment

    authors = [make_user() for _ in range(8)]
    Enrolment.objects.bulk_create(Enrolment(school_class=school.ours, student=a) for a in authors)
    posts = Post.objects.bulk_create(
        Post(
            school_class=school.ours,
            prompt=school.prompt,
            author=authors[i % 8],
            body=f"Point {i}: **evidence** from ¶{i % 3 + 1}.\n\n> the essay says\n\n- one\n- two",
            is_pinned=i == 3,
            is_exemplary=i == 5,
            is_hidden=i == 7,
        )
        for i in range(30)
    )
    Post.objects.bulk_create(
        Post(
            school_class=school.ours,
            prompt=school.prompt,
            author=classmate,
            parent=post,
            reply_to=post,
            body="A reply",
        )
        for post in posts[:10]
    )
    url = f"{live_server.url}/discussions/{school.ours.pk}/prompts/{school.prompt.pk}/"
    ada = new_page(teacher)
    ada.goto(url)
    assert axe_violations(ada) == [], "busy thread, teacher"
    ben = new_page(classmate)
    ben.goto(url)
    assert axe_violations(ben) == [], "busy thread, student"
    ben.get_by_role("link", name="Reply to").first.click()
    expect(ben.locator(".reply-form")).to_be_visible()
    assert axe_violations(ben) == [], "busy thread with a reply form open"
    open_lesson_discussion(ben, live_server, school)
    assert axe_violations(ben) == [], "lesson page with its discussions"
