"""Actors: the countries, bodies and people an article names, merged by what they are."""

from __future__ import annotations

import re

from ...records import (
    Actor,
    ActorKind,
    Span,
)
from ..grounding import (
    find_all,
)
from ..makers import maker_country
from ..names import ORGANISATION_WORDS, names_in, organisation_kind
from ..nationality import company_country
from ..normalize import (
    country_code,
    country_in,
    country_name,
    known_body,
)
from ..people import personal_name, quoted_people, title_before, titled_people
from ._context import Context

_PERSON_NAME = re.compile(r"^(mr|ms|mrs|dr)?\.?\s*[A-Z][a-z'\u2019-]+(\s+[A-Z][a-z'\u2019-]+){1,2}$")


def guess_kind(name: str) -> ActorKind:
    """A kind for a name the model gave as a speaker or party but not as an actor."""
    body = known_body(name)
    if body is not None:
        return ActorKind(body.kind)
    if country_code(name) is not None:
        return ActorKind.country
    if {word.casefold().strip(",.'\u2019") for word in name.split()} & ORGANISATION_WORDS:
        kind = organisation_kind(name)
        if kind is not None:
            return ActorKind(kind)
        governing = re.search(r"ministry|department|agency|government", name, re.I)
        return ActorKind.government_body if governing else ActorKind.other
    if maker_country(name) is not None:
        return ActorKind.company  # "Lockheed Martin said": two capitalised words, and no person
    if _PERSON_NAME.match(name.strip()):
        return ActorKind.person
    return ActorKind.other


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "actor"


def _country_of_title(title: str) -> str | None:
    """A person's country from their title: "Russian Foreign Ministry spokeswoman" -> RUS."""
    body = known_body(title)
    return body.country if body else country_in(title)


def _merge_key(name: str, kind: ActorKind) -> str:
    body = known_body(name)
    if body is not None:
        return f"body:{body.name}"
    if kind is ActorKind.country:
        code = country_code(name)
        if code:
            return f"country:{code}"
    if kind is ActorKind.person:
        # "Secretary of State Antony Blinken", "Mr Blinken" and "Blinken" are one person.
        return "person:" + personal_name(name).split()[-1].casefold()
    return "name:" + re.sub(r"^(the|mr|ms|mrs)\.?\s+", "", name.casefold().strip())


def _whole_words(text: str, span: Span) -> bool:
    """Whether a span starts and ends at word edges, not inside a longer word ("Japan" in "Japanese").

    Only letters join a word: "13-67WASHINGTON" (a notice's glued dateline) still names Washington."""
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    return not (before.isalpha() and span.text[:1].isalpha()) and not (after.isalpha() and span.text[-1:].isalpha())


class ActorBook(Context):
    """Adds, finds and merges actors; resolves a sale's parties and a pronoun's person."""

    def add_actor(self, name: str, kind: ActorKind, title: str | None = None) -> Actor | None:
        # Whole words only: "Japan" is not mentioned by "Japanese" (a demonym names no actor).
        spans = [span for span in find_all(self.text, name, self.folded) if _whole_words(self.text, span)]
        if not spans:
            self.warnings.append(f"dropped actor {name!r}: not found in the article")
            return None
        body = known_body(name)
        as_country = country_code(name)
        if body is not None:
            kind = ActorKind(body.kind)
        elif as_country is not None and name.strip()[0].isupper() and kind is not ActorKind.person:
            # "United States" is a country, whatever kind the model gave it.
            kind = ActorKind.country
        elif kind is ActorKind.country and as_country is None:
            # A province, a city or a group the model called a country.
            kind = ActorKind.other
        if kind is not ActorKind.person:
            # Titles belong to people; for bodies the model fills in acronyms or notes.
            title = None
        key = _merge_key(name, kind)
        written = spans[0].text
        existing = self.actors.get(key)
        if existing is not None:
            if written != existing.name and written not in existing.aliases:
                existing.aliases.append(written)
            known = {(m.start, m.end) for m in existing.mentions}
            existing.mentions.extend(s for s in spans if (s.start, s.end) not in known)
            existing.mentions.sort(key=lambda s: s.start)
            if title and existing.title is None:
                existing.title = title
                existing.country = existing.country or _country_of_title(title)
            return existing
        if body is not None:
            country = body.country
            canonical = body.name
        else:
            country = as_country if kind is ActorKind.country else country_in(name)
            if country is None and title:
                country = _country_of_title(title)
            if country is None and kind not in (ActorKind.person, ActorKind.country):
                # A maker the tables know is of its home country ("Saab"), whatever is written before
                # it ("Qatar Emiri Air Force Awards Lockheed Martin"); else as written ("Israel's
                # Rafael", "the Slovak company LOTN").
                country = maker_country(written) or company_country(self.text, spans)
            if kind is ActorKind.person:
                canonical = personal_name(written)
            elif kind is ActorKind.country and as_country:
                canonical = country_name(as_country)
            else:
                canonical = written
        aliases = [written] if written != canonical else []
        actor = Actor(
            id=self._unique_id(slug(canonical)),
            name=canonical,
            kind=kind,
            country=country,
            title=title,
            aliases=aliases,
            mentions=spans,
        )
        self.actors[key] = actor
        return actor

    def _unique_id(self, base: str) -> str:
        taken = {a.id for a in self.actors.values()}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def find_actor(self, name: str, at: Span | None = None) -> Actor | None:
        """The actor a free-text name refers to: same merge key, else a name containing it (with
        `at`, the place the name is written, only an actor named there too: "Saab" at the top of an
        article is not "Saab Grintek Defence" named further down)."""
        for kind in (ActorKind.country, ActorKind.person, ActorKind.other):
            actor = self.actors.get(_merge_key(name, kind))
            if actor is not None:
                return actor
        folded = name.casefold().strip()
        code = country_in(name)
        for actor in self.actors.values():
            if actor.kind is ActorKind.country and code != actor.country:
                continue  # "Africa" is not South Africa, nor "Guinea" Papua New Guinea
            if at is not None and not any(m.start < at.end and at.start < m.end for m in actor.mentions):
                continue
            names = [actor.name, *actor.aliases]
            if any(n.casefold() in folded or folded in n.casefold() for n in names if len(n) > 3):
                return actor
        return None

    def add_named(self) -> None:
        """The countries and organisations the article names in capitals (core/names.py)."""
        for name in names_in(self.text):
            self.add_actor(name.text, ActorKind(name.kind))

    def add_quoted_people(self) -> None:
        """Add the people the article quotes ("Maria Zakharova said") or names with a title
        ("Secretary of State Antony Blinken"), with the titles written before them."""
        for span in [*quoted_people(self.text), *titled_people(self.text)]:
            if known_body(span.text) or country_code(span.text) or maker_country(span.text):
                continue  # "Lockheed Martin said": a maker, not a person
            existing = self.find_actor(span.text)
            if existing is not None and existing.kind is not ActorKind.person:
                continue
            title = title_before(self.text, span)
            self.add_actor(span.text, ActorKind.person, title.text if title else None)
        for actor in self.actors.values():
            if actor.kind is ActorKind.person and actor.title is None and actor.mentions:
                title = title_before(self.text, actor.mentions[0])
                actor.title = title.text if title else None
                if actor.country is None and actor.title:
                    actor.country = _country_of_title(actor.title)

    def state_body_of_no_country(self, span: Span) -> bool:
        """A ministry or armed force named without its country ("the Armed Forces Ministry"), which
        neither the article's actors nor the tables give one."""
        if country_in(span.text) is not None:
            return False
        actor = self.find_actor(span.text, at=span)
        kind = actor.kind if actor is not None else guess_kind(span.text)
        return kind in (ActorKind.government_body, ActorKind.military) and (actor is None or actor.country is None)

    def party(self, span: Span | None) -> tuple[str | None, str | None]:
        """(actor id, country code) for a grounded seller or buyer mention."""
        if span is None:
            return None, None
        code = country_in(span.text)
        actor = self.find_actor(span.text, at=span)
        if actor is None:
            if code is not None and country_code(span.text) == code:
                actor = self.add_actor(span.text, ActorKind.country)
            else:
                actor = self.add_actor(span.text, guess_kind(span.text))
        if code is None and actor is not None:
            code = actor.country
        return (actor.id if actor else None), code

    def person_before(self, position: int, window: int = 1500) -> Actor | None:
        """The person named last before `position` (within `window` characters): whom "he" or "she" is."""
        best: tuple[int, Actor] | None = None
        for actor in self.actors.values():
            if actor.kind is not ActorKind.person:
                continue
            for mention in actor.mentions:
                if position - window <= mention.start < position and (best is None or mention.start > best[0]):
                    best = (mention.start, actor)
        return best[1] if best else None
