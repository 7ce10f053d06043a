"""Find a model's verbatim mention in the article and return exact character offsets.

Small models copy text imperfectly: other case, straight for curly quotes,
collapsed whitespace, a dropped trailing full stop. We match on a folded
form of both strings but always report offsets into the original text, so
`span.text == text[span.start:span.end]` holds for any Unicode input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..records import Span

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
    }
)
_EDGE_PUNCT = " \t\n\r.,;:!?\"'()[]"


@dataclass(frozen=True)
class FoldedText:
    """A case-, quote- and whitespace-folded copy of a text with a map back to it."""

    folded: str
    origin: list[int]  # origin[i] = index in the original of folded[i]

    @classmethod
    def of(cls, text: str) -> FoldedText:
        out: list[str] = []
        origin: list[int] = []
        previous_space = True
        for index, char in enumerate(text):
            if char.isspace():
                if previous_space or _between_initials(text, index):
                    continue
                out.append(" ")
                origin.append(index)
                previous_space = True
                continue
            previous_space = False
            for folded_char in _fold_char(char):
                out.append(folded_char)
                origin.append(index)
        return cls("".join(out), origin)


def _between_initials(text: str, index: int) -> bool:
    """A space between two initials ("U. S." as a model copies "U.S."): folded away on both sides."""
    return (
        index >= 2
        and text[index - 1] == "."
        and text[index - 2].isalpha()
        and (index == 2 or not text[index - 3].isalpha())
        and index + 2 < len(text)
        and text[index + 1].isalpha()
        and text[index + 2] == "."
    )


def _fold_char(char: str) -> str:
    return char.translate(_QUOTES).casefold()


def _fold_query(query: str) -> str:
    return FoldedText.of(query).folded.strip()


def find_all(text: str, mention: str, folded: FoldedText | None = None) -> list[Span]:
    """Every place `mention` occurs in `text`: exact matches first, then folded ones."""
    if not mention or not mention.strip():
        return []
    exact = _exact_matches(text, mention)
    if exact:
        return list(exact)
    folded = folded or FoldedText.of(text)
    for candidate in _query_variants(mention):
        spans = _folded_matches(text, folded, candidate)
        if spans:
            return spans
    return []


# Assembly looks the same names up many times in one article (each sale, item and party); an
# article repeating a name thousands of times made that quadratic. The text's hash is computed
# once per string, so the key is cheap.
@lru_cache(maxsize=2048)
def _exact_matches(text: str, mention: str) -> tuple[Span, ...]:
    return tuple(
        Span(start=m.start(), end=m.start() + len(mention), text=mention) for m in re.finditer(re.escape(mention), text)
    )


def _query_variants(mention: str) -> list[str]:
    """The folded mention, then without edge punctuation (models add or drop a final '.'),

    then without a leading "the" that the article does not write ("the Pentagon")."""
    first = _fold_query(mention)
    second = first.strip(_EDGE_PUNCT)
    third = re.sub(r"^the ", "", second)
    return [q for q in dict.fromkeys([first, second, third]) if q]


def _folded_matches(text: str, folded: FoldedText, query: str) -> list[Span]:
    spans: list[Span] = []
    start = folded.folded.find(query)
    while start != -1:
        end_folded = start + len(query) - 1
        begin = folded.origin[start]
        end = folded.origin[end_folded] + 1
        spans.append(Span(start=begin, end=end, text=text[begin:end]))
        start = folded.folded.find(query, start + 1)
    return spans


def whole_words(text: str, span: Span) -> bool:
    """Whether a span begins and ends at word edges: a name, not part of another word ("the us"
    folded out of "the user")."""
    return not (text[span.start - 1 : span.start].isalnum() or text[span.end : span.end + 1].isalnum())


def find_any_form(text: str, mention: str, folded: FoldedText | None = None) -> list[Span]:
    """Every place `mention` occurs, exactly or folded (case, accents, spacing), in text order:
    for the nearest of any form ("The United States" opening a sentence, for the model's "the
    United States" written exactly only paragraphs away)."""
    if not mention or not mention.strip():
        return []
    folded = folded or FoldedText.of(text)
    found = list(_exact_matches(text, mention))
    for candidate in _query_variants(mention):
        found += _folded_matches(text, folded, candidate)
    # Exact matches too may lie inside a word ("Israel" in "Israeli").
    spans = {(span.start, span.end): span for span in found if whole_words(text, span)}
    return sorted(spans.values(), key=lambda span: span.start)


def nearest(spans: list[Span], near: int | None) -> Span | None:
    """Of several places, the one starting closest to `near`; the first in the text without one."""
    if not spans:
        return None
    if near is None:
        return min(spans, key=lambda span: span.start)
    return min(spans, key=lambda span: abs(span.start - near))


def ground(text: str, mention: str, near: int | None = None, folded: FoldedText | None = None) -> Span | None:
    """The occurrence of `mention` in `text`; with several, the one closest to `near`."""
    return nearest(find_all(text, mention, folded), near)


def is_grounded(text: str, mention: str, folded: FoldedText | None = None) -> bool:
    return bool(find_all(text, mention, folded))


_DESIGNATION_LIKE = re.compile(r"[A-Za-z]+-?\d")


def ground_prefix(
    text: str,
    phrase: str,
    min_words: int,
    folded: FoldedText | None = None,
    near: int | None = None,
) -> Span | None:
    """The phrase, or its longest leading run of at least `min_words` words found in `text`.

    A run that is found has every shorter run found too, so the longest is found by bisection:
    a few searches, not one per word (2,000 model-written words took 19 s, one at a time)."""
    words = phrase.split()
    if len(words) < min_words:
        return None
    folded = folded or FoldedText.of(text)
    span = ground(text, " ".join(words), near=near, folded=folded)
    if span is not None:
        return span
    best: Span | None = None
    low, high = min_words, len(words) - 1  # the longest found run lies in [low, high]
    while low <= high:
        middle = (low + high) // 2
        found = ground(text, " ".join(words[:middle]), near=near, folded=folded)
        if found is None:
            high = middle - 1
        else:
            best, low = found, middle + 1
    return best


def ground_item_name(text: str, name: str, folded: FoldedText | None = None, near: int | None = None) -> Span | None:
    """An item name as written, or the part of it the article has ("AIM-120D-3 ... missile"

    written as "AIM-120D-3 and ..."), as long as that part is a designation or two words."""
    span = ground(text, name, near=near, folded=folded)
    if span is not None:
        return span
    prefix = ground_prefix(text, name, 1, folded, near)
    if prefix is None:
        return None
    if len(prefix.text.split()) >= 2 or _DESIGNATION_LIKE.search(prefix.text):
        return prefix
    return None


def ground_loosely(text: str, phrase: str, near: int | None = None, folded: FoldedText | None = None) -> Span | None:
    """Exact or folded match, else the same words with other endings ("approved" -> "approve")."""
    span = ground(text, phrase, near=near, folded=folded)
    if span is not None:
        return span
    words = re.findall(r"\w+", phrase)
    if not words:
        return None
    stems = [re.escape(w[: max(4, len(w) - 3)]) for w in words]
    pattern = re.compile(r"\b" + r"\w*\W+".join(stems) + r"\w*", re.IGNORECASE)
    return nearest([Span(start=m.start(), end=m.end(), text=m.group(0)) for m in pattern.finditer(text)], near)
