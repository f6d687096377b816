"""Production at a school: every secret and host comes from the environment, with no default.

A missing or unsafe value stops start-up with a message naming the variable. The README's
“Deploying at a school” section lists them all; ``deploy/example.env`` is a filled-in example.
"""

import os
import zoneinfo
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES


def require_env(name: str) -> str:
    """Return the environment variable ``name`` or stop start-up with a message naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"You must set the environment variable {name}.")
    return value


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
    return value in ("true", "1", "yes")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = False

SECRET_KEY = require_env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is unsafe: use at least 50 random characters, for example from "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "You must set the environment variable DJANGO_ALLOWED_HOSTS (the site's host names, "
        "comma-separated, e.g. history.school.example)."
    )
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts; '*' is unsafe.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith("https://"):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries must start with https:// ({origin!r} does not)."
        )

if not require_env("DATABASE_URL").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://user:password@host:5432/name)."
    )
# Persistent connections, checked before reuse so a restarted database is survived.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"DJANGO_TIME_ZONE {TIME_ZONE!r} is not a time zone name (e.g. Europe/London)."
    )

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS everywhere; nginx (or another proxy) terminates TLS and says so in X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' HSTS preload list commits the school's whole domain to HTTPS for
    # good: the domain's owner decides that (DJANGO_SECURE_HSTS_PRELOAD=true), not this app.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Shared school computers: sessions end with the browser and after a short idle time.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_flag("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("DJANGO_SESSION_IDLE_MINUTES", 30))

# Behind the documented nginx: the client's address is the last X-Forwarded-For hop, used for
# sign-in throttling, logs and join attempts alike (accounts/network.py).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", f"noreply@{ALLOWED_HOSTS[0]}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Several app servers share one Redis for the cache and sessions when DJANGO_REDIS_URL is set
# (pip install '.[redis]'; give the site a Redis database of its own). Losing Redis must cost
# speed, not pages: site_config.cache turns "Redis unreachable" into cache misses (one warning
# in the log), and sessions are cached_db, written to PostgreSQL first, so they survive an app
# server's restart and Redis's loss alike. Without it each app server keeps its own locmem cache
# and sessions stay in the database.
if redis_url := os.environ.get("DJANGO_REDIS_URL", "").strip():
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "DJANGO_REDIS_URL must be a Redis URL (redis://127.0.0.1:6379/0, rediss://… or "
            f"unix://…), not {redis_url!r}."
        )
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "DJANGO_REDIS_URL is set but the redis package is missing: pip install '.[redis]'."
        ) from None
    CACHES = {
        "default": {
            "BACKEND": "site_config.cache.ForgivingRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {
                # A Redis that hangs must not hold a request: give up on it within a second.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
                # After a failure, serve from PostgreSQL alone for this long before retrying.
                "RETRY_AFTER_SECONDS": 5,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_fields": {"()": "site_config.logging.RequestFieldsFilter"}},
    "formatters": {"json": {"()": "site_config.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_fields"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        "site.auth": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
