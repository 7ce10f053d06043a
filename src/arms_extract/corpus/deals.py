"""One row per deal: the sales many articles report of one transaction, clustered.

Sales are blocked by recipient and by the systems they name (weapon_match.system_keys), so a
sale is compared only with the deals that share its recipient and a system key: the cost grows
with the number of sales, not with its square. Within a block, a sale joins the first deal it
is compatible with:

- the supplier is the same, or unknown on one side;
- the quantities agree (within a quarter), or the sale reports a delivery of part of the number
  ordered;
- the values are within a factor of 2 (a price may be reported with or without support);
- it is reported within 4 years of the deal's reports (the stages of one deal span years;
  the same system bought again later is another deal).

What the reports disagree on is kept and flagged in `conflicts`, never averaged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..records import Stage
from ._refs import SaleRef

MAX_VALUE_RATIO = 2.0
MAX_QUANTITY_RATIO = 1.25
MAX_YEARS_APART = 4
_STAGE_ORDER = {
    Stage.unknown: 0, Stage.requested: 1, Stage.approved: 2, Stage.notified_to_congress: 3,
    Stage.contract_signed: 4, Stage.delivered: 5, Stage.cancelled: 6,
}  # fmt: skip


@dataclass(eq=False)
class Deal:
    uid: str
    supplier: str | None
    recipient: str | None
    sources: list[SaleRef] = field(default_factory=list)

    # -- what the sources say together ---------------------------------------------------------

    @property
    def keys(self) -> set[str]:
        return {key for sale in self.sources for key in sale.keys}

    @property
    def articles(self) -> int:
        return len({sale.article_key for sale in self.sources})

    @property
    def designation(self) -> str | None:
        """The name the reports use most for the deal's first item."""
        names = Counter(sale.items[0][0] for sale in self.sources if sale.items)
        return names.most_common(1)[0][0] if names else None

    @property
    def item_names(self) -> list[str]:
        return sorted({name for sale in self.sources for name, _, _ in sale.items})

    def _quantities(self, delivered: bool) -> list[tuple[int, SaleRef]]:
        """The first item's numbers that count deliveries (or orders): by the words next to the
        number when the article gives them, else by the report's stage."""
        return [
            (quantity, sale)
            for sale in self.sources
            if _counts_deliveries(sale) == delivered
            for _, _, quantity in sale.items[:1]
            if quantity is not None
        ]

    @property
    def quantity_ordered(self) -> int | None:
        """The number most reports give (the earliest report breaks a tie)."""
        return _best([q for q, _ in self._quantities(delivered=False)])

    @property
    def quantity_delivered(self) -> int | None:
        return max((q for q, _ in self._quantities(delivered=True)), default=None)

    @property
    def value(self) -> tuple[float, str, float | None] | None:
        values = [sale.value for sale in self.sources if sale.value is not None]
        best = _best([(amount, currency) for amount, currency, _ in values])
        return next((v for v in values if (v[0], v[1]) == best), None)

    @property
    def stage_history(self) -> list[dict[str, Any]]:
        """Each report's stage with its date and article, in time order (unknown stages left out)."""
        steps = sorted(
            (sale for sale in self.sources if sale.stage is not Stage.unknown),
            key=lambda s: (s.when or "", _STAGE_ORDER[s.stage]),
        )
        return [{"stage": s.stage.value, "date": s.when, "article_id": s.article_id, "sale_uid": s.uid} for s in steps]

    @property
    def stage(self) -> Stage:
        """The furthest stage reported; cancelled when the latest report says so."""
        history = self.stage_history
        if not history:
            return Stage.unknown
        if history[-1]["stage"] == Stage.cancelled.value:
            return Stage.cancelled
        going = [Stage(step["stage"]) for step in history if step["stage"] != Stage.cancelled.value]
        return max(going, key=_STAGE_ORDER.__getitem__)

    @property
    def condition(self) -> str | None:
        """new, second_hand or refurbished: what most reports that say it say."""
        return _best([s.condition for s in self.sources if s.condition])

    @property
    def licensed(self) -> bool:
        return any(s.licensed for s in self.sources)

    @property
    def context(self) -> str | None:
        """The latest report's word on whether it happened (done, planned, ..., cancelled)."""
        said = [s for s in self.sources if s.context]
        return max(said, key=lambda s: s.when or "").context if said else None

    @property
    def first_report(self) -> str | None:
        return min((s.published.isoformat() for s in self.sources if s.published), default=None)

    @property
    def last_report(self) -> str | None:
        return max((s.published.isoformat() for s in self.sources if s.published), default=None)

    @property
    def conflicts(self) -> dict[str, list[dict[str, Any]]]:
        """Values the reports disagree on, each with the articles that give it."""
        found: dict[str, list[dict[str, Any]]] = {}
        ordered = self._quantities(delivered=False)
        if len({q for q, _ in ordered}) > 1:
            found["quantity"] = _by_value([(q, s.article_id) for q, s in ordered])
        values = [((s.value[0], s.value[1]), s.article_id) for s in self.sources if s.value is not None]
        if len({v for v, _ in values}) > 1:
            found["value"] = _by_value(values)
        suppliers = [(s.supplier, s.article_id) for s in self.sources if s.supplier is not None]
        if len({v for v, _ in suppliers}) > 1:
            found["supplier"] = _by_value(suppliers)
        return found

    def as_json(self) -> dict[str, Any]:
        value = self.value
        return {
            "uid": self.uid,
            "supplier": self.supplier,
            "recipient": self.recipient,
            "designation": self.designation,
            "items": self.item_names,
            "quantity_ordered": self.quantity_ordered,
            "quantity_delivered": self.quantity_delivered,
            "value": {"amount": value[0], "currency": value[1], "usd": value[2]} if value else None,
            "stage": self.stage.value,
            "condition": self.condition,
            "licensed_production": self.licensed,
            "context": self.context,
            "stage_history": self.stage_history,
            "first_report": self.first_report,
            "last_report": self.last_report,
            "articles": self.articles,
            "conflicts": self.conflicts,
            "sources": [
                {"sale_uid": s.uid, "article_key": s.article_key, "article_id": s.article_id, "stage": s.stage.value,
                 "date": s.when, "evidence": [{"start": a, "end": b, "text": t} for a, b, t in s.evidence]}
                for s in self.sources
            ],
        }  # fmt: skip

    # -- whether a sale belongs ----------------------------------------------------------------

    def takes(self, sale: SaleRef) -> bool:
        if sale.supplier and self.supplier and sale.supplier != self.supplier:
            return False
        return _quantity_fits(self, sale) and _value_fits(self, sale) and _time_fits(self, sale)

    def add(self, sale: SaleRef) -> None:
        self.sources.append(sale)
        self.supplier = self.supplier or sale.supplier


def _counts_deliveries(sale: SaleRef) -> bool:
    if sale.quantity_kind is not None:
        return sale.quantity_kind == "delivered"
    return sale.stage is Stage.delivered


def _best(values: list[Any]) -> Any:
    """The most frequent value; on a tie, the first given."""
    if not values:
        return None
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)


def _by_value(pairs: list[tuple[Any, str]]) -> list[dict[str, Any]]:
    grouped: dict[Any, list[str]] = {}
    for value, article in pairs:
        grouped.setdefault(value, []).append(article)
    return [{"value": list(v) if isinstance(v, tuple) else v, "articles": sorted(set(a))} for v, a in grouped.items()]


def _quantity_fits(deal: Deal, sale: SaleRef) -> bool:
    """Equal, close enough to be one number misreported (kept as a conflict), or a delivery of part
    of the number ordered. Three aircraft and twelve are two deals."""
    quantity = sale.items[0][2] if sale.items else None
    known = [q for q, _ in deal._quantities(delivered=False)] + [q for q, _ in deal._quantities(delivered=True)]
    if quantity is None or not known or any(max(quantity, q) <= MAX_QUANTITY_RATIO * min(quantity, q) for q in known):
        return True
    ordered = [q for q, _ in deal._quantities(delivered=False)]
    return _counts_deliveries(sale) and bool(ordered) and quantity < max(ordered)


def _value_fits(deal: Deal, sale: SaleRef) -> bool:
    if sale.value is None or sale.value[2] is None:
        return True
    known = [s.value[2] for s in deal.sources if s.value is not None and s.value[2]]
    usd = sale.value[2]
    return not known or any(max(usd, k) / max(min(usd, k), 1.0) <= MAX_VALUE_RATIO for k in known)


def _year(when: str | None) -> float | None:
    if not when:
        return None
    try:
        date = dt.date.fromisoformat(when[:10]) if len(when) >= 10 else dt.date(int(when[:4]), 7, 1)
    except ValueError:
        return None
    return date.year + date.timetuple().tm_yday / 366


def _time_fits(deal: Deal, sale: SaleRef) -> bool:
    year = _year(sale.when)
    known = [y for s in deal.sources if (y := _year(s.when)) is not None]
    return year is None or not known or min(abs(year - k) for k in known) <= MAX_YEARS_APART


def _uid(first_sale: str) -> str:
    return "deal-" + hashlib.sha256(first_sale.encode()).hexdigest()[:12]


def build_deals(sales: list[SaleRef], previous: dict[str, str] | None = None) -> list[Deal]:
    """Cluster sales into deals. `previous` (sale uid -> deal uid from an earlier run into the same
    folder) keeps a deal's uid when later articles join it."""
    deals: list[Deal] = []
    index: dict[tuple[str, str], list[Deal]] = {}
    for sale in sorted(sales, key=lambda s: (s.when or "9999", s.uid)):
        keys = sale.keys
        home = None
        if sale.recipient is not None and keys:
            candidates: dict[int, tuple[int, Deal]] = {}
            for key in keys:
                for deal in index.get((sale.recipient, key), []):
                    shared, _ = candidates.get(id(deal), (0, deal))
                    candidates[id(deal)] = (shared + 1, deal)
            ranked = sorted(candidates.values(), key=lambda pair: -pair[0])
            home = next((deal for _, deal in ranked if deal.takes(sale)), None)
        if home is None:
            home = Deal(uid="", supplier=sale.supplier, recipient=sale.recipient)
            deals.append(home)
        home.add(sale)
        if sale.recipient is not None:
            for key in keys:
                bucket = index.setdefault((sale.recipient, key), [])
                if home not in bucket:
                    bucket.append(home)
    for deal in deals:
        earlier = Counter(previous[s.uid] for s in deal.sources if previous and s.uid in previous)
        deal.uid = earlier.most_common(1)[0][0] if earlier else _uid(deal.sources[0].uid)
    return _unique_uids(deals)


def _unique_uids(deals: list[Deal]) -> list[Deal]:
    """Two deals that both inherit one earlier uid (a deal split by new evidence): the larger keeps it."""
    seen: set[str] = set()
    for deal in sorted(deals, key=lambda d: -len(d.sources)):
        if deal.uid in seen:
            deal.uid = _uid(deal.sources[0].uid)
        seen.add(deal.uid)
    return deals
