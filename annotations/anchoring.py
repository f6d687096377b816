"""Where an annotation's words are in a paragraph now: W3C Web Annotation selectors, in Python.

An annotation stores a TextQuoteSelector (``exact`` with a little ``prefix`` and ``suffix``
context) and a TextPositionSelector (``start``, ``end``) within its paragraph's text. When the
reading changes, :func:`anchor` finds the words again: at the stored position if the same words
are still there, else by the quote, choosing among repeats the one whose context matches best
(and nearest the old place). The browser does the same with Apache Annotator; this is the
server's copy for the page without JavaScript, the counts and the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_LENGTH = 32  # characters of prefix and suffix kept with each quote
MAX_QUOTE_LENGTH = 2_000  # longer than any paragraph of the essay


@dataclass(frozen=True)
class Anchor:
    paragraph: int
    start: int
    end: int
    moved: bool = False  # found by its quote rather than at its stored place


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix to store with the words at ``start:end``."""
    return text[max(0, start - CONTEXT_LENGTH) : start], text[end : end + CONTEXT_LENGTH]


def _common_suffix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count


def find_quote(
    text: str, exact: str, *, prefix: str = "", suffix: str = "", near: int = 0
) -> tuple[int, int] | None:
    """The best place of ``exact`` in ``text``: most context matching, then nearest ``near``."""
    if not exact:
        return None
    best, best_score = None, None
    index = text.find(exact)
    while index != -1:
        end = index + len(exact)
        context = _common_suffix(text[:index], prefix) + _common_prefix(text[end:], suffix)
        score = (context, -abs(index - near))
        if best_score is None or score > best_score:
            best, best_score = (index, end), score
        index = text.find(exact, index + 1)
    return best


def anchor(
    paragraphs: dict[int, str],
    *,
    paragraph: int,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int = 0,
    end: int = 0,
) -> Anchor | None:
    """Place the quote in the lesson's ``paragraphs`` ({number: text}), or None (orphaned).

    First its own paragraph, by position, then by quote; then the other paragraphs by quote,
    nearest first, so words that moved with an inserted or removed paragraph are followed.
    """
    text = paragraphs.get(paragraph)
    if text is not None:
        if 0 <= start < end <= len(text) and text[start:end] == exact:
            return Anchor(paragraph, start, end)
        found = find_quote(text, exact, prefix=prefix, suffix=suffix, near=start)
        if found:
            return Anchor(paragraph, *found, moved=True)
    for number in sorted(paragraphs, key=lambda n: (abs(n - paragraph), n)):
        if number == paragraph:
            continue
        found = find_quote(paragraphs[number], exact, prefix=prefix, suffix=suffix, near=start)
        if found:
            return Anchor(number, *found, moved=True)
    return None


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a paragraph as ``(start, end)`` spans, trimmed of spaces: what a
    student chooses from with the keyboard (or without JavaScript)."""
    spans, start = [], 0
    index = 0
    while index < len(text):
        char = text[index]
        at_end = index + 1 == len(text)
        if char in ".?!" and (at_end or text[index + 1] in " \n\"'”’)"):
            stop = index + 1
            while stop < len(text) and text[stop] in "\"'”’)":
                stop += 1
            spans.append((start, stop))
            start = stop
            index = stop
            continue
        index += 1
    if start < len(text):
        spans.append((start, len(text)))
    trimmed = []
    for begin, finish in spans:
        while begin < finish and text[begin].isspace():
            begin += 1
        while finish > begin and text[finish - 1].isspace():
            finish -= 1
        if finish > begin:
            trimmed.append((begin, finish))
    return trimmed
