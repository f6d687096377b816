"""Feedback and marks: a teacher comments on and marks each answer, as a draft only the class's
teachers see, then returns it; the student alone sees it, beside their answer, on their
dashboard and in their export."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from classroom.models import Assignment, Enrolment
from discussions import services
from discussions.models import Feedback, Post
from privacy.selectors import student_data

pytestmark = pytest.mark.django_db

RUBRIC = [
    {"criterion": "Argument", "levels": ["Emerging", "Secure", "Excellent"]},
    {"criterion": "Evidence", "levels": ["Thin", "Sound", "Rich"]},
]


def mark_in_points(assignment, top=10):
    Assignment.objects.filter(pk=assignment.pk).update(mark_scale="points", points_max=top)
    assignment.refresh_from_db()


def mark_by_rubric(assignment):
    Assignment.objects.filter(pk=assignment.pk).update(mark_scale="rubric", rubric=RUBRIC)
    assignment.refresh_from_db()


def feedback_url(assignment, student, prompt):
    return reverse("discussions:feedback", args=[assignment.pk, student.pk, prompt.pk])


def send(client, assignment, student, prompt, *, comment="", points=None, levels=(), **options):
    """POST the feedback form for ``student``'s answer, as the responses page does."""
    prefix = f"feedback-{student.pk}-{prompt.pk}"
    data = {f"{prefix}-comment": comment, "action": options.get("action", "save")}
    if points is not None:
        data[f"{prefix}-points"] = str(points)
    for number, level in enumerate(levels):
        data[f"{prefix}-level_{number}"] = level
    if "next" in options:
        data["next"] = options["next"]
    headers = {"HX-Request": "true"} if options.get("htmx") else {}
    return client.post(feedback_url(assignment, student, prompt), data, headers=headers)


def thread_url(school):
    return reverse("discussions:thread", args=[school.ours.pk, school.prompt.pk])


def dashboard(client):
    return client.get(reverse("pages:dashboard")).content.decode()


def new_feedback_count(page: str) -> str:
    start = page.index('class="new-feedback-count"')
    return page[start : page.index("</strong>", start)].rsplit(">", 1)[1]


def save(school, teacher, student, **fields):
    """A draft written through the service, as a teacher would."""
    return services.feedback_save(
        teacher=teacher,
        assignment=school.assignment,
        student=student,
        prompt=school.prompt,
        **{"comment": "Good start.", **fields},
    )


# The loop ---------------------------------------------------------------------------------------


def test_draft_then_return_then_seen_the_whole_loop(client, school, teacher, student):
    mark_in_points(school.assignment)
    client.force_login(teacher)
    response = send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="Good use of ¶1; now date the turning point.",
        points=7,
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(student=student)
    assert not feedback.is_returned and feedback.points == 7 and feedback.author == teacher

    # A draft is the teachers' alone.
    client.force_login(student)
    assert "date the turning point" not in client.get(thread_url(school)).content.decode()
    assert new_feedback_count(dashboard(client)) == "0"

    client.force_login(teacher)
    send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="Good use of ¶1; now date the turning point.",
        points=7,
        action="return",
    )
    feedback.refresh_from_db()
    assert feedback.is_returned and feedback.seen_at is None

    client.force_login(student)
    page = dashboard(client)
    assert new_feedback_count(page) == "1"
    assert f'href="{thread_url(school)}"' in page
    thread = client.get(thread_url(school)).content.decode()
    assert "date the turning point" in thread
    assert "7 / 10" in thread
    assert "Your teacher’s feedback" in thread and ">New<" in thread
    # Beside the student's own answer: inside the article of their post.
    article = thread[thread.index(f'id="post-{school.post.pk}"') :]
    assert article.index("date the turning point") < article.index("</article>")
    feedback.refresh_from_db()
    assert feedback.seen_at is not None
    assert new_feedback_count(dashboard(client)) == "0"
    assert ">New<" not in client.get(thread_url(school)).content.decode()


def test_feedback_is_seen_when_the_thread_loads_into_the_lesson_page(
    client, school, teacher, student
):
    feedback = save(school, teacher, student, comment="Seen in the lesson page")
    services.feedback_return(teacher=teacher, feedback=feedback)
    client.force_login(student)
    fragment = client.get(thread_url(school), headers={"HX-Request": "true"}).content.decode()
    assert "Seen in the lesson page" in fragment
    feedback.refresh_from_db()
    assert feedback.seen_at is not None


def test_feedback_shows_at_the_top_when_the_answer_is_not_on_the_page(
    client, school, teacher, student
):
    Post.objects.filter(pk=school.post.pk).update(is_deleted=True, body="")
    feedback = save(school, teacher, student, comment="Where did your answer go?")
    services.feedback_return(teacher=teacher, feedback=feedback)
    client.force_login(student)
    assert "Where did your answer go?" in client.get(thread_url(school)).content.decode()


def test_rubric_levels_show_to_the_student_by_criterion(client, school, teacher, student):
    mark_by_rubric(school.assignment)
    client.force_login(teacher)
    response = send(
        client,
        school.assignment,
        student,
        school.prompt,
        levels=["Secure", "Rich"],
        action="return",
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(student=student)
    assert feedback.levels == [
        {"criterion": "Argument", "level": "Secure"},
        {"criterion": "Evidence", "level": "Rich"},
    ]
    client.force_login(student)
    thread = client.get(thread_url(school)).content.decode()
    assert "Argument: Secure" in thread and "Evidence: Rich" in thread


def test_a_criterion_may_be_left_unmarked(client, school, teacher, student):
    mark_by_rubric(school.assignment)
    client.force_login(teacher)
    send(client, school.assignment, student, school.prompt, levels=["", "Thin"])
    assert Feedback.objects.get(student=student).levels == [
        {"criterion": "Evidence", "level": "Thin"}
    ]


# Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [11, -1, "seven"])
@pytest.mark.parametrize("htmx", [False, True])
def test_points_out_of_range_are_a_form_error_and_keep_the_input(
    client, school, teacher, student, points, htmx
):
    mark_in_points(school.assignment)
    client.force_login(teacher)
    response = send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="Keep these words",
        points=points,
        htmx=htmx,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep these words" in page
    assert "Give between 0 and 10 points." in page or "whole number" in page
    assert not Feedback.objects.exists()


def test_a_level_not_in_the_rubric_is_refused(client, school, teacher, student):
    mark_by_rubric(school.assignment)
    client.force_login(teacher)
    response = send(
        client, school.assignment, student, school.prompt, comment="Hm", levels=["Brilliant"]
    )
    assert response.status_code == 200
    assert "Choose one of the rubric’s levels." in response.content.decode()
    assert not Feedback.objects.exists()


def test_empty_feedback_is_refused(client, school, teacher, student):
    client.force_login(teacher)
    response = send(client, school.assignment, student, school.prompt, comment="   ")
    assert "Write a comment or give a mark." in response.content.decode()
    assert not Feedback.objects.exists()


def test_marks_off_the_assignments_scale_are_refused_by_the_service(school, teacher, student):
    with pytest.raises(ValidationError, match="not marked in points"):
        save(school, teacher, student, points=3)
    mark_in_points(school.assignment)
    with pytest.raises(ValidationError, match="between 0 and 10"):
        save(school, teacher, student, points=11)
    with pytest.raises(ValidationError, match="no rubric"):
        save(school, teacher, student, levels={"Argument": "Secure"})
    mark_by_rubric(school.assignment)
    with pytest.raises(ValidationError, match="from the rubric"):
        save(school, teacher, student, levels={"Argument": "Excellent!"})
    with pytest.raises(ValidationError, match="from the rubric"):
        save(school, teacher, student, levels={"Style": "Secure"})
    assert not Feedback.objects.exists()


def test_comment_text_is_cleaned_of_control_characters(school, teacher, student):
    feedback = save(school, teacher, student, comment="Fine\x00 work")
    assert feedback.comment == "Fine work"


# Returning, editing and double submits ------------------------------------------------------


def test_a_double_submit_saves_once_and_returns_once(client, school, teacher, student):
    client.force_login(teacher)
    for _ in range(2):
        send(client, school.assignment, student, school.prompt, comment="Once")
    feedback = Feedback.objects.get()
    first_update = feedback.updated_at
    for _ in range(2):
        send(client, school.assignment, student, school.prompt, comment="Once", action="return")
    feedback.refresh_from_db()
    returned_at = feedback.returned_at
    assert feedback.updated_at == first_update and feedback.revised_at is None
    send(client, school.assignment, student, school.prompt, comment="Once", action="return")
    client.post(reverse("discussions:feedback_return_all", args=[school.assignment.pk]))
    feedback.refresh_from_db()
    assert feedback.returned_at == returned_at and Feedback.objects.count() == 1


def test_editing_returned_feedback_keeps_it_returned_and_new_again(
    client, school, teacher, student
):
    feedback = save(school, teacher, student, comment="First thoughts")
    services.feedback_return(teacher=teacher, feedback=feedback)
    client.force_login(student)
    client.get(thread_url(school))
    client.force_login(teacher)
    response = send(client, school.assignment, student, school.prompt, comment="Second thoughts")
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.is_returned and feedback.revised_at is not None and feedback.seen_at is None
    assert feedback.comment == "Second thoughts"
    client.force_login(student)
    assert new_feedback_count(dashboard(client)) == "1"
    thread = client.get(thread_url(school)).content.decode()
    assert "Second thoughts" in thread and "updated" in thread


def test_return_all_returns_every_draft_and_leaves_returned_ones_alone(
    client, school, teacher, student, classmate
):
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=classmate, body="Mine"
    )
    returned = save(school, teacher, student, comment="Already back")
    services.feedback_return(teacher=teacher, feedback=returned)
    returned_at = Feedback.objects.get(pk=returned.pk).returned_at
    save(school, teacher, classmate, comment="Draft for Ben")
    client.force_login(teacher)
    page = client.get(reverse("discussions:responses", args=[school.assignment.pk]))
    text = page.content.decode()
    assert "<strong>1</strong> draft, <strong>1</strong> returned" in text
    assert "Return all 1 draft" in text
    response = client.post(
        reverse("discussions:feedback_return_all", args=[school.assignment.pk]), follow=True
    )
    assert "Returned 1 draft" in response.content.decode()
    assert not Feedback.objects.drafts().exists()
    assert Feedback.objects.get(pk=returned.pk).returned_at == returned_at


def test_htmx_saves_in_place_and_answers_with_the_form(client, school, teacher, student):
    client.force_login(teacher)
    response = send(
        client, school.assignment, student, school.prompt, comment="In place", htmx=True
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    assert "Draft saved" in fragment and "In place" in fragment and ">Draft<" in fragment
    response = send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="In place",
        htmx=True,
        action="return",
    )
    assert "Returned to Amara Okafor." in response.content.decode()


def test_without_javascript_a_save_goes_back_to_the_responses_page(
    client, school, teacher, student
):
    client.force_login(teacher)
    responses = reverse("discussions:responses", args=[school.assignment.pk])
    response = send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="Plain post",
        next=responses + "?page=1",
    )
    assert response.url == (f"{responses}?page=1#feedback-{student.pk}-{school.prompt.pk}")
    offsite = send(
        client,
        school.assignment,
        student,
        school.prompt,
        comment="Plain post 2",
        next="https://evil.example/",
    )
    assert offsite.url.startswith(responses)


def test_the_feedback_page_shows_the_answer_and_the_form(client, school, teacher, student):
    client.force_login(teacher)
    response = client.get(feedback_url(school.assignment, student, school.prompt))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Stalin won by controlling" in page and 'name="action" value="return"' in page


def test_teachers_see_drafts_and_returned_feedback_on_the_responses_page(
    client, school, teacher, student, classmate
):
    mark_in_points(school.assignment)
    save(school, teacher, classmate, comment="Draft words", points=4)
    back = save(school, teacher, student, comment="Returned words", points=9)
    services.feedback_return(teacher=teacher, feedback=back)
    client.force_login(teacher)
    page = client.get(reverse("discussions:responses", args=[school.assignment.pk]))
    text = page.content.decode()
    assert "Draft words" in text and "Returned words" in text
    assert ">Draft<" in text and ">Returned<" in text
    assert 'value="9"' in text and 'max="10"' in text


def test_archived_class_feedback_is_read_only(client, school, teacher, student):
    school.ours.is_archived = True
    school.ours.save()
    client.force_login(teacher)
    response = send(client, school.assignment, student, school.prompt, comment="Too late")
    assert response.status_code == 403
    assert not Feedback.objects.exists()


# Who sees it --------------------------------------------------------------------------------


def test_a_co_teacher_sees_and_edits_the_feedback(client, make_user, school, teacher, student):
    co_teacher = make_user(username="co", role=User.Role.TEACHER)
    school.ours.teachers.add(co_teacher)
    save(school, teacher, student, comment="From the first teacher")
    client.force_login(co_teacher)
    page = client.get(reverse("discussions:responses", args=[school.assignment.pk]))
    assert "From the first teacher" in page.content.decode()
    send(client, school.assignment, student, school.prompt, comment="And the second")
    feedback = Feedback.objects.get()
    assert feedback.comment == "And the second" and feedback.author == co_teacher
    assert client.get(feedback_url(school.assignment, student, school.prompt)).status_code == 200


@pytest.mark.parametrize("persona", ["other_teacher", "sharing_teacher", "administrator"])
def test_other_teachers_reach_no_feedback_of_our_class(
    client, school, teacher, student, persona, request
):
    user = request.getfixturevalue(persona)
    feedback = save(school, teacher, student, comment="Ours only")
    client.force_login(user)
    assert client.get(feedback_url(school.assignment, student, school.prompt)).status_code == 404
    response = send(client, school.assignment, student, school.prompt, comment="Theirs")
    assert response.status_code == 404
    response = client.post(reverse("discussions:feedback_return_all", args=[school.assignment.pk]))
    assert response.status_code == 404
    assert (
        client.get(reverse("discussions:responses", args=[school.assignment.pk])).status_code == 404
    )
    feedback.refresh_from_db()
    assert feedback.comment == "Ours only" and not feedback.is_returned
    with pytest.raises(PermissionDenied):
        save(school, user, student, comment="Theirs")
    with pytest.raises(PermissionDenied):
        services.feedback_return(teacher=user, feedback=feedback)
    with pytest.raises(PermissionDenied):
        services.feedback_return_all(teacher=user, assignment=school.assignment)


def test_the_sharing_teachers_student_sees_our_feedback_in_our_class_only(
    client, school, teacher, student, sharing_teacher
):
    feedback = save(school, teacher, student, comment="For our class")
    services.feedback_return(teacher=teacher, feedback=feedback)
    client.force_login(sharing_teacher)
    assert client.get(thread_url(school)).status_code == 404


def test_no_classmate_ever_sees_another_students_feedback(
    client, school, teacher, student, classmate, outsider
):
    mark_in_points(school.assignment)
    feedback = save(school, teacher, student, comment="Private to Amara", points=8)
    services.feedback_return(teacher=teacher, feedback=feedback)
    client.force_login(classmate)
    thread = client.get(thread_url(school)).content.decode()
    assert "Private to Amara" not in thread and "8 / 10" not in thread
    assert "Your teacher’s feedback" not in thread
    assert new_feedback_count(dashboard(client)) == "0"
    assert client.get(feedback_url(school.assignment, student, school.prompt)).status_code == 404
    assert client.get(feedback_url(school.assignment, classmate, school.prompt)).status_code == 404
    response = send(client, school.assignment, student, school.prompt, comment="Forged")
    assert response.status_code == 404
    client.force_login(outsider)
    assert client.get(thread_url(school)).status_code == 404
    feedback.refresh_from_db()
    assert feedback.comment == "Private to Amara" and feedback.seen_at is None


def test_a_student_who_left_the_class_no_longer_sees_its_feedback(client, school, teacher, student):
    feedback = save(school, teacher, student, comment="Before leaving")
    services.feedback_return(teacher=teacher, feedback=feedback)
    Enrolment.objects.filter(school_class=school.ours, student=student).delete()
    client.force_login(student)
    assert new_feedback_count(dashboard(client)) == "0"
    assert not Feedback.objects.for_student(student).exists()


# IDOR: changed ids in the URL answer 404 and change nothing ---------------------------------


def test_changed_ids_answer_404_and_change_nothing(
    client, school, teacher, student, outsider, other_teacher
):
    other_lesson_prompt = (
        type(school.prompt).objects.published().exclude(lesson=school.prompt.lesson).first()
    )
    theirs = services.feedback_save(
        teacher=other_teacher,
        assignment=school.other_assignment,
        student=outsider,
        prompt=school.prompt,
        comment="Their draft",
    )
    client.force_login(teacher)
    attempts = [
        (school.assignment, outsider, school.prompt),  # a student not in the class
        (school.other_assignment, outsider, school.prompt),  # another class's assignment
        (school.other_assignment, student, school.prompt),  # our student, their assignment
        (school.assignment, student, other_lesson_prompt),  # a prompt of another lesson
        (school.assignment, teacher, school.prompt),  # not a student
    ]
    for assignment, who, prompt in attempts:
        url = feedback_url(assignment, who, prompt)
        assert client.get(url).status_code == 404, url
        response = send(client, assignment, who, prompt, comment="Forged", action="return")
        assert response.status_code == 404, url
    response = client.post(
        reverse("discussions:feedback_return_all", args=[school.other_assignment.pk])
    )
    assert response.status_code == 404
    assert list(Feedback.objects.all()) == [theirs]
    theirs.refresh_from_db()
    assert theirs.comment == "Their draft" and not theirs.is_returned


def test_the_service_refuses_a_student_or_prompt_outside_the_assignment(
    school, teacher, outsider, student
):
    other_prompt = (
        type(school.prompt).objects.published().exclude(lesson=school.prompt.lesson).first()
    )
    with pytest.raises(PermissionDenied):
        save(school, teacher, outsider)
    with pytest.raises(PermissionDenied):
        services.feedback_save(
            teacher=teacher,
            assignment=school.assignment,
            student=student,
            prompt=other_prompt,
            comment="x",
        )
    assert not Feedback.objects.exists()


# CSV and export -----------------------------------------------------------------------------


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_responses_csv_has_feedback_marks_and_status(client, school, teacher, student, classmate):
    mark_in_points(school.assignment)
    Post.objects.create(
        school_class=school.ours, prompt=school.prompt, author=student, body="A second post"
    )
    back = save(school, teacher, student, comment="=Well argued", points=7)
    services.feedback_return(teacher=teacher, feedback=back)
    save(school, teacher, classmate, comment="Please answer", points=0)
    client.force_login(teacher)
    rows = read_csv(client.get(reverse("discussions:responses_csv", args=[school.assignment.pk])))
    assert rows[0][7:] == ["Feedback", "Mark (out of 10)", "Feedback status"]
    amara = [row for row in rows[1:] if row[1] == "amara"]
    assert len(amara) == 2
    assert amara[0][7:] == ["'=Well argued", "7", "returned"]
    assert amara[1][7:] == ["", "", ""]  # the mark once per answer, so marks add up
    [ben] = [row for row in rows[1:] if row[1] == "ben"]
    assert ben[3] == "no response" and ben[7:] == ["Please answer", "0", "draft"]


def test_responses_csv_gives_rubric_levels(client, school, teacher, student):
    mark_by_rubric(school.assignment)
    save(school, teacher, student, comment="", levels={"Argument": "Secure", "Evidence": "Thin"})
    client.force_login(teacher)
    rows = read_csv(client.get(reverse("discussions:responses_csv", args=[school.assignment.pk])))
    [amara] = [row for row in rows[1:] if row[1] == "amara"]
    assert amara[7:] == ["", "Argument: Secure; Evidence: Thin", "draft"]


def test_export_holds_returned_feedback_within_the_classes_asked(
    school, teacher, student, sharing_teacher, make_assignment
):
    mark_in_points(school.assignment)
    back = save(school, teacher, student, comment="Returned to Amara", points=6)
    services.feedback_return(teacher=teacher, feedback=back)
    debating = sharing_teacher.classes_taught.get()
    debate_assignment = make_assignment(school_class=debating)
    elsewhere = services.feedback_save(
        teacher=sharing_teacher,
        assignment=debate_assignment,
        student=student,
        prompt=school.prompt,
        comment="From the debating club",
    )
    services.feedback_return(teacher=sharing_teacher, feedback=elsewhere)
    services.feedback_save(
        teacher=teacher,
        assignment=school.assignment,
        student=student,
        prompt=school.assignment.lesson.prompts.published().last(),
        comment="Still a draft",
    )
    everything = student_data(student)["feedback"]
    assert {item["comment"] for item in everything} == {
        "Returned to Amara",
        "From the debating club",
    }
    [ours] = student_data(student, classes=[school.ours])["feedback"]
    assert ours["comment"] == "Returned to Amara" and ours["mark"] == "6 / 10"
    assert ours["teacher"] == "Ada Hughes" and ours["returned_at"] is not None
