"""Middleware for every request: idle sign-out and private pages on shared school computers.

A session unused for ``SESSION_IDLE_TIMEOUT`` ends, so a student who walks away from a
library computer is signed out. The last-seen time is written at most once a minute, so the
timeout costs almost nothing per request.

Every page shown to someone signed in is theirs alone: it is sent with
``Cache-Control: no-store``, so no proxy keeps it and the browser's Back button after signing
out shows nothing. Every response says which browser features no page uses
(``Permissions-Policy``).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

LAST_SEEN_KEY = "_last_seen"
WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", None)
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > timeout.total_seconds():
                logout(request)
            elif now - last_seen >= WRITE_EVERY_SECONDS or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
