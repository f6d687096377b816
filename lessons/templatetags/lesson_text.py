"""Filters and tags for lesson pages: editorial notes, figures, and the notes control."""

from django import template

from accounts.models import User
from lessons.rendering import format_figure, render_inline_note, render_note

register = template.Library()


@register.filter
def note(text: str):
    """Render an editorial note: a small Markdown subset, sanitised, with ¶N linked."""
    return render_note(text)


@register.filter
def inline_note(text: str):
    """Render a note that sits inside a sentence or list item, without a wrapping paragraph."""
    return render_inline_note(text)


@register.filter
def figure(value):
    """A number as a data table shows it (``1,234.5``)."""
    return format_figure(value)


@register.inclusion_tag("lessons/_notes_control.html", takes_context=True)
def notes_control(context, shown: str | None = None):
    """The reader's choice of which notes the reading highlights: a form that works without
    JavaScript (it posts and comes back) and, with ``notes.js``, applies at once."""
    request = context.get("request")
    shown = shown or context.get("notes_shown") or User.NotesShown.ESSENTIAL
    return {
        "choices": User.NotesShown.choices,
        "shown": shown,
        "next": f"{request.get_full_path()}#notes-control" if request else "",
        "csrf_token": context.get("csrf_token"),
    }
