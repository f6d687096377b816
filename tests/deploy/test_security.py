"""Security behaviour a school relies on: headers, cookies, sign-in throttling, sessions."""

import datetime
import json
import logging
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    """The transport settings prod.py sets (the test server speaks plain HTTP)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def every_page(client, student, school):
    yield "home", client.get("/", secure=True)
    yield "sign in", client.get(reverse("accounts:login"), secure=True)
    yield "privacy", client.get(reverse("privacy:notice"), secure=True)
    yield "healthz", client.get(reverse("pages:healthz"), secure=True)
    yield "404", client.get("/nowhere/", secure=True)
    client.force_login(student)
    yield "dashboard", client.get(reverse("pages:dashboard"), secure=True)
    for lesson in Lesson.objects.published():
        yield lesson.slug, client.get(lesson.get_absolute_url(), secure=True)
    yield "thread", client.get(school.post.get_absolute_url(), secure=True)
    yield "class", client.get(school.ours.get_absolute_url(), secure=True)


def test_security_headers_on_every_page(client, student, school, production_like):
    for name, response in every_page(client, student, school):
        headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "same-origin", name
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert headers["X-Frame-Options"] == "DENY", name
        policy = headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in policy, (name, directive)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert "camera=()" in headers["Permissions-Policy"], name


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(
    client, student, production_like
):
    page = client.get(reverse("accounts:login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:login"),
        {"username": student.username, "password": PASSWORD},
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def sign_in(client, username, password, ip):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_repeated_wrong_passwords_lock_that_username_from_that_address(student, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, student.username, "wrong", "10.0.0.7").status_code == 200
    assert sign_in(client, student.username, "wrong", "10.0.0.7").status_code == 429
    locked = sign_in(client, student.username, PASSWORD, "10.0.0.7")
    assert locked.status_code == 429
    assert "Too many tries" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_classmate_behind_the_same_school_address_still_signs_in(student, classmate, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        sign_in(client, student.username, "typo", "10.0.0.7")
    other = Client()
    assert sign_in(other, classmate.username, PASSWORD, "10.0.0.7").status_code == 302


def test_the_lock_cools_off(student, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, student.username, "wrong", "10.0.0.7")
    assert sign_in(client, student.username, PASSWORD, "10.0.0.7").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    assert sign_in(client, student.username, PASSWORD, "10.0.0.7").status_code == 302


def test_failed_sign_in_is_logged_with_username_and_address_but_no_password(student, caplog):
    with caplog.at_level(logging.INFO, logger="site.auth"):
        sign_in(Client(), student.username, "my-secret-guess-123", "10.0.0.9")
    record = next(r for r in caplog.records if getattr(r, "event", "") == "sign_in_failed")
    assert record.username == student.username and record.client == "10.0.0.9"
    everything = " ".join(str(r.__dict__) for r in caplog.records)
    assert "my-secret-guess-123" not in everything


def test_json_log_lines_carry_the_event_fields(student, caplog):
    from site_config.logging import JsonFormatter

    with caplog.at_level(logging.INFO, logger="site.auth"):
        sign_in(Client(), student.username, PASSWORD, "10.0.0.9")
    record = next(r for r in caplog.records if getattr(r, "event", "") == "sign_in")
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "sign_in" and line["username"] == student.username
    assert line["level"] == "INFO" and line["message"] == "sign-in"


def test_500_is_logged_with_method_and_path_only(client, student, caplog, monkeypatch):
    from site_config.logging import RequestFieldsFilter

    client.raise_request_exception = False
    monkeypatch.setattr("pages.views.student_assignments", lambda *a, **k: 1 / 0)
    client.force_login(student)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("pages:dashboard"), {"secret": "do-not-log"})
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestFieldsFilter().filter(record)
    assert record.path == "/dashboard/" and record.method == "GET"
    assert "do-not-log" not in record.path


def test_sign_in_gives_a_new_session_key(client, student):
    client.get(reverse("accounts:login"))
    client.cookies["sessionid"] = "attacker-fixed-session-key"
    response = sign_in(client, student.username, PASSWORD, "10.0.0.1")
    assert response.cookies["sessionid"].value != "attacker-fixed-session-key"


def test_signed_out_session_is_dead_even_if_its_cookie_is_replayed(student):
    client = Client()
    sign_in(client, student.username, PASSWORD, "10.0.0.1")
    old_key = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_key
    assert replay.get(reverse("pages:dashboard")).status_code == 302


def test_password_change_ends_the_other_sessions(student):
    laptop, library = Client(), Client()
    for client in (laptop, library):
        sign_in(client, student.username, PASSWORD, "10.0.0.1")
    laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-phrase-1945",
            "new_password2": "a-new-pass-phrase-1945",
        },
    )
    assert laptop.get(reverse("pages:dashboard")).status_code == 200
    assert library.get(reverse("pages:dashboard")).status_code == 302


def test_deactivated_student_is_signed_out_at_once(student):
    client = Client()
    sign_in(client, student.username, PASSWORD, "10.0.0.1")
    student.is_active = False
    student.save()
    assert client.get(reverse("pages:dashboard")).status_code == 302


def test_idle_session_ends_after_the_timeout(student, settings):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    client = Client()
    sign_in(client, student.username, PASSWORD, "10.0.0.1")
    assert client.get(reverse("pages:dashboard")).status_code == 200
    session = client.session
    session["_last_seen"] = time.time() - 31 * 60
    session.save()
    assert client.get(reverse("pages:dashboard")).status_code == 302


def test_active_session_stays_signed_in(student, settings):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    client = Client()
    sign_in(client, student.username, PASSWORD, "10.0.0.1")
    session = client.session
    session["_last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("pages:dashboard")).status_code == 200
    assert client.session["_last_seen"] > time.time() - 5


def test_security_headers_on_every_url_a_superuser_can_open(
    school, student, superuser, production_like
):
    """Every URL pattern, the admin's included, walked from the resolver."""
    from tests.test_urls import concrete, walk

    client = Client()
    client.force_login(superuser)
    checked = 0
    for route in walk():
        response = client.get(concrete(route, school, student), secure=True)
        if response.status_code != 200:
            continue
        checked += 1
        headers = response.headers
        assert "max-age=31536000" in headers["Strict-Transport-Security"], route.key
        assert headers["X-Content-Type-Options"] == "nosniff", route.key
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", route.key
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], route.key
        # Signed in, every page is the viewer's alone: no proxy or Back button may keep it.
        assert "no-store" in headers["Cache-Control"], route.key
        assert "camera=()" in headers["Permissions-Policy"], route.key
    assert checked > 40


def test_signed_in_pages_are_never_stored_and_public_pages_may_be(client, student, school):
    assert "no-store" not in client.get(reverse("pages:home")).headers.get("Cache-Control", "")
    client.force_login(student)
    for url in (reverse("pages:dashboard"), school.post.get_absolute_url(), reverse("pages:home")):
        assert "no-store" in client.get(url).headers["Cache-Control"], url


def test_after_signing_out_back_shows_nothing_personal(client, student, school):
    client.force_login(student)
    dashboard = client.get(reverse("pages:dashboard"))
    assert "private" in dashboard.headers["Cache-Control"]
    client.post(reverse("accounts:logout"))
    again = client.get(reverse("pages:dashboard"))
    assert again.status_code == 302 and again.url.startswith(reverse("accounts:login"))


# The client's address behind the proxy --------------------------------------------------------


def sign_in_via_proxy(client, username, password, forwarded_for):
    """As nginx sends it: from the proxy's address, the client's in X-Forwarded-For."""
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_the_lock_is_per_username_and_real_client_address(
    student, classmate, settings
):
    settings.PROXY_COUNT = 1
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy(client, student.username, "wrong", "203.0.113.7")
    assert sign_in_via_proxy(client, student.username, PASSWORD, "203.0.113.7").status_code == 429
    # The same student from another address, and a classmate from the locked one, sign in.
    assert (
        sign_in_via_proxy(Client(), student.username, PASSWORD, "198.51.100.4").status_code == 302
    )
    assert (
        sign_in_via_proxy(Client(), classmate.username, PASSWORD, "203.0.113.7").status_code == 302
    )
    attempt = AccessAttempt.objects.get(username=student.username)
    assert attempt.ip_address == "203.0.113.7"  # not the proxy's 127.0.0.1


def test_a_client_cannot_choose_its_address_by_sending_x_forwarded_for(student, settings):
    settings.PROXY_COUNT = 1
    # nginx appends the address it saw; whatever the client wrote before it is ignored.
    for number in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in_via_proxy(Client(), student.username, "wrong", f"10.9.9.{number}, 203.0.113.7")
    locked = sign_in_via_proxy(Client(), student.username, PASSWORD, "10.1.1.1, 203.0.113.7")
    assert locked.status_code == 429


def test_join_attempts_and_logs_record_the_real_client_address(client, student, settings, caplog):
    from classroom.models import JoinAttempt

    settings.PROXY_COUNT = 1
    client.force_login(student)
    client.post(
        reverse("classroom:join"),
        {"code": "ZZZZ-ZZZZ"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert JoinAttempt.objects.get(user=student).ip_address == "198.51.100.23"
    caplog.clear()
    sign_in_via_proxy(Client(), student.username, "wrong", "198.51.100.23")
    assert any(getattr(r, "client", "") == "198.51.100.23" for r in caplog.records)
