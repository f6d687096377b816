"""Students cite paragraphs however they write it: ¶3, p3, p. 3, para 3, paragraph 3."""

import pytest

from discussions.text import render_post


@pytest.mark.parametrize(
    "typed", ["¶3", "¶ 3", "p3", "P3", "p. 3", "para 3", "para. 3", "Paragraph 3", "paras 3"]
)
def test_every_way_of_citing_a_paragraph_links_to_it(typed):
    html = render_post(f"As {typed} says, it was power.", reading_url="/lessons/rise/")
    assert f'<a href="/lessons/rise/#p3" rel="noopener noreferrer nofollow ugc">{typed}</a>' in html


@pytest.mark.parametrize(
    "text", ["my mp3 player", "step 3", "https://example.org/p3", "the year 1932", "p123"]
)
def test_other_words_and_numbers_are_left_alone(text):
    assert "#p" not in render_post(text, reading_url="/lessons/rise/")
