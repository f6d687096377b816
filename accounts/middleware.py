"""Middleware about the person making the request: their address, and a first password."""

from django.shortcuts import redirect
from django.urls import reverse

from .network import client_ip


class ClientAddressMiddleware:
    """Put the client's address on the request (``request.client_ip``) for logs and throttles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        return self.get_response(request)


class FirstPasswordMiddleware:
    """Send a student whose password a teacher chose to choose their own, before anything else.

    The first password is printed on a slip and read aloud, so it is known to others; until the
    student has changed it every page but the password form and signing out leads there.
    """

    ALLOWED = ("accounts:password_change", "accounts:password_change_done", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)
