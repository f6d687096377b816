"""The site's URLs plus ``/bench/minimal/``, the baseline page of the throughput benchmark.

The minimal page needs a signed-in user (``LoginRequiredMiddleware`` applies to it as to every
page) and touches ``request.user``, so it pays for the same middleware, the session row and the
user row as any page of the site, and nothing else: no template, no further query.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def minimal(request):
    """A tiny signed-in page: loads the session and the user, renders nothing."""
    return HttpResponse(f"ok {request.user.pk}\n", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("site_config.urls")),
]
