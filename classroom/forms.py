from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError

from .models import JOIN_CODE_LENGTH, Assignment
from .rosters import ROSTER_MAX_BYTES
from .services import check_prompts_of_lesson


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=20,
        help_text=(
            f"{JOIN_CODE_LENGTH} letters and digits from your teacher, for example KX7P-2MRD."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text=(
            "Columns: given name, family name, username or email, and optionally a password. "
            "A header row is allowed. Commas, semicolons or tabs; UTF-8, UTF-16 or Windows "
            f"encodings. Up to {ROSTER_MAX_BYTES // 1024} KB."
        ),
    )


class AssignmentAdminForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "school_class",
            "lesson",
            "opens_at",
            "due_at",
            "instructions",
            "required_prompts",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "required_prompts" in self.fields:
            self.fields["required_prompts"].label_from_instance = lambda prompt: (
                f"Lesson {prompt.lesson.order}: {prompt.question[:90]}"
            )

    def clean(self):
        cleaned = super().clean()
        lesson = cleaned.get("lesson")
        prompts = cleaned.get("required_prompts")
        if lesson and prompts:
            try:
                check_prompts_of_lesson(lesson, prompts)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class StudentPasswordForm(SetPasswordForm):
    """A teacher sets a student's password; the suggested one is easy to read out."""
