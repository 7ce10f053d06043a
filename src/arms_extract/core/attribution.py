"""Find every statement an article attributes to someone, by the article's grammar, without a model.

News attributes in a handful of shapes, and each is found here:

- a quotation followed by its speaker: "“We will buy them,” the minister said."
- a speaker, a verb and what was said: "Officials said (that) the deal is done."
- what was said, then the speaker: "The deal is done, officials said."
- "according to": "According to the DSCA, ..." / "..., according to the DSCA."
- a speaker, a verb and a quotation: "He said: “...”"

Each attribution is three parts, each a [start, end) stretch of the article: who (or None when
the grammar leaves it open), the cue (the verb of saying or "according to") and the content.
A pronoun speaker ("he said") is resolved by the caller, which knows the article's people.
Nothing here is invented: every part is the article's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .saying import CUE_FORMS, WEAK_CUE_FORMS
from .sentences import sentence_spans

_DETERMINERS = frozenset("the a an his her its their our my your this that these those".split())
PRONOUNS = frozenset("he she they it we i you his her their its this that".split())

_OPEN = "\u201c\u00ab"
_CLOSE = "\u201d\u00bb"
# Words between a speaker and the verb: "has long said", "also told", "did not say".
_AUX = (
    r"(?:\b(?:has|have|had|also|later|previously|again|repeatedly|recently|once|reportedly|publicly|privately|"
    r"then|would|will|did|does|do|not|never|just|often|long|has\s+been|had\s+been|is|are|was|were)\s+)*"
)
_CUE = re.compile(r"\b(?:" + "|".join(sorted(CUE_FORMS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
# What may stand between a verb and what was said: "told reporters", "said Tuesday", "said in a statement".
_WHEN = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|night|morning|afternoon|"
    r"evening|(?:a|an|the|his|her|their|its) (?:\w+ )?(?:statement|interview|speech|post|tweet|briefing|"
    r"news conference|press conference|letter|report|email|hearing|op-ed|appearance|call)|reporters|journalists|"
    r"Jan\w*|Feb\w*|March|April|May|June|July|Aug\w*|Sept\w*|Oct\w*|Nov\w*|Dec\w*|\d+)"
)
# What may stand between a verb and what was said: "said Tuesday that", "said in a statement".
_AFTER_CUE = re.compile(
    rf"(?:\s*,)?(?:\s+(?:on|last|this|early|late|in|at|during|to|with|earlier|later|after)?\s*{_WHEN}"
    r"(?:\s+(?:with|on|to)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?)*(?:\s*,)?(?:\s+that\b)?[\s:,]*"
)
# After "told", "asked" or "urged", who was told: "told reporters", "told The Washington Post".
_TOLD_WHOM = re.compile(
    r"\s+(?:the\s+|a\s+)?(?:[A-Z][\w.\u2019']*(?:\s+[A-Z][\w.\u2019']*)*|him|her|them|us|me|reporters|"
    r"journalists|lawmakers|supporters|the crowd|an? \w+ audience|audiences?|students|voters|members)"
)
_TELLING = re.compile(r"^(?:told|tells?|telling|asked|asks?|asking|urged|urges?|urging|assured|informed|warned)$", re.I)
_SOURCE_WORDS = re.compile(
    r"\b(?:officials?|spokes\w*|ministry|ministers?|department|agency|government|analysts?|experts?|"
    r"critics?|sources?|reports?|study|survey|poll|statement|documents?|aides?|lawmakers|"
    r"leaders?|officers?|diplomats?|commanders?|campaign|administration|people|observers|"
    r"residents|witnesses|media|newspaper|paper|agency|group|company|firm|president|secretary|"
    r"general|chief|head|director|senator|representative|members?|authorities|police|military|army|navy|"
    r"pentagon|kremlin|white house|filings|data|records|letter|memo|researchers|scientists|activists)\b",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"(?:[,;:\u2014\u2013(]|\b(?:and|but|while|as|because|although|that|when|after|if)\b)\s*")
# A clause (not an object) after a verb of thinking: "thinks the issue should ...", "believes he will".
_CLAUSE_AHEAD = re.compile(
    r"(?:he|she|they|it|we|i|you|there|(?:the|a|an|this|that|his|her|their|its)\s+(?:\w+\s+){0,4}?"
    r"(?:is|are|was|were|will|would|could|should|can|may|might|must|has|have|had)\b)",
    re.IGNORECASE,
)
_PARTICIPLE_AFTER_COMMA = r",\s+(?:adding|saying|noting|arguing|explaining|insisting|warning|claiming)"
_PARTICIPLE = re.compile(_PARTICIPLE_AFTER_COMMA + r"\b")
# A second verb of the same speaker joined by "and"/"but": "said it was opposed and warned North Korea".
_JOINED = r"(?:,\s*)?\s+(?:and|but)\s+(?:also\s+|then\s+|later\s+)?"
_JOINED_BEFORE = re.compile(_JOINED + r"$")
_NEXT_VERB = re.compile(
    r"(?:"
    + _PARTICIPLE_AFTER_COMMA
    + "|"
    + _JOINED
    + r"(?:"
    + "|".join(sorted(CUE_FORMS - WEAK_CUE_FORMS, key=len, reverse=True))
    + r"))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    """A statement the article attributes: offsets of its parts, and whether it is quoted."""

    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[int, int]
    direct: bool


def _quotes(text: str) -> list[tuple[int, int]]:
    """[start, end) of each quotation, marks included; straight quotes paired within a paragraph."""
    found: list[tuple[int, int]] = []
    opened: int | None = None
    for i, char in enumerate(text):
        if char in _OPEN:
            opened = i
        elif char in _CLOSE and opened is not None:
            found.append((opened, i + 1))
            opened = None
        elif char == "\n":
            opened = None if opened is not None and text[opened] == '"' else opened
    for paragraph in re.finditer(r"[^\n]+", text):
        marks = [m.start() for m in re.finditer('"', paragraph.group(0))]
        for a, b in zip(marks[::2], marks[1::2], strict=False):
            found.append((paragraph.start() + a, paragraph.start() + b + 1))
    return sorted(found)


def _words_of(text: str, quote: tuple[int, int]) -> tuple[int, int]:
    """A quotation without its marks or a trailing comma: what the speaker said."""
    start, end = quote[0] + 1, quote[1] - 1
    while end > start and text[end - 1] in ", \t":
        end -= 1
    return (start, end) if end > start else quote


def _inside(position: int, quotes: list[tuple[int, int]]) -> bool:
    return any(a < position < b - 1 for a, b in quotes)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The stretch without white space, a trailing comma or period; None when empty."""
    while start < end and text[start] in " \t\n,:":
        start += 1
    while end > start and text[end - 1] in " \t\n,.;:":
        end -= 1
    return (start, end) if end - start >= 2 else None


def _looks_like_source(text: str, span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    words = text[span[0] : span[1]].split()
    if not words or len(words) > 12:
        return False
    if " ".join(words).casefold() in PRONOUNS or words[-1].casefold() in PRONOUNS:
        return True
    return any(w[:1].isupper() for w in words) or _SOURCE_WORDS.search(text, span[0], span[1]) is not None


def _subject_before(text: str, sentence_start: int, cue_start: int) -> tuple[int, int] | None:
    """The words between the clause start and the verb, less auxiliaries: "Defense Secretary Ash Carter"."""
    left = text[sentence_start:cue_start]
    aux = re.search(_AUX + r"$", left)
    end = sentence_start + (aux.start() if aux else len(left))
    start = sentence_start
    boundaries = [b for b in _CLAUSE_START.finditer(text, sentence_start, end) if b.end() <= end]
    if boundaries:
        start = boundaries[-1].end()
        if boundaries[-1].group(0).startswith(",") and not text[start:end].strip() and len(boundaries) >= 2:
            # "Dan Conston, a senior adviser to the group, said": the name and its apposition.
            start = boundaries[-3].end() if len(boundaries) >= 3 else sentence_start
            end = boundaries[-1].start()
    # A quotation closing just before ("“...,” the minister said") is not part of the subject.
    close = max(text.rfind(c, start, end) for c in _CLOSE + '"')
    if close != -1:
        start = close + 1
    # "According to Bloomberg citing a statement": the source is Bloomberg, not "According to Bloomberg".
    subject = _trim(text, start, end)
    according = _ACCORDING.match(text, subject[0]) if subject else None
    return _trim(text, according.end(), end) if according else subject


def _quote_ending_at(text: str, position: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The quotation that closes just before `position` (only commas and white space between)."""
    for a, b in quotes:
        if b <= position and not text[b:position].strip(" \t,"):
            return (a, b)
    return None


def _after_comma_or_quote(text: str, position: int) -> bool:
    """Whether the text before `position` ends in a comma, or a quotation closed by "," "?" or "!".

    A quotation closed by a period ended its sentence: what follows is a new one."""
    before = text[max(0, position - 400) : position].rstrip()
    if before.endswith(tuple(_CLOSE + '"')):
        return before[:-1].rstrip().endswith((",", "?", "!", "\u2014", "-"))
    return before.endswith(",")


# Two apostrophes as a quotation mark (''We will,'' he said), as some wires and archives write
# them; read as curly quotes of the same length, so every offset still points into the article.
_TWO_APOSTROPHES_OPEN = re.compile(r"(?<![\w'])''(?=[^\s'])")
_TWO_APOSTROPHES_CLOSE = re.compile(r"(?<=[^\s'])''(?![\w'])")


def _two_apostrophes_as_quotes(text: str) -> str:
    if "''" not in text:
        return text
    text = _TWO_APOSTROPHES_OPEN.sub(" \u201c", text)
    return _TWO_APOSTROPHES_CLOSE.sub("\u201d ", text)


def find_attributions(text: str) -> list[Attribution]:
    """Every attribution the article's grammar shows, in text order."""
    text = _two_apostrophes_as_quotes(text)
    quotes = _quotes(text)
    found: list[Attribution] = []
    for s_start, s_end in sentence_spans(text):
        last_source: tuple[int, int] | None = None
        for cue in _ACCORDING.finditer(text, s_start, s_end):
            attribution = _according(text, s_start, s_end, cue)
            if attribution is not None:
                found.append(attribution)
        for cue in _CUE.finditer(text, s_start, s_end):
            if _inside(cue.start(), quotes):
                continue
            attribution = _verb(text, s_start, s_end, cue, quotes, last_source)
            if attribution is not None:
                found.append(attribution)
                last_source = attribution.source or last_source
    return sorted(set(found), key=lambda a: (a.content[0], a.cue[0]))


def _according(text: str, s_start: int, s_end: int, cue: re.Match[str]) -> Attribution | None:
    comma = text.find(",", cue.end(), s_end)
    if text[s_start : cue.start()].strip(' \t\u201c"') == "":
        # "According to the DSCA, the sale ..."
        if comma == -1:
            return None
        source, content = _trim(text, cue.end(), comma), _trim(text, comma + 1, s_end)
    else:
        # "..., according to the DSCA." / "... according to a report by ..."
        source = _trim(text, cue.end(), comma if comma != -1 else s_end)
        content = _trim(text, s_start, cue.start())
    if content is None or source is None:
        return None
    if text[content[0]] in _OPEN + '"' and text[content[1] - 1] in _CLOSE + '"':
        return Attribution(source, (cue.start(), cue.end()), _words_of(text, content), True)
    return Attribution(source, (cue.start(), cue.end()), content, False)


def _verb(
    text: str,
    s_start: int,
    s_end: int,
    cue: re.Match[str],
    quotes: list[tuple[int, int]],
    last_source: tuple[int, int] | None,
) -> Attribution | None:
    cue_span = (cue.start(), cue.end())
    weak = cue.group(0).casefold() in WEAK_CUE_FORMS
    word_before = re.search(r"(\w+)\W*$", text[s_start : cue.start()])
    if word_before and word_before.group(1).casefold() in _DETERMINERS:
        return None  # a noun: "the report", "his claim"
    participle = _PARTICIPLE.match(text, max(s_start, cue.start() - 2)) is not None
    joined = not weak and last_source is not None and _JOINED_BEFORE.search(text, s_start, cue.start()) is not None
    inverted = None if weak or participle or joined else _inverted(text, s_start, s_end, cue, quotes)
    if inverted is not None:
        return inverted
    if participle or joined:
        subject = last_source  # "..., adding that ...", "... and warned ...": the sentence's last speaker
    else:
        subject = _subject_before(text, s_start, cue.start())
        if not _looks_like_source(text, subject):
            return None
    if subject is None:
        return None
    rest_start = cue.end()
    if _TELLING.match(cue.group(0)):
        whom = _TOLD_WHOM.match(text, rest_start, s_end)
        rest_start = whom.end() if whom else rest_start
    tail = _AFTER_CUE.match(text, rest_start, s_end)
    start = tail.end() if tail else rest_start
    remainder = text[start:s_end].strip()
    quote_before = _quote_ending_at(text, subject[0], quotes)
    says_what = remainder[:1] in _OPEN + '"' or re.search(r"\bthat\s*$", text[cue.end() : start]) is not None
    ends = remainder in ("", ".", "!", "?") or remainder.startswith(("(", "\u2014")) or _PARTICIPLE.match(text, start)
    if not weak and _after_comma_or_quote(text, subject[0]) and (ends or (quote_before and not says_what)):
        # "The deal is done, officials said." / "“It is done,” he told reporters on Monday."
        if quote_before is not None:
            return Attribution(subject, cue_span, _words_of(text, quote_before), True)
        content = _trim(text, s_start, text.rfind(",", s_start, subject[0]))
        return Attribution(subject, cue_span, content, False) if content else None
    if weak and not (says_what or _CLAUSE_AHEAD.match(text, start)):
        return None
    if start >= s_end:
        return None
    quote = next(((a, b) for a, b in quotes if a == start), None)
    if quote is not None:
        return Attribution(subject, cue_span, _words_of(text, quote), True)
    content = _trim(text, start, _before_next_verb(text, start, s_end, quotes))
    return Attribution(subject, cue_span, content, False) if content else None


def _before_next_verb(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> int:
    """Where the speaker's next verb begins ("..., adding that", "... and warned"): that is a statement of its own."""
    for verb in _NEXT_VERB.finditer(text, start, end):
        if not _inside(verb.start(), quotes):
            return verb.start()
    return end


def _inverted(
    text: str, s_start: int, s_end: int, cue: re.Match[str], quotes: list[tuple[int, int]]
) -> Attribution | None:
    """ "..., said the minister." / "“...,” said Gen. Smith, a former adviser."."""
    if not _after_comma_or_quote(text, cue.start()):
        return None
    name_end = _next_boundary(text, cue.end(), s_end)
    if _SAID_CLAUSE.match(text, cue.end(), name_end):
        return None  # "Grassley, facing a challenge, said he would welcome Cruz": what is said
    if not _looks_like_source(text, _trim(text, cue.end(), name_end)):
        return None
    participle = _PARTICIPLE.search(text, name_end, s_end)
    source = _trim(text, cue.end(), participle.start() if participle else s_end)  # with its apposition
    if source is None or len(text[source[0] : source[1]].split()) > 25:
        return None
    quote = _quote_ending_at(text, cue.start(), quotes)
    content = _words_of(text, quote) if quote else _trim(text, s_start, cue.start())
    if content is None:
        return None
    return Attribution(source, (cue.start(), cue.end()), content, quote is not None)


# What follows an inverted verb is its speaker, a noun phrase ("said the minister"); a personal
# pronoun with more words after it begins a clause: what was said ("said he would welcome Cruz").
_SAID_CLAUSE = re.compile(r"\s*(?i:he|she|they|we|i)\s+\w")


def _next_boundary(text: str, start: int, end: int) -> int:
    """The next comma or the end of the sentence after `start`."""
    comma = text.find(",", start, end)
    return comma if comma != -1 else end
