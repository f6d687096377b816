"""Template tags for the teachers' admin: the admin's index, which Django renders itself,
shows a teacher their classes first."""

from django import template

from classroom.selectors import classes_on_admin_index

register = template.Library()


@register.simple_tag
def classes_for_index(user):
    """The active classes ``user`` teaches (None: not a teacher; the index shows no list)."""
    return classes_on_admin_index(user)
