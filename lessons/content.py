"""Read and validate the content files of one lesson section.

Each section app under ``lessons/`` keeps its content in a ``content/`` folder:

- ``reading.txt``: the section's heading on the first line, then its paragraphs, separated by
  blank lines, exactly as in the essay;
- ``lesson.toml``: everything editorial (annotations, terms, sources, people, events, prompts).

This module knows nothing of Django or the database: it turns those two files into plain
dataclasses or raises :class:`ContentError` with a message naming the file, the item and the
problem, so a teacher or developer who edits a file learns at once what to fix.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

READING_FILE = "reading.txt"
LESSON_FILE = "lesson.toml"

ANNOTATION_KINDS = ("context", "definition", "correction")
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
    files: tuple[Path, ...] = field(default=(), compare=False)

    @property
    def reading(self) -> str:
        """The section as it stands in the essay: heading, then paragraphs."""
        return "\n\n".join((self.title, *self.paragraphs))


# Each list in lesson.toml: its fields, as {name: (type, required)}.
_STRING, _INT = str, int
ITEM_FIELDS: dict[str, dict[str, tuple[type, bool]]] = {
    "annotations": {
        "key": (_STRING, True),
        "kind": (_STRING, True),
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
    "sources": {
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
    },
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
TOP_FIELDS: dict[str, tuple[type, bool]] = {
    "slug": (_STRING, True),
    "order": (_INT, True),
    "title": (_STRING, True),
    "summary": (_STRING, True),
}


def read_section(folder: Path) -> SectionData:
    """Read and validate the content of one section from its ``content/`` folder."""
    folder = Path(folder)
    paragraphs, heading = _read_reading(folder / READING_FILE)
    lesson_path = folder / LESSON_FILE
    document = _read_toml(lesson_path)
    problem = _Reporter(lesson_path)

    unknown = set(document) - set(TOP_FIELDS) - set(ITEM_FIELDS)
    if unknown:
        problem.fail(f"unknown field(s) {_names(unknown)}")
    top_level = {name: value for name, value in document.items() if name not in ITEM_FIELDS}
    top = _check_fields(top_level, TOP_FIELDS, problem, item="the lesson")
    if not KEY_PATTERN.match(top["slug"]):
        problem.fail(f"slug {top['slug']!r} must be lower-case words joined by hyphens")
    if top["title"] != heading:
        problem.fail(
            f"title {top['title']!r} does not match the heading of {READING_FILE} ({heading!r})"
        )

    items = {}
    for kind, fields in ITEM_FIELDS.items():
        raw_items = document.get(kind, [])
        if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
            problem.fail(f"{kind!r} must be a list of tables ([[{kind}]])")
        seen: set[str] = set()
        checked = []
        for index, raw in enumerate(raw_items, start=1):
            label = f"{kind}[{index}]" + (f" (key {raw['key']!r})" if "key" in raw else "")
            values = _check_fields(raw, fields, problem, item=label)
            if not KEY_PATTERN.match(values["key"]):
                problem.fail(f"{label}: key must be lower-case words joined by hyphens")
            if values["key"] in seen:
                problem.fail(f"{label}: duplicate key {values['key']!r} in {kind}")
            seen.add(values["key"])
            checked.append((label, values))
        items[kind] = checked

    anchors: list[tuple[str, Anchor]] = []
    annotations = []
    for label, values in items["annotations"]:
        if values["kind"] not in ANNOTATION_KINDS:
            problem.fail(
                f"{label}: kind {values['kind']!r} is not one of {', '.join(ANNOTATION_KINDS)}"
            )
        anchor = _find_anchor(paragraphs, values, problem, label)
        anchors.append((label, anchor))
        annotations.append(
            AnnotationData(values["key"], values["kind"], values["quote"], values["note"], anchor)
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
        files=(folder / READING_FILE, lesson_path),
    )


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


def _check_fields(raw: dict, fields: dict, problem: _Reporter, *, item: str) -> dict:
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
        if not isinstance(value, kind) or isinstance(value, bool):
            problem.fail(f"{item}: field {name!r} must be a {kind.__name__}")
        if isinstance(value, str):
            if required and not value.strip():
                problem.fail(f"{item}: field {name!r} is empty")
            if name not in ("quote", "prefix", "suffix"):
                value = value.strip()
        values[name] = value
    return values


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
            for name in ("annotations", "terms", "sources", "people", "events", "prompts")
        )
        print(f"OK {folder}: {section.title!r}, {len(section.paragraphs)} paragraphs; {counts}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
