"""Site-wide sweeps: every page has one <h1>, sends a strict CSP and has no inline code."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Lesson

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


def pages(client, student):
    """(name, response) for every public page and every page a signed-in student reads."""
    yield "home", client.get(reverse("pages:home"))
    yield "sign in", client.get(reverse("accounts:login"))
    yield "password reset", client.get(reverse("accounts:password_reset"))
    yield "not found", client.get("/no-such-page/")
    client.force_login(student)
    yield "home signed in", client.get(reverse("pages:home"))
    yield "lessons", client.get(reverse("pages:lesson_index"))
    yield "password change", client.get(reverse("accounts:password_change"))
    for lesson in Lesson.objects.published():
        yield lesson.slug, client.get(lesson.get_absolute_url())


def test_every_page_has_exactly_one_h1(client, student):
    for name, response in pages(client, student):
        assert response.content.decode().count("<h1") == 1, name


def test_every_page_sends_a_strict_content_security_policy(client, student):
    for name, response in pages(client, student):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy, name
        assert "unsafe-inline" not in policy, name
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, name


def test_no_page_has_inline_scripts_styles_or_handlers(client, student):
    for name, response in pages(client, student):
        page = response.content.decode()
        assert not INLINE_SCRIPT.search(page), name
        assert not INLINE_STYLE.search(page), name


def test_no_page_loads_anything_from_another_host(client, student):
    for name, response in pages(client, student):
        page = response.content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', page), name


def test_landing_page_says_what_the_unit_is_without_showing_content(client, lesson):
    page = client.get(reverse("pages:home")).content.decode()
    assert "history unit" in page
    assert 'href="/accounts/sign-in/"' in page
    note = lesson.annotations.published().first().note
    assert note[:40] not in page
    assert lesson.prompts.published().first().question[:40] not in page


def test_healthz_reports_the_database_as_json(client):
    response = client.get(reverse("pages:healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_no_model_changes_are_missing_a_migration():
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()
