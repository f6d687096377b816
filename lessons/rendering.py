"""Turn a lesson's content into HTML, once per content version.

The reading's text is escaped and wrapped around its anchored items and glossary links;
editorial notes are a small Markdown subset, sanitised with nh3 even though they are ours, so a
slip in a content file can never put markup on a student's screen. Charts are drawn here, on the
server, as SVG from their tables, so they need no JavaScript and no chart library.

Everything rendered here is the same for every reader and is cached on the lesson's content
hash and a digest of the templates and of this module. What depends on the reader (their
answers to the check questions, whether they are a teacher) is decided by the view.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .content import glossary_links
from .models import Annotation, GlossaryTerm, Paragraph, Term

NOTE_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote"}
PARAGRAPH_REFERENCE = re.compile(r"¶(\d+)")
ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.S)

# The cached parts of a lesson page and their templates. "teacher" holds the mark schemes and
# model answers: the view shows it only to teachers.
LESSON_PARTS = {
    "intro": "lessons/_intro.html",
    "contents": "lessons/_contents.html",
    "reading": "lessons/_reading.html",
    "apparatus": "lessons/_apparatus.html",
    "study": "lessons/_study.html",
    "further_reading": "lessons/_further_reading.html",
    "teacher": "lessons/_teacher.html",
}
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "lessons"


def _templates_digest() -> str:
    """A digest of what shapes the cached HTML besides the content: the partial templates and
    this module, which builds the marks and the charts. Computed once, at import, so a deploy
    that changes either renders every lesson anew, with no version to remember to bump."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(TEMPLATE_DIR.glob("_*.html")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


TEMPLATES_DIGEST = _templates_digest()


def render_note(text: str) -> SafeString:
    """Render an editorial note (a small Markdown subset) as safe HTML, linking ¶N."""
    html = markdown.markdown(text, output_format="html")
    html = PARAGRAPH_REFERENCE.sub(r'<a href="#p\1">¶\1</a>', html)
    return mark_safe(nh3.clean(html, tags=NOTE_TAGS, attributes={"a": {"href"}}))


def render_inline_note(text: str) -> SafeString:
    """Like :func:`render_note`, for text inside a sentence or list item (a person's role, a
    citation): one paragraph comes back without its ``<p>``."""
    html = str(render_note(text))
    match = ONE_PARAGRAPH.match(html)
    if match and "<p>" not in match.group(1):
        html = match.group(1)
    return mark_safe(html)


def format_figure(value) -> str:
    """A figure as a table shows it: thousands separated, whole numbers without a decimal."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


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

    @property
    def tier(self) -> str:
        # Key terms have no tier in their files; a definition a student needs is essential.
        return Annotation.Tier.ESSENTIAL if self.is_term else self.item.tier


def marked_paragraph(
    text: str, marks: list[Mark], links: list = (), *, glossary_url: str = ""
) -> SafeString:
    """The paragraph's text, escaped, with each mark wrapped in a link to its note and each
    glossary link (``(start, end, term)``, see :func:`lessons.content.glossary_links`) in a
    link to the glossary. Only tags are added: the text itself stays word for word."""
    spans = [(mark.item.start, mark.item.end, mark) for mark in marks] + list(links)
    pieces, cursor = [], 0
    for start, end, what in sorted(spans, key=lambda span: span[0]):
        pieces.append(escape(text[cursor:start]))
        if isinstance(what, Mark):
            pieces.append(
                format_html(
                    '<a class="mark mark-{kind}" href="#note-{n}" id="ref-{n}" '
                    'data-note="note-{n}" data-kind="{kind}" data-tier="{tier}" '
                    'aria-describedby="note-label-{n}">{quote}'
                    '<sup class="mark-number">{n}</sup></a>',
                    kind=what.css_kind,
                    tier=what.tier,
                    n=what.number,
                    quote=text[start:end],
                )
            )
        else:
            pieces.append(
                format_html(
                    '<a class="glossary-link" href="{url}#term-{key}">{words}</a>',
                    url=glossary_url,
                    key=what.key,
                    words=text[start:end],
                )
            )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces))


def lesson_html(lesson) -> dict[str, SafeString]:
    """The lesson's rendered parts (see ``LESSON_PARTS``), cached by content and templates.

    ``intro`` (big question, objectives), ``contents`` (entries for "On this page"),
    ``reading`` (paragraphs and notes), ``apparatus`` (sources, terms, people, timeline),
    ``study`` (interpretations, voices, data, exam questions), ``further_reading`` and
    ``teacher`` (mark schemes and model answers: for teachers only). A part the lesson has
    nothing for is empty. Nothing in them depends on the reader.
    """
    cache_key = f"lesson-html:{lesson.pk}:{lesson.content_hash}:{TEMPLATES_DIGEST}"
    parts = cache.get(cache_key)
    if parts is None:
        context = lesson_context(lesson)
        parts = {
            name: render_to_string(template, context).strip()
            for name, template in LESSON_PARTS.items()
        }
        cache.set(cache_key, parts, timeout=None)
    return {name: mark_safe(html) for name, html in parts.items()}


def lesson_context(lesson) -> dict:
    """What the cached parts of a lesson page show."""
    paragraphs = list(lesson.paragraphs.filter(is_published=True))
    annotations = list(lesson.annotations.published())
    terms = list(lesson.terms.published())
    glossary = [term for term in GlossaryTerm.objects.published() if lesson.slug in term.lessons]
    marks_by_paragraph = _marks_by_paragraph(annotations, terms)
    glossary_url = reverse("lessons:glossary")
    blocks = []
    for paragraph in paragraphs:
        marks = marks_by_paragraph.get(paragraph.number, [])
        links = glossary_links(
            paragraph.text,
            blocked=[(mark.item.start, mark.item.end) for mark in marks],
            terms=glossary,
        )
        blocks.append(
            {
                "number": paragraph.number,
                "html": marked_paragraph(paragraph.text, marks, links, glossary_url=glossary_url),
                "marks": marks,
            }
        )
    datasets = list(lesson.datasets.published())
    return {
        "lesson": lesson,
        "paragraphs": blocks,
        "sources": list(lesson.sources.published()),
        "terms": sorted(terms, key=lambda term: term.term.casefold()),
        "people": list(lesson.persons.published()),
        "events": list(lesson.events.published()),
        "annotation_count": len(annotations),
        "debates": _debates(lesson.interpretations.published()),
        "voices": list(lesson.voices.published()),
        "datasets": [
            {
                "dataset": dataset,
                "chart": chart_svg(dataset),
                "legend": chart_legend(dataset) if len(dataset.columns) > 2 else [],
            }
            for dataset in datasets
        ],
        "exam_questions": list(lesson.examquestions.published()),
        "further_reading": list(lesson.furtherreadings.published()),
        # The questions themselves are rendered per student; the contents links to them.
        "has_checks": lesson.checkquestions.published().exists(),
    }


def _marks_by_paragraph(annotations, terms) -> dict[int, list[Mark]]:
    """Marks numbered through the lesson in reading order, grouped by paragraph."""
    items = [(a, False) for a in annotations] + [(t, True) for t in terms]
    items.sort(key=lambda pair: (pair[0].paragraph, pair[0].start))
    marks: dict[int, list[Mark]] = {}
    for number, (item, is_term) in enumerate(items, start=1):
        marks.setdefault(item.paragraph, []).append(Mark(number, item, is_term))
    return marks


def _debates(interpretations) -> list[dict]:
    """Interpretations grouped by debate (in file order), each debate with its questions."""
    debates: dict[str, dict] = {}
    for interpretation in interpretations:
        debate = debates.setdefault(
            interpretation.debate,
            {"name": interpretation.debate, "interpretations": [], "questions": []},
        )
        debate["interpretations"].append(interpretation)
        if interpretation.question not in debate["questions"]:
            debate["questions"].append(interpretation.question)
    return list(debates.values())


# The glossary page ---------------------------------------------------------------------------


def glossary_html(lessons) -> SafeString:
    """The glossary's entries, each linking to the paragraphs whose reading links to it; cached
    on the published lessons' content hashes (the glossary file is part of each)."""
    versions = "|".join(f"{lesson.pk}:{lesson.content_hash}" for lesson in lessons)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
    cache_key = f"glossary-html:{digest}:{TEMPLATES_DIGEST}"
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string("lessons/_glossary_entries.html", glossary_context(lessons))
        cache.set(cache_key, html, timeout=None)
    return mark_safe(html)


def glossary_context(lessons) -> dict:
    """Every published glossary term, alphabetically, with the lessons and paragraphs where the
    reading links to it: the same links :func:`lesson_context` draws, so both ways agree."""
    terms = list(GlossaryTerm.objects.published())
    used_in = [lesson for lesson in lessons if any(lesson.slug in t.lessons for t in terms)]
    paragraphs = Paragraph.objects.filter(lesson__in=used_in, is_published=True)
    blocked: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for model in (Annotation, Term):
        anchors = model.objects.published().filter(lesson__in=used_in)
        for lesson_id, number, start, end in anchors.values_list(
            "lesson_id", "paragraph", "start", "end"
        ):
            blocked.setdefault((lesson_id, number), []).append((start, end))
    uses: dict[str, dict[int, list[int]]] = {term.key: {} for term in terms}
    by_pk = {lesson.pk: lesson for lesson in used_in}
    for paragraph in paragraphs.order_by("lesson_id", "number"):
        lesson = by_pk[paragraph.lesson_id]
        listed = [term for term in terms if lesson.slug in term.lessons]
        links = glossary_links(
            paragraph.text,
            blocked=blocked.get((lesson.pk, paragraph.number), []),
            terms=listed,
        )
        for _, _, term in links:
            uses[term.key].setdefault(lesson.pk, []).append(paragraph.number)
    entries = [
        {
            "term": term,
            "uses": [
                (lesson, uses[term.key][lesson.pk])
                for lesson in used_in
                if lesson.pk in uses[term.key]
            ],
        }
        for term in sorted(terms, key=lambda term: term.term.casefold())
    ]
    letters: dict[str, list[dict]] = {}
    for entry in entries:
        initial = entry["term"].term[:1].upper()
        letters.setdefault(initial if initial.isalpha() else "#", []).append(entry)
    return {"letters": list(letters.items()), "entries": entries}


# Charts --------------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 72, 624, 36, 256
SERIES_STYLES = 4  # chart-series-1 … -4 in study.css: colours told apart by colour-blind readers
MAX_AXIS_LABELS = 12


def chart_svg(dataset) -> SafeString:
    """Draw a dataset as an SVG bar or line chart, with its title and a description as its text
    alternative. The dataset's table is always shown beside it (see ``_study.html``): the chart
    is a picture of the table, never the only place the figures are."""
    labels = [row[0] for row in dataset.rows]
    series = dataset.series
    figures = [value for _, values in series for value in values]
    ticks = _ticks(min(0, *figures), max(0, *figures))
    low, high = ticks[0], ticks[-1]

    def y(value) -> float:
        return PLOT_BOTTOM - (value - low) / (high - low) * (PLOT_BOTTOM - PLOT_TOP)

    band = (PLOT_RIGHT - PLOT_LEFT) / len(labels)
    shapes = []
    for tick in ticks:
        shapes.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{y}" y2="{y}"></line>'
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>',
                PLOT_LEFT,
                PLOT_RIGHT,
                PLOT_LEFT - 8,
                _coordinate(y(tick) + 4),
                format_figure(tick),
                y=_coordinate(y(tick)),
            )
        )
    every = math.ceil(len(labels) / MAX_AXIS_LABELS)
    for index, label in enumerate(labels):
        if index % every == 0:
            shapes.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _coordinate(PLOT_LEFT + band * (index + 0.5)),
                    PLOT_BOTTOM + 20,
                    label,
                )
            )
    for number, (name, values) in enumerate(series):
        style = f"chart-series chart-series-{number % SERIES_STYLES + 1}"
        if dataset.chart == dataset.Chart.BAR:
            width = band * 0.8 / len(series)
            for index, value in enumerate(values):
                shapes.append(
                    format_html(
                        '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                        "<title>{}, {}: {}</title></rect>",
                        style,
                        _coordinate(PLOT_LEFT + band * index + band * 0.1 + width * number),
                        _coordinate(min(y(value), y(0))),
                        _coordinate(width),
                        _coordinate(abs(y(value) - y(0))),
                        labels[index],
                        name,
                        format_figure(value),
                    )
                )
        else:
            points = [
                (PLOT_LEFT + band * (index + 0.5), y(value)) for index, value in enumerate(values)
            ]
            shapes.append(
                format_html(
                    '<polyline class="{} chart-line" points="{}"></polyline>',
                    style,
                    " ".join(f"{_coordinate(px)},{_coordinate(py)}" for px, py in points),
                )
            )
            shapes.append(
                format_html_join(
                    "",
                    '<circle class="{}" cx="{}" cy="{}" r="4"><title>{}, {}: {}</title></circle>',
                    (
                        (style, _coordinate(px), _coordinate(py), label, name, format_figure(value))
                        for (px, py), label, value in zip(points, labels, values, strict=True)
                    ),
                )
            )
    shapes.append(
        format_html(
            '<line class="chart-axis" x1="{}" x2="{}" y1="{y}" y2="{y}"></line>',
            PLOT_LEFT,
            PLOT_RIGHT,
            y=_coordinate(y(0)),
        )
    )
    if len(series) == 1:
        # One series: its heading (with its unit) names the axis; more have a legend instead.
        shapes.append(
            format_html(
                '<text class="chart-axis-title" x="{}" y="{}">{}</text>',
                PLOT_LEFT - 56,
                16,
                series[0][0],
            )
        )
    kind = dict(dataset.Chart.choices)[dataset.chart]
    description = (
        f"{kind} of {_listing([name for name, _ in series])} by {dataset.columns[0].lower()}, "
        f"{labels[0]} to {labels[-1]}. The figures are in the table that follows the chart."
    )
    return format_html(
        '<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="chart-title-{key} chart-desc-{key}" focusable="false">'
        '<title id="chart-title-{key}">{title}</title><desc id="chart-desc-{key}">{desc}</desc>'
        "{shapes}</svg>",
        kind=dataset.chart,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        key=dataset.key,
        title=dataset.title,
        desc=description,
        shapes=mark_safe("".join(shapes)),
    )


def chart_legend(dataset) -> list[tuple[int, str]]:
    """The series of a chart with their style numbers, for a legend when there are several."""
    return [(number % SERIES_STYLES + 1, name) for number, (name, _) in enumerate(dataset.series)]


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers from at most ``low`` to at least ``high`` for the value axis."""
    if high == low:
        high = low + 1
    rough = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(index * step, 10) for index in range(first, last + 1)]


def _coordinate(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _listing(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
