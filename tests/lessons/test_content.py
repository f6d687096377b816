"""Every way a content file can be wrong stops with a message naming the file, item and problem."""

import re
import textwrap

import pytest

from lessons.content import ContentError, format_date, read_section

READING = (
    "A Heading\n\n"
    "Lenin died in 1924 and Stalin rose. Stalin was General Secretary.\n\n"
    "The NEP began in 1921. The NEP ended in 1928.\n"
)

VALID = """
slug = "a-heading"
order = 1
title = "A Heading"
summary = "A test section."

[[annotations]]
key = "lenin-died"
kind = "correction"
tier = "essential"
quote = "Lenin died in 1924"
note = "He died on 21 January 1924, see ¶1."

[[terms]]
key = "general-secretary"
term = "General Secretary"
quote = "General Secretary"
definition = "Head of the Party's Secretariat."

[[sources]]
key = "testament"
title = "Lenin's Testament"
author = "Lenin"
date = "January 1923"
kind = "Letter"
origin = "Lee 1999."
excerpt = "Stalin is too rude."
headnote = "Dictated while ill."
paragraph = 1
sourcing = "Who wrote it?"
contextualisation = "What was happening?"
corroboration = "Who agrees?"

[[people]]
key = "lenin"
name = "Lenin"
life = "1870–1924"
role = "Leader."

[[events]]
key = "lenin-dies"
date = "1924-01-21"
title = "Lenin dies."
paragraph = 1

[[prompts]]
key = "why"
question = "Why did Stalin rise?"
"""


@pytest.fixture
def section(tmp_path):
    """A valid section folder; tests break one thing in it."""
    (tmp_path / "reading.txt").write_text(READING, encoding="utf-8")
    (tmp_path / "lesson.toml").write_text(VALID, encoding="utf-8")
    return tmp_path


def write(folder, toml: str) -> None:
    (folder / "lesson.toml").write_text(textwrap.dedent(toml), encoding="utf-8")


def assert_error(folder, *fragments: str) -> None:
    with pytest.raises(ContentError) as raised:
        read_section(folder)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message


def test_a_valid_section_reads_with_anchors_at_the_exact_quote(section):
    data = read_section(section)
    annotation = data.annotations[0]
    assert annotation.anchor.paragraph == 1
    paragraph = data.paragraphs[0]
    assert paragraph[annotation.anchor.start : annotation.anchor.end] == "Lenin died in 1924"
    assert data.terms[0].anchor.paragraph == 1
    assert data.reading == READING.rstrip("\n")


def test_missing_reading_file_names_the_file(section):
    (section / "reading.txt").unlink()
    assert_error(section, str(section / "reading.txt"), "file is missing")


def test_missing_lesson_file_names_the_file(section):
    (section / "lesson.toml").unlink()
    assert_error(section, str(section / "lesson.toml"), "file is missing")


def test_invalid_toml_names_the_file_and_line(section):
    write(section, VALID + "\n[[annotations]\nkey = 1\n")
    assert_error(section, "lesson.toml", "not valid TOML", "line")


def test_non_utf8_file_is_named(section):
    (section / "lesson.toml").write_bytes(VALID.encode("utf-8") + b"\n# caf\xe9\n")
    assert_error(section, "lesson.toml", "not valid UTF-8")


def test_quote_not_found_names_the_item_and_quote(section):
    write(section, VALID.replace('quote = "Lenin died in 1924"', 'quote = "Lenin died in 1925"'))
    assert_error(
        section,
        "lesson.toml",
        "annotations[1] (key 'lenin-died')",
        "'Lenin died in 1925'",
        "not found",
    )


def test_quote_found_twice_asks_for_a_prefix_or_suffix(section):
    write(section, VALID.replace('quote = "Lenin died in 1924"', 'quote = "The NEP"'))
    assert_error(section, "annotations[1]", "'The NEP'", "found 2 times", "¶2", "prefix or suffix")


def test_prefix_tells_a_repeated_quote_apart(section):
    write(
        section,
        VALID.replace('quote = "Lenin died in 1924"', 'quote = "The NEP"\nprefix = "1921. "'),
    )
    data = read_section(section)
    anchor = data.annotations[0].anchor
    assert anchor.paragraph == 2
    assert data.paragraphs[1][anchor.start :] == "The NEP ended in 1928."


def test_suffix_tells_a_repeated_quote_apart(section):
    write(
        section, VALID.replace('quote = "Lenin died in 1924"', 'quote = "NEP"\nsuffix = " began"')
    )
    anchor = read_section(section).annotations[0].anchor
    assert anchor.start == len("The ")


def test_term_quote_is_checked_like_an_annotation(section):
    write(section, VALID.replace('quote = "General Secretary"', 'quote = "General Secretariat"'))
    assert_error(section, "terms[1] (key 'general-secretary')", "not found")


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("annotations", "note"),
        ("annotations", "kind"),
        ("terms", "definition"),
        ("sources", "corroboration"),
        ("people", "life"),
        ("events", "date"),
        ("prompts", "question"),
    ],
)
def test_missing_field_is_named(section, table, field):
    lines = VALID.splitlines()
    start = lines.index(f"[[{table}]]")
    for index in range(start, len(lines)):
        if lines[index].startswith(f"{field} ="):
            del lines[index]
            break
    write(section, "\n".join(lines))
    assert_error(section, f"{table}[1]", f"missing field '{field}'")


def test_missing_top_level_field_is_named(section):
    write(section, VALID.replace('summary = "A test section."\n', ""))
    assert_error(section, "the lesson", "missing field 'summary'")


def test_empty_field_is_an_error(section):
    write(section, VALID.replace('question = "Why did Stalin rise?"', 'question = "   "'))
    assert_error(section, "prompts[1]", "'question' is empty")


def test_unknown_field_catches_typos(section):
    write(section, VALID.replace('note = "He died', 'notes = "x"\nnote = "He died'))
    assert_error(section, "annotations[1]", "unknown field(s) 'notes'")


def test_duplicate_key_is_an_error(section):
    write(
        section,
        VALID + '\n[[prompts]]\nkey = "why"\nquestion = "Another question?"\n',
    )
    assert_error(section, "prompts[2] (key 'why')", "duplicate key 'why'")


def test_wrong_type_is_an_error(section):
    write(section, VALID.replace("paragraph = 1\nsourcing", 'paragraph = "one"\nsourcing'))
    assert_error(section, "sources[1]", "'paragraph' must be an integer")


def test_unknown_annotation_kind_is_an_error(section):
    write(section, VALID.replace('kind = "correction"', 'kind = "opinion"'))
    assert_error(section, "annotations[1]", "kind 'opinion' is not one of")


@pytest.mark.parametrize("line", ['tier = "optional"', ""])
def test_annotation_without_a_valid_tier_is_an_error(section, line):
    write(section, VALID.replace('tier = "essential"', line))
    expected = (
        "tier 'optional' is not one of essential, extension" if line else "missing field 'tier'"
    )
    assert_error(section, "lesson.toml", "annotations[1] (key 'lenin-died')", expected)


def test_a_section_without_a_study_file_has_no_study_items(section):
    data = read_section(section)
    assert (data.big_question, data.objectives, data.datasets, data.further_reading) == (
        "",
        (),
        (),
        (),
    )
    assert [path.name for path in data.files] == ["reading.txt", "lesson.toml"]


def test_overlapping_highlights_are_an_error(section):
    write(section, VALID.replace('quote = "General Secretary"', 'quote = "1924 and Stalin"'))
    assert_error(section, "terms[1]", "overlaps the quote of annotations[1]", "¶1")


def test_paragraph_out_of_range_is_an_error(section):
    write(section, VALID.replace("paragraph = 1\nsourcing", "paragraph = 9\nsourcing"))
    assert_error(section, "sources[1]", "paragraph 9 does not exist")


@pytest.mark.parametrize("date", ["1924-13-01", "21 Jan 1924", "1924-02-30"])
def test_bad_dates_are_errors(section, date):
    write(section, VALID.replace('date = "1924-01-21"', f'date = "{date}"'))
    assert_error(section, "events[1]", repr(date))


def test_title_must_match_the_reading_heading(section):
    write(section, VALID.replace('title = "A Heading"', 'title = "Another Heading"'))
    assert_error(section, "does not match the heading")


def test_bad_key_is_an_error(section):
    write(section, VALID.replace('key = "why"', 'key = "Why Stalin"'))
    assert_error(section, "prompts[1]", "lower-case words joined by hyphens")


def test_reading_with_stray_line_break_is_an_error(section):
    (section / "reading.txt").write_text(READING.replace(" Stalin was", "\nStalin was"))
    assert_error(section, "reading.txt", "paragraph 1")


def test_reading_with_windows_line_endings_reads_the_same(section):
    expected = read_section(section)
    (section / "reading.txt").write_bytes(READING.replace("\n", "\r\n").encode())
    assert read_section(section).paragraphs == expected.paragraphs


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1924", "1924"), ("1924-01", "January 1924"), ("1924-01-21", "21 January 1924")],
)
def test_dates_show_at_the_precision_given(value, shown):
    assert format_date(value) == shown


def test_error_message_starts_with_the_file_path(section):
    write(section, VALID.replace('kind = "correction"', 'kind = "opinion"'))
    with pytest.raises(ContentError, match=re.escape(str(section / "lesson.toml")) + ": "):
        read_section(section)
