"""Development and demo: SQLite, debug pages, e-mail printed to the console."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = SECRET_KEY or "django-insecure-dev-only-not-for-any-real-school"  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
