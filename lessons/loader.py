"""Load every section's content files into the database, idempotently.

The loader reads each section app's ``content/`` folder (see :mod:`lessons.content`) and the
unit's ``lessons/glossary.toml``, checks them against each other (slugs and orders are unique;
the glossary names real lessons and links into each) and upserts the rows by stable keys:
an edited item is updated in place and keeps its id; an item removed from the files is
unpublished, never deleted, because students' work may point at it. Nothing is written when
nothing changed, so a second ``migrate`` is a no-op.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import catalogue
from .apps import SectionConfig
from .content import (
    GLOSSARY_FILE,
    ContentError,
    GlossaryTermData,
    SectionData,
    read_glossary,
    read_section,
)
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
    Paragraph,
    Person,
    Prompt,
    Source,
    Term,
    Voice,
)

# The unit-wide glossary; optional, like each section's study.toml.
GLOSSARY_PATH = Path(__file__).resolve().parent / GLOSSARY_FILE


@dataclass
class SyncReport:
    """What a sync changed, counted by kind of row."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unpublished: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any((self.created, self.updated, self.unpublished))

    def __str__(self):
        if not self.changed:
            return "Lessons are up to date."
        parts = []
        for verb, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("unpublished", self.unpublished),
        ):
            if counter:
                items = ", ".join(f"{count} {name}" for name, count in sorted(counter.items()))
                parts.append(f"{verb} {items}")
        return "Lessons synced: " + "; ".join(parts) + "."


def section_configs() -> list[SectionConfig]:
    """The installed section apps."""
    return [config for config in apps.get_app_configs() if isinstance(config, SectionConfig)]


@dataclass(frozen=True)
class UnitContent:
    """Everything the content files hold, validated: the sections and the unit's glossary."""

    sections: list[tuple[SectionConfig, SectionData]]
    glossary: tuple[GlossaryTermData, ...]
    glossary_bytes: bytes


def read_content() -> UnitContent:
    """Read and validate every section and the glossary against them."""
    sections = _read_sections()
    glossary = read_glossary(GLOSSARY_PATH, [section for _, section in sections])
    glossary_bytes = GLOSSARY_PATH.read_bytes() if GLOSSARY_PATH.exists() else b""
    return UnitContent(sections, glossary, glossary_bytes)


def read_sections() -> list[tuple[SectionConfig, SectionData]]:
    """Read and validate every section (and the glossary, which must fit them); a slug or order
    used twice is an error too. ``sync_lessons --check`` calls this."""
    return read_content().sections


def _read_sections() -> list[tuple[SectionConfig, SectionData]]:
    sections = [(config, read_section(config.content_dir)) for config in section_configs()]
    for attribute in ("slug", "order"):
        seen: dict[object, SectionConfig] = {}
        for config, section in sections:
            value = getattr(section, attribute)
            if value in seen:
                raise ContentError(
                    f"{config.content_dir / 'lesson.toml'}: {attribute} {value!r} is already "
                    f"used by {seen[value].content_dir / 'lesson.toml'}"
                )
            seen[value] = config
    return sorted(sections, key=lambda pair: pair[1].order)


def content_hash(section: SectionData, glossary_bytes: bytes = b"") -> str:
    """Changes whenever anything the lesson page shows from the files does. The glossary is
    part of it because the reading links its words to the glossary."""
    digest = hashlib.sha256()
    for path in section.files:
        digest.update(path.read_bytes())
    digest.update(glossary_bytes)
    return digest.hexdigest()


@transaction.atomic
def sync_lessons(*, using: str = DEFAULT_DB_ALIAS) -> SyncReport:
    """Bring the lesson tables in line with the content files and report what changed."""
    report = SyncReport()
    content = read_content()
    seen_labels = set()
    for config, section in content.sections:
        seen_labels.add(config.label)
        lesson = Lesson.objects.using(using).filter(app_label=config.label).first()
        digest = content_hash(section, content.glossary_bytes)
        if lesson is not None and lesson.content_hash == digest and lesson.is_published:
            continue
        values = {
            "slug": section.slug,
            "order": section.order,
            "title": section.title,
            "summary": section.summary,
            "big_question": section.big_question,
            "objectives": list(section.objectives),
            "content_hash": digest,
            "is_published": True,
        }
        if lesson is None:
            # Free the slug and order in case a removed section still holds them.
            Lesson.objects.using(using).filter(slug=section.slug).update(
                slug=f"{section.slug}-retired-{digest[:8]}"
            )
            lesson = Lesson.objects.using(using).create(app_label=config.label, **values)
            report.created["lessons"] += 1
        elif _assign(lesson, values):
            lesson.save(using=using)
            report.updated["lessons"] += 1
        _sync_items(lesson, section, report, using)
    retired = (
        Lesson.objects.using(using).exclude(app_label__in=seen_labels).filter(is_published=True)
    )
    if count := retired.update(is_published=False):
        report.unpublished["lessons"] += count
    _sync_glossary(content.glossary, report, using)
    if report.changed:
        transaction.on_commit(catalogue.forget, using=using)
    return report


def _sync_items(lesson, section: SectionData, report: SyncReport, using: str) -> None:
    paragraphs = {
        str(number): {"number": number, "text": text}
        for number, text in enumerate(section.paragraphs, start=1)
    }
    _upsert(Paragraph, paragraphs, "number", report, using, lesson=lesson)

    def anchored(item, **extra):
        return {
            "quote": item.quote,
            "paragraph": item.anchor.paragraph,
            "start": item.anchor.start,
            "end": item.anchor.end,
            **extra,
        }

    groups = [
        (
            Annotation,
            {
                a.key: anchored(a, kind=a.kind, tier=a.tier, note=a.note)
                for a in section.annotations
            },
        ),
        (Term, {t.key: anchored(t, term=t.term, definition=t.definition) for t in section.terms}),
        (Source, {s.key: _source_values(s) for s in section.sources}),
        (Person, {p.key: {"name": p.name, "life": p.life, "role": p.role} for p in section.people}),
        (
            Event,
            {
                e.key: {"date": e.date, "title": e.title, "paragraph": e.paragraph}
                for e in section.events
            },
        ),
        (
            Prompt,
            {p.key: {"question": p.question, "guidance": p.guidance} for p in section.prompts},
        ),
        (Interpretation, {i.key: _values(i) for i in section.interpretations}),
        (Voice, {v.key: _source_values(v) for v in section.voices}),
        (Dataset, {d.key: _values(d) for d in section.datasets}),
        (CheckQuestion, {c.key: _values(c) for c in section.checks}),
        (ExamQuestion, {e.key: _values(e) for e in section.exam_questions}),
        # Further reading has no key in its file: its position (from 1) is its key.
        (
            FurtherReading,
            {str(n): asdict(r) for n, r in enumerate(section.further_reading, start=1)},
        ),
    ]
    for model, items in groups:
        for position, values in enumerate(items.values()):
            values["position"] = position
        _upsert(model, items, "key", report, using, lesson=lesson)


def _sync_glossary(glossary, report: SyncReport, using: str) -> None:
    items = {}
    for position, term in enumerate(glossary):
        items[term.key] = {**_values(term), "position": position}
    _upsert(GlossaryTerm, items, "key", report, using)


def _values(item) -> dict:
    """An item's fields as row values: without its key, tuples as the lists JSON gives back."""
    values = asdict(item)
    values.pop("key")
    return {name: _as_json(value) for name, value in values.items()}


def _as_json(value):
    # Compare like with like: a JSONField reads back lists, never tuples.
    if isinstance(value, tuple | list):
        return [_as_json(entry) for entry in value]
    if isinstance(value, dict):
        return {name: _as_json(entry) for name, entry in value.items()}
    return value


def _source_values(source) -> dict:
    values = asdict(source)
    values.pop("key")
    values["date_label"] = values.pop("date")
    return values


def _upsert(model, items: dict[str, dict], key_field: str, report, using, *, lesson=None) -> None:
    """Create, update in place or unpublish ``model`` rows keyed on ``key_field``: the rows of
    ``lesson``, or, for unit-wide items such as the glossary, all of them."""
    name = model._meta.verbose_name_plural
    rows = model.objects.using(using)
    rows = rows.filter(lesson=lesson) if lesson is not None else rows.all()
    existing = {str(getattr(row, key_field)): row for row in rows}
    belongs = {"lesson": lesson} if lesson is not None else {}
    for key, values in items.items():
        values = {**values, "is_published": True}
        row = existing.pop(key, None)
        if row is None:
            if key_field == "key":
                values["key"] = key
            model.objects.using(using).create(**belongs, **values)
            report.created[name] += 1
        elif _assign(row, values):
            row.save(using=using)
            report.updated[name] += 1
    gone = [row.pk for row in existing.values() if row.is_published]
    if gone:
        report.unpublished[name] += (
            model.objects.using(using).filter(pk__in=gone).update(is_published=False)
        )


def _assign(row, values: dict) -> bool:
    changed = False
    for attribute, value in values.items():
        if getattr(row, attribute) != value:
            setattr(row, attribute, value)
            changed = True
    return changed


def sync_after_migrate(sender, *, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """``post_migrate`` receiver: load the lessons once the lessons tables exist."""
    if Lesson._meta.db_table not in connections[using].introspection.table_names():
        return
    try:
        report = sync_lessons(using=using)
    except ContentError as error:
        raise CommandError(f"Lesson content error: {error}") from error
    if verbosity >= 1 and stdout is not None and report.changed:
        stdout.write(f"  {report}\n")
