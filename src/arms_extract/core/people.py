"""Find the people an article quotes ("Maria Zakharova said"), without a model.

A small model lists some actors and forgets others; the people who speak
are the ones claims hang on, and news names them in a fixed pattern: a
capitalised name right before a verb of saying. Every hit is a span of
the article, so nothing here can be invented.
"""

from __future__ import annotations

import re

from ..records import Span
from .names import ORGANISATION_WORDS
from .saying import AFTER_NAME

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


# Words that end an organisation's name, not a person's ("head of the Main Intelligence Directorate").
_TITLED = re.compile(
    r"\b(?:President|Minister|Secretary|[Ss]pokes(?:wo)?man|[Ss]pokesperson|[Cc]hief|[Hh]ead|Director|General|"
    r"Admiral|Ambassador|Senator|Sen\.|Rep\.|Gen\.|Col\.|Adm\.|Lt\.|Maj\.|Capt\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|"
    r"Chairman|CEO|[Cc]ommander|[Aa]dviser|[Ee]nvoy|Governor|Prince|King)"
    r"(?:[ \t]+of[ \t]+(?:State|Defen[cs]e|Staff|the[ \t]+[A-Z]\w+))?"
    r"[ \t]+(?P<name>[A-Z][a-z'\u2019-]+(?:[ \t]+[A-Z]\.)?(?:[ \t]+[A-Z][a-z'\u2019-]+){1,2})\b"
)


def titled_people(text: str) -> list[Span]:
    """Spans of two- or three-word personal names right after a title ("Secretary of State Antony Blinken")."""
    found = []
    for match in _TITLED.finditer(text):
        words = match.group("name").split()
        if any(w.casefold() in _TITLE_WORDS or w.casefold() in ORGANISATION_WORDS for w in words):
            continue
        found.append(Span(start=match.start("name"), end=match.end("name"), text=match.group("name")))
    return found


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


_CLAUSE_WORD = re.compile(r"\b(?:that|said|says|and|when|as|while|after)\b\s*")


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
    # "the State Department said on January 3 that US Secretary of State": the title follows "that".
    clause = next(reversed(list(_CLAUSE_WORD.finditer(before))), None)
    if clause is not None:
        segment_start += clause.end()
        before = before[clause.end() :]
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
