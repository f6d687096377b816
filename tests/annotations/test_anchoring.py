"""The server's anchoring: by position, else by quote and context, else orphaned."""

import pytest
from django.core.exceptions import ValidationError

from annotations.anchoring import anchor, find_quote, sentences
from annotations.services import resolve_target

TEXT = "The party won. The party lost. Then the party won again!"


def test_anchor_keeps_the_position_when_the_words_are_still_there():
    place = anchor({1: TEXT}, paragraph=1, exact="party lost", start=19, end=29)
    assert (place.paragraph, place.start, place.end, place.moved) == (1, 19, 29, False)


def test_anchor_finds_moved_words_by_quote_and_prefers_matching_context():
    edited = "Indeed, " + TEXT
    place = anchor(
        {1: edited}, paragraph=1, exact="party won", prefix="Then the ", suffix=" again", start=40
    )
    assert edited[place.start : place.end] == "party won"
    assert edited[: place.start].endswith("Then the ")
    assert place.moved


def test_anchor_follows_words_into_another_paragraph():
    place = anchor({1: "New words.", 2: TEXT}, paragraph=1, exact="party lost", start=19, end=29)
    assert (place.paragraph, place.start) == (2, 19)


def test_anchor_returns_none_when_the_words_are_gone():
    assert anchor({1: TEXT}, paragraph=1, exact="the tsar", start=0, end=8) is None


def test_find_quote_of_empty_words_is_nothing():
    assert find_quote(TEXT, "") is None


def test_sentences_split_on_stops():
    assert [TEXT[s:e] for s, e in sentences(TEXT)] == [
        "The party won.",
        "The party lost.",
        "Then the party won again!",
    ]


@pytest.mark.parametrize(
    ("selectors", "message"),
    [
        ({"exact": ""}, "Select some words"),
        ({"exact": "   "}, "Select some words"),
        ({"exact": "party", "start": 50, "end": 500}, "outside ¶1"),
        ({"exact": "party", "start": 9, "end": 3}, "outside ¶1"),
        ({"exact": "x" * 10_000}, "longer than ¶1"),
        ({"exact": "party\x00won"}, "not in ¶1"),
        ({"exact": "party\x07"}, "not in ¶1"),
        ({"exact": "not there"}, "not in ¶1"),
        ({"exact": "party", "paragraph": 9}, "Choose a paragraph"),
        ({"sentence": 7}, "no such sentence"),
        ({"sentence": 0, "words": "lost"}, "not in the sentence"),
    ],
)
def test_bad_selectors_are_refused_with_a_reason(selectors, message):
    arguments = {"paragraph": 1, **selectors}
    with pytest.raises(ValidationError, match=message):
        resolve_target({1: TEXT}, **arguments)


def test_a_stale_position_falls_back_to_the_quote():
    target = resolve_target({1: TEXT}, paragraph=1, exact="party lost", start=0, end=10)
    assert (target.start, target.end) == (19, 29)
    assert target.prefix == "The party won. The "


def test_a_sentence_narrowed_to_some_of_its_words():
    target = resolve_target({1: TEXT}, paragraph=1, sentence=2, words="won again")
    assert TEXT[target.start : target.end] == "won again"
    assert target.start == TEXT.index("won again")
