import uuid

from django import forms

from discussions.forms import PostTextField
from lessons.models import Paragraph

from .anchoring import MAX_QUOTE_LENGTH, sentences
from .kinds import kind_choices
from .models import MAX_CONTEXT_LENGTH, MAX_NOTE_LENGTH, Annotation

NOTE_HELP = (
    "Cite the reading with ¶ and a number (¶3). **bold**, *italics*, lists, > quotes and "
    "[links](https://…) work."
)
TOO_LONG = "Keep it to %(limit_value)s characters; this has %(show_value)s."


def sentence_choices(texts: dict[int, str]) -> list:
    """The reading's sentences, grouped by paragraph: how a keyboard (or a page without
    JavaScript) chooses words to annotate. Values are ``"paragraph:sentence"``."""
    choices = [("", "The words I selected in the reading")]
    for number, text in sorted(texts.items()):
        options = []
        for index, (start, end) in enumerate(sentences(text)):
            words = text[start:end]
            label = words if len(words) <= 90 else f"{words[:87]}…"
            options.append((f"{number}:{index}", label))
        choices.append((f"¶{number}", options))
    return choices


class AnnotationForm(forms.Form):
    sentence = forms.ChoiceField(
        label="Words to annotate",
        required=False,
        help_text=(
            "Select words in the reading with the mouse or keyboard, or choose a sentence here "
            "(and, if you like, type the words of it you mean below)."
        ),
    )
    words = forms.CharField(
        label="Only these words of the sentence (optional)",
        required=False,
        max_length=MAX_QUOTE_LENGTH,
        error_messages={"max_length": TOO_LONG},
    )
    # Filled by annotations.js from a selection in the reading (W3C selectors).
    paragraph = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    exact = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_QUOTE_LENGTH,
        widget=forms.HiddenInput,
        error_messages={
            "max_length": "That selection is too long: select words within a paragraph."
        },
    )
    prefix = forms.CharField(
        required=False, strip=False, max_length=4 * MAX_CONTEXT_LENGTH, widget=forms.HiddenInput
    )
    suffix = forms.CharField(
        required=False, strip=False, max_length=4 * MAX_CONTEXT_LENGTH, widget=forms.HiddenInput
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Kind", choices=kind_choices)
    body = PostTextField(
        label="Your note",
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NOTE_HELP,
        error_messages={"required": "Write a note before saving.", "max_length": TOO_LONG},
    )
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=Annotation.Visibility.choices,
        initial=Annotation.Visibility.CLASS,
        widget=forms.RadioSelect,
    )
    linked_paragraph = forms.ModelChoiceField(
        label="Connects to (for a connection)",
        queryset=Paragraph.objects.none(),
        required=False,
        empty_label="No other lesson",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, texts=None, lesson=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sentence"].choices = sentence_choices(texts or {})
        self.fields["submission_key"].initial = uuid.uuid4()
        paragraphs = Paragraph.objects.filter(
            is_published=True, lesson__is_published=True
        ).select_related("lesson")
        if lesson is not None:
            paragraphs = paragraphs.exclude(lesson=lesson)
        field = self.fields["linked_paragraph"]
        field.queryset = paragraphs.order_by("lesson__order", "number")
        field.label_from_instance = lambda p: f"{p.lesson.title}, ¶{p.number}"

    def selected_sentence(self) -> tuple[int, int] | None:
        value = self.cleaned_data.get("sentence") or ""
        if ":" not in value:
            return None
        paragraph, index = value.split(":", 1)
        return int(paragraph), int(index)


class ReplyForm(forms.Form):
    body = PostTextField(
        label="Your reply",
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write something before replying.", "max_length": TOO_LONG},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4()


class ReattachForm(forms.Form):
    """A teacher's new words for an orphaned annotation: a paragraph and its exact words."""

    paragraph = forms.IntegerField(min_value=1, label="Paragraph (¶)")
    exact = forms.CharField(
        label="Words of that paragraph, exactly",
        max_length=MAX_QUOTE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
