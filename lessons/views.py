"""Pages of the lesson machinery itself: the unit's glossary and the reader's choice of notes.

The lesson page, which shows a reader's assignment, progress and class discussions too, is
composed in ``pages``, above the apps it draws on.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User

from .catalogue import published_lessons
from .rendering import glossary_html


class NotesShownForm(forms.Form):
    """Which notes the reading highlights. A plain form rather than a ModelForm, so the view
    saves this one field and nothing else of the user."""

    notes_shown = forms.ChoiceField(choices=User.NotesShown.choices)
    next = forms.CharField(required=False)


@require_GET
def glossary(request):
    """Every term of the unit, alphabetically, with where each is used in the readings."""
    return render(request, "lessons/glossary.html", {"entries": glossary_html(published_lessons())})


@require_POST
def notes_preference(request):
    """Save which notes the reader wants highlighted, then go back to where they were.

    ``notes.js`` sends the same form in the background (and gets 204), so the choice applies at
    once and is still there after a reload; without JavaScript the form posts and redirects.
    """
    form = NotesShownForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose which notes to show.")
    request.user.notes_shown = form.cleaned_data["notes_shown"]
    # Save only this field: a stale copy of the user must never overwrite anything else.
    request.user.save(update_fields=["notes_shown"])
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    messages.success(request, f"Notes shown: {request.user.get_notes_shown_display().lower()}.")
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(next_url)
