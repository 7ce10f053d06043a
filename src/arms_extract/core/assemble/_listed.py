"""The counted weapons code finds in the article (core/listed_items.py), given to the sales.

A counted weapon written in the sentence of a sale's items is one more item of that sale ("16
Caracal and 50 Black Hawk helicopters"); one in a sentence no sale covers is a sale of its
own, built from the article's words by the same steps as the model's sales (its buyer is a
country the sentence writes buys, or sells to; its seller what the items' make or "from ..."
says); in an article where the model found no sale, such a sale is kept only with a buyer.
Another mention of an item a sale already has ("15 Ka-52s" beside "12 Ka-52 attack
helicopters") adds nothing: the model chose which of the counts is the deal's.
"""

from __future__ import annotations

import re

from ...records import Item, Sale, Span
from ..answer import ItemAnswer, SaleAnswer
from ..listed_items import ListedItem, is_named, listed_items, same_model
from ..names import names_in
from ..normalize import country_in, parse_quantity
from ._context import country_pattern, in_text_order
from ._direction import FROM_COUNTRY, PLACE_NAME, SELLING_TO, buys
from ._sales import SaleBuilder

# "from France", "from the U.S.", "from South Korea" right after an item's name.
_FROM_AFTER = re.compile(r"\s+" + FROM_COUNTRY.pattern)
# "two Mi-35Ms to Nigeria", "a CN235-220 transport aircraft to Senegal's Air Force": where it goes.
_TO_AFTER = re.compile(r"\s+to\s+" + PLACE_NAME)


MAX_LISTED = 200


# A designation's variant letters: "E" in "C-130E", "B" in "two C-130Bs".
_VARIANT = re.compile(r"\b[A-Z][A-Za-z]{0,5}-\d{1,4}([A-Z][A-Za-z]*?)s?\b")


def _variant(name: str) -> str | None:
    """The variant a name's designation states, if any: another variant is another aircraft."""
    match = _VARIANT.search(name)
    return match.group(1) if match and match.group(1) else None


def _inside(span: Span, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= span.start < bounds[1]


class ListedSales(SaleBuilder):
    """Adds the counted weapons the model left out to the sales, or as sales of their own."""

    def with_listed_items(self, sales: list[Sale], first_index: int, one_sale: bool) -> list[Sale]:
        """`sales` with the listed items they lack; new sales (numbered from `first_index`) for the
        sentences no sale covers, unless the article holds one sale only (a DSCA notice); where the
        model found no sale, only those with a buyer."""
        spans = [span for sale in sales for item in sale.items for span in item.evidence]
        left, others = [], []
        # A notice's one sale lists its parts already: only counts before a weapon's head noun are added.
        found = listed_items(self.text, news=not one_sale)
        if len(found) > MAX_LISTED:
            # Each is grounded and checked like a model's sale: an article of thousands (a register, a
            # text repeated) would take minutes. The model's own sales are capped per request likewise.
            self.warnings.append(
                f"{len(found) - MAX_LISTED:,} listed weapons after the first {MAX_LISTED} not added: too many"
            )
            found = found[:MAX_LISTED]
        counted_names = [self.text[slice(*listed.name)] for listed in found if listed.count is not None]
        for listed in found:
            name = self.text[slice(*listed.name)]
            if not is_named(name) or any(s.start < listed.name[1] and listed.name[0] < s.end for s in spans):
                continue
            mentioned = [i for i, sale in enumerate(sales) if any(same_model(name, item.name) for item in sale.items)]
            if listed.count is None and (
                mentioned
                or any(same_model(name, other) for other in counted_names)
                or any(same_model(name, self.text[slice(*other.name)]) for other in left)
            ):
                continue  # a designation written again: the counted mention or the sale's own stands
            if listed.count is not None and any(self.written_again(listed, other) for other in left):
                continue  # "to build 200 Su-27s ... half of the 200 Su-27s they had signed for": one item
            if mentioned:
                others.append((listed, mentioned[0]))  # another mention of an item a sale has
            else:
                left.append(listed)
        sales = self.counted_elsewhere(sales, others)
        if not left:
            return sales
        sales = list(sales)
        by_sentence: dict[tuple[int, int], list[ListedItem]] = {}
        for listed in left:
            owner = self.owner(sales, listed.sentence, others)
            if owner is None and one_sale and sales:
                owner = 0
            if owner is not None and not one_sale and self.goes_elsewhere(listed, sales[owner]):
                owner = None  # "... to Algeria ...; two Mi-35Ms to Nigeria": not Algeria's
            if owner is None:
                by_sentence.setdefault(listed.sentence, []).append(listed)
                continue
            sales[owner] = self.joined(sales[owner], listed)
        if one_sale:
            return sales
        alone = not sales
        index = first_index
        for sentence, listed in by_sentence.items():
            # "a Predator patrol craft from China, three RPB 33 patrol boats from France": a sale per source.
            # "two Mi-35Ms to Nigeria ...; two Mi-35Ms to Mali": a sale per destination too, where
            # an item with none goes to the buyer the sentence writes.
            by_source: dict[tuple[str | None, str | None], list[ListedItem]] = {}
            written = self.buyer_written(sentence)
            for item in listed:
                to = self.destination_after(item)
                by_source.setdefault((self.source_after(item), to.text if to else written), []).append(item)
            # The sentence's price is the sale's only when the sentence makes one sale.
            price = self.price_in(sentence) if len(by_source) == 1 else None
            value = price.text if price else None
            for (source, destination), items in by_source.items():
                sale = self.listed_sale(index, sentence, items, source, value, destination)
                index += 1
                if sale is not None and alone and sale.buyer_country is None:
                    # Where the model found no sale, code alone makes one only with a buyer the
                    # sentence writes buys ("Pakistan ordered 12 ...") or is sold to.
                    continue
                if sale is not None:
                    sales.append(sale)
        return sales

    def counted_elsewhere(self, sales: list[Sale], others: list[tuple[ListedItem, int]]) -> list[Sale]:
        """A sale's item the model gave no count takes the one count the article writes on another
        mention of its model ("the Ka-52 Alligator" ... "46 conventional Ka-52 Alligator helicopters");
        with several different counts, which one is the deal's is left open."""
        sales = list(sales)
        for i, sale in enumerate(sales):
            items = list(sale.items)
            for j, item in enumerate(items):
                if item.quantity is not None:
                    continue
                counts = {
                    self.text[slice(*listed.count)]: listed
                    for listed, owner in others
                    if owner == i
                    and listed.count is not None
                    and same_model(self.text[slice(*listed.name)], item.name)
                    and _variant(self.text[slice(*listed.name)]) in (_variant(item.name), None)
                }
                if len(counts) != 1:
                    continue
                [(written, listed)] = counts.items()
                parsed = parse_quantity(written)
                if parsed is None or parsed.value is None or parsed.value == 1 or listed.count is None:
                    continue  # a count of one is kept only where the model's item has it (see sale_items)
                span = self.span_of(listed.count)
                items[j] = item.model_copy(
                    update={
                        "quantity": parsed.value,
                        "quantity_qualifier": parsed.qualifier,
                        "evidence": [*item.evidence, span],
                    }
                )
                sales[i] = sale = sale.model_copy(
                    update={"items": items, "evidence": in_text_order([*sale.evidence, span])}
                )
        return sales

    def destination_after(self, listed: ListedItem) -> Span | None:
        """The country written right after an item as where it goes ("two Mi-35Ms to Nigeria")."""
        match = _TO_AFTER.match(self.text, listed.name[1], listed.sentence[1])
        if match is None or country_in(match.group(1)) is None:
            return None
        return self.span_of(match.span(1))

    def written_again(self, listed: ListedItem, other: ListedItem) -> bool:
        """Whether `listed` repeats `other` word for word, count and name, in the same sentence and
        to the same place ("two Mi-35Ms to Nigeria ...; two Mi-35Ms to Mali" are two)."""
        if listed.sentence != other.sentence or listed.count is None or other.count is None:
            return False
        words = [self.text[slice(*item.count)] + " " + self.text[slice(*item.name)] for item in (listed, other)]
        if words[0] != words[1]:
            return False
        here, there = self.destination_after(listed), self.destination_after(other)
        return (here.text if here else None) == (there.text if there else None)

    def goes_elsewhere(self, listed: ListedItem, sale: Sale) -> bool:
        """Whether the article writes the listed item goes to a country that is neither party of `sale`."""
        to = self.destination_after(listed)
        return to is not None and country_in(to.text) not in (sale.buyer_country, sale.seller_country)

    def source_after(self, listed: ListedItem) -> str | None:
        """The country written right after an item as where it comes from ("... boats from France")."""
        match = _FROM_AFTER.match(self.text, listed.name[1], listed.sentence[1])
        return match.group(1) if match and country_in(match.group(1)) else None

    def owner(self, sales: list[Sale], sentence: tuple[int, int], others: list[tuple[ListedItem, int]]) -> int | None:
        """The sale whose items are written in `sentence` (by the model's mention or another one)."""
        for i, sale in enumerate(sales):
            if any(_inside(item.evidence[0], sentence) for item in sale.items):
                return i
        return next((i for listed, i in others if listed.sentence == sentence), None)

    def listed_answer(self, listed: list[ListedItem]) -> list[ItemAnswer]:
        return [
            ItemAnswer(
                name=self.text[slice(*item.name)], quantity=self.text[slice(*item.count)] if item.count else None
            )
            for item in listed
        ]

    def joined(self, sale: Sale, listed: ListedItem) -> Sale:
        """`sale` with one more item, as written in its sentence."""
        answer = SaleAnswer(
            seller=None, buyer=None, items=self.listed_answer([listed]), value=None, date=None, status=None
        )
        items: list[Item] = self.sale_items(f"{sale.id} listed item", answer, listed.name[0])
        if not items:
            return sale
        items = [item.model_copy(update={"found_by": "listed"}) for item in items]
        evidence = in_text_order([*sale.evidence, *items[0].evidence])
        return sale.model_copy(update={"items": [*sale.items, *items], "evidence": evidence})

    def listed_sale(
        self,
        index: int,
        sentence: tuple[int, int],
        listed: list[ListedItem],
        source: str | None,
        value: str | None = None,
        destination: str | None = None,
    ) -> Sale | None:
        """A sale of counted weapons of one sentence, with its buyer (the country written after the
        items as where they go, else the one the sentence writes buys) and the price it names."""
        answer = SaleAnswer(
            seller=source or self.listed_sellers.get(listed[0].name[0]),
            buyer=destination,
            items=self.listed_answer(listed),
            value=value,
            date=None,
            status=None,
        )
        sale = self.sale(index, answer, only_sale=False, any_source=False)
        if sale is None:
            return None
        items = [item.model_copy(update={"found_by": "listed"}) for item in sale.items]
        return sale.model_copy(update={"found_by": "listed", "items": items})

    def buyer_written(self, sentence: tuple[int, int]) -> str | None:
        """The first country the sentence writes buys ("Egypt agreed to acquire") or is sold to."""
        start, end = sentence
        words = self.text[start:end]
        for name in names_in(words):
            if name.kind != "country" or name.country is None:
                continue
            pattern = country_pattern(name.country)
            if re.search(buys(pattern), words, re.I) or re.search(SELLING_TO + pattern + r"\b", words, re.I):
                return name.text
        return None
