from django import template

from discussions.text import render_post

register = template.Library()


@register.filter
def post_html(text: str, reading_url: str = ""):
    """A student's post as safe HTML (see ``discussions.text``); ¶N links into the reading."""
    return render_post(text, reading_url=reading_url)
