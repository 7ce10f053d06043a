"""Questions back to the model about a sale that came out without a seller.

The model fills every seller it writes, but often with the buyer itself, a country the article
never names, or the seller of another deal; assembly drops those, and code builds sales of its
own from lists of weapons with no seller at all. One short question about one sale ("who
supplies the S-300 ground-to-air missiles to Syria?"), asked after the article the model has
just read, is answered better than the whole list was, and costs little: the server reuses the
article it has read (a prompt prefix) and the answer is a name. The answer is one more mention of
the model's, for the sale it is about, and goes through assembly like the first: grounded in the
article, or dropped with a warning.

Only sellers are asked: the same question about buyers, tried on the working, fresh and first
blind samples, cost buyer F1 on two of them (working 0.81 -> 0.77), as the model names the
seller, or the buyer of another deal, when asked who buys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from ..records import Actor, Sale
from .answer import ArticleAnswer, OptionalMention
from .prompts import render

_SALE_ID = re.compile(r"sale-(\d+)$")
MAX_QUESTIONS = 4  # per article: a question costs a second or two; a long list is mostly one deal
# What the warning of each question says after naming its sale; the evaluation counts them.
ASKED = ".seller asked again: "
FAILED = ".seller: the question about it failed: "


class SellerAnswer(BaseModel):
    """The answer to a question about a sale's seller: a name as the article writes it, or null."""

    seller: OptionalMention


@dataclass(frozen=True)
class SellerQuestion:
    """A question about the seller of one sale: the model's own sale at `index` (among all its
    sales), or a sale code built from a list of weapons, whose first weapon is written at
    `listed_at`."""

    text: str
    index: int | None = None
    listed_at: int | None = None
    buyer: str | None = None  # the buyer assembly found for the sale, as the article writes it

    @property
    def sale(self) -> str:
        """The sale, as warnings name it."""
        return f"sales[{self.index}]" if self.index is not None else f"the listed sale at character {self.listed_at}"

    def asked(self, seller: str | None) -> str:
        """The warning that says what the model answered."""
        return f"{self.sale}{ASKED}{seller!r}" if seller is not None else f"{self.sale}{ASKED}none given"

    def failed(self, reason: object) -> str:
        """The warning that says why no answer came."""
        return f"{self.sale}{FAILED}{reason}"


def seller_questions(answer: ArticleAnswer, sales: list[Sale], actors: dict[str, Actor]) -> list[SellerQuestion]:
    """A question for each assembled sale with items and no seller: the model's own sales first,
    then those code built from lists.

    A sale from one of the model's own (`sale-<n>`; not a part split off by make) is asked about
    as that answer, which the reply amends; one built from a list, by its first weapon. `actors`:
    by id, to name the buyer in the question and keep it in the amended answer."""
    with_items = [i for i, sale in enumerate(answer.sales) if sale.items]
    own: dict[int, SellerQuestion] = {}
    listed: list[SellerQuestion] = []
    for sale in sales:
        if sale.seller is not None or not sale.items:
            continue
        items = ", ".join(item.evidence[0].text for item in sale.items[:3])
        buyer = actors.get(sale.buyer or "")
        text = render("seller_question.jinja", items=items, buyer=buyer.name if buyer else None)
        written = (buyer.mentions[0].text if buyer.mentions else buyer.name) if buyer else None
        match = _SALE_ID.fullmatch(sale.id)
        if sale.found_by == "listed":
            listed.append(SellerQuestion(text, listed_at=sale.items[0].evidence[0].start))
        elif match is not None and int(match.group(1)) <= len(with_items):
            index = with_items[int(match.group(1)) - 1]
            own.setdefault(index, SellerQuestion(text, index=index, buyer=written))
    return [*(own[i] for i in sorted(own)), *listed][:MAX_QUESTIONS]


def with_sellers(answer: ArticleAnswer, sellers: dict[int, tuple[str, str | None]]) -> ArticleAnswer:
    """The model's answer with the sellers it named when asked again: by the index of the sale,
    (the seller, the buyer assembly had found for it).

    The buyer is kept as assembly had found it, which may be another of the model's words than
    its buyer: "Poland" given as seller (its buyer, "Polish Armed Forces", not in the article)
    was read as the buyer, and a new seller must not take its place."""
    sales = []
    for i, sale in enumerate(answer.sales):
        seller, buyer = sellers.get(i, (None, None))
        if seller is None or (sale.seller or "").casefold() == seller.casefold():
            sales.append(sale)
        else:
            sales.append(sale.model_copy(update={"seller": seller, "buyer": buyer or sale.buyer}))
    return answer.model_copy(update={"sales": sales})
