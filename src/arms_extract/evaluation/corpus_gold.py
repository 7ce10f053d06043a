"""Score deals and actors across articles against hand labels (tests/fixtures/corpus_deals.json).

A predicted sale stands for the labelled deal whose articles include its article, whose
recipient is its buyer and whose systems share a key with one of its items (weapon_match.
system_keys); a sale that fits no labelled deal, or two, is left out and counted. A predicted
actor stands for the labelled actor one of whose names it bears. Scores are pairwise: of the
pairs the clustering puts together, how many the labels put together (precision), and the
other way round (recall).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from .counts import precision_recall_f1
from .weapon_match import system_keys


@dataclass(frozen=True)
class GoldDeal:
    name: str
    recipient: str
    articles: frozenset[str]
    keys: frozenset[str]


@dataclass(frozen=True)
class GoldActor:
    name: str
    names: frozenset[str]


def load_corpus_gold(path: Path) -> tuple[list[GoldDeal], list[GoldActor]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    deals = [
        GoldDeal(d["name"], d["recipient"], frozenset(d["articles"]),
                 frozenset(k for system in d["systems"] for k in system_keys(system)))
        for d in data["deals"]
    ]  # fmt: skip
    actors = [GoldActor(a["name"], frozenset(_plain(n) for n in a["names"])) for a in data["actors"]]
    return deals, actors


def _plain(name: str) -> str:
    return " ".join(name.casefold().removeprefix("the ").split())


def gold_deal_of(article_id: str, recipient: str | None, items: list[str], golds: list[GoldDeal]) -> int | None:
    keys = {k for item in items for k in system_keys(item)}
    fits = [i for i, g in enumerate(golds) if article_id in g.articles and recipient == g.recipient and keys & g.keys]
    return fits[0] if len(fits) == 1 else None


def gold_actor_of(names: list[str], golds: list[GoldActor]) -> int | None:
    plain = {_plain(n) for n in names}
    fits = [i for i, g in enumerate(golds) if plain & g.names]
    return fits[0] if len(fits) == 1 else None


def pairwise(
    clusters: list[list[str]], gold_of: dict[str, int], keys: dict[str, frozenset[str]] | None = None
) -> dict[str, float | int | None]:
    """Pairwise precision/recall/F1 over the elements that have a gold cluster. With `keys`, only
    pairs that share a key count: deals one row per designation, as SIPRI keeps them, rather than
    one per transaction (an aircraft and the bombs sold with it)."""

    def counted(pair: tuple[str, str]) -> bool:
        return keys is None or bool(keys[pair[0]] & keys[pair[1]])

    predicted = {frozenset(p) for c in clusters for p in combinations([e for e in c if e in gold_of], 2) if counted(p)}
    members: dict[int, list[str]] = {}
    for element, gold in gold_of.items():
        members.setdefault(gold, []).append(element)
    expected = {frozenset(p) for m in members.values() for p in combinations(m, 2) if counted(p)}
    hit = len(predicted & expected)
    return {
        **precision_recall_f1(hit, len(predicted), hit, len(expected)),
        "pairs_predicted": len(predicted),
        "pairs_gold": len(expected),
        "elements": len(gold_of),
    }
