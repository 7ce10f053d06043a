"""Model answers written by hand for assembly tests, and the sales assembly makes of them."""

from __future__ import annotations

from arms_extract.core.answer import ArticleAnswer, ItemAnswer, SaleAnswer
from arms_extract.core.assemble import assemble
from arms_extract.records import Article, Sale


def answer(
    seller: str | None,
    buyer: str | None,
    *items: ItemAnswer | str,
    value: str | None = None,
    status: str | None = "ordered",
) -> SaleAnswer:
    """One answered sale; an item given as a string has no quantity."""
    listed = [item if isinstance(item, ItemAnswer) else ItemAnswer(name=item, quantity=None) for item in items]
    return SaleAnswer(seller=seller, buyer=buyer, items=listed, value=value, date=None, status=status)


def assembled(text: str, *answers: SaleAnswer) -> tuple[list[Sale], list[str]]:
    """The sales assembled from `answers` on an article of `text`, and the warnings."""
    sales, _, _, warnings = assemble(Article(id="x", text=text), ArticleAnswer(sales=list(answers)))
    return sales, warnings
