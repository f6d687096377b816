from django import template

from lessons.rendering import render_note

register = template.Library()


@register.filter
def note(text: str):
    """Render an editorial note: a small Markdown subset, sanitised, with ¶N linked."""
    return render_note(text)
