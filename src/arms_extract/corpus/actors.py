"""One actor across a corpus: the same body, company or person under the names articles use.

Names are linked when they are the same once written alike (case, "the", a leading "US"), when
one is the other's acronym ("DSCA", "Defense Security Cooperation Agency"), when the project's
table of known bodies gives both one name, or, for companies, when one is the first words of the
other ("Raytheon", "Raytheon Missiles & Defense"). Countries are one actor per country. People
are linked only by their full name: a surname alone ("Mr Blinken") is never enough.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..core.normalize import known_body
from ..records import ActorKind
from ._refs import ActorRef

_LEADING = re.compile(r"^(?:the\s+)?(?:(?:u\.?s\.?|us|united states)\s+)?", re.IGNORECASE)
_SMALL_WORDS = {"of", "the", "and", "for", "&", "on", "in"}


@dataclass(eq=False)
class CorpusActor:
    uid: str
    kind: ActorKind
    members: list[ActorRef] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The longest of the names used most: "Defense Security Cooperation Agency" over "DSCA"."""
        counts = Counter(m.name for m in self.members)
        top = max(counts.values())
        return max((n for n, c in counts.items() if c == top), key=len)

    @property
    def aliases(self) -> list[str]:
        names = {n for m in self.members for n in (m.name, *m.aliases)}
        return sorted(names - {self.name})

    @property
    def country(self) -> str | None:
        countries = Counter(m.country for m in self.members if m.country)
        return countries.most_common(1)[0][0] if countries else None

    def as_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "name": self.name,
            "kind": self.kind.value,
            "country": self.country,
            "aliases": self.aliases,
            "articles": sorted({m.article_id for m in self.members}),
            "actor_uids": [m.uid for m in self.members],
        }


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^\w&]+", " ", _LEADING.sub("", name.strip())).casefold().split())


def _acronym(name: str) -> str | None:
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.casefold() not in _SMALL_WORDS]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else None


def _keys(actor: ActorRef) -> set[str]:
    """The keys under which another article's actor is the same one."""
    if actor.kind is ActorKind.country:
        return {f"country:{actor.country}"} if actor.country else {f"name:{_plain(actor.name)}"}
    names = (actor.name, *actor.aliases)
    if actor.kind is ActorKind.person:
        full = [_plain(n) for n in names if len(_plain(n).split()) >= 2]
        return {f"person:{n}" for n in full} or {f"only:{actor.uid}"}
    keys = set()
    for name in names:
        body = known_body(name)
        if body is not None:
            keys.add(f"body:{body.name}")
        plain = _plain(name)
        if plain:
            keys.add(f"name:{plain}")
            short = _LEADING.sub("", name.strip())
            if re.fullmatch(r"[A-Z]{2,7}", short):
                keys.add(f"acronym:{short}")
        acronym = _acronym(_LEADING.sub("", name.strip()))
        if acronym and len(acronym) >= 3:
            keys.add(f"acronym:{acronym}")
    return keys


def _company_prefixes(actors: list[ActorRef]) -> list[tuple[str, str]]:
    """Pairs of company uids where one name is the first words of the other."""
    companies = [(a, _plain(a.name).split()) for a in actors if a.kind is ActorKind.company]
    by_first: dict[str, list[tuple[ActorRef, list[str]]]] = {}
    for actor, words in companies:
        if words:
            by_first.setdefault(words[0], []).append((actor, words))
    pairs = []
    for group in by_first.values():
        for a, a_words in group:
            for b, b_words in group:
                if len(a_words) < len(b_words) and b_words[: len(a_words)] == a_words and len(" ".join(a_words)) >= 5:
                    pairs.append((a.uid, b.uid))
    return pairs


def resolve_actors(actors: list[ActorRef]) -> list[CorpusActor]:
    """Group the actors of all articles into corpus actors (union of shared keys)."""
    parent = {a.uid: a.uid for a in actors}

    def root(uid: str) -> str:
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    def join(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    first_with: dict[tuple[str, str], str] = {}
    for actor in actors:
        family = (
            "person" if actor.kind is ActorKind.person else "country" if actor.kind is ActorKind.country else "body"
        )
        for key in _keys(actor):
            earlier = first_with.setdefault((family, key), actor.uid)
            if earlier != actor.uid:
                join(actor.uid, earlier)
    for a, b in _company_prefixes(actors):
        join(a, b)
    groups: dict[str, list[ActorRef]] = {}
    for actor in actors:
        groups.setdefault(root(actor.uid), []).append(actor)
    found = []
    for members in groups.values():
        kind = Counter(m.kind for m in members).most_common(1)[0][0]
        uid = "entity-" + hashlib.sha256(min(m.uid for m in members).encode()).hexdigest()[:12]
        found.append(CorpusActor(uid, kind, members))
    return sorted(found, key=lambda c: (-len(c.members), c.name))
