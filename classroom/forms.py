from datetime import datetime, time, timedelta

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    BaseAdminDateWidget,
    BaseAdminTimeWidget,
)
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import User
from lessons.models import Prompt

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


def next_school_day(*, at: time = time(9, 0), now: datetime | None = None) -> datetime:
    """The next school day (Monday to Friday) after today, at ``at`` in the school's time zone:
    the usual due time of homework set today (Friday's is due on Monday)."""
    today = timezone.localtime(now).date()
    day = today + timedelta(days=1)
    while day.weekday() >= 5:  # Saturday, Sunday
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, at))


class DateTimeWithoutSeconds(AdminSplitDateTime):
    """The admin's date and time boxes, showing hours and minutes only, each box with a label
    of its own (the admin's own widget leaves the time box unlabelled for screen readers)."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(
            self, [BaseAdminDateWidget(), BaseAdminTimeWidget(format="%H:%M")], attrs
        )

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", f"id_{name}")
        parts = []
        for index, (label, widget) in enumerate(zip(("Date", "Time"), self.widgets, strict=True)):
            widget_id = f"{base_id}_{index}"
            box = widget.render(
                f"{name}_{index}",
                value[index] if index < len(value) else None,
                {**attrs, "id": widget_id},
                renderer,
            )
            parts.append(
                format_html(
                    '<label class="datetime-part" for="{}">{}:</label> {}', widget_id, label, box
                )
            )
        return format_html('<p class="datetime">{}<br>{}</p>', parts[0], parts[1])


class LessonSelect(forms.Select):
    """The lesson list, with a button that shows the chosen lesson's prompts: the second step
    of the form without JavaScript (with it, htmx swaps them in as the lesson changes)."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{} <button type="submit" name="_choose_lesson" value="1" class="button '
            'choose-lesson">{}</button>',
            super().render(name, value, attrs, renderer),
            "Show this lesson’s prompts",
        )


class PromptCheckboxes(forms.CheckboxSelectMultiple):
    """The chosen lesson's prompts as checkboxes with their full text, in a region that htmx
    refills when the lesson changes (``prompt_choices_html``)."""

    def render(self, name, value, attrs=None, renderer=None):
        inner = prompt_choices_html(self, name, value, attrs, renderer)
        return format_html(
            '<div id="{}" class="prompt-choices" aria-live="polite">{}</div>',
            PROMPT_CHOICES_ID,
            inner,
        )


PROMPT_CHOICES_ID = "prompt-choices"


def prompt_choices_html(widget, name, value, attrs=None, renderer=None):
    """The inside of the prompts region: the checkboxes, or why there are none."""
    if getattr(widget, "lesson_id", None) is None:
        return format_html(
            '<p class="help">{}</p>',
            "Choose a lesson, and its discussion prompts appear here to tick the ones every "
            "student must answer.",
        )
    if not list(widget.choices):
        return format_html('<p class="help">{}</p>', "This lesson has no discussion prompts.")
    return forms.CheckboxSelectMultiple.render(widget, name, value, attrs, renderer)


def prompts_field(lesson_id: int | None, *, also=()) -> forms.ModelMultipleChoiceField:
    """The required prompts field for a lesson: its published prompts (and any in ``also``,
    the ones an assignment already requires), labelled with their full text."""
    queryset = Prompt.objects.none()
    if lesson_id is not None:
        queryset = Prompt.objects.filter(
            Q(is_published=True) | Q(pk__in=list(also)), lesson=lesson_id
        ).order_by("position", "pk")
    field = forms.ModelMultipleChoiceField(
        queryset=queryset,
        required=False,
        label="Prompts to answer",
        help_text="Every student of the class must answer the ticked prompts; the others stay "
        "open for discussion.",
        widget=PromptCheckboxes,
        error_messages={"invalid_choice": "Choose prompts of the assigned lesson only."},
    )
    field.label_from_instance = lambda prompt: prompt.question
    field.widget.lesson_id = lesson_id
    return field


def rubric_as_text(rubric) -> str:
    """A rubric as the form shows it: “Argument: Emerging / Secure / Excellent” a line."""
    if not isinstance(rubric, list):
        return ""
    return "\n".join(
        f"{row.get('criterion', '')}: {' / '.join(str(level) for level in row.get('levels', []))}"
        for row in rubric
        if isinstance(row, dict)
    )


def rubric_from_text(text: str) -> list[dict]:
    """The rubric a teacher typed, one criterion a line, as the model stores it."""
    rubric = []
    for line in text.splitlines():
        if not line.strip():
            continue
        criterion, _, levels = line.partition(":")
        rubric.append(
            {
                "criterion": criterion.strip(),
                "levels": [level.strip() for level in levels.split("/") if level.strip()],
            }
        )
    return rubric


def id_or_none(value) -> int | None:
    """An id from a query string or form, or None for anything else (letters, NUL, huge)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


class AssignmentAdminForm(forms.ModelForm):
    """Assign a lesson in one screen: the lesson, its prompts as checkboxes, the dates (due the
    next school day at 09:00 by default), what students are asked to do, and the mark scale.

    The prompts field offers the chosen lesson's prompts only: on a bound form the posted
    lesson's, on a new one the initial lesson's, on an existing assignment its own lesson's.
    """

    opens_at = forms.SplitDateTimeField(
        label="Open from",
        widget=DateTimeWithoutSeconds,
        help_text="Students see the assignment from then on.",
    )
    due_at = forms.SplitDateTimeField(
        label="Due",
        widget=DateTimeWithoutSeconds,
        help_text="In the school’s time zone.",
    )
    rubric = forms.CharField(
        label="Rubric",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="For a rubric: one criterion a line, then a colon and its levels from lowest "
        "to highest, separated by slashes. For example “Argument: Emerging / Secure / "
        "Excellent”.",
    )

    class Meta:
        model = Assignment
        fields = [
            "school_class",
            "lesson",
            "required_prompts",
            "opens_at",
            "due_at",
            "instructions",
            "post_first",
            "min_annotations",
            "mark_scale",
            "points_max",
            "rubric",
        ]
        widgets = {"lesson": LessonSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            lesson_id = instance.lesson_id
            also = instance.required_prompts.values_list("pk", flat=True)
        elif self.is_bound:
            lesson_id, also = id_or_none(self.data.get(self.add_prefix("lesson"))), ()
        else:
            lesson_id, also = id_or_none(self.initial.get("lesson")), ()
        if "required_prompts" in self.fields:
            self.fields["required_prompts"] = prompts_field(lesson_id, also=also)
        for name in ("school_class", "lesson"):
            # Plain lists of the teacher's classes and of the lessons: no pop-up links.
            widget = self.fields[name].widget if name in self.fields else None
            for flag in ("can_add_related", "can_change_related", "can_view_related"):
                if hasattr(widget, flag):
                    setattr(widget, flag, False)
        if "lesson" in self.fields:
            widget = self.fields["lesson"].widget
            getattr(widget, "widget", widget).attrs.update(
                {
                    # htmx reads data-hx-* (hx-* is not valid HTML).
                    "data-hx-get": reverse("admin:classroom_assignment_prompts"),
                    "data-hx-target": f"#{PROMPT_CHOICES_ID}",
                    "data-hx-swap": "innerHTML",
                    "data-hx-trigger": "change",
                    "data-hx-include": "this",
                }
            )
        # Left out, these mean their defaults: no marks, no annotations to make.
        for name in ("mark_scale", "min_annotations"):
            if name in self.fields:
                self.fields[name].required = False
        rubric = self.initial.get("rubric", instance.rubric)
        if not self.is_bound and not isinstance(rubric, str):
            self.initial["rubric"] = rubric_as_text(rubric)

    def clean_rubric(self):
        return rubric_from_text(self.cleaned_data.get("rubric", ""))

    def clean(self):
        cleaned = super().clean()
        lesson = cleaned.get("lesson") or (self.instance.lesson if self.instance.pk else None)
        prompts = cleaned.get("required_prompts")
        if lesson and prompts:
            try:
                check_prompts_of_lesson(lesson, prompts)
            except ValidationError as error:
                self.add_error(None, error)
        school_class = cleaned.get("school_class")
        if (
            not self.instance.pk
            and school_class
            and lesson
            and Assignment.objects.filter(school_class=school_class, lesson=lesson).exists()
        ):
            self.add_error(
                "lesson",
                f"{lesson} is already assigned to {school_class.name}; change that assignment "
                "instead.",
            )
        if cleaned.get("min_annotations") is None and "min_annotations" not in self.errors:
            cleaned["min_annotations"] = 0
        if not cleaned.get("mark_scale") and "mark_scale" not in self.errors:
            cleaned["mark_scale"] = Assignment.MarkScale.NONE
        # Keep only what the chosen scale uses, so a scale changed later starts clean.
        scale = cleaned.get("mark_scale")
        if scale != Assignment.MarkScale.POINTS:
            cleaned["points_max"] = None
        if scale != Assignment.MarkScale.RUBRIC:
            cleaned["rubric"] = []
        return cleaned


class StudentPasswordForm(SetPasswordForm):
    """A teacher sets a student's password; the suggested one is easy to read out."""


class NewStudentForm(forms.Form):
    """A new student account made by their teacher, with a first password for a slip."""

    first_name = forms.CharField(label="Given name", max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    username = forms.CharField(
        label="Username",
        max_length=150,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text="Leave it empty for a short one made from the name, such as “amara.o”: easy "
        "for a student to type.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Only if the school gives students one; it lets them reset a forgotten "
        "password themselves.",
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username and User.objects.filter(username__iexact=username).exists():
            raise ValidationError("That username is taken; choose another, or leave it empty.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already has that address: add that student with “Add an existing "
                "student” instead."
            )
        return email


class StudentSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or username",
        max_length=100,
        min_length=2,
        help_text="Any part of a given name, family name or username.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ConfirmForm(forms.Form):
    """A confirmation page's form: a plain POST of ``confirm=yes``. An empty POST (a stray
    resubmit, or a link followed by a crawler) is no confirmation, and the page asks again."""

    confirm = forms.CharField(widget=forms.HiddenInput)

    def clean_confirm(self):
        if self.cleaned_data["confirm"] != "yes":
            raise ValidationError("Not confirmed.")
        return True
