"""How an article describes a transfer, in its own words: new, second-hand or refurbished;
licensed production; and whether the transfer happened, is planned, is hypothetical, was denied
or was cancelled. Each is found with the words that say it (a span of the article), else None.

These are the distinctions SIPRI and event coders keep: a second-hand transfer, a licence to
build at home, a deal called off. A cue that is negated ("has not yet signed") does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import text_before

_NEGATION = re.compile(r"\b(no|not|never|yet to|without|before|instead of)\b[^.;]{0,20}$", re.I)

# Said of the transfer anywhere in its sentences.
_SECOND_HAND = re.compile(
    r"\b(second[- ]hand|pre[- ]owned|surplus|excess defen[cs]e articles?|ex-[A-Z][\w.]*(?: [A-Z]\w+)?|"
    r"from (?:the )?(?:current )?(?:inventory|stocks?) of)\b"
)
_REFURBISHED = re.compile(r"\b(refurbish\w*|overhaul\w*|reconditioned)\b", re.I)
# Said right before the item's name ("two new Project 636", "used F-16s").
_NEW_BEFORE = re.compile(r"\b(new|newly[- ]built|new[- ]build|brand[- ]new)\s+(?:\S+\s+){0,1}$")
_USED_BEFORE = re.compile(r"\b(used)\s+(?:\S+\s+){0,1}$")
_LICENSED = re.compile(
    r"\b(licen[cs]ed?[- ](?:built|produc\w*|manufactur\w*|assembl\w*)|under (?:a )?licen[cs]e|"
    r"(?:build|built|produce[ds]?|assemble[ds]?|manufacture[ds]?) (?:(?:another|the|other|\w+) ){0,3}locally|"
    r"local(?:ly)? (?:produc\w*|assembl\w*|buil\w*|manufactur\w*)|technology transfer|transfer of technology)\b",
    re.I,
)
# Whether it happened, most telling first: a cancellation outweighs the signature it undoes.
_CONTEXT_CUES = {
    "cancelled": r"cancel\w* scrapp\w* called.off terminated halts halted suspend\w* frozen abandon\w*",
    "denied": r"deny denies denied refus\w* reject\w* veto\w* blocked won't.buy will.not.buy won't.sell will.not.sell",
    "done": r"signed delivered received receiving took.delivery taken.delivery handed.over bought purchased "
    r"commissioned in.service operating",
    "planned": r"will plans?.to planning.to intends?.to is.to are.to expected.to agreed.to seeks seeking requested "
    r"approved notif\w+ to.acquire to.buy to.procure to.purchase to.order",
    "hypothetical": r"could may might would possible potential\w* consider\w* mulls? interested.in talks",
}


def _cues(words: str) -> re.Pattern[str]:
    """A pattern of space-separated cues; a dot inside a cue stands for white space ("took.delivery")."""
    return re.compile(r"\b(" + "|".join(cue.replace(".", r"\s+") for cue in words.split()) + r")\b", re.I)


_CONTEXTS = tuple((value, _cues(cues)) for value, cues in _CONTEXT_CUES.items())


@dataclass(frozen=True)
class Term:
    """A description and the words of the article that give it: text[start:end]."""

    value: str
    start: int
    end: int


def _first(pattern: re.Pattern[str], text: str, sentences: list[tuple[int, int]]) -> re.Match[str] | None:
    for start, end in sentences:
        for match in pattern.finditer(text, start, end):
            if not _NEGATION.search(text[max(start, match.start() - 30) : match.start()]):
                return match
    return None


def condition(text: str, sentences: list[tuple[int, int]], item_starts: list[int]) -> Term | None:
    """new, second_hand or refurbished, as the article says it of the transfer."""
    for value, pattern in (("refurbished", _REFURBISHED), ("second_hand", _SECOND_HAND)):
        match = _first(pattern, text, sentences)
        if match is not None:
            return Term(value, match.start(1), match.end(1))
    for start in item_starts:
        before = text_before(text, start)
        for value, pattern in (("second_hand", _USED_BEFORE), ("new", _NEW_BEFORE)):
            match = pattern.search(before)
            if match is not None:
                offset = start - len(before)
                return Term(value, offset + match.start(1), offset + match.end(1))
    return None


def licensed_production(text: str, sentences: list[tuple[int, int]]) -> Term | None:
    """Production under licence or local assembly, when the article says so."""
    match = _first(_LICENSED, text, sentences)
    return Term("licensed", match.start(1), match.end(1)) if match else None


def context(text: str, sentences: list[tuple[int, int]]) -> Term | None:
    """done, planned, hypothetical, denied or cancelled: the most telling cue of the sentences."""
    for value, pattern in _CONTEXTS:
        match = _first(pattern, text, sentences)
        if match is not None:
            return Term(value, match.start(1), match.end(1))
    return None


_QUANTITY_CUES = tuple(
    (value, _cues(cues))
    for value, cues in {
        "delivered": r"deliver\w* received receiv\w* handed.over took.delivery taken.delivery arriv\w*",
        "ordered": r"order\w* signed contract\w* bought buy\w* acqui\w* purchas\w* sale sell\w* approv\w* notif\w* "
        r"request\w* procur\w*",
    }.items()
)


def quantity_kind(text: str, sentence: tuple[int, int], quantity: tuple[int, int]) -> Term | None:
    """Whether a number counts what was ordered or what was delivered: the cue of its sentence
    nearest to it ("took delivery of at least 12": delivered; "agreed to acquire 46": ordered)."""
    start, end = sentence
    found = [
        (min(abs(m.start() - quantity[0]), abs(m.end() - quantity[1])), value, m)
        for value, pattern in _QUANTITY_CUES
        for m in pattern.finditer(text, start, end)
        if not _NEGATION.search(text[max(start, m.start() - 30) : m.start()])
    ]
    if not found:
        return None
    _, value, match = min(found, key=lambda f: f[0])
    return Term(value, match.start(1), match.end(1))
