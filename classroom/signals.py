"""Signals classroom defines, so apps above it can add what students did without an import
upwards (the layers: accounts → lessons → classroom → discussions → pages).

``answers_wanted`` is sent whenever progress against assignments is worked out (the progress
grid, a student's dashboard, the class page). An app that records answers to a lesson's
prompts (discussions) connects a receiver in its ``AppConfig.ready`` and returns an
:class:`classroom.selectors.Answers` for the classes, students and lessons asked about.
"""

from django.dispatch import Signal

# Keyword arguments: classes (ids), students (ids), lessons (ids). Receivers return Answers.
answers_wanted = Signal()

# Sent with the same keyword arguments when the progress grid and a student's cells are worked
# out. A receiver (annotations) returns an object with ``count(class_id, student_id, lesson_id)``
# and ``kinds(class_id, student_id, lesson_id)`` (kind → count) for the students' annotations.
annotations_wanted = Signal()
