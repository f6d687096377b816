"""Tests: SQLite unless DATABASE_URL names PostgreSQL; fast hashing only where it is harmless."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-only-secret-key-that-is-long-enough-for-checks-0123456789"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test suite creates hundreds of users; the real hasher's cost is measured in bench/.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "accounts.hashers.FirstPasswordHasher",
]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
