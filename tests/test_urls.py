"""Every URL pattern × every persona: nothing slips past sign-in, and no URL goes untested.

The URL list comes from the resolver itself, so a URL added later is walked automatically; a
site URL, or an admin URL of our own apps, missing from ``MATRIX`` fails
``test_every_url_is_in_the_matrix`` (after Zulip's "Some URLs are untested!" report).
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PUBLIC = {
    "pages:home",
    "pages:healthz",
    "privacy:notice",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "admin:login",
}

PERSONAS = [
    "signed_out",
    "student",
    "outsider",
    "teacher",
    "other_teacher",
    "sharing_teacher",
    "administrator",
    "superuser",
]
SIGN_IN = "sign-in"  # redirected to a sign-in page
ADMIN_SIGN_IN = "admin sign-in"  # a signed-in non-staff user sent to the admin's sign-in


def row(
    signed_out,
    student,
    outsider,
    teacher,
    other_teacher,
    superuser,
    *,
    sharing_teacher=None,
    administrator=None,
):
    """Expected answers per persona. The sharing teacher (who teaches another class and has
    enrolled our student in it) and the school administrator (who teaches no class) answer as
    the other teacher unless a row says otherwise."""
    return {
        "signed_out": signed_out,
        "student": student,
        "outsider": outsider,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "sharing_teacher": other_teacher if sharing_teacher is None else sharing_teacher,
        "administrator": other_teacher if administrator is None else administrator,
        "superuser": superuser,
    }


EVERYONE_200 = row(200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = row(SIGN_IN, 200, 200, 200, 200, 200)
OUR_CLASS = row(SIGN_IN, 200, 404, 200, 404, 200)
OUR_CLASS_ADMIN = row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 200, 404, 200)
ANY_TEACHER_ADMIN = row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 200, 200, 200)
# Teachers' tools the school office does not have (it manages accounts, not teaching).
TEACHERS_ONLY_ADMIN = row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 200, 200, 200, administrator=403)
# Account pages about our classmate, whose only class is ours: theirs to manage are our
# teacher's, the school administrator's and the superuser's; other teachers get a 404.
OUR_STUDENTS_ACCOUNT = row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 200, 404, 200, administrator=200)

# Expected status of a GET, per URL name and persona. "Ours" is the student's and teacher's
# class; the outsider and other_teacher belong to another class.
MATRIX = {
    "pages:home": EVERYONE_200,
    "pages:healthz": EVERYONE_200,
    "privacy:notice": EVERYONE_200,
    "accounts:login": row(200, 302, 302, 302, 302, 302),
    "accounts:logout": row(SIGN_IN, 405, 405, 405, 405, 405),
    "accounts:password_change": SIGNED_IN_200,
    "accounts:password_change_done": SIGNED_IN_200,
    "accounts:password_reset": EVERYONE_200,
    "accounts:password_reset_done": EVERYONE_200,
    "accounts:password_reset_confirm": EVERYONE_200,
    "accounts:password_reset_complete": EVERYONE_200,
    "pages:lesson_index": SIGNED_IN_200,
    "pages:lesson_detail": SIGNED_IN_200,
    "lessons:glossary": SIGNED_IN_200,
    "lessons:notes_preference": row(SIGN_IN, 405, 405, 405, 405, 405),
    "pages:dashboard": SIGNED_IN_200,
    "classroom:join": row(SIGN_IN, 200, 200, 403, 403, 403),
    "pages:class_detail": OUR_CLASS,
    "classroom:lesson_finished": row(SIGN_IN, 405, 405, 405, 405, 405),
    "classroom:check_answer": row(SIGN_IN, 405, 405, 405, 405, 405),
    # The teachers' admin for classes: scoped to the classes a teacher teaches.
    "admin:classroom_schoolclass_changelist": ANY_TEACHER_ADMIN,
    "admin:classroom_schoolclass_add": TEACHERS_ONLY_ADMIN,
    "admin:classroom_schoolclass_change": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_history": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_delete": row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200),
    "admin:classroom_schoolclass_progress": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_progress_csv": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_import_roster": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_password": OUR_CLASS_ADMIN,
    # The class home page and its buttons (each button's confirmation page is a GET).
    "admin:classroom_schoolclass_home": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_join_code": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_join_code_regenerate": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_join_code_switch": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_archive": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_add": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_new": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_remove": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_slip": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_slips": OUR_CLASS_ADMIN,
    # The assign screen's htmx fragment: the chosen lesson's prompts.
    "admin:classroom_assignment_prompts": TEACHERS_ONLY_ADMIN,
    "admin:classroom_assignment_changelist": TEACHERS_ONLY_ADMIN,
    "admin:classroom_assignment_add": TEACHERS_ONLY_ADMIN,
    "admin:classroom_assignment_change": OUR_CLASS_ADMIN,
    "admin:classroom_assignment_history": OUR_CLASS_ADMIN,
    "admin:classroom_assignment_delete": OUR_CLASS_ADMIN,
    # Discussions: a class's threads are its members' only; editing is the author's only.
    "discussions:thread": OUR_CLASS,
    "discussions:post_create": row(SIGN_IN, 405, 405, 405, 405, 405),
    "discussions:reply": OUR_CLASS,
    "discussions:edit": row(SIGN_IN, 200, 404, 403, 404, 403),
    "discussions:delete": row(SIGN_IN, 200, 404, 403, 404, 403),
    "discussions:moderate": row(SIGN_IN, 405, 405, 405, 405, 405),
    "discussions:responses": row(SIGN_IN, 404, 404, 200, 404, 200),
    "discussions:responses_csv": row(SIGN_IN, 404, 404, 200, 404, 200),
    # Feedback: the class's teachers only; a student never reaches another's (nor their own
    # here: theirs shows on the thread, once returned).
    "discussions:feedback": row(SIGN_IN, 404, 404, 200, 404, 200),
    "discussions:feedback_return_all": row(SIGN_IN, 405, 405, 405, 405, 405),
    # The admin's old-style object URLs redirect to the change page, which then decides.
    "admin/classroom/schoolclass/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    "admin/classroom/assignment/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    # People: a teacher lists the students of their classes and acts on those they manage.
    "admin:accounts_user_changelist": ANY_TEACHER_ADMIN,
    "admin:accounts_user_add": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 403, 200, administrator=200
    ),
    "admin:accounts_user_change": OUR_STUDENTS_ACCOUNT,
    "admin:accounts_user_history": OUR_STUDENTS_ACCOUNT,
    "admin:accounts_user_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200, administrator=403
    ),
    "admin:auth_user_password_change": OUR_STUDENTS_ACCOUNT,
    "admin/accounts/user/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    # Annotations: a class's are its members' only; deleting is the author's only; the
    # teachers' admin lists their classes' class annotations (never private ones).
    "annotations:create": row(SIGN_IN, 405, 405, 405, 405, 405),
    "annotations:detail": OUR_CLASS,
    "annotations:reply": row(SIGN_IN, 405, 405, 405, 405, 405),
    "annotations:delete": row(SIGN_IN, 200, 404, 403, 404, 403),
    "annotations:moderate": row(SIGN_IN, 405, 405, 405, 405, 405),
    "annotations:evidence": SIGNED_IN_200,
    "annotations:evidence_markdown": SIGNED_IN_200,
    "admin:annotations_annotation_changelist": TEACHERS_ONLY_ADMIN,
    "admin:annotations_annotation_add": row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 403, 403),
    "admin:annotations_annotation_change": OUR_CLASS_ADMIN,
    "admin:annotations_annotation_history": OUR_CLASS_ADMIN,
    "admin:annotations_annotation_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200
    ),
    "admin/annotations/annotation/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    "admin:annotations_classsettings_changelist": TEACHERS_ONLY_ADMIN,
    "admin:annotations_classsettings_add": TEACHERS_ONLY_ADMIN,
    "admin:annotations_classsettings_change": OUR_CLASS_ADMIN,
    "admin:annotations_classsettings_history": OUR_CLASS_ADMIN,
    "admin:annotations_classsettings_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200
    ),
    "admin/annotations/classsettings/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
}
OUR_ADMIN_PREFIXES = ("admin/classroom/", "admin/accounts/", "admin/annotations/")


@dataclass
class Route:
    name: str | None  # namespaced name, e.g. "pages:lesson_detail"
    pattern: str  # the full pattern

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def key(self) -> str:
        return self.name or self.pattern

    @property
    def is_ours(self) -> bool:
        return not self.is_admin or self.pattern.startswith(OUR_ADMIN_PREFIXES)


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(name=name, pattern=prefix + str(entry.pattern))


def our_annotation(school, student):
    """The student's class annotation of the first paragraph in our class (made once)."""
    from annotations.models import Annotation

    lesson = school.assignment.lesson
    words = lesson.paragraphs.get(number=1).text[:20]
    annotation, _created = Annotation.objects.get_or_create(
        school_class=school.ours,
        lesson=lesson,
        author=student,
        defaults={
            "kind": "question",
            "body": "Why?",
            "paragraph": 1,
            "exact": words,
            "start": 0,
            "end": len(words),
        },
    )
    return annotation


def our_annotation_settings(school):
    from annotations.models import ClassSettings

    return ClassSettings.objects.get_or_create(school_class=school.ours)[0]


def concrete(route: Route, school, student) -> str:
    """A real path for a route: each parameter replaced by an object of “our” class.

    Account pages are about our classmate, whose only class is ours (``student`` is also in
    the sharing teacher's class, so their account is no single teacher's: tested apart)."""
    object_id = "1"
    classmate = school.ours.students.exclude(pk=student.pk).get()
    if "classroom/schoolclass/" in route.pattern:
        object_id = str(school.ours.pk)
    elif "classroom/assignment/" in route.pattern:
        object_id = str(school.assignment.pk)
    elif "accounts/user/" in route.pattern:
        object_id = str(classmate.pk)
    elif "annotations/annotation/" in route.pattern:
        object_id = str(our_annotation(school, student).pk)
    elif "annotations/classsettings/" in route.pattern:
        object_id = str(our_annotation_settings(school).pk)
    pk = school.ours.pk
    if route.pattern.startswith("discussions/posts/"):
        pk = school.post.pk
    elif route.pattern.startswith("discussions/assignments/"):
        pk = school.assignment.pk
    elif route.pattern.startswith("annotations/<int:pk>"):
        pk = our_annotation(school, student).pk
    samples = {
        "slug": school.assignment.lesson.slug,
        "key": school.assignment.lesson.checkquestions.published().first().key,
        "pk": str(pk),
        "class_pk": str(school.ours.pk),
        "prompt_pk": str(school.prompt.pk),
        "object_id": object_id,
        "student_id": str(classmate.pk),
        "id": str(classmate.pk),
        "app_label": "classroom",
        "url": "no-such-page/",
        "uidb64": "MQ",
        "token": "set-password",
    }
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "1"), route.pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples.get(m.group(1), "1"), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


@pytest.fixture
def clients(
    school, student, outsider, teacher, other_teacher, sharing_teacher, administrator, superuser
):
    clients = {"signed_out": Client()}
    users = {
        "student": student,
        "outsider": outsider,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "sharing_teacher": sharing_teacher,
        "administrator": administrator,
        "superuser": superuser,
    }
    for persona, user in users.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    return clients


def check(response, expected, route, persona):
    where = f"{route.name or route.pattern} as {persona}"
    if expected == SIGN_IN:
        assert response.status_code == 302, f"{where}: {response.status_code}"
        sign_in_pages = (reverse("accounts:login"), reverse("admin:login"))
        assert response.url.startswith(sign_in_pages), f"{where}: to {response.url}"
    elif expected == ADMIN_SIGN_IN:
        assert response.status_code == 302, f"{where}: {response.status_code}"
        assert response.url.startswith(reverse("admin:login")), f"{where}: to {response.url}"
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, not {expected}"


def test_every_url_is_in_the_matrix():
    untested = sorted(route.key for route in walk() if route.is_ours and route.key not in MATRIX)
    assert untested == [], f"Some URLs are untested: {untested}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_url_answers_each_persona_as_the_matrix_says(clients, school, student, persona):
    for route in walk():
        if route.is_ours:
            response = clients[persona].get(concrete(route, school, student))
            check(response, MATRIX[route.key][persona], route, persona)


def test_signed_out_visitors_reach_only_the_public_pages(clients, school, student):
    routes = list(walk())
    assert len(routes) > 50  # the admin's too
    for route in routes:
        response = clients["signed_out"].get(concrete(route, school, student))
        if route.name in PUBLIC:
            assert response.status_code in (200, 302), route.pattern
            if response.status_code == 302:  # e.g. the reset-confirm link's own redirect
                assert not response.url.startswith(reverse("accounts:login"))
        else:
            check(response, SIGN_IN, route, "signed_out")


def test_signed_out_posts_are_refused_everywhere(clients, school, student):
    for route in walk():
        if route.name in PUBLIC:
            continue
        response = clients["signed_out"].post(concrete(route, school, student), {"x": "1"})
        check(response, SIGN_IN, route, "signed_out")


@pytest.mark.parametrize("persona", ["student", "outsider"])
def test_students_never_get_an_admin_page(clients, school, student, persona):
    for route in walk():
        if route.is_admin and route.name not in PUBLIC:
            response = clients[persona].get(concrete(route, school, student), follow=True)
            assert response.redirect_chain, route.pattern
            assert response.redirect_chain[-1][0].startswith(reverse("admin:login")), route.pattern
            assert "not authorized to access this page" in response.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "superuser"])
def test_no_admin_page_errors_for_staff(clients, school, student, persona):
    for route in walk():
        if route.is_admin:
            response = clients[persona].get(concrete(route, school, student))
            assert response.status_code < 500, f"{route.pattern} as {persona}"


# POST ------------------------------------------------------------------------------------------
# An empty POST to each URL, per persona: forms answer 200 with their errors (an empty POST is
# no confirmation, so admin delete pages just ask again), actions redirect (302), read-only pages
# refuse the method (405). Each cell runs on a fresh database, since some
# POSTs change things (sign out, delete).

GET_ONLY = row(405, 405, 405, 405, 405, 405)
SIGNED_IN_GET_ONLY = row(SIGN_IN, 405, 405, 405, 405, 405)
ADMIN_GET_ONLY = row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 405, 405, 405)

POST_MATRIX = {
    "pages:home": GET_ONLY,
    "pages:healthz": GET_ONLY,
    "privacy:notice": GET_ONLY,
    "accounts:login": row(200, 302, 302, 302, 302, 302),
    "accounts:logout": row(SIGN_IN, 302, 302, 302, 302, 302),
    "accounts:password_change": SIGNED_IN_200,
    "accounts:password_change_done": SIGNED_IN_GET_ONLY,
    "accounts:password_reset": EVERYONE_200,
    "accounts:password_reset_done": GET_ONLY,
    "accounts:password_reset_confirm": EVERYONE_200,
    "accounts:password_reset_complete": GET_ONLY,
    "pages:lesson_index": SIGNED_IN_GET_ONLY,
    "pages:lesson_detail": SIGNED_IN_GET_ONLY,
    "lessons:glossary": SIGNED_IN_GET_ONLY,
    # An empty POST names no choice of notes: refused, nothing saved.
    "lessons:notes_preference": row(SIGN_IN, 400, 400, 400, 400, 400),
    "pages:dashboard": SIGNED_IN_GET_ONLY,
    "classroom:join": row(SIGN_IN, 200, 200, 403, 403, 403),
    "pages:class_detail": SIGNED_IN_GET_ONLY,
    "classroom:lesson_finished": row(SIGN_IN, 302, 302, 302, 302, 302),
    # Any student answers a lesson's checks (lessons are the unit's, not a class's).
    "classroom:check_answer": row(SIGN_IN, 302, 302, 403, 403, 403),
    "discussions:thread": SIGNED_IN_GET_ONLY,
    "discussions:post_create": OUR_CLASS,
    "discussions:reply": OUR_CLASS,
    "discussions:edit": row(SIGN_IN, 200, 404, 403, 404, 403),
    "discussions:delete": row(SIGN_IN, 302, 404, 403, 404, 403),
    "discussions:moderate": row(SIGN_IN, 403, 404, 302, 404, 302),
    "discussions:responses": SIGNED_IN_GET_ONLY,
    "discussions:responses_csv": SIGNED_IN_GET_ONLY,
    # An empty feedback form is refused with its errors (200); returning no drafts is harmless.
    "discussions:feedback": row(SIGN_IN, 404, 404, 200, 404, 200),
    "discussions:feedback_return_all": row(SIGN_IN, 404, 404, 302, 404, 302),
    "admin:classroom_schoolclass_changelist": ANY_TEACHER_ADMIN,
    "admin:classroom_schoolclass_add": TEACHERS_ONLY_ADMIN,
    "admin:classroom_schoolclass_change": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_history": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_delete": row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200),
    "admin:classroom_schoolclass_progress": ADMIN_GET_ONLY,
    "admin:classroom_schoolclass_progress_csv": ADMIN_GET_ONLY,
    "admin:classroom_schoolclass_import_roster": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_password": OUR_CLASS_ADMIN,
    # An empty POST is no confirmation: each confirmation page asks again (200), changing
    # nothing; the search page says to choose a student, the new-student form lists its errors.
    "admin:classroom_schoolclass_home": ADMIN_GET_ONLY,
    "admin:classroom_schoolclass_join_code": ADMIN_GET_ONLY,
    "admin:classroom_schoolclass_join_code_regenerate": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_join_code_switch": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_archive": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_add": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_new": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_remove": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_student_slip": OUR_CLASS_ADMIN,
    "admin:classroom_schoolclass_slips": ADMIN_GET_ONLY,
    "admin:classroom_assignment_prompts": ADMIN_GET_ONLY,
    "admin:classroom_assignment_changelist": TEACHERS_ONLY_ADMIN,
    "admin:classroom_assignment_add": TEACHERS_ONLY_ADMIN,
    "admin:classroom_assignment_change": OUR_CLASS_ADMIN,
    "admin:classroom_assignment_history": OUR_CLASS_ADMIN,
    "admin:classroom_assignment_delete": OUR_CLASS_ADMIN,
    "admin/classroom/schoolclass/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    "admin/classroom/assignment/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    "admin:accounts_user_changelist": ANY_TEACHER_ADMIN,
    "admin:accounts_user_add": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 403, 200, administrator=200
    ),
    "admin:accounts_user_change": OUR_STUDENTS_ACCOUNT,
    "admin:accounts_user_history": OUR_STUDENTS_ACCOUNT,
    "admin:accounts_user_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200, administrator=403
    ),
    "admin:auth_user_password_change": OUR_STUDENTS_ACCOUNT,
    "admin/accounts/user/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    # An empty annotation or reply is refused with its errors (400), changing nothing.
    "annotations:create": row(SIGN_IN, 400, 404, 400, 404, 400),
    "annotations:detail": SIGNED_IN_GET_ONLY,
    "annotations:reply": row(SIGN_IN, 400, 404, 400, 404, 400),
    "annotations:delete": row(SIGN_IN, 302, 404, 403, 404, 403),
    "annotations:moderate": row(SIGN_IN, 403, 404, 302, 404, 302),
    "annotations:evidence": SIGNED_IN_GET_ONLY,
    "annotations:evidence_markdown": SIGNED_IN_GET_ONLY,
    "admin:annotations_annotation_changelist": TEACHERS_ONLY_ADMIN,
    "admin:annotations_annotation_add": row(SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 403, 403),
    # The change form is only the moderation flags: an empty POST saves them as unset.
    "admin:annotations_annotation_change": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 404, 302
    ),
    "admin:annotations_annotation_history": OUR_CLASS_ADMIN,
    "admin:annotations_annotation_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200
    ),
    "admin/annotations/annotation/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
    "admin:annotations_classsettings_changelist": TEACHERS_ONLY_ADMIN,
    "admin:annotations_classsettings_add": TEACHERS_ONLY_ADMIN,
    "admin:annotations_classsettings_change": OUR_CLASS_ADMIN,
    "admin:annotations_classsettings_history": OUR_CLASS_ADMIN,
    "admin:annotations_classsettings_delete": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 403, 404, 200
    ),
    "admin/annotations/classsettings/<path:object_id>/": row(
        SIGN_IN, ADMIN_SIGN_IN, ADMIN_SIGN_IN, 302, 302, 302
    ),
}
OUR_ROUTES = [route for route in walk() if route.is_ours]


def test_every_url_is_in_the_post_matrix():
    untested = sorted(route.key for route in OUR_ROUTES if route.key not in POST_MATRIX)
    assert untested == [], f"Some URLs are untested for POST: {untested}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", OUR_ROUTES, ids=[route.key for route in OUR_ROUTES])
def test_each_url_answers_a_post_as_the_matrix_says(clients, school, student, route, persona):
    response = clients[persona].post(concrete(route, school, student), {})
    check(response, POST_MATRIX[route.key][persona], route, persona)


def table_counts():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "classroom", "discussions", "lessons")
    }


@pytest.mark.parametrize("persona", ["student", "teacher", "superuser"])
def test_csrf_is_enforced_on_every_post(school, student, teacher, superuser, persona):
    client = Client(enforce_csrf_checks=True)
    client.force_login({"student": student, "teacher": teacher, "superuser": superuser}[persona])
    before = table_counts()
    for route in walk():
        response = client.post(concrete(route, school, student), {"action": "delete_selected"})
        assert response.status_code in (403, 302), f"{route.key}: {response.status_code}"
        if response.status_code == 302:  # non-staff sent to the admin's sign-in first
            assert persona == "student" and route.is_admin, route.key
    assert table_counts() == before


def test_csrf_is_enforced_on_the_public_forms():
    client = Client(enforce_csrf_checks=True)
    for name in ("accounts:login", "accounts:password_reset"):
        assert (
            client.post(reverse(name), {"username": "x", "email": "x@example.org"}).status_code
            == 403
        )
