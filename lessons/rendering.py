"""Turn the reading and its editorial notes into HTML.

The reading's text is escaped and wrapped around its anchored items; editorial notes are a small
Markdown subset, sanitised with nh3 even though they are ours, so a slip in a content file can
never put markup on a student's screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
import nh3
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

NOTE_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote"}
PARAGRAPH_REFERENCE = re.compile(r"¶(\d+)")
# Bump when the reading template changes, so cached pages are rendered anew.
READING_TEMPLATE_VERSION = "1"


def render_note(text: str) -> SafeString:
    """Render an editorial note (a small Markdown subset) as safe HTML, linking ¶N."""
    html = markdown.markdown(text, output_format="html")
    html = PARAGRAPH_REFERENCE.sub(r'<a href="#p\1">¶\1</a>', html)
    return mark_safe(nh3.clean(html, tags=NOTE_TAGS, attributes={"a": {"href"}}))


@dataclass
class Mark:
    """A highlighted passage in a paragraph with its note number."""

    number: int
    item: object
    is_term: bool

    @property
    def css_kind(self) -> str:
        return "term" if self.is_term else self.item.kind

    @property
    def label(self) -> str:
        return "Key term" if self.is_term else self.item.get_kind_display()


def marked_paragraph(text: str, marks: list[Mark]) -> SafeString:
    """The paragraph's text, escaped, with each mark wrapped in a link to its note."""
    pieces, cursor = [], 0
    for mark in marks:
        pieces.append(escape(text[cursor : mark.item.start]))
        pieces.append(
            format_html(
                '<a class="mark mark-{kind}" href="#note-{n}" id="ref-{n}" '
                'data-note="note-{n}" aria-describedby="note-label-{n}">{quote}'
                '<sup class="mark-number">{n}</sup></a>',
                kind=mark.css_kind,
                n=mark.number,
                quote=text[mark.item.start : mark.item.end],
            )
        )
        cursor = mark.item.end
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces))


def lesson_html(lesson) -> dict[str, SafeString]:
    """The lesson's rendered parts, cached by content: ``reading`` (paragraphs and notes) and
    ``apparatus`` (sources, terms, people, timeline). Nothing in them depends on the reader."""
    cache_key = f"lesson-html:{lesson.pk}:{lesson.content_hash}:{READING_TEMPLATE_VERSION}"
    parts = cache.get(cache_key)
    if parts is None:
        context = reading_context(lesson)
        parts = {
            "reading": render_to_string("lessons/_reading.html", context),
            "apparatus": render_to_string("lessons/_apparatus.html", context),
        }
        cache.set(cache_key, parts, timeout=None)
    return {name: mark_safe(html) for name, html in parts.items()}


def reading_context(lesson) -> dict:
    paragraphs = list(lesson.paragraphs.filter(is_published=True))
    annotations = list(lesson.annotations.published())
    terms = list(lesson.terms.published())
    items = [(a, False) for a in annotations] + [(t, True) for t in terms]
    items.sort(key=lambda pair: (pair[0].paragraph, pair[0].start))
    marks_by_paragraph: dict[int, list[Mark]] = {}
    for number, (item, is_term) in enumerate(items, start=1):
        marks_by_paragraph.setdefault(item.paragraph, []).append(Mark(number, item, is_term))
    blocks = [
        {
            "number": paragraph.number,
            "html": marked_paragraph(paragraph.text, marks_by_paragraph.get(paragraph.number, [])),
            "marks": marks_by_paragraph.get(paragraph.number, []),
        }
        for paragraph in paragraphs
    ]
    return {
        "lesson": lesson,
        "paragraphs": blocks,
        "sources": list(lesson.sources.published()),
        "terms": sorted(terms, key=lambda term: term.term.casefold()),
        "people": list(lesson.persons.published()),
        "events": list(lesson.events.published()),
        "annotation_count": len(annotations),
    }
