"""The study apparatus renders once per content version, for everyone alike: charts come with
their tables, notes carry their tiers, glossary words link without changing the text, and the
teachers' part is kept apart from what students see."""

import html
import re

import pytest

from lessons import catalogue, rendering
from lessons.loader import sync_lessons
from lessons.models import Dataset, Lesson, Person
from lessons.rendering import chart_svg, format_figure, lesson_html, render_inline_note

from .study_content import set_tiers, use_glossary, use_study_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(tmp_path, monkeypatch):
    """The first lesson with our study file, our glossary and known tiers, loaded."""
    folder = use_study_content(tmp_path, monkeypatch)
    set_tiers(folder, {"last-exile": "extension", "stalins-posts": "essential"})
    use_glossary(tmp_path, monkeypatch)
    sync_lessons()
    catalogue.forget()
    return Lesson.objects.get(app_label="rise_to_power")


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_every_part_is_rendered_and_empty_parts_are_empty(lesson):
    parts = lesson_html(lesson)
    assert set(parts) == set(rendering.LESSON_PARTS)
    assert "FIXTURE: How did Stalin" in html.unescape(parts["intro"])
    assert "<em>figures</em>" in parts["intro"]  # objectives are notes too
    bare = Lesson.objects.get(app_label="legacy")
    Lesson.objects.filter(pk=bare.pk).update(big_question="", objectives=[])
    bare.refresh_from_db()
    bare.datasets.update(is_published=False)
    bare.interpretations.update(is_published=False)
    bare.voices.update(is_published=False)
    bare.examquestions.update(is_published=False)
    bare.furtherreadings.update(is_published=False)
    bare_parts = lesson_html(bare)
    for name in ("intro", "study", "further_reading", "teacher"):
        assert bare_parts[name] == "", name


def test_teachers_part_holds_the_mark_schemes_and_no_other_part_does(lesson):
    parts = lesson_html(lesson)
    assert "TEACHER-ONLY MARK SCHEME" in parts["teacher"]
    assert "TEACHER-ONLY MODEL ANSWER" in parts["teacher"]
    for name, part in parts.items():
        if name != "teacher":
            assert "TEACHER-ONLY" not in part, name
    # Students see the question and its success criteria.
    study = html.unescape(parts["study"])
    assert "FIXTURE: How far was Stalin’s hold" in study
    assert "[20 marks]" in study and "<em>supported</em>" in study


def test_chart_comes_with_its_table_and_a_text_alternative(lesson):
    study = lesson_html(lesson)["study"]
    article = study[study.index('id="dataset-fixture-members"') :]
    article = article[: article.index("</article>")]
    svg = re.search(r"<svg [^>]*>", article).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title-fixture-members chart-desc-fixture-members"' in svg
    assert '<title id="chart-title-fixture-members">FIXTURE: Party members</title>' in article
    description = re.search(r'<desc id="chart-desc-fixture-members">(.*?)</desc>', article)
    assert "Line chart of Members (thousands) and Candidates (thousands) by year, 1924 to 1927" in (
        html.unescape(description.group(1))
    )
    assert "<caption" in article and "FIXTURE: Party members: the figures</caption>" in article
    assert article.count('<th scope="col">') == 3
    assert '<th scope="row">1924</th><td>350</td><td>120.5</td>' in article
    assert "<td>1,426</td>" in article
    assert "Fixture Statistician, <em>Fixture Tables</em>" in article  # the citation
    assert "FIXTURE: What happened to membership?" in article
    assert article.count("<polyline") == 2 and 'class="chart-legend' in article


def test_bar_chart_draws_one_bar_per_figure_and_names_its_axis(lesson):
    study = lesson_html(lesson)["study"]
    article = study[study.index('id="dataset-fixture-votes"') :]
    article = article[: article.index("</article>")]
    assert article.count('<rect class="chart-series chart-series-1"') == 2
    assert '<text class="chart-axis-title"' in article and "chart-legend" not in article
    assert "<title>Opposition, Delegates: 65</title>" in article


def test_chart_scale_covers_negative_and_fractional_figures():
    dataset = Dataset(
        key="change",
        title="Change",
        chart="bar",
        columns=["Year", "Change (%)"],
        rows=[["1930", -12.5], ["1931", 3.25]],
        questions=["Q?"],
    )
    svg = str(chart_svg(dataset))
    ticks = re.findall(r'<text class="chart-tick"[^>]*>([^<]+)</text>', svg)
    assert ticks[0].startswith("-") and float(ticks[-1].replace(",", "")) >= 3.25
    assert "<title>1931, Change (%): 3.25</title>" in svg
    assert format_figure(1234567) == "1,234,567" and format_figure(7.0) == "7"


def test_interpretations_of_one_debate_sit_together_with_their_questions(lesson):
    study = html.unescape(lesson_html(lesson)["study"])
    debate = study[study.index("FIXTURE: Why did Stalin win?") :]
    assert debate.count('class="card h-100 interpretation-card"') == 2
    assert "FIXTURE: How far do you agree that the Party machine" in debate
    assert "FIXTURE: How far do you agree that policy" in debate
    assert "A. Historian, <em>A Fixture Book</em> (Fixture Press, 1999), p. 1." in debate


def test_voice_is_a_source_card_with_a_close_reading_question(lesson):
    study = html.unescape(lesson_html(lesson)["study"])
    card = study[study.index('id="voice-fixture-worker"') :]
    card = card[: card.index("</article>")]
    for text in ("FIXTURE headnote.", "Where it comes from", "<dt>Close reading</dt>"):
        assert text in card
    assert "Fixture Editor (ed.), <em>Fixture Letters</em>" in card


def test_further_reading_names_lee_1999_as_the_essays_main_source(lesson):
    part = html.unescape(lesson_html(lesson)["further_reading"])
    assert (
        "The essay’s main source is Stephen J. Lee, <cite>Stalin and the Soviet Union</cite>"
        in (part)
    )
    lee = part[part.index("Stephen J. Lee, <cite>Stalin and the Soviet Union</cite> (Routledge") :]
    assert lee.index("The essay’s main source</span>") < lee.index("A. Historian")


def test_marks_and_notes_carry_their_tier_and_kind(lesson):
    reading = lesson_html(lesson)["reading"]
    extension = re.search(
        r'<a class="mark mark-correction"[^>]*data-note="(note-\d+)"[^>]*>a brief stint', reading
    )
    assert extension, "the annotation 'last-exile' is not marked"
    assert 'data-tier="extension"' in extension.group(0)
    assert 'data-kind="correction"' in extension.group(0)
    note = re.search(rf'<li id="{extension.group(1)}"[^>]*>', reading).group(0)
    assert 'data-tier="extension"' in note
    essential = re.search(r'<a class="mark mark-context"[^>]*>From 1917 to 1924', reading).group(0)
    assert 'data-tier="essential"' in essential
    term = re.search(r'<a class="mark mark-term"[^>]*>', reading).group(0)
    assert 'data-tier="essential"' in term  # key terms have no tier of their own


def test_glossary_words_link_once_per_paragraph_outside_the_highlights(lesson):
    reading = lesson_html(lesson)["reading"]
    paragraphs = re.findall(r'<p id="p(\d)" class="reading-paragraph">(.*?)</p>', reading, re.S)
    links = {
        number: re.findall(
            r'<a class="glossary-link" href="/lessons/glossary/#term-([\w-]+)">([^<]+)</a>', body
        )
        for number, body in paragraphs
    }
    # ¶1 has "Bolshevik Party" twice, both outside highlights: only the first is linked.
    assert links["1"] == [("bolshevik-party", "Bolshevik Party")]
    # ¶3's only "Bolshevik Party" is inside a highlighted passage, so it stays a mark.
    assert links["3"] == [("nep", "NEP")]
    for body in (body for _, body in paragraphs):
        for mark in re.findall(r'<a class="mark.*?</a>', body, re.S):
            assert "glossary-link" not in mark  # never a link inside a link


def test_reading_with_glossary_links_is_still_the_essay_word_for_word(lesson):
    reading = lesson_html(lesson)["reading"]
    for paragraph in lesson.paragraphs.all():
        body = re.search(
            rf'<p id="p{paragraph.number}" class="reading-paragraph">(.*?)</p>', reading, re.S
        ).group(1)
        body = re.sub(
            r'<a class="paragraph-number".*?</a>(<button[^>]*cite-button.*?</button>)? ',
            "",
            body,
            count=1,
        )
        body = re.sub(r'<sup class="mark-number">\d+</sup>', "", body)
        assert visible_text(body) == paragraph.text


def test_people_roles_render_their_markdown(lesson):
    person = Person.objects.filter(lesson=lesson).first()
    Person.objects.filter(pk=person.pk).update(role="Editor of *Pravda*.")
    Lesson.objects.filter(pk=lesson.pk).update(content_hash="edited")
    lesson.refresh_from_db()
    apparatus = lesson_html(lesson)["apparatus"]
    assert "Editor of <em>Pravda</em>." in apparatus
    assert "*Pravda*" not in apparatus
    assert render_inline_note("One *line*.") == "One <em>line</em>."
    assert render_inline_note("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"


def test_cache_is_keyed_on_content_and_templates(lesson, monkeypatch, django_assert_num_queries):
    lesson_html(lesson)
    with django_assert_num_queries(0):
        lesson_html(lesson)
    monkeypatch.setattr(rendering, "TEMPLATES_DIGEST", "a-changed-template")
    with django_assert_num_queries(13):  # rendered anew: each kind of content read once
        lesson_html(lesson)


def test_templates_digest_follows_the_template_files(tmp_path, monkeypatch):
    (tmp_path / "_reading.html").write_text("one", encoding="utf-8")
    monkeypatch.setattr(rendering, "TEMPLATE_DIR", tmp_path)
    first = rendering._templates_digest()
    (tmp_path / "_reading.html").write_text("two", encoding="utf-8")
    assert rendering._templates_digest() != first
    assert first != rendering.TEMPLATES_DIGEST  # computed from the real templates at import
