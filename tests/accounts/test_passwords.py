"""Passwords: Argon2id at OWASP's cost, old hashes upgraded, a minimum the school sets, first
passwords replaced at first sign-in, and password-reset e-mails that cannot be used to flood."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from site_config.settings import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_new_passwords_are_hashed_with_argon2id_at_owasps_cost(real_hashers):
    user = User.objects.create_user("hashed", password="a-long-passphrase-1917")
    algorithm, variety, version, params, *_ = user.password.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    assert params == "m=19456,t=2,p=1"


def test_an_old_pbkdf2_hash_is_upgraded_at_sign_in(client, real_hashers):
    user = User.objects.create(
        username="old", password=make_password("a-long-passphrase-1917", hasher="pbkdf2_sha256")
    )
    assert sign_in(client, "old", "a-long-passphrase-1917").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_the_minimum_length_is_the_schools_setting(client, student, settings):
    assert base.PASSWORD_MIN_LENGTH == 10  # the default, DJANGO_PASSWORD_MIN_LENGTH changes it
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 14},
        }
    ]
    client.force_login(student)
    page = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "a-long-test-password-1917",
            "new_password1": "short-pw-191",
            "new_password2": "short-pw-191",
        },
    ).content.decode()
    assert "at least 14 characters" in page


def test_a_first_password_must_be_replaced_before_anything_else(client):
    User.objects.create(
        username="new-student",
        password=make_password("abcd-efgh-jkmn", hasher="argon2-first"),
        must_change_password=True,
    )
    response = sign_in(client, "new-student", "abcd-efgh-jkmn")
    assert client.get(reverse("pages:dashboard")).url == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Choose a password of your own" in page
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "abcd-efgh-jkmn",
            "new_password1": "my-own-secret-1936",
            "new_password2": "my-own-secret-1936",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("pages:dashboard")).status_code == 200
    user = User.objects.get(username="new-student")
    assert not user.must_change_password


def test_reset_emails_stop_after_a_few_for_one_account(client, student):
    for _ in range(5):
        response = client.post(reverse("accounts:password_reset"), {"email": student.email})
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == 3


def test_reset_emails_stop_after_many_from_one_address(make_user):
    users = [make_user() for _ in range(25)]
    client = Client()
    for user in users:
        client.post(
            reverse("accounts:password_reset"), {"email": user.email}, REMOTE_ADDR="10.0.0.9"
        )
    assert len(mail.outbox) == 20
    Client().post(
        reverse("accounts:password_reset"), {"email": users[0].email}, REMOTE_ADDR="10.0.0.10"
    )
    assert len(mail.outbox) == 21  # another address is not held up
