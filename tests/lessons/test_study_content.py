"""The study files (``study.toml``, ``glossary.toml``) are validated like the lesson files: every
way one can be wrong stops with a message naming the file, the item and the problem."""

import pytest

from lessons.content import ContentError, read_glossary, read_section

from .study_content import GLOSSARY, STUDY
from .test_content import READING, VALID

THIRD_PARAGRAPH = "The Bolshevik Party met in 1927. Bolsheviks debated the NEP."


@pytest.fixture
def section(tmp_path):
    """A valid section with a valid study file; tests break one thing in it."""
    reading = READING.rstrip("\n") + f"\n\n{THIRD_PARAGRAPH}\n"
    (tmp_path / "reading.txt").write_text(reading, encoding="utf-8")
    (tmp_path / "lesson.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "study.toml").write_text(STUDY, encoding="utf-8")
    return tmp_path


def change(folder, old: str, new: str, *, file="study.toml") -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {file} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def assert_error(folder, *fragments: str) -> None:
    with pytest.raises(ContentError) as raised:
        read_section(folder)
    message = str(raised.value)
    assert message.startswith(str(folder / "study.toml") + ": "), message
    for fragment in fragments:
        assert fragment in message, message


def test_a_valid_study_file_reads_into_every_kind(section):
    data = read_section(section)
    assert data.big_question.startswith("FIXTURE: How did Stalin")
    assert len(data.objectives) == 3
    assert [i.historian for i in data.interpretations] == [
        "Fixture Historian A",
        "Fixture Historian B",
    ]
    assert data.voices[0].close_reading.startswith("FIXTURE close reading")
    members = data.datasets[0]
    assert members.columns[0] == "Year" and members.rows[0] == ("1924", 350, 120.5)
    check = data.checks[0]
    assert [choice.correct for choice in check.choices] == [True, False, False]
    assert data.exam_questions[0].marks == 20
    assert data.further_reading[1].note == ""  # a note is optional
    assert [path.name for path in data.files] == ["reading.txt", "lesson.toml", "study.toml"]


# The lesson as a whole -----------------------------------------------------------------------


def test_missing_big_question_is_an_error(section):
    change(
        section, 'big_question = "FIXTURE: How did Stalin', 'question = "FIXTURE: How did Stalin'
    )
    assert_error(section, "unknown field(s) 'question'")


@pytest.mark.parametrize("count", [2, 5])
def test_three_or_four_objectives_are_needed(section, count):
    objectives = ", ".join(f'"Objective {n}."' for n in range(count))
    text = (section / "study.toml").read_text(encoding="utf-8")
    start = text.index("objectives = [")
    end = text.index("]\n", start) + 2
    (section / "study.toml").write_text(
        text[:start] + f"objectives = [{objectives}]\n" + text[end:], encoding="utf-8"
    )
    assert_error(section, "the lesson", f"'objectives' has {count} entries; it needs 3 to 4")


def test_invalid_study_toml_names_the_file(section):
    (section / "study.toml").write_text(STUDY + "\n[[checks]\n", encoding="utf-8")
    assert_error(section, "not valid TOML")


def test_unknown_list_in_study_file_is_an_error(section):
    (section / "study.toml").write_text(STUDY + '\n[[quizzes]]\nkey = "x"\n', encoding="utf-8")
    assert_error(section, "unknown field(s) 'quizzes'")


# Interpretations -----------------------------------------------------------------------------


@pytest.mark.parametrize("citation", ["", "   "])
def test_interpretation_without_a_citation_is_an_error(section, citation):
    change(
        section,
        'citation = "A. Historian, *A Fixture Book* (Fixture Press, 1999), p. 1."',
        f'citation = "{citation}"',
    )
    assert_error(section, "interpretations[1] (key 'fixture-machine')", "'citation' is empty")


def test_interpretation_missing_its_citation_field_is_an_error(section):
    change(section, 'citation = "A. Historian, *A Fixture Book* (Fixture Press, 1999), p. 1."', "")
    assert_error(section, "interpretations[1] (key 'fixture-machine')", "missing field 'citation'")


def test_interpretation_paragraph_out_of_range_is_an_error(section):
    change(section, "paragraph = 1\n\n[[interpretations]]", "paragraph = 7\n\n[[interpretations]]")
    assert_error(section, "interpretations[1]", "paragraph 7 does not exist (the reading has 3)")


def test_duplicate_interpretation_key_is_an_error(section):
    change(section, 'key = "fixture-ideas"', 'key = "fixture-machine"')
    assert_error(section, "interpretations[2] (key 'fixture-machine')", "duplicate key")


def test_unknown_interpretation_field_is_an_error(section):
    change(section, 'school = "The Party machine"', 'school = "The Party machine"\nschools = "x"')
    assert_error(section, "interpretations[1]", "unknown field(s) 'schools'")


# Voices --------------------------------------------------------------------------------------


def test_voice_without_its_citation_is_an_error(section):
    change(
        section,
        'origin = "Fixture Editor (ed.), *Fixture Letters* (Fixture Press, 2000), no. 3."',
        'origin = ""',
    )
    assert_error(section, "voices[1] (key 'fixture-worker')", "'origin' is empty")


def test_voice_without_a_close_reading_question_is_an_error(section):
    change(
        section, 'close_reading = "FIXTURE close reading', 'sourcing_note = "FIXTURE close reading'
    )
    assert_error(section, "voices[1]", "unknown field(s) 'sourcing_note'")
    change(section, 'sourcing_note = "FIXTURE', '# "FIXTURE')
    assert_error(section, "voices[1]", "missing field 'close_reading'")


# Datasets ------------------------------------------------------------------------------------


def test_dataset_without_a_citation_is_an_error(section):
    change(
        section,
        'citation = "Fixture Statistician, *Fixture Tables* (Fixture Press, 2000), table 1."',
        "",
    )
    assert_error(section, "datasets[1] (key 'fixture-members')", "missing field 'citation'")


def test_dataset_without_columns_is_an_error(section):
    change(section, 'columns = ["Group", "Delegates"]\n', "")
    assert_error(section, "datasets[2] (key 'fixture-votes')", "missing field 'columns'")


def test_dataset_with_only_its_label_column_is_an_error(section):
    change(section, 'columns = ["Group", "Delegates"]', 'columns = ["Group"]')
    assert_error(section, "datasets[2]", "at least one column of figures")


def test_dataset_without_rows_is_an_error(section):
    change(section, 'rows = [["Majority", 1200], ["Opposition", 65]]', "rows = []")
    assert_error(section, "datasets[2]", "'rows' is empty")


def test_dataset_row_of_the_wrong_length_is_an_error(section):
    change(section, '["1925", 440, 360]', '["1925", 440]')
    assert_error(
        section,
        "datasets[1] (key 'fixture-members')",
        "row 2 has 2 values but there are 3 columns",
    )


@pytest.mark.parametrize("value", ['"n/a"', "true", "nan", "[1]"])
def test_dataset_value_that_is_not_a_number_is_an_error(section, value):
    change(section, '["Opposition", 65]', f'["Opposition", {value}]')
    assert_error(section, "datasets[2]", "row 2, column 'Delegates'", "is not a number")


def test_dataset_row_without_a_label_is_an_error(section):
    change(section, '["Opposition", 65]', "[1927, 65]")
    assert_error(section, "datasets[2]", "row 2 must start with its label for the column 'Group'")


def test_dataset_with_an_unknown_chart_is_an_error(section):
    change(section, 'chart = "bar"', 'chart = "pie"')
    assert_error(section, "datasets[2]", "chart 'pie' is not one of bar, line")


def test_dataset_needs_one_or_two_questions(section):
    change(
        section,
        'questions = ["FIXTURE: How large was the opposition?", "FIXTURE: Why so small?"]',
        'questions = ["One?", "Two?", "Three?"]',
    )
    assert_error(section, "datasets[2]", "'questions' has 3 entries; it needs 1 to 2")


def test_dataset_with_rows_that_are_not_lists_is_an_error(section):
    change(section, 'rows = [["Majority", 1200], ["Opposition", 65]]', 'rows = ["Majority"]')
    assert_error(section, "datasets[2]", "'rows' must be a list of lists")


# Checks --------------------------------------------------------------------------------------


def test_check_choice_without_feedback_is_an_error(section):
    change(section, 'feedback = "No: Lenin himself held that post."\n', "")
    assert_error(section, "checks[1] (key 'fixture-post'): choices[3]", "missing field 'feedback'")


def test_check_choice_with_empty_feedback_is_an_error(section):
    change(section, 'feedback = "No: Lenin himself held that post."', 'feedback = " "')
    assert_error(section, "checks[1] (key 'fixture-post'): choices[3]", "'feedback' is empty")


def test_check_without_a_correct_choice_is_an_error(section):
    change(section, "correct = true", "correct = false")
    assert_error(section, "checks[1]", "no choice is marked correct; exactly one must be")


def test_check_with_two_correct_choices_is_an_error(section):
    change(section, 'Nationalities"\ncorrect = false', 'Nationalities"\ncorrect = true')
    assert_error(section, "checks[1]", "2 choices are marked correct; exactly one must be")


def test_check_with_too_few_choices_is_an_error(section):
    change(
        section,
        '[[checks.choices]]\ntext = "Chairman of the Council of People’s Commissars"\n'
        'correct = false\nfeedback = "No: Lenin himself held that post."\n',
        "",
    )
    assert_error(section, "checks[1]", "'choices' has 2 entries; it needs 3 to 4")


def test_check_correct_must_be_true_or_false(section):
    change(section, "correct = true", 'correct = "yes"')
    assert_error(section, "checks[1] (key 'fixture-post'): choices[1]", "must be true or false")


def test_check_with_a_repeated_choice_is_an_error(section):
    change(section, '"Chairman of the Council of People’s Commissars"', '"General Secretary"')
    assert_error(section, "checks[1]", "choices[3] repeats the text of choices[1]")


# Exam questions ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["mark_scheme", "model_answer"])
def test_exam_question_without_its_teachers_notes_is_an_error(section, field):
    change(section, f'{field} = "TEACHER-ONLY', f'# {field} = "TEACHER-ONLY')
    assert_error(section, "exam_questions[1] (key 'fixture-how-far')", f"missing field '{field}'")


def test_exam_question_without_success_criteria_is_an_error(section):
    change(
        section,
        'success_criteria = ["Weigh at least three factors.", "Reach a *supported* judgement."]',
        "success_criteria = []",
    )
    assert_error(section, "exam_questions[1]", "'success_criteria' is empty")


def test_exam_question_needs_marks(section):
    change(section, "marks = 20", "marks = 0")
    assert_error(section, "exam_questions[1]", "marks must be at least 1")


# Further reading -----------------------------------------------------------------------------


def test_further_reading_is_named_by_its_title(section):
    change(section, "year = 2005", 'year = "2005"')
    assert_error(
        section, "further_reading[2] (title 'A Fixture Book')", "'year' must be an integer"
    )


def test_further_reading_without_an_author_is_an_error(section):
    change(section, 'author = "Stephen J. Lee"\n', "")
    assert_error(section, "further_reading[1]", "missing field 'author'")


# The glossary --------------------------------------------------------------------------------


@pytest.fixture
def glossary(section):
    path = section / "glossary.toml"
    path.write_text(for_the_test_section(GLOSSARY), encoding="utf-8")
    return path


def for_the_test_section(glossary: str) -> str:
    return glossary.replace('["rise-to-power", "economic-policies"]', '["a-heading"]')


def read(glossary_path, section_folder):
    return read_glossary(glossary_path, [read_section(section_folder)])


def assert_glossary_error(glossary_path, section_folder, *fragments):
    with pytest.raises(ContentError) as raised:
        read(glossary_path, section_folder)
    message = str(raised.value)
    assert message.startswith(f"{glossary_path}: "), message
    for fragment in fragments:
        assert fragment in message, message


def test_a_missing_glossary_is_an_empty_one(section):
    assert read(section / "no-glossary.toml", section) == ()


def test_a_valid_glossary_reads(glossary, section):
    terms = read(glossary, section)
    assert [term.key for term in terms] == ["bolshevik-party", "nep", "holodomor"]
    assert terms[2].lessons == ()  # a term used in no reading is allowed


def test_glossary_naming_an_unknown_lesson_is_an_error(glossary, section):
    change(
        section,
        'lessons = ["a-heading"]\n\n[[glossary]]\nkey = "nep"',
        'lessons = ["a-heading", "no-such-lesson"]\n\n[[glossary]]\nkey = "nep"',
        file="glossary.toml",
    )
    assert_glossary_error(
        glossary,
        section,
        "glossary[1] (key 'bolshevik-party')",
        "lesson 'no-such-lesson' does not exist",
    )


def test_glossary_term_that_the_lesson_never_uses_is_an_error(glossary, section):
    change(
        section,
        'match = ["holodomor"]',
        'match = ["holodomor"]\nlessons = ["a-heading"]',
        file="glossary.toml",
    )
    assert_glossary_error(
        glossary,
        section,
        "glossary[3] (key 'holodomor')",
        "lesson 'a-heading' is listed, but none of 'holodomor' appears in its reading",
    )


def test_glossary_word_found_only_inside_a_highlight_is_an_error(glossary, section):
    # "General Secretary" is found once, inside a key term's highlighted passage.
    (section / "glossary.toml").write_text(
        for_the_test_section(GLOSSARY)
        + '\n[[glossary]]\nkey = "gensec"\nterm = "General Secretary"\ndefinition = "D."\n'
        'match = ["general secretary"]\nlessons = ["a-heading"]\n',
        encoding="utf-8",
    )
    assert_glossary_error(
        glossary, section, "glossary[4] (key 'gensec')", "outside a highlighted passage"
    )


def test_glossary_match_must_be_lower_case(glossary, section):
    change(section, 'match = ["nep"]', 'match = ["NEP"]', file="glossary.toml")
    assert_glossary_error(
        glossary, section, "glossary[2] (key 'nep')", "match 'NEP' must be lower case"
    )


def test_glossary_match_used_by_two_terms_is_an_error(glossary, section):
    change(section, 'match = ["holodomor"]', 'match = ["nep"]', file="glossary.toml")
    assert_glossary_error(
        glossary, section, "glossary[3]", "match 'nep' already links to glossary[2]"
    )


def test_glossary_duplicate_key_is_an_error(glossary, section):
    change(section, 'key = "holodomor"', 'key = "nep"', file="glossary.toml")
    assert_glossary_error(glossary, section, "glossary[3] (key 'nep')", "duplicate key 'nep'")


def test_glossary_term_given_twice_is_an_error(glossary, section):
    change(section, 'term = "Holodomor"', 'term = "bolshevik party"', file="glossary.toml")
    assert_glossary_error(glossary, section, "glossary[3]", "is already glossary[1]")


def test_glossary_unknown_field_is_an_error(glossary, section):
    change(
        section,
        'term = "Holodomor"',
        'term = "Holodomor"\nsee_also = "famine"',
        file="glossary.toml",
    )
    assert_glossary_error(glossary, section, "glossary[3]", "unknown field(s) 'see_also'")


def test_glossary_file_with_other_lists_is_an_error(glossary, section):
    glossary.write_text(GLOSSARY + '\n[[terms]]\nkey = "x"\n', encoding="utf-8")
    assert_glossary_error(glossary, section, "unknown field(s) 'terms'")


def test_glossary_term_without_match_words_may_not_list_lessons(glossary, section):
    change(section, 'match = ["holodomor"]', "match = []", file="glossary.toml")
    assert read(glossary, section)[2].match == ()  # used in no reading: fine
    change(section, "match = []", 'match = []\nlessons = ["a-heading"]', file="glossary.toml")
    assert_glossary_error(
        glossary, section, "glossary[3] (key 'holodomor')", "the term has no match words to find"
    )
