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
from django.http import HttpResponseBadRequest
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


class RefuseNulMiddleware:
    """Answer 400 to a query string holding NUL (``%00``), in any page or admin filter.

    PostgreSQL refuses NUL in any text value, even in a lookup, so an admin filter or search
    box handed one would otherwise be a server error; no real link or form ever sends one.
    (Forms refuse NUL in what is posted: Django's CharField does.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "This address has a character no page accepts (a NUL, %00). Check the link.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
