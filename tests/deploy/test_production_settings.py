"""Production settings come from the environment; a missing or unsafe value stops start-up
with a message naming it; the documented example passes ``check --deploy``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = ROOT / "deploy" / "example.env"


def example_env() -> dict[str, str]:
    values = {}
    for line in EXAMPLE_ENV.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def run(args, **overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(example_env())
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_documented_example_environment():
    result = run(["check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "You must set the environment variable DJANGO_SECRET_KEY"),
        ("DJANGO_SECRET_KEY", "too-short", "DJANGO_SECRET_KEY is unsafe"),
        ("DJANGO_SECRET_KEY", "django-insecure-" + "x" * 60, "DJANGO_SECRET_KEY is unsafe"),
        (
            "DJANGO_ALLOWED_HOSTS",
            None,
            "You must set the environment variable DJANGO_ALLOWED_HOSTS",
        ),
        ("DJANGO_ALLOWED_HOSTS", "*", "'*' is unsafe"),
        ("DATABASE_URL", None, "You must set the environment variable DATABASE_URL"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        (
            "DJANGO_CSRF_TRUSTED_ORIGINS",
            "http://history.school.example",
            "must start with https://",
        ),
        ("DJANGO_TIME_ZONE", "Mars/Olympus", "DJANGO_TIME_ZONE 'Mars/Olympus' is not a time zone"),
        (
            "DJANGO_SESSION_IDLE_MINUTES",
            "half an hour",
            "DJANGO_SESSION_IDLE_MINUTES must be a whole",
        ),
        ("DJANGO_SECURE_SSL_REDIRECT", "maybe", "DJANGO_SECURE_SSL_REDIRECT must be true or false"),
    ],
)
def test_missing_or_unsafe_setting_stops_start_up_naming_it(name, value, message):
    result = run(["check"], **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_seed_demo_refuses_in_production():
    result = run(["seed_demo"])
    assert result.returncode != 0
    assert "seed_demo only runs with DEBUG on" in result.stderr


def test_production_serves_static_files_with_hashed_compressed_names(tmp_path):
    result = run(["collectstatic", "--no-input"], DJANGO_STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    css = list(tmp_path.glob("css/site.*.css"))
    assert css, "no hashed site.css"
    assert list(tmp_path.glob("css/site.*.css.gz"))
