"""Invalidate cached pages when classes, rosters, assignments or reading progress change.

Who sees what: a class's students and teachers see its assignments and class details; a
student's reading progress shows to them and to their teachers (site_config.pagecache).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from site_config.pagecache import bump_viewers

from .models import Assignment, Enrolment, ReadingProgress, SchoolClass


@receiver([post_save, post_delete], sender=SchoolClass)
@receiver([post_save, post_delete], sender=Assignment)
def class_or_assignment_changed(sender, instance, **kwargs):
    school_class_id = instance.pk if sender is SchoolClass else instance.school_class_id
    bump_viewers(classes=[school_class_id])


@receiver(m2m_changed, sender=SchoolClass.teachers.through)
@receiver(m2m_changed, sender=Assignment.required_prompts.through)
def class_links_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, SchoolClass):
        # Teachers added or removed see the change too.
        bump_viewers(users=pk_set or (), classes=[instance.pk])
    elif isinstance(instance, Assignment):
        bump_viewers(classes=[instance.school_class_id])
    else:  # a teacher's classes changed from the user's side
        bump_viewers(users=[instance.pk], classes=pk_set or ())


@receiver([post_save, post_delete], sender=Enrolment)
def enrolment_changed(sender, instance, **kwargs):
    bump_viewers(users=[instance.student_id], classes=[instance.school_class_id])


@receiver([post_save, post_delete], sender=ReadingProgress)
def progress_changed(sender, instance, **kwargs):
    reading_progress_changed(instance.student_id)


def reading_progress_changed(student_id: int) -> None:
    """The student's pages, and their teachers' progress grids, show this progress."""
    classes = Enrolment.objects.filter(student_id=student_id).values_list(
        "school_class_id", flat=True
    )
    from accounts.models import User

    teachers = User.objects.filter(classes_taught__in=list(classes)).values_list("pk", flat=True)
    bump_viewers(users=[student_id, *teachers])
