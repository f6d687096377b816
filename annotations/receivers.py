"""Signal receivers, connected in ``AnnotationsConfig.ready``."""

from django.db import transaction

from .services import lesson_reanchor


def reanchor_when_content_changes(sender, instance, created, raw=False, using=None, **kwargs):
    """After ``sync_lessons`` saved a changed lesson, re-anchor its annotations once the whole
    sync is committed (its paragraphs are written after the lesson itself)."""
    if created or raw:
        return
    transaction.on_commit(lambda: lesson_reanchor(instance), using=using)
