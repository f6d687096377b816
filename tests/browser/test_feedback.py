"""Feedback in a real browser: the teacher saves and returns it in place (htmx), the student
sees it beside their answer, and axe finds nothing serious on either page."""

from playwright.sync_api import expect

from classroom.models import Assignment
from discussions.models import Feedback
from tests.conftest import PASSWORD

from .conftest import axe_violations, sign_in


def test_teacher_saves_and_returns_feedback_in_place_and_the_student_sees_it(
    page, browser, live_server, school, teacher, student
):
    Assignment.objects.filter(pk=school.assignment.pk).update(mark_scale="points", points_max=10)
    sign_in(page, live_server, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/discussions/assignments/{school.assignment.pk}/responses/")
    form = page.locator(f"#feedback-{student.pk}-{school.prompt.pk}")
    form.get_by_label("Comment for Amara Okafor, prompt 1").fill("Date the turning point.")
    form.get_by_label("Points out of 10 for Amara Okafor, prompt 1").fill("7")
    url_before = page.url
    form.get_by_role("button", name="Save draft for Amara Okafor, prompt 1").click()
    expect(form).to_contain_text("Draft saved")
    assert page.url == url_before  # saved in place, no reload
    assert not Feedback.objects.get().is_returned
    assert axe_violations(page) == []

    form.get_by_role("button", name="Return to Amara Okafor, prompt 1").click()
    expect(form).to_contain_text("Returned to Amara Okafor.")
    expect(form.get_by_label("Points out of 10 for Amara Okafor, prompt 1")).to_have_value("7")
    assert Feedback.objects.get().is_returned

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        student_page = context.new_page()
        sign_in(student_page, live_server, student.username, PASSWORD)
        expect(student_page.locator(".new-feedback-count")).to_contain_text("1")
        student_page.get_by_role("link", name="Feedback from your teacher").click()
        feedback = student_page.locator(f"#post-{school.post.pk} .feedback")
        expect(feedback).to_contain_text("Date the turning point.")
        expect(feedback).to_contain_text("7 / 10")
        assert axe_violations(student_page) == []
    finally:
        context.close()
