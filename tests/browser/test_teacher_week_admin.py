"""A teacher's week in the admin, in a real browser: create a class, create a student and print
their sign-in slip, assign Lesson 2 with two required prompts and post-first on. axe-core checks
every admin page on the way."""

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from classroom.forms import next_school_day
from classroom.models import Assignment, SchoolClass
from lessons.models import Lesson
from tests.conftest import PASSWORD

from .conftest import axe_violations, sign_in

AUDITING = {"now": False}


def no_axe_violations(page, name):
    # axe-core itself sets inline styles while it measures (which the CSP rightly refuses):
    # console errors during its run are its own, not the page's.
    AUDITING["now"] = True
    try:
        violations = axe_violations(page)
    finally:
        page.wait_for_timeout(50)
        AUDITING["now"] = False
    assert violations == [], f"{name}: {violations}"


def page_errors(page) -> list[str]:
    """Console errors and script errors of ``page`` (not axe's own), as they come."""
    errors = []

    def console(message):
        if message.type == "error" and not AUDITING["now"]:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def test_teacher_sets_up_a_class_a_student_and_an_assignment_in_the_admin(
    page, browser, live_server, teacher
):
    errors = page_errors(page)  # a CSP violation, a missing file, a script error
    sign_in(page, live_server, teacher.username, PASSWORD)

    # The admin's index shows the teacher's classes first (none yet) and the way to add one.
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Your classes")).to_be_visible()
    no_axe_violations(page, "admin index")
    page.get_by_role("link", name="Add a class").click()
    page.get_by_label("Name:").fill("Year 10 History")
    page.get_by_label("Period or section:").fill("10C")
    no_axe_violations(page, "add a class")
    page.get_by_role("button", name="Save", exact=True).click()

    # "Save" opens the class's home page.
    school_class = SchoolClass.objects.get(name="Year 10 History")
    expect(page).to_have_url(re.compile(rf"/admin/classroom/schoolclass/{school_class.pk}/home/$"))
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.get_by_role("heading", name="Students")).to_be_visible()
    no_axe_violations(page, "class home, empty")

    # A new student, and their sign-in slip.
    page.get_by_role("link", name="Create a new student").click()
    page.get_by_label("Given name:").fill("Dmitri")
    page.get_by_label("Family name:").fill("Ivanov")
    no_axe_violations(page, "new student")
    page.get_by_role("button", name="Create and print the slip").click()
    slip = page.locator(".slip")
    expect(slip).to_have_count(1)
    expect(slip).to_contain_text("Dmitri Ivanov")
    expect(slip).to_contain_text("dmitri.i")
    expect(slip).to_contain_text(live_server.url)
    expect(page.get_by_role("button", name="Print the slips")).to_be_visible()
    no_axe_violations(page, "slips")
    password = slip.locator("dt:has-text('First password') + dd").inner_text().strip()
    page.emulate_media(media="print")  # the printed page: the cards, nothing of the admin
    expect(slip).to_be_visible()
    expect(page.locator("#header")).to_be_hidden()
    expect(page.locator(".slips-intro")).to_be_hidden()
    page.emulate_media(media="screen")

    # The join code, large for the projector, and a confirmation before a new one.
    page.get_by_role("link", name="Back to the class").click()
    page.get_by_role("link", name="Show the code large").click()
    expect(page.locator(".join-code-large")).to_have_text(school_class.join_code_display)
    no_axe_violations(page, "join code")
    page.go_back()
    page.get_by_role("link", name="Make a new code…").click()
    expect(page.get_by_role("button", name="Make a new code")).to_be_visible()
    no_axe_violations(page, "confirmation")
    page.get_by_role("link", name="No, back to the class").click()

    # Assign Lesson 2: its prompts appear as the lesson is chosen (htmx).
    page.get_by_role("link", name="Assign a lesson").click()
    no_axe_violations(page, "assign, no lesson yet")
    lesson = Lesson.objects.published().get(order=2)
    prompts = list(lesson.prompts.published())
    page.get_by_label("Lesson:").select_option(label=lesson.title)
    checkboxes = page.locator("#prompt-choices input[type=checkbox]")
    expect(checkboxes).to_have_count(len(prompts))
    page.get_by_label(prompts[0].question).check()
    page.get_by_label(prompts[1].question).check()
    page.get_by_label("Post before seeing classmates’ posts").check()
    page.get_by_label("Instructions:").fill("Answer both prompts before the lesson.")
    expect(page.locator("#id_due_at_1")).to_have_value("09:00")
    no_axe_violations(page, "assign, lesson chosen")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/admin/classroom/schoolclass/{school_class.pk}/home/$"))
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    row = page.locator(".assignment-counts tbody tr").first
    expect(row).to_contain_text(lesson.title)
    expect(row.get_by_role("link", name=re.compile("^Discussion:"))).to_have_count(2)
    no_axe_violations(page, "class home with an assignment and a student")

    assignment = Assignment.objects.get(school_class=school_class)
    assert assignment.lesson == lesson
    assert set(assignment.required_prompts.all()) == set(prompts[:2])
    assert assignment.post_first
    assert timezone.localtime(assignment.due_at) == timezone.localtime(next_school_day())

    # The student signs in with the slip and must choose their own password first.
    student_context = browser.new_context()
    student = student_context.new_page()
    student.goto(f"{live_server.url}/accounts/sign-in/")
    student.get_by_label("Username").fill("dmitri.i")
    student.get_by_label("Password").fill(password)
    student.get_by_role("button", name="Sign in").click()
    expect(student).to_have_url(f"{live_server.url}{reverse('accounts:password_change')}")
    student_context.close()
    assert errors == []
