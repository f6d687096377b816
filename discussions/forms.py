import uuid

from django import forms

from classroom.models import Assignment

from .models import MAX_FEEDBACK_LENGTH, MAX_POST_LENGTH
from .text import clean_text


class PostTextField(forms.CharField):
    """Text as the student typed it, less control characters (PostgreSQL refuses NUL)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if value else value


class PostForm(forms.Form):
    body = PostTextField(
        label="Your answer",
        max_length=MAX_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "post-body"}),
        help_text=(
            "Cite the reading with ¶ and a number (¶3). **bold**, *italics*, lists, "
            "> quotes and [links](https://…) work."
        ),
        error_messages={
            "required": "Write something before posting.",
            "max_length": "Keep it to %(limit_value)s characters; this has %(show_value)s.",
        },
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh key for every form shown; a resubmission of this form carries the same one.
        self.fields["submission_key"].initial = uuid.uuid4()


class ReplyForm(PostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your reply"
        self.fields["body"].widget.attrs["rows"] = 3


class EditForm(forms.Form):
    body = PostTextField(
        label="Your post",
        max_length=MAX_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Write something, or delete the post instead.",
            "max_length": "Keep it to %(limit_value)s characters; this has %(show_value)s.",
        },
    )


class FeedbackForm(forms.Form):
    """A teacher's comment on one student's answer to one prompt, and a mark fitting the
    assignment's scale: points out of its maximum, or a level for each rubric criterion."""

    comment = PostTextField(
        label="Comment",
        required=False,
        max_length=MAX_FEEDBACK_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-sm"}),
        error_messages={
            "max_length": "Keep it to %(limit_value)s characters; this has %(show_value)s.",
        },
    )

    def __init__(self, *args, assignment: Assignment, feedback=None, **kwargs):
        self.assignment = assignment
        self.criteria: list[tuple[str, str]] = []  # (field name, criterion)
        if feedback is not None and "initial" not in kwargs:
            kwargs["initial"] = {"comment": feedback.comment, "points": feedback.points}
            chosen = {row["criterion"]: row["level"] for row in feedback.levels}
        else:
            chosen = {}
        super().__init__(*args, **kwargs)
        if assignment.mark_scale == Assignment.MarkScale.POINTS and assignment.points_max:
            top = assignment.points_max
            self.fields["points"] = forms.IntegerField(
                label=f"Points out of {top}",
                required=False,
                min_value=0,
                max_value=top,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm w-auto"}),
                error_messages={
                    "min_value": f"Give between 0 and {top} points.",
                    "max_value": f"Give between 0 and {top} points.",
                    "invalid": "Give the points as a whole number.",
                },
            )
        elif assignment.mark_scale == Assignment.MarkScale.RUBRIC:
            for number, row in enumerate(assignment.rubric):
                name = f"level_{number}"
                levels = [str(level) for level in row["levels"]]
                self.fields[name] = forms.ChoiceField(
                    label=str(row["criterion"]),
                    required=False,
                    choices=[("", "Not marked"), *((level, level) for level in levels)],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
                    error_messages={
                        "invalid_choice": "Choose one of the rubric’s levels.",
                    },
                )
                self.initial.setdefault(name, chosen.get(row["criterion"], ""))
                self.criteria.append((name, str(row["criterion"])))

    @property
    def mark_fields(self):
        return [self[name] for name in self.fields if name != "comment"]

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("comment", "").strip() or data.get("points") is not None or self.levels()
        ):
            raise forms.ValidationError("Write a comment or give a mark.", code="empty")
        return data

    def levels(self) -> dict[str, str]:
        """The chosen level of each criterion, by criterion."""
        return {
            criterion: self.cleaned_data[name]
            for name, criterion in self.criteria
            if self.cleaned_data.get(name)
        }
