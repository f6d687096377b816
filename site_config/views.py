"""The site's public pages: the landing page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lessons.models import Lesson


@login_not_required
@require_GET
def home(request):
    lessons = Lesson.objects.published().only("slug", "title", "summary", "order")
    return render(request, "home.html", {"lessons": lessons})


@login_not_required
@require_GET
def privacy(request):
    return render(request, "privacy.html")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
