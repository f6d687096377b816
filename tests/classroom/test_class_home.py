"""A class's home page in the admin: the teacher's way in to a class, with its roster, join
code, assignments and their counts, and plain buttons (each with a confirmation) for what
changes the class; new students with printable sign-in slips."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classroom.models import Assignment, Enrolment, ReadingProgress, SchoolClass
from classroom.services import username_suggest
from discussions.models import Post
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"admin:classroom_schoolclass_{name}", args=args)


def home(client, school_class):
    response = client.get(url("home", school_class.pk))
    assert response.status_code == 200
    return response.content.decode()


# The way in ----------------------------------------------------------------------------------


def test_admin_index_shows_a_teacher_their_active_classes_first(
    client, teacher, school, make_class
):
    make_class(name="Old Year 9", teachers=[teacher], is_archived=True)
    client.force_login(teacher)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Your classes" in page
    assert url("home", school.ours.pk) in page
    assert "Year 12 History" not in page  # another teacher's
    assert "Old Year 9" not in page  # archived: a link away
    assert page.index("Your classes") < page.index('class="app-classroom')


def test_admin_index_has_no_class_list_for_a_school_administrator(client, administrator, school):
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Your classes" not in page


def test_lesson_content_is_out_of_a_teachers_way_and_read_only_for_superusers(
    client, teacher, superuser
):
    client.force_login(teacher)
    index = client.get(reverse("admin:index")).content.decode()
    assert "admin/lessons/" not in index
    assert client.get(reverse("admin:lessons_annotation_changelist")).status_code == 403
    assert client.get(reverse("admin:lessons_prompt_changelist")).status_code == 403
    client.force_login(superuser)
    assert "admin/lessons/" in client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:lessons_annotation_changelist")).content.decode()
    assert "Add annotation" not in page


def test_class_list_opens_each_class_at_its_home_page(client, teacher, school):
    client.force_login(teacher)
    page = client.get(url("changelist")).content.decode()
    assert f'href="{url("home", school.ours.pk)}"' in page


def test_saving_a_new_class_goes_to_its_home_page(client, teacher):
    client.force_login(teacher)
    response = client.post(
        url("add"),
        {
            "name": "Year 8 History",
            "school_year": "2026–27",
            "join_code_enabled": "on",
            "enrolments-TOTAL_FORMS": "0",
            "enrolments-INITIAL_FORMS": "0",
        },
    )
    created = SchoolClass.objects.get(name="Year 8 History")
    assert response.url == url("home", created.pk)


def test_another_teachers_class_home_and_buttons_are_404(client, other_teacher, school):
    client.force_login(other_teacher)
    for name in ("home", "join_code", "join_code_regenerate", "archive", "slips"):
        assert client.get(url(name, school.ours.pk)).status_code == 404, name
    code = school.ours.join_code
    response = client.post(url("join_code_regenerate", school.ours.pk), {"confirm": "yes"})
    assert response.status_code == 404
    school.ours.refresh_from_db()
    assert school.ours.join_code == code


# What the page shows ---------------------------------------------------------------------------


def test_home_counts_each_assignments_students(
    client, teacher, school, student, classmate, make_user, make_assignment
):
    """Six students on a required-prompts assignment: one of each state, and late ones."""
    Post.objects.all().delete()
    lesson = Lesson.objects.published().get(order=2)
    prompts = list(lesson.prompts.published()[:2])
    assignment = make_assignment(school_class=school.ours, lesson=lesson)
    assignment.required_prompts.set(prompts)
    Assignment.objects.filter(pk=assignment.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    late, early = timezone.now(), timezone.now() - datetime.timedelta(days=2)
    reader, finisher, answerer, half = (make_user() for _ in range(4))
    for user in (reader, finisher, answerer, half):
        Enrolment.objects.create(school_class=school.ours, student=user)
    # student: not opened. classmate and reader: reading. finisher: read, answered nothing.
    # answerer: both prompts before the due time. half: one of two, after it.
    ReadingProgress.objects.create(student=classmate, lesson=lesson, opened_at=early)
    ReadingProgress.objects.create(student=reader, lesson=lesson, opened_at=early)
    ReadingProgress.objects.create(student=finisher, lesson=lesson, finished_at=early)
    ReadingProgress.objects.create(student=answerer, lesson=lesson, finished_at=early)
    ReadingProgress.objects.create(student=half, lesson=lesson, finished_at=early)
    for prompt in prompts:  # the answerer answered both, before the due time
        Post.objects.create(school_class=school.ours, prompt=prompt, author=answerer, body="x")
    Post.objects.filter(author=answerer).update(created_at=early)
    Post.objects.create(school_class=school.ours, prompt=prompts[0], author=half, body="y")
    Post.objects.filter(author=half).update(created_at=late)
    client.force_login(teacher)
    page = home(client, school.ours)
    row = re.search(rf"{re.escape(lesson.title)}</a>.*?</tr>", page, re.S).group(0)
    counts = [int(n) for n in re.findall(r'<td class="count">(\d+)</td>', row)]
    # not opened, reading, finished, answered all required, late
    assert counts == [1, 2, 3, 1, 5]
    for prompt in prompts:
        assert reverse("discussions:thread", args=[school.ours.pk, prompt.pk]) in row
    assert reverse("discussions:responses", args=[assignment.pk]) in row


def test_home_lists_the_roster_with_links_and_the_join_code(client, teacher, school, student):
    client.force_login(teacher)
    page = home(client, school.ours)
    assert student.display_name in page and student.username in page
    assert school.ours.join_code_display in page
    assert url("progress", school.ours.pk) in page
    assert url("student_slip", school.ours.pk, student.pk) in page
    assert url("student_remove", school.ours.pk, student.pk) in page
    assert f"{reverse('admin:classroom_assignment_add')}?school_class={school.ours.pk}" in page
    assert "Year 12 History" not in page


def test_a_shared_student_is_marked_and_offered_no_new_password(
    client, teacher, school, student, sharing_teacher
):
    client.force_login(teacher)
    page = home(client, school.ours)
    assert "Also in another teacher’s class" in page
    assert url("student_slip", school.ours.pk, student.pk) not in page
    assert url("student_remove", school.ours.pk, student.pk) in page  # the class is ours
    response = client.post(url("student_slip", school.ours.pk, student.pk), {"confirm": "yes"})
    assert response.status_code == 403
    student.refresh_from_db()
    assert not student.must_change_password


# Join code and archive: plain buttons, each with a confirmation ----------------------------------


def test_the_join_code_shows_large_on_its_own_page(client, teacher, school):
    client.force_login(teacher)
    page = client.get(url("join_code", school.ours.pk)).content.decode()
    assert f'class="join-code-large">{school.ours.join_code_display}<' in page
    assert "/classes/join/" in page


def test_a_new_join_code_is_made_only_after_confirming(client, teacher, school):
    client.force_login(teacher)
    old = school.ours.join_code
    page = client.get(url("join_code_regenerate", school.ours.pk)).content.decode()
    assert "Make a new code" in page and 'name="confirm" value="yes"' in page
    assert client.post(url("join_code_regenerate", school.ours.pk)).status_code == 200
    school.ours.refresh_from_db()
    assert school.ours.join_code == old  # an empty POST is no confirmation
    response = client.post(url("join_code_regenerate", school.ours.pk), {"confirm": "yes"})
    assert response.url == url("home", school.ours.pk)
    school.ours.refresh_from_db()
    assert school.ours.join_code != old


def test_joining_by_code_is_switched_off_and_on_with_confirmation(client, teacher, school):
    client.force_login(teacher)
    switch = url("join_code_switch", school.ours.pk)
    assert "Switch joining off" in client.get(switch).content.decode()
    client.post(switch, {"enabled": "off"})  # not confirmed
    school.ours.refresh_from_db()
    assert school.ours.join_code_enabled
    client.post(switch, {"enabled": "off", "confirm": "yes"})
    school.ours.refresh_from_db()
    assert not school.ours.join_code_enabled
    assert "Switch joining on" in client.get(switch).content.decode()
    client.post(switch, {"enabled": "on", "confirm": "yes"})
    school.ours.refresh_from_db()
    assert school.ours.join_code_enabled


def test_archive_and_unarchive_with_confirmation(client, teacher, school):
    client.force_login(teacher)
    archive = url("archive", school.ours.pk)
    assert "Archive the class" in client.get(archive).content.decode()
    client.post(archive, {"archived": "yes"})
    school.ours.refresh_from_db()
    assert not school.ours.is_archived
    response = client.post(archive, {"archived": "yes", "confirm": "yes"})
    assert response.url == url("home", school.ours.pk)
    school.ours.refresh_from_db()
    assert school.ours.is_archived
    page = home(client, school.ours)
    assert "Un-archive the class" in page
    assert url("student_new", school.ours.pk) not in page
    client.post(archive, {"archived": "no", "confirm": "yes"})
    school.ours.refresh_from_db()
    assert not school.ours.is_archived


def test_an_archived_class_takes_no_new_students(client, teacher, school):
    SchoolClass.objects.filter(pk=school.ours.pk).update(is_archived=True)
    client.force_login(teacher)
    response = client.post(
        url("student_new", school.ours.pk), {"first_name": "Late", "last_name": "Comer"}
    )
    assert response.status_code == 200
    assert "is archived" in response.content.decode()
    assert not User.objects.filter(first_name="Late").exists()


# New students and their slips -------------------------------------------------------------------


def test_username_suggestions_are_short_ascii_and_unique(make_user):
    assert username_suggest(first_name="Amara", last_name="Okafor") == "amara.o"
    make_user(username="amara.o")
    make_user(username="Amara.Ok")
    assert username_suggest(first_name="Amara", last_name="Okafor") == "amara.oka"
    assert username_suggest(first_name="Zoë", last_name="O’Brien") == "zoe.o"
    assert username_suggest(first_name="Łukasz", last_name="") == "ukasz"
    assert username_suggest(first_name="李", last_name="王") == "student"
    for taken in ("ben.k", "ben.ko"):
        make_user(username=taken)
    assert username_suggest(first_name="Ben", last_name="Ko") == "ben.k2"


def test_teacher_creates_a_student_and_prints_the_slip_once(client, teacher, school):
    client.force_login(teacher)
    response = client.post(
        url("student_new", school.ours.pk), {"first_name": "Dmitri", "last_name": "Ivanov"}
    )
    assert response.url == url("slips", school.ours.pk)
    dmitri = User.objects.get(first_name="Dmitri")
    assert dmitri.username == "dmitri.i"
    assert dmitri.email == ""
    assert dmitri.is_student and not dmitri.is_staff
    assert dmitri.must_change_password
    assert identify_hasher(dmitri.password).algorithm == "argon2-first"
    assert school.ours.students.filter(pk=dmitri.pk).exists()

    page = client.get(response.url).content.decode()
    password = re.search(r"First password</dt><dd><code>([^<]+)</code>", page).group(1)
    assert dmitri.check_password(password)
    assert "dmitri.i" in page and "Dmitri Ivanov" in page
    assert "http://testserver/" in page  # the site's address
    assert "css/admin-slips.css" in page
    # Shown once: neither the slips page again nor the database holds it.
    again = client.get(response.url).content.decode()
    assert password not in again and "No slips are waiting" in again
    assert password not in dmitri.password


def test_a_new_student_must_choose_a_password_at_first_sign_in(client, teacher, school):
    client.force_login(teacher)
    client.post(url("student_new", school.ours.pk), {"first_name": "Zoë", "last_name": "Lambert"})
    page = client.get(url("slips", school.ours.pk)).content.decode()
    password = re.search(r"First password</dt><dd><code>([^<]+)</code>", page).group(1)
    client.logout()
    client.post(reverse("accounts:login"), {"username": "zoe.l", "password": password})
    assert client.get(reverse("pages:dashboard")).url == reverse("accounts:password_change")


def test_several_new_students_share_one_sheet_of_slips(client, teacher, school):
    client.force_login(teacher)
    for first in ("Ana", "Bo"):
        response = client.post(
            url("student_new", school.ours.pk),
            {"first_name": first, "last_name": "Silva", "_addanother": "1"},
        )
        assert response.url == url("student_new", school.ours.pk)
    assert "Print 2 sign-in slips" in home(client, school.ours)
    page = client.get(url("slips", school.ours.pk)).content.decode()
    assert page.count('class="slip"') == 2


def test_a_chosen_username_and_email_are_kept_and_duplicates_refused(
    client, teacher, school, student
):
    client.force_login(teacher)
    response = client.post(
        url("student_new", school.ours.pk),
        {"first_name": "Amara", "last_name": "Okafor", "username": student.username.upper()},
    )
    assert "That username is taken" in response.content.decode()
    client.post(
        url("student_new", school.ours.pk),
        {
            "first_name": "Chidi",
            "last_name": "Obi",
            "username": "cobi",
            "email": "cobi@school.example",
        },
    )
    assert User.objects.get(username="cobi").email == "cobi@school.example"


def test_roster_import_offers_slips_for_the_new_accounts(client, teacher, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(teacher)
    upload = SimpleUploadedFile(
        "roster.csv", b"Dmitri,Ivanov,divanov\nZoe,Lambert,zlambert\n", content_type="text/csv"
    )
    page = client.post(url("import_roster", school.ours.pk), {"file": upload}).content.decode()
    assert url("slips", school.ours.pk) in page
    slips = client.get(url("slips", school.ours.pk)).content.decode()
    assert slips.count('class="slip"') == 2 and "zlambert" in slips


def test_a_new_slip_resets_a_managed_students_password(client, teacher, school, classmate):
    client.force_login(teacher)
    slip = url("student_slip", school.ours.pk, classmate.pk)
    assert "Make a new password and slip" in client.get(slip).content.decode()
    client.post(slip)  # not confirmed: nothing changes
    classmate.refresh_from_db()
    assert classmate.check_password("a-long-test-password-1917")
    response = client.post(slip, {"confirm": "yes"})
    assert response.url == url("slips", school.ours.pk)
    classmate.refresh_from_db()
    assert classmate.must_change_password
    assert not classmate.check_password("a-long-test-password-1917")
    page = client.get(response.url).content.decode()
    password = re.search(r"First password</dt><dd><code>([^<]+)</code>", page).group(1)
    assert classmate.check_password(password)


# Adding and removing existing students ----------------------------------------------------------


def test_teacher_finds_and_adds_an_existing_student(client, teacher, school, outsider):
    client.force_login(teacher)
    page = client.get(url("student_add", school.ours.pk), {"q": "oskar"}).content.decode()
    assert outsider.display_name in page
    teachers = client.get(url("student_add", school.ours.pk), {"q": "hughes"}).content.decode()
    assert "No student who is not in the class yet matches" in teachers
    response = client.post(url("student_add", school.ours.pk), {"student": outsider.pk})
    assert response.url == url("home", school.ours.pk)
    assert school.ours.students.filter(pk=outsider.pk).exists()


def test_search_leaves_out_students_already_in_the_class_and_nul_is_refused(
    client, teacher, school, student
):
    client.force_login(teacher)
    page = client.get(url("student_add", school.ours.pk), {"q": "amara"}).content.decode()
    assert "No student who is not in the class yet matches" in page
    response = client.get(url("student_add", school.ours.pk), {"q": "am\x00"})
    assert response.status_code in (200, 400)  # refused by the form, or before it


def test_a_teacher_cannot_be_added_as_a_student(client, teacher, school, other_teacher):
    client.force_login(teacher)
    response = client.post(url("student_add", school.ours.pk), {"student": other_teacher.pk})
    assert response.status_code == 200
    assert not school.ours.students.filter(pk=other_teacher.pk).exists()


def test_removing_a_student_asks_first_and_keeps_their_account_and_posts(
    client, teacher, school, student
):
    client.force_login(teacher)
    remove = url("student_remove", school.ours.pk, student.pk)
    assert "their posts stay" in client.get(remove).content.decode()
    client.post(remove)
    assert school.ours.students.filter(pk=student.pk).exists()
    response = client.post(remove, {"confirm": "yes"})
    assert response.url == url("home", school.ours.pk)
    assert not school.ours.students.filter(pk=student.pk).exists()
    assert User.objects.filter(pk=student.pk).exists()
    assert Post.objects.filter(author=student, school_class=school.ours).exists()


def test_ids_of_other_classes_students_change_nothing(client, teacher, school, outsider):
    """IDOR: another class's student through our class, and our student through theirs."""
    client.force_login(teacher)
    for class_pk, student_pk in ((school.ours.pk, outsider.pk), (school.theirs.pk, outsider.pk)):
        for name in ("student_remove", "student_slip"):
            response = client.post(url(name, class_pk, student_pk), {"confirm": "yes"})
            assert response.status_code == 404, name
    assert school.theirs.students.filter(pk=outsider.pk).exists()
    outsider.refresh_from_db()
    assert not outsider.must_change_password
    response = client.post(
        url("student_new", school.theirs.pk), {"first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 404
    assert not User.objects.filter(first_name="X").exists()


def test_home_makes_the_same_queries_for_5_and_200_students(client, teacher, school, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lesson = school.assignment.lesson
    school.assignment.required_prompts.set(lesson.prompts.published()[:2])
    client.force_login(teacher)
    client.get(url("home", school.ours.pk))  # the session's first use costs a query or two
    counts = []
    for size in (5, 200):
        users = [make_user() for _ in range(size - school.ours.students.count())]
        Enrolment.objects.bulk_create(
            Enrolment(school_class=school.ours, student=user) for user in users
        )
        ReadingProgress.objects.bulk_create(
            ReadingProgress(student=user, lesson=lesson) for user in users
        )
        Post.objects.bulk_create(
            Post(school_class=school.ours, prompt=school.prompt, author=user, body="¶1")
            for user in users
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("home", school.ours.pk))
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") >= size
        counts.append(len(captured.captured_queries))
    assert school.ours.students.count() == 200
    assert counts[0] == counts[1], counts
