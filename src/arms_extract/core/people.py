"""Find the people an article quotes ("Maria Zakharova said"), without a model.

A small model lists some actors and forgets others; the people who speak
are the ones claims hang on, and news names them in a fixed pattern: a
capitalised name right before a verb of saying. Every hit is a span of
the article, so nothing here can be invented.
"""

from __future__ import annotations

import re

from ..records import Span
from .saying import AFTER_NAME, AFTER_QUOTE, BEFORE_QUOTE

_SAYING = re.compile(rf",?\s+(?:has\s+|had\s+)?({AFTER_NAME})\b")
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.")
# Capitalised words that open a title rather than a name ("Prime Minister Fumio Kishida").
_TITLE_WORDS = {
    "mr", "ms", "mrs", "dr", "prof", "president", "prime", "minister", "secretary", "general",
    "chief", "head", "director", "spokeswoman", "spokesman", "spokesperson", "ambassador",
    "admiral", "colonel", "major", "lieutenant", "captain", "commander", "foreign", "defence",
    "defense", "deputy", "vice", "senator", "governor", "chairman", "king", "crown", "prince",
    "sheikh", "state", "the", "according", "in", "on", "but", "and", "however", "meanwhile",
}  # fmt: skip


def quoted_people(text: str) -> list[Span]:
    """Spans of two- or three-word personal names directly followed by a verb of saying."""
    found: list[Span] = []
    for verb in _SAYING.finditer(text):
        end = verb.start()
        window_start = max(0, end - 80)
        words = list(re.finditer(r"\S+", text[window_start:end]))
        name: list[re.Match[str]] = []
        for word in reversed(words):
            token = word.group(0).rstrip(",")
            # A comma before the name ("the GRU's chief, Igor Kostyukov, said") ends it.
            ends_clause = word.group(0).endswith(",") and word is not words[-1]
            if ends_clause or not _NAME_WORD.fullmatch(token) or token.casefold() in _TITLE_WORDS:
                break
            name.insert(0, word)
        if not 2 <= len(name) <= 3:
            continue
        start = window_start + name[0].start()
        stop = window_start + name[-1].end()
        if text[stop - 1] == ",":
            stop -= 1
        found.append(Span(start=start, end=stop, text=text[start:stop]))
    return found


_TITLE_HINT = re.compile(
    r"\b(spokes\w*|minister|head|chief|president|secretary|director|general|ambassador|"
    r"commander|official|chairman|ceo|adviser|advisor|envoy|admiral|colonel)\b",
    re.IGNORECASE,
)


def title_before(text: str, name: Span) -> Span | None:
    """The title written just before a name, back to the previous comma or sentence start.

    "Russian Foreign Ministry spokeswoman Maria Zakharova" gives "Russian
    Foreign Ministry spokeswoman"; "the head of the GRU, Igor Kostyukov" gives
    "the head of the GRU". None when the words there are not a title.
    """
    boundary = max(text.rfind(mark, 0, name.start) for mark in (".", ";", ":", "\n", "\u201c", '"'))
    segment_start = boundary + 1
    before = text[segment_start : name.start].rstrip()
    if before.endswith(","):
        before = before[:-1].rstrip()
        comma = before.rfind(",")
        if comma != -1:
            segment_start += comma + 1
            before = before[comma + 1 :]
    elif "," in before:
        comma = before.rfind(",")
        segment_start += comma + 1
        before = before[comma + 1 :]
    stripped = before.strip()
    if not stripped or len(stripped) > 100 or not _TITLE_HINT.search(stripped):
        return None
    start = text.index(stripped, segment_start)
    return Span(start=start, end=start + len(stripped), text=stripped)


def personal_name(written: str) -> str:
    """A name without the title written before it: "Secretary of State Antony Blinken" -> "Antony Blinken"."""
    words = written.split()
    kept: list[str] = []
    for word in reversed(words):
        token = word.strip(",")
        if not _NAME_WORD.fullmatch(token) or token.casefold() in _TITLE_WORDS:
            break
        kept.insert(0, token)
    return " ".join(kept) if kept else written.strip()


_TOKEN = r"(?:(?:[A-Z]\.)+|[A-Z(][\w'\u2019()-]*)"
_WHO = rf"(?P<who>{_TOKEN}(?:[ \t]+(?:of[ \t]+the[ \t]+|of[ \t]+)?{_TOKEN})*)"
_SOURCE_AFTER = re.compile(rf"^[\s,\"\u201d]*(?:{AFTER_QUOTE})[ \t]+(?:the[ \t]+)?" + _WHO)
_SOURCE_BEFORE = re.compile(
    _WHO + rf",?[ \t]+(?:has[ \t]+|had[ \t]+)?(?:{BEFORE_QUOTE})"
    r"(?:[ \t]+on[ \t]+\w+(?:[ \t]+\d+)?)?(?:[ \t]+that)?[\s,:\"\u201c]*$"
)


def stated_source(text: str, content: Span) -> Span | None:
    """Who the article itself says made a statement: "..., according to the DSCA" right after

    it, or "Pentagon chief Lloyd Austin said that ..." right before it, in the same sentence."""
    after = text[content.end : content.end + 160]
    match = _SOURCE_AFTER.match(after)
    if match:
        start = content.end + match.start("who")
        who = match.group("who").rstrip(".,")
        return Span(start=start, end=start + len(who), text=who)
    line_start = max(text.rfind(".", 0, content.start), text.rfind("\n", 0, content.start)) + 1
    before = text[line_start : content.start]
    match = _SOURCE_BEFORE.search(before)
    if match:
        start = line_start + match.start("who")
        who = match.group("who").rstrip(".,")
        return Span(start=start, end=start + len(who), text=who)
    return None
