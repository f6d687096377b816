"""Read and validate the content files of one lesson section.

Each section app under ``lessons/`` keeps its content in a ``content/`` folder:

- ``reading.txt``: the section's heading on the first line, then its paragraphs, separated by
  blank lines, exactly as in the essay;
- ``lesson.toml``: everything editorial (annotations, terms, sources, people, events, prompts);
- ``study.toml`` (optional): the study apparatus (big question, objectives, historians'
  interpretations, voices from below, data tables, checks, exam questions, further reading).

The unit also has one ``glossary.toml`` (optional), checked against every section's reading.

This module knows nothing of Django or the database: it turns those files into plain
dataclasses or raises :class:`ContentError` with a message naming the file, the item and the
problem, so a teacher or developer who edits a file learns at once what to fix.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

READING_FILE = "reading.txt"
LESSON_FILE = "lesson.toml"
STUDY_FILE = "study.toml"
GLOSSARY_FILE = "glossary.toml"

ANNOTATION_KINDS = ("context", "definition", "correction")
ANNOTATION_TIERS = ("essential", "extension")
CHART_KINDS = ("bar", "line")
OBJECTIVES_COUNT = (3, 4)
CHOICES_COUNT = (3, 4)
DATASET_QUESTIONS_COUNT = (1, 2)
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class ContentError(Exception):
    """A content file is wrong; the message names the file, the item and the problem."""


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in the reading: paragraph number (from 1) and character offsets."""

    paragraph: int
    start: int
    end: int


@dataclass(frozen=True)
class AnnotationData:
    key: str
    kind: str
    quote: str
    note: str
    anchor: Anchor
    tier: str


@dataclass(frozen=True)
class TermData:
    key: str
    term: str
    quote: str
    definition: str
    anchor: Anchor


@dataclass(frozen=True)
class SourceData:
    key: str
    title: str
    author: str
    date: str
    kind: str
    origin: str
    excerpt: str
    headnote: str
    paragraph: int
    sourcing: str
    contextualisation: str
    corroboration: str


@dataclass(frozen=True)
class PersonData:
    key: str
    name: str
    life: str
    role: str


@dataclass(frozen=True)
class EventData:
    key: str
    date: str
    title: str
    paragraph: int | None


@dataclass(frozen=True)
class PromptData:
    key: str
    question: str
    guidance: str


@dataclass(frozen=True)
class InterpretationData:
    """A named historian's reading of a debate, in our words, with a cited quotation."""

    key: str
    debate: str
    historian: str
    school: str
    summary: str
    quotation: str
    citation: str
    question: str
    paragraph: int


@dataclass(frozen=True)
class VoiceData(SourceData):
    """A source from someone who lived it rather than ruled it; ``origin`` is its citation."""

    close_reading: str


@dataclass(frozen=True)
class DatasetData:
    """A small table of published figures, drawn as a chart; the first column labels the rows."""

    key: str
    title: str
    paragraph: int
    citation: str
    note: str
    chart: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float, ...], ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class ChoiceData:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class CheckData:
    """A "check your understanding" question: exactly one correct choice, feedback on each."""

    key: str
    question: str
    paragraph: int
    choices: tuple[ChoiceData, ...]


@dataclass(frozen=True)
class ExamQuestionData:
    key: str
    question: str
    marks: int
    success_criteria: tuple[str, ...]
    mark_scheme: str
    model_answer: str


@dataclass(frozen=True)
class ReadingData:
    """One book or article of further reading; its position in the file is its identity."""

    title: str
    author: str
    year: int
    publisher: str
    note: str


@dataclass(frozen=True)
class GlossaryTermData:
    """A unit-wide glossary entry; ``match`` are the lower-case words that link to it."""

    key: str
    term: str
    definition: str
    match: tuple[str, ...]
    lessons: tuple[str, ...]


@dataclass(frozen=True)
class SectionData:
    """One section of the essay with all its editorial content, validated."""

    slug: str
    order: int
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    annotations: tuple[AnnotationData, ...] = ()
    terms: tuple[TermData, ...] = ()
    sources: tuple[SourceData, ...] = ()
    people: tuple[PersonData, ...] = ()
    events: tuple[EventData, ...] = ()
    prompts: tuple[PromptData, ...] = ()
    big_question: str = ""
    objectives: tuple[str, ...] = ()
    interpretations: tuple[InterpretationData, ...] = ()
    voices: tuple[VoiceData, ...] = ()
    datasets: tuple[DatasetData, ...] = ()
    checks: tuple[CheckData, ...] = ()
    exam_questions: tuple[ExamQuestionData, ...] = ()
    further_reading: tuple[ReadingData, ...] = ()
    files: tuple[Path, ...] = field(default=(), compare=False)

    @property
    def reading(self) -> str:
        """The section as it stands in the essay: heading, then paragraphs."""
        return "\n\n".join((self.title, *self.paragraphs))


@dataclass(frozen=True)
class _Kind:
    """A field's expected type: the check, and the words that name it in a message."""

    name: str
    check: Callable[[object], bool]


_STRING = _Kind("a string", lambda value: isinstance(value, str))
_INT = _Kind("an integer", lambda value: isinstance(value, int) and not isinstance(value, bool))
_BOOL = _Kind("true or false", lambda value: isinstance(value, bool))
_STRINGS = _Kind(
    "a list of strings",
    lambda value: isinstance(value, list) and all(isinstance(entry, str) for entry in value),
)
_TABLES = _Kind(
    "a list of tables",
    lambda value: isinstance(value, list) and all(isinstance(entry, dict) for entry in value),
)
_LISTS = _Kind(
    "a list of lists",
    lambda value: isinstance(value, list) and all(isinstance(entry, list) for entry in value),
)

FieldSpec = dict[str, tuple[_Kind, bool]]  # {name: (kind, required)}

_SOURCE_FIELDS: FieldSpec = {
    "key": (_STRING, True),
    "title": (_STRING, True),
    "author": (_STRING, True),
    "date": (_STRING, True),
    "kind": (_STRING, True),
    "origin": (_STRING, True),
    "excerpt": (_STRING, True),
    "headnote": (_STRING, True),
    "paragraph": (_INT, True),
    "sourcing": (_STRING, True),
    "contextualisation": (_STRING, True),
    "corroboration": (_STRING, True),
}

# Each list in lesson.toml: its fields.
ITEM_FIELDS: dict[str, FieldSpec] = {
    "annotations": {
        "key": (_STRING, True),
        "kind": (_STRING, True),
        "tier": (_STRING, True),
        "quote": (_STRING, True),
        "prefix": (_STRING, False),
        "suffix": (_STRING, False),
        "note": (_STRING, True),
    },
    "terms": {
        "key": (_STRING, True),
        "term": (_STRING, True),
        "quote": (_STRING, True),
        "prefix": (_STRING, False),
        "suffix": (_STRING, False),
        "definition": (_STRING, True),
    },
    "sources": _SOURCE_FIELDS,
    "people": {
        "key": (_STRING, True),
        "name": (_STRING, True),
        "life": (_STRING, True),
        "role": (_STRING, True),
    },
    "events": {
        "key": (_STRING, True),
        "date": (_STRING, True),
        "title": (_STRING, True),
        "paragraph": (_INT, False),
    },
    "prompts": {
        "key": (_STRING, True),
        "question": (_STRING, True),
        "guidance": (_STRING, False),
    },
}
TOP_FIELDS: FieldSpec = {
    "slug": (_STRING, True),
    "order": (_INT, True),
    "title": (_STRING, True),
    "summary": (_STRING, True),
}

# study.toml: the study apparatus of one section.
STUDY_TOP_FIELDS: FieldSpec = {
    "big_question": (_STRING, True),
    "objectives": (_STRINGS, True),
}
STUDY_ITEM_FIELDS: dict[str, FieldSpec] = {
    "interpretations": {
        "key": (_STRING, True),
        "debate": (_STRING, True),
        "historian": (_STRING, True),
        "school": (_STRING, True),
        "summary": (_STRING, True),
        "quotation": (_STRING, True),
        "citation": (_STRING, True),
        "question": (_STRING, True),
        "paragraph": (_INT, True),
    },
    # A voice's ``origin`` is its citation: the published translation it is taken from.
    "voices": {**_SOURCE_FIELDS, "close_reading": (_STRING, True)},
    "datasets": {
        "key": (_STRING, True),
        "title": (_STRING, True),
        "paragraph": (_INT, True),
        "citation": (_STRING, True),
        "note": (_STRING, False),
        "chart": (_STRING, True),
        "columns": (_STRINGS, True),
        "rows": (_LISTS, True),
        "questions": (_STRINGS, True),
    },
    "checks": {
        "key": (_STRING, True),
        "question": (_STRING, True),
        "paragraph": (_INT, True),
        "choices": (_TABLES, True),
    },
    "exam_questions": {
        "key": (_STRING, True),
        "question": (_STRING, True),
        "marks": (_INT, True),
        "success_criteria": (_STRINGS, True),
        "mark_scheme": (_STRING, True),
        "model_answer": (_STRING, True),
    },
    "further_reading": {
        "title": (_STRING, True),
        "author": (_STRING, True),
        "year": (_INT, True),
        "publisher": (_STRING, True),
        "note": (_STRING, False),
    },
}
# Lists whose items have no key: their position in the file is their identity.
KEYLESS_ITEMS = frozenset({"further_reading"})
CHOICE_FIELDS: FieldSpec = {
    "text": (_STRING, True),
    "correct": (_BOOL, True),
    "feedback": (_STRING, True),
}
GLOSSARY_FIELDS: FieldSpec = {
    "key": (_STRING, True),
    "term": (_STRING, True),
    "definition": (_STRING, True),
    # A term no reading uses (the unit's missing terms) has no match words and no lessons.
    "match": (_STRINGS, False),
    "lessons": (_STRINGS, False),
}


def read_section(folder: Path) -> SectionData:
    """Read and validate the content of one section from its ``content/`` folder."""
    folder = Path(folder)
    paragraphs, heading = _read_reading(folder / READING_FILE)
    lesson_path = folder / LESSON_FILE
    document = _read_toml(lesson_path)
    problem = _Reporter(lesson_path)

    top = _check_top(document, TOP_FIELDS, ITEM_FIELDS, problem)
    if not KEY_PATTERN.match(top["slug"]):
        problem.fail(f"slug {top['slug']!r} must be lower-case words joined by hyphens")
    if top["title"] != heading:
        problem.fail(
            f"title {top['title']!r} does not match the heading of {READING_FILE} ({heading!r})"
        )
    items = _read_items(document, ITEM_FIELDS, problem)

    anchors: list[tuple[str, Anchor]] = []
    annotations = []
    for label, values in items["annotations"]:
        if values["kind"] not in ANNOTATION_KINDS:
            problem.fail(
                f"{label}: kind {values['kind']!r} is not one of {', '.join(ANNOTATION_KINDS)}"
            )
        if values["tier"] not in ANNOTATION_TIERS:
            problem.fail(
                f"{label}: tier {values['tier']!r} is not one of {', '.join(ANNOTATION_TIERS)}"
            )
        anchor = _find_anchor(paragraphs, values, problem, label)
        anchors.append((label, anchor))
        annotations.append(
            AnnotationData(
                key=values["key"],
                kind=values["kind"],
                quote=values["quote"],
                note=values["note"],
                anchor=anchor,
                tier=values["tier"],
            )
        )
    terms = []
    for label, values in items["terms"]:
        anchor = _find_anchor(paragraphs, values, problem, label)
        anchors.append((label, anchor))
        terms.append(
            TermData(values["key"], values["term"], values["quote"], values["definition"], anchor)
        )
    _check_no_overlap(anchors, problem)

    sources = []
    for label, values in items["sources"]:
        _check_paragraph(values["paragraph"], paragraphs, problem, label)
        sources.append(SourceData(**values))
    events = []
    for label, values in items["events"]:
        _check_date(values["date"], problem, label)
        if values.get("paragraph") is not None:
            _check_paragraph(values["paragraph"], paragraphs, problem, label)
        events.append(
            EventData(values["key"], values["date"], values["title"], values.get("paragraph"))
        )
    people = [PersonData(**values) for _, values in items["people"]]
    prompts = [
        PromptData(values["key"], values["question"], values.get("guidance", ""))
        for _, values in items["prompts"]
    ]

    files = [folder / READING_FILE, lesson_path]
    study = {}
    if (folder / STUDY_FILE).exists():
        study = _read_study(folder / STUDY_FILE, paragraphs)
        files.append(folder / STUDY_FILE)

    return SectionData(
        slug=top["slug"],
        order=top["order"],
        title=top["title"],
        summary=top["summary"],
        paragraphs=tuple(paragraphs),
        annotations=tuple(annotations),
        terms=tuple(terms),
        sources=tuple(sources),
        people=tuple(people),
        events=tuple(sorted(events, key=lambda event: event.date)),
        prompts=tuple(prompts),
        **study,
        files=tuple(files),
    )


def _read_study(path: Path, paragraphs: list[str]) -> dict:
    """The study apparatus of one section, as keyword arguments for :class:`SectionData`."""
    document = _read_toml(path)
    problem = _Reporter(path)
    top = _check_top(document, STUDY_TOP_FIELDS, STUDY_ITEM_FIELDS, problem)
    _check_count(top["objectives"], OBJECTIVES_COUNT, problem, item="the lesson", name="objectives")
    items = _read_items(document, STUDY_ITEM_FIELDS, problem)
    for kind in ("interpretations", "voices", "datasets", "checks"):
        for label, values in items[kind]:
            _check_paragraph(values["paragraph"], paragraphs, problem, label)
    return {
        "big_question": top["big_question"],
        "objectives": tuple(top["objectives"]),
        "interpretations": tuple(
            InterpretationData(**values) for _, values in items["interpretations"]
        ),
        "voices": tuple(VoiceData(**values) for _, values in items["voices"]),
        "datasets": tuple(_dataset(values, problem, label) for label, values in items["datasets"]),
        "checks": tuple(
            _check_question(values, problem, label) for label, values in items["checks"]
        ),
        "exam_questions": tuple(
            _exam_question(values, problem, label) for label, values in items["exam_questions"]
        ),
        "further_reading": tuple(
            _further_reading(values, problem, label) for label, values in items["further_reading"]
        ),
    }


def _dataset(values: dict, problem: _Reporter, label: str) -> DatasetData:
    """A data table, checked so that the chart can always be drawn from it, and read from it."""
    if values["chart"] not in CHART_KINDS:
        problem.fail(f"{label}: chart {values['chart']!r} is not one of {', '.join(CHART_KINDS)}")
    columns = values["columns"]
    if len(columns) < 2:
        problem.fail(
            f"{label}: columns needs the label column and at least one column of figures; "
            "a chart is drawn from its table"
        )
    if len(set(columns)) != len(columns):
        problem.fail(f"{label}: columns repeat a name; each column needs its own heading")
    rows = []
    for number, row in enumerate(values["rows"], start=1):
        if len(row) != len(columns):
            problem.fail(
                f"{label}: row {number} has {len(row)} values but there are {len(columns)} "
                f"columns ({_names_in_order(columns)})"
            )
        if not isinstance(row[0], str) or not row[0].strip():
            problem.fail(
                f"{label}: row {number} must start with its label for the column "
                f"{columns[0]!r} (a non-empty string)"
            )
        for column, value in zip(columns[1:], row[1:], strict=True):
            if not _is_number(value):
                problem.fail(f"{label}: row {number}, column {column!r}: {value!r} is not a number")
        rows.append((row[0].strip(), *row[1:]))
    _check_count(
        values["questions"], DATASET_QUESTIONS_COUNT, problem, item=label, name="questions"
    )
    return DatasetData(
        key=values["key"],
        title=values["title"],
        paragraph=values["paragraph"],
        citation=values["citation"],
        note=values.get("note", ""),
        chart=values["chart"],
        columns=tuple(columns),
        rows=tuple(rows),
        questions=tuple(values["questions"]),
    )


def _check_question(values: dict, problem: _Reporter, label: str) -> CheckData:
    """A check question: three or four choices, exactly one correct, and feedback on each."""
    _check_count(values["choices"], CHOICES_COUNT, problem, item=label, name="choices")
    choices = []
    texts: dict[str, int] = {}
    for number, raw in enumerate(values["choices"], start=1):
        choice = _check_fields(raw, CHOICE_FIELDS, problem, item=f"{label}: choices[{number}]")
        if choice["text"] in texts:
            problem.fail(
                f"{label}: choices[{number}] repeats the text of choices[{texts[choice['text']]}]"
            )
        texts[choice["text"]] = number
        choices.append(ChoiceData(**choice))
    correct = sum(choice.correct for choice in choices)
    if correct != 1:
        counted = "no choice is" if correct == 0 else f"{correct} choices are"
        problem.fail(f"{label}: {counted} marked correct; exactly one must be")
    return CheckData(
        key=values["key"],
        question=values["question"],
        paragraph=values["paragraph"],
        choices=tuple(choices),
    )


def _exam_question(values: dict, problem: _Reporter, label: str) -> ExamQuestionData:
    if values["marks"] < 1:
        problem.fail(f"{label}: marks must be at least 1, not {values['marks']}")
    return ExamQuestionData(**{**values, "success_criteria": tuple(values["success_criteria"])})


def _further_reading(values: dict, problem: _Reporter, label: str) -> ReadingData:
    if not 1000 <= values["year"] <= 9999:
        problem.fail(f"{label}: year {values['year']} is not a year of publication")
    return ReadingData(**{"note": "", **values})


def read_glossary(path: Path, sections: Sequence[SectionData]) -> tuple[GlossaryTermData, ...]:
    """Read and validate the unit's glossary against its sections; no file means no glossary.

    Every lesson a term lists must exist and must get at least one link to the term (a
    ``match`` word in its reading, outside the highlighted passages), so the glossary page and
    the readings always link both ways.
    """
    path = Path(path)
    if not path.exists():
        return ()
    document = _read_toml(path)
    problem = _Reporter(path)
    _check_top(document, {}, {"glossary": GLOSSARY_FIELDS}, problem)
    items = _read_items(document, {"glossary": GLOSSARY_FIELDS}, problem)["glossary"]
    by_slug = {section.slug: section for section in sections}
    terms: list[GlossaryTermData] = []
    labels: dict[str, str] = {}
    named: dict[str, str] = {}
    matched: dict[str, str] = {}
    for label, values in items:
        if values["term"].casefold() in named:
            problem.fail(
                f"{label}: term {values['term']!r} is already {named[values['term'].casefold()]}"
            )
        named[values["term"].casefold()] = label
        values.setdefault("match", [])
        for word in values["match"]:
            if word != word.lower():
                problem.fail(f"{label}: match {word!r} must be lower case (it matches any case)")
            if word in matched:
                problem.fail(f"{label}: match {word!r} already links to {matched[word]}")
            matched[word] = label
        lessons = values.get("lessons", [])
        for slug in lessons:
            if slug not in by_slug:
                problem.fail(
                    f"{label}: lesson {slug!r} does not exist (the lessons are "
                    f"{_names_in_order(by_slug)})"
                )
        if len(set(lessons)) != len(lessons):
            problem.fail(f"{label}: lessons lists a lesson twice")
        labels[values["key"]] = label
        terms.append(
            GlossaryTermData(
                key=values["key"],
                term=values["term"],
                definition=values["definition"],
                match=tuple(values["match"]),
                lessons=tuple(lessons),
            )
        )
    for section in sections:
        listed = [term for term in terms if section.slug in term.lessons]
        linked = {
            term.key
            for links in section_glossary_links(section, listed).values()
            for _, _, term in links
        }
        for term in listed:
            if term.key not in linked:
                words = (
                    f"none of {_names_in_order(term.match)} appears"
                    if term.match
                    else ("the term has no match words to find")
                )
                problem.fail(
                    f"{labels[term.key]}: lesson {section.slug!r} is listed, but {words} in its "
                    "reading outside a highlighted passage, so the reading would not link to it"
                )
    return tuple(terms)


def glossary_links(text: str, *, blocked: Iterable[tuple[int, int]], terms: Sequence) -> list:
    """Where a paragraph links to the glossary: ``(start, end, term)``, in reading order.

    Each term (anything with ``key`` and ``match``) links at its first match in the paragraph
    that is not inside a highlighted passage (``blocked``: a link cannot sit inside another
    link) nor inside another term's link. Terms with longer match words go first, so "five-year
    plan" wins over "plan". The validator and the renderer both call this, so they agree.
    """
    taken = list(blocked)
    links = []
    with_words = [term for term in terms if term.match]
    for term in sorted(with_words, key=lambda term: (-max(map(len, term.match)), term.key)):
        for found in _match_pattern(tuple(term.match)).finditer(text):
            start, end = found.span()
            if not any(start < other_end and other_start < end for other_start, other_end in taken):
                links.append((start, end, term))
                taken.append((start, end))
                break
    return sorted(links, key=lambda link: link[0])


def section_glossary_links(section: SectionData, terms: Sequence) -> dict[int, list]:
    """The glossary links of each paragraph (numbered from 1) of a section's reading."""
    blocked: dict[int, list[tuple[int, int]]] = {}
    for item in (*section.annotations, *section.terms):
        blocked.setdefault(item.anchor.paragraph, []).append((item.anchor.start, item.anchor.end))
    return {
        number: glossary_links(text, blocked=blocked.get(number, []), terms=terms)
        for number, text in enumerate(section.paragraphs, start=1)
    }


@functools.lru_cache(maxsize=512)
def _match_pattern(words: tuple[str, ...]) -> re.Pattern:
    # Whole words only ("kulak" is not found in "kulaks"), any case, the longest word first.
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def format_date(value: str) -> str:
    """Show a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date the way a reader expects."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = datetime.date(parts[0], parts[1], 1).strftime("%B")
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{parts[2]} {month} {parts[0]}"


class _Reporter:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, problem: str):
        raise ContentError(f"{self.path}: {problem}")


def _names(names) -> str:
    return ", ".join(repr(name) for name in sorted(names))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except UnicodeDecodeError as error:
        raise ContentError(
            f"{path}: not valid UTF-8 ({error.reason} at byte {error.start})"
        ) from None


def _read_reading(path: Path) -> tuple[list[str], str]:
    text = _read_text(path)
    blocks = text.rstrip("\n").split("\n\n")
    if len(blocks) < 2 or not blocks[0].strip():
        raise ContentError(f"{path}: needs a heading line, a blank line and at least one paragraph")
    for number, block in enumerate(blocks[1:], start=1):
        if not block.strip() or "\n" in block or block != block.strip(" \t"):
            raise ContentError(
                f"{path}: paragraph {number} must be one non-empty line with no stray spaces, "
                "separated from the next by exactly one blank line"
            )
    return blocks[1:], blocks[0]


def _read_toml(path: Path) -> dict:
    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None


def _check_top(
    document: dict, top_fields: FieldSpec, item_fields: dict, problem: _Reporter
) -> dict:
    unknown = set(document) - set(top_fields) - set(item_fields)
    if unknown:
        problem.fail(f"unknown field(s) {_names(unknown)}")
    top_level = {name: value for name, value in document.items() if name not in item_fields}
    return _check_fields(top_level, top_fields, problem, item="the lesson")


def _read_items(
    document: dict, item_fields: dict[str, FieldSpec], problem: _Reporter
) -> dict[str, list[tuple[str, dict]]]:
    """Each list of items, checked field by field, as ``(label, values)`` pairs."""
    items = {}
    for kind, fields in item_fields.items():
        raw_items = document.get(kind, [])
        if not _TABLES.check(raw_items):
            problem.fail(f"{kind!r} must be a list of tables ([[{kind}]])")
        seen: set[str] = set()
        checked = []
        for index, raw in enumerate(raw_items, start=1):
            label = _label(kind, index, raw)
            values = _check_fields(raw, fields, problem, item=label)
            if kind not in KEYLESS_ITEMS:
                if not KEY_PATTERN.match(values["key"]):
                    problem.fail(f"{label}: key must be lower-case words joined by hyphens")
                if values["key"] in seen:
                    problem.fail(f"{label}: duplicate key {values['key']!r} in {kind}")
                seen.add(values["key"])
            checked.append((label, values))
        items[kind] = checked
    return items


def _label(kind: str, index: int, raw: dict) -> str:
    # An item is named by its key; further reading, which has none, by its title.
    for name in ("key", "title"):
        if name in raw:
            return f"{kind}[{index}] ({name} {raw[name]!r})"
    return f"{kind}[{index}]"


def _check_fields(raw: dict, fields: FieldSpec, problem: _Reporter, *, item: str) -> dict:
    unknown = set(raw) - set(fields)
    if unknown:
        problem.fail(f"{item}: unknown field(s) {_names(unknown)}")
    values = {}
    for name, (kind, required) in fields.items():
        if name not in raw:
            if required:
                problem.fail(f"{item}: missing field {name!r}")
            continue
        value = raw[name]
        if not kind.check(value):
            problem.fail(f"{item}: field {name!r} must be {kind.name}")
        if isinstance(value, str):
            if required and not value.strip():
                problem.fail(f"{item}: field {name!r} is empty")
            if name not in ("quote", "prefix", "suffix"):
                value = value.strip()
        elif kind is _STRINGS:
            if not all(entry.strip() for entry in value):
                problem.fail(f"{item}: field {name!r} has an empty entry")
            value = [entry.strip() for entry in value]
        if isinstance(value, list) and required and not value:
            problem.fail(f"{item}: field {name!r} is empty")
        values[name] = value
    return values


def _check_count(values: list, bounds: tuple[int, int], problem: _Reporter, *, item, name) -> None:
    low, high = bounds
    if not low <= len(values) <= high:
        problem.fail(f"{item}: field {name!r} has {len(values)} entries; it needs {low} to {high}")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _names_in_order(names) -> str:
    return ", ".join(repr(name) for name in names)


def _find_anchor(paragraphs, values: dict, problem: _Reporter, label: str) -> Anchor:
    prefix, quote, suffix = values.get("prefix", ""), values["quote"], values.get("suffix", "")
    needle = prefix + quote + suffix
    matches = []
    for number, paragraph in enumerate(paragraphs, start=1):
        position = paragraph.find(needle)
        while position != -1:
            matches.append((number, position + len(prefix)))
            position = paragraph.find(needle, position + 1)
    if not matches:
        where = f" with prefix {prefix!r}" if prefix else ""
        where += f" and suffix {suffix!r}" if suffix else ""
        problem.fail(f"{label}: quote {quote!r}{where} is not found in {READING_FILE}")
    if len(matches) > 1:
        places = ", ".join(f"¶{number}" for number in sorted({number for number, _ in matches}))
        problem.fail(
            f"{label}: quote {quote!r} is found {len(matches)} times ({places}); "
            "add a prefix or suffix to tell them apart"
        )
    number, start = matches[0]
    return Anchor(paragraph=number, start=start, end=start + len(quote))


def _check_no_overlap(anchors: list[tuple[str, Anchor]], problem: _Reporter) -> None:
    ordered = sorted(anchors, key=lambda item: (item[1].paragraph, item[1].start))
    for (first_label, first), (second_label, second) in zip(ordered, ordered[1:], strict=False):
        if first.paragraph == second.paragraph and second.start < first.end:
            problem.fail(
                f"{second_label}: its quote overlaps the quote of {first_label} in "
                f"¶{first.paragraph}; highlighted passages must not overlap"
            )


def _check_paragraph(number: int, paragraphs, problem: _Reporter, label: str) -> None:
    if not 1 <= number <= len(paragraphs):
        problem.fail(
            f"{label}: paragraph {number} does not exist (the reading has {len(paragraphs)})"
        )


def _check_date(value: str, problem: _Reporter, label: str) -> None:
    if not DATE_PATTERN.match(value):
        problem.fail(f"{label}: date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        format_date(value)
        parts = [int(part) for part in value.split("-")]
        datetime.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError:
        problem.fail(f"{label}: date {value!r} is not a real date")


def main(argv: list[str] | None = None) -> int:
    """Check content folders from the command line: ``python -m lessons.content FOLDER...``."""
    import sys

    status = 0
    for folder in argv if argv is not None else sys.argv[1:]:
        try:
            section = read_section(Path(folder))
        except ContentError as error:
            print(f"ERROR {error}")
            status = 1
            continue
        counts = ", ".join(
            f"{len(getattr(section, name))} {name}"
            for name in (
                *("annotations", "terms", "sources", "people", "events", "prompts"),
                *("interpretations", "voices", "datasets", "checks", "exam_questions"),
                "further_reading",
            )
        )
        print(f"OK {folder}: {section.title!r}, {len(section.paragraphs)} paragraphs; {counts}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
