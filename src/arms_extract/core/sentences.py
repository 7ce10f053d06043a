"""Where an article's sentences end: the one splitter that grounding, assembly and attribution share.

A period ends a sentence unless it closes an abbreviation: a title ("Gen.",
"Mr."), an initial ("J."), or a dotted acronym ("U.S.") that the next word
does not show to be a sentence end. Getting this wrong is costly here: cutting
"The U.S. Army" into "The U." and "S. Army" hands half-sentences to grounding
and loses the speaker of "U.S. officials said".

Offsets are Python code points into the text, like every Span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# A sentence end: end punctuation with any closing quotes or brackets, before white space or the
# end of the text; or a line break.
_END = re.compile(r"[.!?]+['\"\u201d\u2019)\]]*(?=\s|$)|\n")
# Chunking cuts after the white space that follows an end (kept as it has always been).
SENTENCE_BREAK = re.compile(r"[.!?]['\"\u201d\u2019)]*\s+")

# Words that, written with a period, do not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col sen rep gov adm capt maj sgt cpl pvt cmdr brig rev hon pres st "
    "jr sr inc corp co ltd bros no nos vs etc approx dept est fig jan feb mar apr jun jul aug "
    "sep sept oct nov dec mt ft".split()
)
# After a dotted acronym ("U.S."), these words start a new sentence; any other word continues it
# ("the U.S. Army", "U.S. officials").
_STARTERS = frozenset(
    "the a an it its he she they we i this that these those there his her their our but and in "
    "on at as after before when while however meanwhile yet so if".split()
)
_ACRONYM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_NEXT_WORD = re.compile(r"\s+([\"\u201c'(]*)([A-Za-z]+)")
# An amount of money after a dotted acronym continues its sentence.
_AMOUNT_NEXT = re.compile(r"\s+[$\u20ac\u00a3\d]")


def _is_end(text: str, match: re.Match[str]) -> bool:
    """Whether a period-like match really ends a sentence."""
    if match.group(0) == "\n" or match.group(0)[0] != "." or len(match.group(0).rstrip("'\"\u201d\u2019)]")) > 1:
        return True
    before = text[max(0, match.start() - 12) : match.start() + 1]
    word = re.search(r"(\S+)$", before[:-1])
    token = word.group(1) if word else ""
    if token.casefold().lstrip("(\"'\u201c") in _ABBREVIATIONS:
        return False
    if re.fullmatch(r"[A-Z]", token):  # an initial: "John F. Kennedy"
        return False
    if _ACRONYM.search(before):
        if _AMOUNT_NEXT.match(text, match.end()):
            return False  # "€10 billion (U.S. $12 billion)", "as much as U.S. $29.52 billion"
        following = _NEXT_WORD.match(text, match.end())
        if following is None:
            return True
        # A sentence starts with a capital: "delivered to U.S. and international customers" goes on.
        return following.group(2)[0].isupper() and following.group(2).casefold() in _STARTERS
    following = _NEXT_WORD.match(text, match.end())
    # A sentence starts with a capital, a digit or a quotation; "etc. and" does not end one.
    return following is None or not following.group(2)[0].islower()


# Assembly asks for the same article's sentences many times; a few articles are kept, not more,
# since an article may be megabytes long.
@lru_cache(maxsize=4)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every sentence, without the white space around it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if not _is_end(text, match):
            continue
        end = match.end() if match.group(0) != "\n" else match.start()
        _add(text, spans, start, end)
        start = match.end()
    _add(text, spans, start, len(text))
    return tuple(spans)


def _add(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


def sentence_around(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence holding [start, end); one that crosses sentences gets all of them."""
    spans = sentence_spans(text)
    if not spans:
        return (0, len(text))
    end = start if end is None else end
    starts = [s for s, _ in spans]
    first = max(0, bisect_right(starts, start) - 1)
    last = max(first, bisect_right(starts, max(start, end - 1)) - 1)
    return (spans[first][0], max(spans[last][1], spans[first][1]))
