"""Load every section's content files into the database, idempotently.

The loader reads each section app's ``content/`` folder (see :mod:`lessons.content`), checks the
sections against each other (slugs and orders are unique) and upserts the rows by stable keys:
an edited item is updated in place and keeps its id; an item removed from the files is
unpublished, never deleted, because students' work may point at it. Nothing is written when
nothing changed, so a second ``migrate`` is a no-op.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from . import catalogue
from .apps import SectionConfig
from .content import ContentError, SectionData, read_section
from .models import Annotation, Event, Lesson, Paragraph, Person, Prompt, Source, Term


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


def read_sections() -> list[tuple[SectionConfig, SectionData]]:
    """Read and validate every section; a slug or order used twice is an error too."""
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


def content_hash(section: SectionData) -> str:
    digest = hashlib.sha256()
    for path in section.files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@transaction.atomic
def sync_lessons(*, using: str = DEFAULT_DB_ALIAS) -> SyncReport:
    """Bring the lesson tables in line with the content files and report what changed."""
    report = SyncReport()
    sections = read_sections()
    seen_labels = set()
    for config, section in sections:
        seen_labels.add(config.label)
        lesson = Lesson.objects.using(using).filter(app_label=config.label).first()
        digest = content_hash(section)
        if lesson is not None and lesson.content_hash == digest and lesson.is_published:
            continue
        values = {
            "slug": section.slug,
            "order": section.order,
            "title": section.title,
            "summary": section.summary,
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
    if report.changed:
        transaction.on_commit(catalogue.forget, using=using)
    return report


def _sync_items(lesson, section: SectionData, report: SyncReport, using: str) -> None:
    paragraphs = {
        str(number): {"number": number, "text": text}
        for number, text in enumerate(section.paragraphs, start=1)
    }
    _upsert(Paragraph, lesson, paragraphs, "number", report, using)

    def anchored(item, **extra):
        return {
            "quote": item.quote,
            "paragraph": item.anchor.paragraph,
            "start": item.anchor.start,
            "end": item.anchor.end,
            **extra,
        }

    groups = [
        (Annotation, {a.key: anchored(a, kind=a.kind, note=a.note) for a in section.annotations}),
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
    ]
    for model, items in groups:
        for position, values in enumerate(items.values()):
            values["position"] = position
        _upsert(model, lesson, items, "key", report, using)


def _source_values(source) -> dict:
    values = asdict(source)
    values.pop("key")
    values["date_label"] = values.pop("date")
    return values


def _upsert(model, lesson, items: dict[str, dict], key_field: str, report, using) -> None:
    """Create, update in place or unpublish ``model`` rows of ``lesson`` keyed on ``key_field``."""
    name = model._meta.verbose_name_plural
    existing = {
        str(getattr(row, key_field)): row
        for row in model.objects.using(using).filter(lesson=lesson)
    }
    for key, values in items.items():
        values = {**values, "is_published": True}
        row = existing.pop(key, None)
        if row is None:
            if key_field == "key":
                values["key"] = key
            model.objects.using(using).create(lesson=lesson, **values)
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
