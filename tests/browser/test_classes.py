"""A teacher sets up a class in the admin; a student joins it and sees the work that is due."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from classroom.models import Assignment, SchoolClass
from tests.conftest import PASSWORD

from .conftest import axe_violations, sign_in

ROSTER = (
    "Given name,Family name,Username or email\n"
    "Dmitri,Ivanov,dmitri.ivanov@school.example\n"
    "Zoë,Lambert,zlambert\n"
)


def test_teacher_creates_a_class_imports_a_roster_and_assigns_a_lesson(
    page, live_server, teacher, tmp_path
):
    errors = []  # a CSP violation or a missing file shows up here
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/classroom/schoolclass/add/")
    page.get_by_label("Name:").fill("Year 10 History")
    page.get_by_label("Period or section:").fill("Period 4")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    school_class = SchoolClass.objects.get(name="Year 10 History")
    assert list(school_class.teachers.all()) == [teacher]

    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    page.get_by_role("link", name="Import a roster (CSV)").click()
    page.get_by_label("Roster file (CSV):").set_input_files(str(roster))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messagelist")).to_contain_text("2 new account(s)")
    expect(page.locator(".roster-result")).to_contain_text("zlambert")
    assert school_class.students.count() == 2

    page.get_by_role("link", name="Back to the class").click()
    page.get_by_role("link", name="Assign a lesson").click()
    page.get_by_label("Lesson:").select_option(label="Stalin and Foreign Policy")
    due = timezone.localtime() + datetime.timedelta(days=5)
    page.locator("#id_due_at_0").fill(due.strftime("%Y-%m-%d"))
    page.locator("#id_due_at_1").fill("15:30")
    page.get_by_label("Instructions:").fill("Find the two biggest errors in ¶4.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assignment = Assignment.objects.get(school_class=school_class)
    assert assignment.lesson.slug == "foreign-policy"
    assert timezone.localtime(assignment.due_at).strftime("%H:%M") == "15:30"

    page.goto(f"{live_server.url}/admin/classroom/schoolclass/{school_class.pk}/progress/")
    expect(page.locator(".progress-grid")).to_contain_text("Zoë Lambert")
    expect(page.locator(".progress-grid")).to_contain_text("Not opened")
    assert errors == []


def test_student_joins_by_code_and_sees_the_assignment_on_the_dashboard(
    page, live_server, student, teacher, make_class, make_assignment
):
    school_class = make_class(name="Year 11 History", teachers=[teacher])
    make_assignment(school_class=school_class, instructions="Bring your notes on ¶2.")
    sign_in(page, live_server, student.username, PASSWORD)
    expect(page.get_by_text("Nothing to do right now")).to_be_visible()
    assert axe_violations(page) == [], "empty dashboard"

    page.get_by_role("link", name="Join a class").first.click()
    assert axe_violations(page) == [], "join page"
    page.get_by_label("Class code").fill("WRONG-CODE")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("No class has that code")).to_be_visible()
    expect(page.get_by_label("Class code")).to_have_value("WRONG-CODE")
    assert axe_violations(page) == [], "join page with an error"

    page.get_by_label("Class code").fill(school_class.join_code_display.lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You have joined Year 11 History")).to_be_visible()
    assert axe_violations(page) == [], "class page"

    page.get_by_role("link", name="Dashboard").click()
    row = page.locator(".assignment-row").first
    expect(row).to_contain_text("Stalin’s Rise to Power")
    expect(row).to_contain_text("Not started")
    expect(row).to_contain_text("Bring your notes on ¶2.")
    assert axe_violations(page) == [], "dashboard with work"

    row.get_by_role("link", name="Stalin’s Rise to Power").click()
    expect(page.locator(".assignment-banner")).to_contain_text("Bring your notes on ¶2.")
    page.get_by_role("button", name="I’ve finished reading").click()
    expect(page.locator("#finish")).to_contain_text("You have read this lesson to the end")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".assignment-row").first).to_contain_text("Done")


def test_reaching_the_end_of_the_reading_marks_it_finished(page, live_server, student, lesson):
    from classroom.models import ReadingProgress

    sign_in(page, live_server, student.username, PASSWORD)
    page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
    expect(page.locator("#finish")).to_contain_text("I’ve finished reading")
    # Reaching the end counts once the lesson has been open for its reading time.
    ReadingProgress.objects.filter(student=student).update(
        opened_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    page.locator(".reading-end").scroll_into_view_if_needed()
    expect(page.locator("#finish")).to_contain_text("You have read this lesson to the end")
    assert ReadingProgress.objects.get(student=student, lesson=lesson).finished_at is not None
