"""The privacy notice: what the site keeps and who sees it. Public, like the landing page."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def notice(request):
    return render(request, "privacy/notice.html")
