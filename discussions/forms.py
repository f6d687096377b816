import uuid

from django import forms

from .models import MAX_POST_LENGTH
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
