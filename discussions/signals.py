"""Invalidate cached pages when a post changes: a class's discussions, post counts and
“responded” marks show to all its members (site_config.pagecache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from site_config.pagecache import bump_viewers

from .models import Post


@receiver([post_save, post_delete], sender=Post)
def post_changed(sender, instance, **kwargs):
    bump_viewers(classes=[instance.school_class_id])
