"""Teachers' admin for annotations: the class annotations of the classes they teach (never a
student's private ones), with the ones whose words changed listed for re-attaching or
dismissing; and each class's annotation settings (pseudonyms)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.admin import ScopedAdminMixin
from classroom.models import SchoolClass

from .models import Annotation, ClassSettings
from .services import (
    annotation_reattach,
    orphan_dismiss,
    paragraph_texts,
    resolve_target,
)


class ReattachForm(forms.ModelForm):
    """Re-attach: choose new words (a paragraph and its exact words) for the annotation."""

    new_paragraph = forms.IntegerField(
        label="Re-attach to paragraph (¶)", min_value=1, required=False
    )
    new_words = forms.CharField(
        label="… these exact words of it",
        required=False,
        strip=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Copy the words from the reading as it is now. Leave both empty to change nothing."
        ),
    )

    class Meta:
        model = Annotation
        fields = ["is_hidden", "is_pinned", "is_exemplary"]

    def clean(self):
        cleaned = super().clean()
        paragraph, words = cleaned.get("new_paragraph"), cleaned.get("new_words")
        self.target = None
        if paragraph or words:
            try:
                self.target = resolve_target(
                    paragraph_texts(self.instance.lesson), paragraph=paragraph, exact=words
                )
            except ValidationError as error:
                raise ValidationError({"new_words": error}) from None
        return cleaned


class TextChangedFilter(admin.SimpleListFilter):
    title = "text changed"
    parameter_name = "orphaned"

    def lookups(self, request, model_admin):
        return [("waiting", "To re-attach or dismiss"), ("dismissed", "Dismissed")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(is_orphaned=True, orphan_dismissed_at=None)
        if self.value() == "dismissed":
            return queryset.filter(is_orphaned=True).exclude(orphan_dismissed_at=None)
        return queryset


@admin.register(Annotation)
class AnnotationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ReattachForm
    list_display = [
        "quote",
        "lesson",
        "paragraph",
        "kind",
        "author",
        "school_class",
        "is_orphaned",
        "is_hidden",
        "created_at",
    ]
    list_select_related = ["lesson", "author", "school_class"]
    list_filter = [TextChangedFilter, "kind", "is_hidden", "is_exemplary", "lesson"]
    search_fields = ["exact", "body", "author__username", "author__last_name"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["dismiss_orphans"]
    readonly_fields = [
        "school_class",
        "lesson",
        "author",
        "kind",
        "body",
        "paragraph",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
        "is_orphaned",
        "orphan_dismissed_at",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["school_class", "lesson", "author", "kind", "body", "created_at"]}),
        (
            "Where it is",
            {"fields": ["paragraph", "exact", "prefix", "suffix", "start", "end", "is_orphaned"]},
        ),
        (
            "Text changed: re-attach",
            {"fields": ["new_paragraph", "new_words", "orphan_dismissed_at"]},
        ),
        ("Moderation", {"fields": ["is_hidden", "is_pinned", "is_exemplary"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).moderated_by(request.user).filter(is_deleted=False)

    def has_add_permission(self, request):
        return False  # annotations are made on the reading

    @admin.display(description="quote")
    def quote(self, annotation):
        return f"“{annotation.exact[:60]}”"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "target", None) is not None:
            annotation_reattach(annotation=obj, teacher=request.user, target=form.target)
            messages.success(request, f"Re-attached to ¶{obj.paragraph}: “{obj.exact[:60]}”.")

    @admin.action(description="Dismiss: keep them for their authors, off this list")
    def dismiss_orphans(self, request, queryset):
        count = 0
        for annotation in queryset.filter(is_orphaned=True, orphan_dismissed_at=None):
            orphan_dismiss(annotation=annotation, teacher=request.user)
            count += 1
        self.message_user(request, f"Dismissed {count} annotation(s) whose text changed.")


@admin.register(ClassSettings)
class ClassSettingsAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["school_class", "pseudonyms"]
    list_select_related = ["school_class"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(school_class__in=SchoolClass.objects.taught_by(request.user))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "school_class":
            kwargs["queryset"] = SchoolClass.objects.taught_by(request.user).active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
