from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Annotations"

    def ready(self):
        from django.db.models.signals import post_save

        from classroom.signals import annotations_wanted
        from lessons.models import Lesson

        from .receivers import reanchor_when_content_changes
        from .selectors import counts_for_progress

        # Annotations count on the progress grid through classroom's signal, so classroom
        # never imports this app.
        annotations_wanted.connect(counts_for_progress, dispatch_uid="annotations.counts")
        # The loader saves a lesson only when its content changed: follow the words then.
        post_save.connect(
            reanchor_when_content_changes, sender=Lesson, dispatch_uid="annotations.reanchor"
        )
