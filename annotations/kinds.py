"""The kinds of annotation, in one place a school can change.

The stored value is the key; the label is what people read. A school renames a kind (or adds
one) with ``ANNOTATION_KINDS`` in its settings, a list of ``(key, label, hint)``; keys already
used by annotations should stay, or those annotations show their bare key.
"""

from django.conf import settings

DEFAULT_KINDS = [
    ("question", "Question", "Something you want to know or do not understand."),
    ("evidence", "Evidence", "Words you could quote to support an argument."),
    ("context", "Context", "What a reader needs to know to understand this."),
    ("challenge", "Challenge the text", "Where the essay simplifies, errs or leaves out."),
    ("connection", "Connection to another lesson", "A link to a paragraph of another lesson."),
]

# The kind that may link a paragraph of another lesson.
CONNECTION = "connection"


def kinds() -> list[tuple[str, str, str]]:
    return list(getattr(settings, "ANNOTATION_KINDS", DEFAULT_KINDS))


def kind_choices() -> list[tuple[str, str]]:
    """``choices`` for the model and forms (a callable, so settings apply at run time)."""
    return [(key, label) for key, label, _hint in kinds()]


def kind_label(key: str) -> str:
    return dict(kind_choices()).get(key, key)
