"""Every URL pattern × every persona: nothing slips past sign-in, and no URL goes untested.

The URL list comes from the resolver itself, so a URL added later is walked automatically; a
site URL missing from ``MATRIX`` fails ``test_every_site_url_is_in_the_matrix`` (after Zulip's
"Some URLs are untested!" report).
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lessons.models import Lesson

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    "healthz",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "admin:login",
}

SIGN_IN = "sign-in"  # a redirect to a sign-in page
PERSONAS = ["signed_out", "student", "teacher", "superuser"]

# Expected status of a GET for each site URL and persona.
MATRIX = {
    "home": dict.fromkeys(PERSONAS, 200),
    "healthz": dict.fromkeys(PERSONAS, 200),
    "accounts:login": {"signed_out": 200, "student": 302, "teacher": 302, "superuser": 302},
    "accounts:logout": {"signed_out": SIGN_IN, "student": 405, "teacher": 405, "superuser": 405},
    "accounts:password_change": {
        "signed_out": SIGN_IN,
        "student": 200,
        "teacher": 200,
        "superuser": 200,
    },
    "accounts:password_change_done": {
        "signed_out": SIGN_IN,
        "student": 200,
        "teacher": 200,
        "superuser": 200,
    },
    "accounts:password_reset": dict.fromkeys(PERSONAS, 200),
    "accounts:password_reset_done": dict.fromkeys(PERSONAS, 200),
    "accounts:password_reset_confirm": dict.fromkeys(PERSONAS, 200),
    "accounts:password_reset_complete": dict.fromkeys(PERSONAS, 200),
    "lessons:index": {"signed_out": SIGN_IN, "student": 200, "teacher": 200, "superuser": 200},
    "lessons:detail": {"signed_out": SIGN_IN, "student": 200, "teacher": 200, "superuser": 200},
}


@dataclass
class Route:
    name: str | None  # namespaced name, e.g. "lessons:detail"
    pattern: str  # the full pattern, for messages

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(name=name, pattern=prefix + str(entry.pattern))


SAMPLES = {"app_label": "lessons", "url": "no-such-page/", "uidb64": "MQ", "token": "set-password"}


def concrete(pattern: str) -> str:
    """A real path for a pattern: each parameter replaced by a sample value."""
    slug = Lesson.objects.published().first().slug

    def sample(name, converter=""):
        if name == "slug":
            return slug
        return SAMPLES.get(name, "1")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: sample(m.group(2), m.group(1)), pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: sample(m.group(1)), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


@pytest.fixture
def personas(client, student, teacher, superuser, django_user_model):
    from django.test import Client

    clients = {"signed_out": client}
    for name, user in (("student", student), ("teacher", teacher), ("superuser", superuser)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def assert_redirects_to_sign_in(response, route):
    assert response.status_code == 302, f"{route.pattern} answered {response.status_code}"
    sign_in_pages = (reverse("accounts:login"),)
    if route.is_admin:  # the admin also sends signed-in non-staff to its own sign-in page
        sign_in_pages += (reverse("admin:login"),)
    assert response.url.startswith(sign_in_pages), f"{route.pattern} redirected to {response.url}"


def test_every_site_url_is_in_the_matrix():
    untested = sorted(
        route.name or route.pattern
        for route in walk()
        if not route.is_admin and (route.name not in MATRIX)
    )
    assert untested == [], f"Some URLs are untested: {untested}"


def test_signed_out_visitors_reach_only_the_public_pages(client):
    routes = list(walk())
    assert len(routes) > 50  # the admin's too
    for route in routes:
        path = concrete(route.pattern)
        response = client.get(path)
        if route.name in PUBLIC:
            assert response.status_code in (200, 302), route.pattern
            if response.status_code == 302:  # e.g. the reset-confirm link's own redirect
                assert not response.url.startswith(reverse("accounts:login"))
        else:
            assert_redirects_to_sign_in(response, route)


def test_signed_out_posts_are_refused_too(client):
    for route in walk():
        if route.name in PUBLIC:
            continue
        response = client.post(concrete(route.pattern), {"anything": "x"})
        assert response.status_code in (302, 403), route.pattern
        if response.status_code == 302:
            assert_redirects_to_sign_in(response, route)


@pytest.mark.parametrize("persona", PERSONAS)
def test_site_urls_answer_each_persona_as_the_matrix_says(personas, persona):
    client = personas[persona]
    for route in walk():
        if route.is_admin:
            continue
        expected = MATRIX[route.name][persona]
        response = client.get(concrete(route.pattern))
        if expected == SIGN_IN:
            assert_redirects_to_sign_in(response, route)
        else:
            assert response.status_code == expected, (
                f"{route.name} as {persona}: {response.status_code}, expected {expected}"
            )


def test_students_never_get_an_admin_page(personas):
    client = personas["student"]
    for route in walk():
        if route.is_admin and route.name not in PUBLIC:
            response = client.get(concrete(route.pattern), follow=True)
            assert response.redirect_chain, route.pattern
            assert response.redirect_chain[-1][0].startswith(reverse("admin:login")), route.pattern
            assert "not authorized to access this page" in response.content.decode()
