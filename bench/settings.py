"""Production settings for the benchmarks: ``site_config.settings.prod`` with three changes.

Everything that costs time on a request (middleware, sessions in the database, persistent
connections with health checks, whitenoise, the JSON logging, the locmem cache) is exactly as in
production. What differs, and why:

- ``ROOT_URLCONF`` is ``bench.urls``: the site's URLs plus one signed-in minimal page,
  ``/bench/minimal/``, the baseline every other page is compared with.
- ``SESSION_COOKIE_SECURE`` and ``CSRF_COOKIE_SECURE`` are off. The benchmarks speak plain HTTP
  on 127.0.0.1 (there is no TLS proxy in front), and HTTP clients such as locust's do not send
  ``Secure`` cookies over HTTP. Django never checks the flag on the way in, so the server does
  the same work either way; only the ``Set-Cookie`` attribute changes.
- ``STATIC_ROOT`` is a folder outside the repository (``BENCH_STATIC_ROOT``, by default in the
  system's temporary directory), so ``collectstatic`` for the manifest storage writes nothing
  into the work tree.

Run with ``DJANGO_SETTINGS_MODULE=bench.settings`` and the environment prod requires:
``DJANGO_SECRET_KEY`` (50+ random characters), ``DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost``,
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_throughput`` and
``DJANGO_SECURE_SSL_REDIRECT=false``. The scripts in ``bench/`` set all of these themselves.
"""

import os
import tempfile
from pathlib import Path

from site_config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT") or Path(tempfile.gettempdir()) / "stalin-unit-bench-static"
)

# Under bench/stack.py each app server is told its number; it says which one answered in an
# X-Bench-App-Server header, so the scale-out drill can show where each request went.
if os.environ.get("BENCH_APP_SERVER"):
    MIDDLEWARE = ["bench.settings.AppServerHeader", *MIDDLEWARE]  # noqa: F405


class AppServerHeader:
    """Adds ``X-Bench-App-Server: <n>`` to every response (benchmarks only)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.name = os.environ.get("BENCH_APP_SERVER", "")

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Bench-App-Server"] = self.name
        return response
