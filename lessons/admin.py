"""Lessons in the admin: read-only, because the content files are the source of truth."""

from django.contrib import admin

from .models import (
    Annotation,
    CheckQuestion,
    Dataset,
    Event,
    ExamQuestion,
    FurtherReading,
    GlossaryTerm,
    Interpretation,
    Lesson,
    Person,
    Prompt,
    Source,
    Term,
    Voice,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Content is edited in the section apps' files and loaded by ``sync_lessons``."""

    show_facets = admin.ShowFacets.ALWAYS

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["order", "title", "slug", "is_published", "updated_at"]
    list_display_links = ["title"]


class LessonItemAdmin(ReadOnlyAdmin):
    list_filter = ["lesson", "is_published"]
    list_select_related = ["lesson"]


@admin.register(Annotation)
class AnnotationAdmin(LessonItemAdmin):
    list_display = ["quote", "kind", "tier", "lesson", "paragraph", "is_published"]
    list_filter = ["kind", "tier", *LessonItemAdmin.list_filter]
    search_fields = ["quote", "note"]


@admin.register(Term)
class TermAdmin(LessonItemAdmin):
    list_display = ["term", "lesson", "paragraph", "is_published"]
    search_fields = ["term", "definition"]


@admin.register(Source)
class SourceAdmin(LessonItemAdmin):
    list_display = ["title", "author", "date_label", "lesson", "is_published"]
    search_fields = ["title", "author", "excerpt"]


@admin.register(Person)
class PersonAdmin(LessonItemAdmin):
    list_display = ["name", "life", "lesson"]
    search_fields = ["name"]


@admin.register(Event)
class EventAdmin(LessonItemAdmin):
    list_display = ["date", "title", "lesson"]


@admin.register(Prompt)
class PromptAdmin(LessonItemAdmin):
    list_display = ["question", "lesson", "is_published"]
    search_fields = ["question"]


@admin.register(Interpretation)
class InterpretationAdmin(LessonItemAdmin):
    list_display = ["historian", "debate", "lesson", "is_published"]
    search_fields = ["historian", "debate", "summary", "citation"]


@admin.register(Voice)
class VoiceAdmin(LessonItemAdmin):
    list_display = ["title", "author", "date_label", "lesson", "is_published"]
    search_fields = ["title", "author", "excerpt"]


@admin.register(Dataset)
class DatasetAdmin(LessonItemAdmin):
    list_display = ["title", "chart", "lesson", "is_published"]
    search_fields = ["title", "citation"]


@admin.register(CheckQuestion)
class CheckQuestionAdmin(LessonItemAdmin):
    list_display = ["question", "lesson", "paragraph", "is_published"]
    search_fields = ["question"]


@admin.register(ExamQuestion)
class ExamQuestionAdmin(LessonItemAdmin):
    list_display = ["question", "marks", "lesson", "is_published"]
    search_fields = ["question"]


@admin.register(FurtherReading)
class FurtherReadingAdmin(LessonItemAdmin):
    list_display = ["author", "title", "year", "lesson", "is_published"]
    search_fields = ["author", "title"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ReadOnlyAdmin):
    list_display = ["term", "key", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["term", "definition"]
