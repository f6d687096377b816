"""The client's address, decided in one place for sign-in throttling, logs and join attempts.

Behind nginx every request comes from the proxy, so ``REMOTE_ADDR`` is the proxy's address and
the client's is in ``X-Forwarded-For``. That header is written by whoever sends the request, so
only the entries added by our own proxies can be trusted: with ``PROXY_COUNT`` proxies in front
(``DJANGO_PROXY_COUNT``, 1 for the documented nginx), the client is the ``PROXY_COUNT``-th
address from the right, and anything a client put further left is ignored.

Why not django-ipware: its ``proxy_count`` counts the proxies' own addresses inside the header,
which nginx does not add (``$proxy_add_x_forwarded_for`` appends the client's), so with the
documented nginx it finds no address at all. The rule above is the one nginx's own
``real_ip_recursive`` applies, and it is a few lines.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address as our own proxies saw it; ``REMOTE_ADDR`` with no proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if not proxies:
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop]
    if len(chain) < proxies:
        # Not through our proxy (a health check from the server itself): say what we saw.
        return remote
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
