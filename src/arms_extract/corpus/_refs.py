"""A run's records as the corpus view reads them: every sale and actor with its run-wide uid,
its article and the date it was reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..batch.store import record_uid
from ..evaluation.weapon_match import system_keys
from ..records import ActorKind, Extraction, Stage


@dataclass(frozen=True)
class SaleRef:
    uid: str
    article_key: str
    article_id: str
    published: dt.date | None
    supplier: str | None  # ISO 3166-1 alpha-3
    recipient: str | None
    items: tuple[tuple[str, tuple[str, ...], int | None], ...]  # (name, designations, quantity)
    value: tuple[float, str, float | None] | None  # (amount, currency, usd)
    stage: Stage
    date: str | None  # the sale's own date (ISO, perhaps only a year), else None
    evidence: tuple[tuple[int, int, str], ...]
    condition: str | None = None  # new, second_hand, refurbished
    licensed: bool = False
    context: str | None = None  # done, planned, hypothetical, denied, cancelled
    quantity_kind: str | None = None  # what the first item's quantity counts: ordered or delivered

    @property
    def when(self) -> str | None:
        """When the sale was reported to stand as it does: its own date, else the article's."""
        return self.date or (self.published.isoformat() if self.published else None)

    @property
    def keys(self) -> frozenset[str]:
        """The systems it names (evaluation.weapon_match.system_keys of every item)."""
        return frozenset(key for name, _, _ in self.items for key in system_keys(name))


@dataclass(frozen=True)
class ActorRef:
    uid: str
    article_key: str
    article_id: str
    name: str
    kind: ActorKind
    country: str | None
    aliases: tuple[str, ...]


def sale_refs(extractions: Iterable[tuple[str, Extraction]]) -> list[SaleRef]:
    refs = []
    for key, extraction in extractions:
        for sale in extraction.sales:
            uid = record_uid(key, "sale", sale.id)
            assert uid is not None
            value = (sale.value.amount, sale.value.currency, sale.value.usd) if sale.value else None
            refs.append(
                SaleRef(
                    uid=uid,
                    article_key=key,
                    article_id=extraction.article.id,
                    published=extraction.article.published,
                    supplier=sale.seller_country,
                    recipient=sale.buyer_country,
                    items=tuple((i.name, tuple(i.designations), i.quantity) for i in sale.items),
                    value=value,
                    stage=sale.stage,
                    date=sale.date.iso if sale.date else None,
                    evidence=tuple((s.start, s.end, s.text) for s in sale.evidence),
                    condition=sale.condition.value if sale.condition else None,
                    licensed=sale.licensed_production is not None,
                    context=sale.context.value if sale.context else None,
                    quantity_kind=next((i.quantity_kind.value for i in sale.items[:1] if i.quantity_kind), None),
                )
            )
    return refs


def actor_refs(extractions: Iterable[tuple[str, Extraction]]) -> list[ActorRef]:
    refs = []
    for key, extraction in extractions:
        for actor in extraction.actors:
            uid = record_uid(key, "actor", actor.id)
            assert uid is not None
            refs.append(
                ActorRef(uid, key, extraction.article.id, actor.name, actor.kind, actor.country, tuple(actor.aliases))
            )
    return refs
