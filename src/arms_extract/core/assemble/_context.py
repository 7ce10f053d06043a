"""The context every assembly step shares, and how a mention is located in the article."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ...records import (
    Actor,
    Article,
    Span,
)
from ..grounding import (
    FoldedText,
    find_all,
    find_any_form,
    ground,
    nearest,
    whole_words,
)
from ..normalize import (
    DSCA_NAME,
    country_code,
    country_forms,
    country_in,
    implied_seller,
)
from ..sentences import sentence_around as _sentence_bounds


def shown(mention: str, limit: int = 60) -> str:
    """A mention as a warning quotes it: cut to `limit` characters, so a 5,000-digit number stays readable."""
    return repr(mention if len(mention) <= limit else mention[:limit] + "…")


# A mention is a name, a number, a date or the first words of a statement: one longer than this
# is a model gone astray, and grounding it would only cost time.
MAX_MENTION_CHARS = 2000


# How far (characters) a seller, buyer or value may be written from the sale's items. Measured with
# scripts/eval_replay.py on the 40 dev articles and 20 DSCA notices: 1,500, 3,000 and no limit give
# the same figures; 800 lowers dev seller country F1 0.56 -> 0.47 and DSCA buyer 1.00 -> 0.97.
LINK_WINDOW = 1500


def in_text_order(spans: Iterable[Span]) -> list[Span]:
    """Evidence as a record keeps it: each span once, in the order of the text."""
    return sorted({(s.start, s.end): s for s in spans}.values(), key=lambda s: s.start)


def close_by(a: Span, b: Span, window: int = 800) -> bool:
    """Within a paragraph or two. Measured on the 40 dev articles (scripts/eval_replay.py): 200
    characters kept quantities at precision 0.61 / recall 0.27, 800 at 0.61 / 0.34, and no limit
    at 0.52 / 0.34: a number further away is usually another deal's."""
    return a.start - window <= b.end and b.start <= a.end + window


@lru_cache(maxsize=512)
def country_pattern(code: str) -> str:
    """A regex alternation of a country's written forms, longest first.

    Short forms ("US", "U.S.", "UK") match in capitals only, even under re.IGNORECASE:
    the word "us" is not the United States."""
    forms = [f"(?-i:{re.escape(f.upper())})" if len(f) <= 4 else re.escape(f) for f in country_forms(code)]
    return "(?:" + "|".join(forms) + ")"


_DSCA_NAME = re.compile(DSCA_NAME)

# "WARSAW, Poland — ", "WASHINGTON — ", "NEW DELHI: ": a city in capitals (its country), a dash or a
# colon, at the very start of the article; or a city of one or two words before a colon ("Sydney: ").
_DATELINE = re.compile(
    r"\s*(?:[A-Z][A-Z.'\- ]{2,40}(?:,\s+[A-Z][\w.' ]{1,30}?)?\s*(?:\([^)\n]{1,30}\)\s*)?"
    r"(?:\u2014|\u2013|\u2015|--|-|:)\s|[A-Z][a-z]+(?: [A-Z][a-z]+)?:\s)"
)


_DSCA_NOTICE = re.compile(r"Transmittal No|Media/Public Contact|Security Cooperation Agency notified Congress")


def dsca_agency(text: str) -> re.Match[str] | None:
    """The agency's name in a DSCA notice; None when the text is not one."""
    agency = _DSCA_NAME.search(text)
    return agency if agency is not None and _DSCA_NOTICE.search(text) else None


SALE_WORDS = re.compile(r"\b(sale|sell|deal|purchase|buy|contract|weapons?|arms)\b", re.I)


def sentence_around(text: str, span: Span) -> Span:
    """The sentence (or line) that contains `span`."""
    start, end = _sentence_bounds(text, span.start, span.end)
    return Span(start=start, end=end, text=text[start:end])


@dataclass
class Context:
    """What every step of assembly shares: the article, its folded text for grounding, the
    warnings so far and the actors found so far (by merge key)."""

    article: Article
    warnings: list[str] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)  # merge key -> actor
    # The sellers the model named when asked about a sale code built from a list of weapons
    # (core/followup.py), by where its first weapon is written.
    listed_sellers: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = self.article.text
        self.folded = FoldedText.of(self.text)
        # Read once per article, asked for every sale and every party.
        self.implied = implied_seller(self.text)
        dateline = _DATELINE.match(self.text)
        self.dateline_end = dateline.end() if dateline else 0

    def ground(self, path: str, mention: str | None, near: int | None = None, how: object = ground) -> Span | None:
        """Locate a mention with the grounding function `how`; warn and return None if absent."""
        if mention is None or not mention.strip():
            return None
        if len(mention) > MAX_MENTION_CHARS:
            self.warnings.append(f"dropped {path} {shown(mention)}: {len(mention):,} characters, not a mention")
            return None
        span = how(self.text, mention, near=near, folded=self.folded)  # type: ignore[operator]
        if span is None:
            self.warnings.append(f"dropped {path} {mention!r}: not found in the article")
        return span

    def ground_party(self, path: str, mention: str | None, near: int | None = None) -> Span | None:
        """A seller or buyer as written, else the article's own nearest form of the same country.

        The model often writes "the United States" where the article has "U.S."."""
        if mention is None or not mention.strip():
            return None
        span = nearest([s for s in find_all(self.text, mention, self.folded) if whole_words(self.text, s)], near)
        if span is not None and not self.in_dateline(span):
            return span
        if span is not None:
            later = nearest([m for m in find_all(self.text, span.text) if not self.in_dateline(m)], near)
            if later is not None:
                return later
        code = country_code(mention) or (country_in(span.text) if span else None)
        found = self.country_mention(code, near) if code else None
        if found is None or self.in_dateline(found):
            reason = "only the dateline names it, where the story was filed" if span else "not found in the article"
            self.warnings.append(f"dropped {path} {mention!r}: {reason}")
            return None
        if found.text != mention:
            self.warnings.append(f"{path} {mention!r} is written {found.text!r} in the article")
        return found

    def in_dateline(self, span: Span) -> bool:
        """Whether a mention is the place of a dateline ("WARSAW, Poland — "): where the story was
        filed, not a party to the deal."""
        return span.start < self.dateline_end

    def linked(
        self, path: str, mention: str | None, span: Span | None, items: list[Span], how: object = None
    ) -> Span | None:
        """A seller, buyer or value kept only near the sale's items, where the article ties them together.

        The model may take a party or a price from a sentence thousands of characters away, about
        something else. The same words written near an item are taken instead; else the part is
        left null with a warning, and the sale keeps the rest."""
        if span is None or not items or any(close_by(span, item, LINK_WINDOW) for item in items):
            return span
        assert mention is not None
        near = items[0].start
        again = self.ground_party(path, mention, near) if how is None else self.ground(path, mention, near, how)
        if again is not None and any(close_by(again, item, LINK_WINDOW) for item in items):
            return again
        # Written in another form near the items: "The United States has offered Niger an ex-US Air
        # Force WC-130H" for the model's "the United States", written so only paragraphs away.
        other_form = nearest(find_any_form(self.text, mention, self.folded), near)
        if other_form is not None and any(close_by(other_form, item, LINK_WINDOW) for item in items):
            return other_form
        distance = min(abs(span.start - item.start) for item in items)
        self.warnings.append(
            f"dropped {path} {shown(span.text)}: written {distance:,} characters from the sale's items, "
            "with nothing in the article tying them together"
        )
        return None

    def country_mention(self, code: str, near: int | None) -> Span | None:
        """The article's mention of a country (any known form) outside its dateline, nearest to
        `near`, else the first."""
        pattern = rf"(?<![\w.]){country_pattern(code)}(?![\w])"
        found = [Span(start=m.start(), end=m.end(), text=m.group(0)) for m in re.finditer(pattern, self.text, re.I)]
        return nearest([span for span in found if not self.in_dateline(span)], near)

    def span_of(self, offsets: tuple[int, int]) -> Span:
        return Span(start=offsets[0], end=offsets[1], text=self.text[offsets[0] : offsets[1]])
