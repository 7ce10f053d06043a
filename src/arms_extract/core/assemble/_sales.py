"""Sales: each answered sale grounded, normalised and checked, or dropped with a warning."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from ...records import (
    DateValue,
    Item,
    Money,
    Sale,
    Span,
    Stage,
    Wording,
)
from ..answer import SaleAnswer
from ..grounding import (
    FoldedText,
    find_all,
    ground,
    ground_item_name,
    ground_loosely,
    ground_prefix,
    nearest,
)
from ..listed_items import head_noun_end, is_named, same_model
from ..normalize import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    category_of,
    converted_amount,
    count_of_item,
    country_code,
    country_in,
    designations_in,
    is_associated,
    is_not_materiel,
    money_spans,
    parse_money,
    parse_quantity,
    quantity_before,
    resolve_date,
    stage_of,
    text_before,
    variants_in,
)
from ..sentences import sentence_around as _sentence_bounds
from ..transfer_terms import Term, condition, context, licensed_production, quantity_kind
from ._context import SALE_WORDS, close_by, in_text_order, sentence_around, shown
from ._direction import Direction
from ._origin import Origin

_R = TypeVar("_R")


class Party(NamedTuple):
    """A seller or buyer as grounded, with the model's own words for it: when roles are swapped the
    words go along, so that a party re-found near the items is the same party, not the other one."""

    span: Span | None
    mention: str | None


_NO_PARTY = Party(None, None)

# Words that make the amount after them a price.
PRICE_BEFORE = re.compile(
    r"\b(?:worth|valued at|value of|costs?|costing|cost of|priced at|price of|for|amounts? to|amounted to)"
    r"\s+(?:(?:about|around|approximately|some|roughly|nearly|up to|an estimated|a total of)\s+)?$",
    re.IGNORECASE,
)

# An amount that names a deal: "a $950 million contract", "the €600 million lease", "€270.2 million in
# sales", "€1.2 billion worth of weapons".
DEAL_AFTER = re.compile(
    r"\s+(?:in\s+(?:arms\s+)?sales\b|worth\s+of\b|"
    r"(?:arms\s+)?(?:deal|contract|agreement|order|purchase|sale|lease|package)\b)",
    re.IGNORECASE,
)

# A deal's status in words of a transfer that no stage names: "announced the acquisition", "contract announced".
_TRANSFER_WORD = re.compile(
    r"\b(?:acqui\w+|bought|buy\w*|purchas\w+|order\w*|sold|sale|suppl\w+|lease\w*|contract)\b", re.I
)


def _ground_amount(text: str, mention: str, near: int | None = None, folded: FoldedText | None = None) -> Span | None:
    """A price as written, else the amount the article writes with the same number in another
    currency ("$185 million" for "EUR185 million ($198.8 million)"): the number is the model's,
    the currency the article's."""
    span = ground(text, mention, near=near, folded=folded)
    if span is not None:
        return span
    wanted = parse_money(mention)
    if wanted is None or not wanted.amount:
        return None
    same = []
    for start, end in money_spans(text):
        written = parse_money(text[start:end], text_before(text, start))
        if written is not None and written.amount == wanted.amount:
            same.append(Span(start=start, end=end, text=text[start:end]))
    return nearest(same, near)


def _date_mention(text: str, phrase: str, near: int | None = None, folded: FoldedText | None = None) -> Span | None:
    """A date as written, or its first words when the model added a year ("January 13, 2014")."""
    # A one-word date ("Monday", "2023", "yesterday") is grounded whole; a longer one by its first two words at least.
    return ground_prefix(text, phrase, min_words=min(2, len(phrase.split()) or 1), folded=folded, near=near)


def _phrase_after(text: str, position: int) -> str:
    """The words a number counts: up to the next comma, semicolon or "and" ("two MA60 twin turboprop
    aircraft" in "two MA60 twin turboprop aircraft and 50 FN-16 launchers")."""
    return re.split(r"[,;]|\band\b", text[position : position + 80], maxsplit=1)[0]


def _counts(written: str, quantity: int | None) -> bool:
    """Whether `written` is the number `quantity` (the span of an item's quantity)."""
    parsed = parse_quantity(written)
    return quantity is not None and parsed is not None and parsed.value == quantity


class SaleBuilder(Origin, Direction):
    """One answered sale to a Sale record."""

    def sale(self, index: int, answer: SaleAnswer, only_sale: bool, any_source: bool = True) -> Sale | None:
        """The steps, in order: parties, items, value, each kept only near the items; the date and
        stage; a check that it is an arms sale at all; the actors; a seller the article implies
        (with `any_source` False, not from a "from <country>" of the items' sentence, which may be
        another item's)."""
        path = f"sales[{index}]"
        seller, buyer = self.sale_parties(path, answer)
        anchor = next((s.start for s in (buyer.span, seller.span) if s is not None), None)
        items = self.sale_items(path, answer, anchor)
        if self.company_buys_from_state(seller.span, buyer.span):
            assert buyer.span is not None
            self.warnings.append(f"{path}: seller and buyer swapped; {buyer.span.text!r} is a maker, not a buyer")
            seller, buyer = buyer, seller
        if self.made_by_buyer(items, seller.span, buyer.span):
            assert buyer.span is not None
            self.warnings.append(f"{path}: seller and buyer swapped; the items are {buyer.span.text!r}-made")
            seller, buyer = buyer, seller
        if anchor is None and items:
            anchor = items[0].evidence[0].start
        value, v_span = self.sale_value(path, answer, anchor)
        item_names = [item.evidence[0] for item in items]
        seller_span = self.linked(f"{path}.seller", seller.mention, seller.span, item_names)
        buyer_span = self.linked(f"{path}.buyer", buyer.mention, buyer.span, item_names)
        if value is not None:
            v_span = self.linked(f"{path}.value", answer.value, value.evidence, item_names, how=_ground_amount)
            if v_span is None:
                value = None
            elif v_span != value.evidence:
                value = self.money_at(path, v_span)  # read where it is written now: its hedge, its conversion
        associated = [item for item in items if is_associated(item.name)]
        not_materiel = [item.name for item in items if is_not_materiel(item.name)]
        items = [item for item in items if not is_associated(item.name) and item.name not in not_materiel]
        if not items and not_materiel:
            # "Foreign Military Financing", "$1 billion in US military aid": money, not a transfer of arms.
            self.warnings.append(f"dropped {path}: {', '.join(map(repr, not_materiel))} is aid, a budget or a treaty")
            return None
        if not items and value is None:
            self.warnings.append(f"dropped {path}: no grounded item or value")
            return None
        date, d_span = self.sale_date(path, answer, anchor)
        status_span = self.ground(f"{path}.status", answer.status, anchor, how=ground_loosely)
        # A value or date the model gave stays in the evidence even when it could not be read.
        usd_span = value.usd_evidence if value is not None else None  # part of the sale's text, like the price
        evidence_spans = [s for s in (seller_span, buyer_span, v_span, usd_span, d_span, status_span) if s is not None]
        evidence_spans += [s for item in [*items, *associated] for s in item.evidence]
        evidence_spans = in_text_order(evidence_spans)
        stage = self.stage(status_span, evidence_spans, only_sale)
        looks_military = any(item.category or item.designations for item in items)
        parties = {span.text.casefold() for span in (seller_span, buyer_span) if span is not None}
        if items and not looks_military and all(item.name.casefold() in parties for item in items):
            # "SAIC has completed its $2.5 billion acquisition of Engility", answered as a sale of
            # "Engility" to Engility: the thing bought is a party, a company, not a weapon.
            self.warnings.append(f"dropped {path}: {items[0].name!r} is a party to it, not a weapon")
            return None
        transfer_worded = status_span is not None and _TRANSFER_WORD.search(status_span.text) is not None
        named = any(is_named(item.name) for item in items)
        if not looks_military and value is None and stage is Stage.unknown and not (transfer_worded and named):
            # Small models turn any event into a "sale" (a train attacked, a budget passed). Kept when
            # its status writes a transfer of a named thing: the "Leopard 2A4" and the "Sniper Advanced
            # Targeting Pod" are of no kind the tables know; "weapons and military equipment" is no name.
            self.warnings.append(f"dropped {path}: no weapon, no price and no deal stage; not an arms sale")
            return None
        seller_id, seller_country = self.party(seller_span)
        buyer_id, buyer_country = self.party(buyer_span)
        own_state = seller_country is not None and seller_country == buyer_country and self.is_state(seller_id)
        if own_state or (seller_id is not None and seller_id == buyer_id):
            # A state does not sell arms to itself: "Algeria" as seller and buyer of Russian rocket
            # launchers, "Poland" of helicopters the article says it is to acquire; nor does any party.
            # The buyer stands; the seller is left to what the article says (the items' make, "from ...").
            assert seller_span is not None
            whose = "the buyer's own state" if own_state else "the buyer itself"
            self.warnings.append(f"dropped {path}.seller {seller_span.text!r}: {whose}, not a seller")
            seller_id = seller_country = None
        made = self.other_make(items, seller_span, seller_country, buyer_country)
        if made is not None:
            assert seller_span is not None
            self.warnings.append(
                f"{path}.seller {seller_span.text!r} replaced by {made.text!r}: the items' make, "
                "and the model's seller is not written with them"
            )
            # The model's seller is no evidence of this sale; the make is.
            kept = [s for s in evidence_spans if s != seller_span]
            seller_span = made
            seller_id, seller_country = self.party(made)
            evidence_spans = in_text_order([*kept, made])
        if self.implied is None and self.in_development(items):
            self.warnings.append(f"dropped {path}: a weapon in development, not an arms transfer")
            return None
        made_at_home = own_state and seller_country is None and self.made_at_home(items)
        if made_at_home and self.seller_implied(items, buyer_country, any_source) is None:
            self.warnings.append(f"dropped {path}: the buyer's own production, not an arms transfer")
            return None
        buyer_body = None
        if buyer_span is not None and buyer_country and country_code(buyer_span.text) is None:
            buyer_body = buyer_span.text  # "Burkina Faso's Air Force"
        seller_inference = None
        if seller_country is None:
            found = self.seller_implied(items, buyer_country, any_source)
            if found is not None:
                seller_country, seller_inference, words = found
                if words is not None:
                    seller_id, _ = self.party(words)
                    evidence_spans = sorted([*evidence_spans, words], key=lambda s: s.start)
        sentences = sorted({_sentence_bounds(self.text, s.start, s.end) for s in evidence_spans})
        wording = {
            "condition": condition(self.text, sentences, [item.evidence[0].start for item in items]),
            "licensed_production": licensed_production(self.text, sentences),
            "context": context(self.text, sentences),
        }
        return Sale(
            **{name: self.wording(term) for name, term in wording.items()},
            id=f"sale-{index + 1}",
            seller=seller_id,
            buyer=buyer_id,
            seller_country=seller_country,
            buyer_country=buyer_country,
            buyer_body=buyer_body,
            seller_inferred=seller_inference is not None,
            seller_inference=seller_inference,
            items=items,
            associated=associated,
            value=value,
            stage=stage,
            date=date,
            evidence=evidence_spans,
        )

    def wording(self, term: Term | None) -> Wording | None:
        return Wording(value=term.value, evidence=self.span_of((term.start, term.end))) if term else None

    def sale_parties(self, path: str, answer: SaleAnswer) -> tuple[Party, Party]:
        """(seller, buyer) as grounded, swapped when the article says the sale goes the other way."""
        seller = Party(self.ground_party(f"{path}.seller", answer.seller), answer.seller)
        buyer = Party(self.ground_party(f"{path}.buyer", answer.buyer), answer.buyer)
        if seller.span is None:
            return seller, buyer
        if buyer.span is None and self.buyer_alone(seller.span):
            self.warnings.append(f"{path}: {seller.span.text!r} is the buyer; the article writes that it buys")
            return _NO_PARTY, seller
        if buyer.span is not None and self.state_body_of_no_country(buyer.span) and self.buyer_alone(seller.span):
            # "France is to acquire a fifth Barracuda ..., the Armed Forces Ministry confirmed",
            # answered as France selling to the ministry: France buys, through a body of its own.
            self.warnings.append(
                f"{path}: {seller.span.text!r} is the buyer, not a seller to {buyer.span.text!r}; "
                "the article writes that it buys"
            )
            return _NO_PARTY, seller
        if self.awards_contract(seller.span) and not (buyer.span and self.awards_contract(buyer.span)):
            self.warnings.append(f"{path}: seller and buyer swapped; {seller.span.text!r} awarded the contract")
            return buyer, seller
        if buyer.span is None:
            return seller, buyer
        if self.roles_swapped(seller.span, buyer.span):
            self.warnings.append(f"{path}: seller and buyer swapped; the article sells to {seller.span.text!r}")
            return buyer, seller
        if self.worded_the_other_way(seller.span, buyer.span):
            self.warnings.append(
                f"{path}: seller and buyer swapped; {seller.span.text!r} buys from {buyer.span.text!r} in the article"
            )
            return buyer, seller
        return seller, buyer

    def sale_items(self, path: str, answer: SaleAnswer, anchor: int | None) -> list[Item]:
        """Each item grounded by its name, with a quantity only when written near it and a number."""
        items: list[Item] = []
        for j, item_answer in enumerate(answer.items):
            name_span = self.ground(f"{path}.items[{j}].name", item_answer.name, anchor, how=ground_item_name)
            if name_span is None:
                continue
            end = head_noun_end(self.text, name_span.start, name_span.end)
            if end != name_span.end:
                name_span = self.span_of((name_span.start, end))  # "Attack class" -> "Attack class submarine"
            anchor = anchor if anchor is not None else name_span.start
            evidence = [name_span]
            quantity = qualifier = None
            q_span = self.ground(f"{path}.items[{j}].quantity", item_answer.quantity, name_span.start)
            if q_span is not None and not close_by(q_span, name_span):
                self.warnings.append(f"dropped {path}.items[{j}].quantity {q_span.text!r}: not written near the item")
                q_span = None
            if q_span is not None:
                parsed = parse_quantity(q_span.text)
                if parsed is None:
                    self.warnings.append(f"dropped {path}.items[{j}].quantity {q_span.text!r}: not a number")
                elif parsed.out_of_range:
                    self.warnings.append(
                        f"dropped {path}.items[{j}].quantity {shown(q_span.text)}: out of range "
                        f"(above {MAX_QUANTITY:,})"
                    )
                elif parsed.value == 1 and not self.counts_item(q_span, name_span):
                    # "One bid was solicited with one bid received": a small model writes the first
                    # "one" near the item as its count. A count of one is kept only written on the item.
                    self.warnings.append(
                        f"dropped {path}.items[{j}].quantity {q_span.text!r}: not written as the item's count"
                    )
                elif (
                    (on_item := count_of_item(self.text, name_span.start, name_span.end)) is not None
                    and not on_item[0] <= q_span.start < on_item[1]
                    and not same_model(name_span.text, _phrase_after(self.text, q_span.end))
                ):
                    # "two P-108 patrol craft, ... 50 FN-16 surface-to-air missile launchers": the model
                    # gave the FN-16s the first count of the list; the article writes theirs on them.
                    # (Kept when the model's number counts another mention of the same model: "20 AIM
                    # 9X-2 SIDEWINDER" for an item found at "2 AIM-9X-2 ... Guidance units".)
                    self.warnings.append(
                        f"dropped {path}.items[{j}].quantity {q_span.text!r}: the article writes "
                        f"{self.text[slice(*on_item)]!r} on the item"
                    )
                else:
                    quantity, qualifier = parsed.value, parsed.qualifier
                    evidence.append(q_span)
            if quantity is None:
                written = self.written_count(name_span)
                parsed = parse_quantity(written.text) if written else None
                if written is not None and parsed is not None and parsed.value is not None:
                    # The model left the count out; the article writes it on the item ("16 new helicopters").
                    quantity, qualifier = parsed.value, parsed.qualifier
                    evidence.append(written)
            designations = designations_in(name_span.text)
            if len(designations) == 1:
                designations, quantity, qualifier = self.refine_variants(designations[0], evidence, quantity, qualifier)
            counted = None
            number = next((s for s in evidence[1:] if _counts(s.text, quantity)), None)
            if number is not None:
                sentence = _sentence_bounds(self.text, number.start)
                counted = quantity_kind(self.text, sentence, (number.start, number.end))
            items.append(
                Item(
                    name=name_span.text,
                    designations=designations,
                    category=category_of(name_span.text),
                    quantity=quantity,
                    quantity_qualifier=qualifier,
                    quantity_kind=self.wording(counted),
                    evidence=evidence,
                )
            )
        return items

    def sale_value(self, path: str, answer: SaleAnswer, anchor: int | None) -> tuple[Money | None, Span | None]:
        """(the price read as an amount of money, where the model's value is written); the amount is
        None, with a warning, when it cannot be read."""
        v_span = self.ground(f"{path}.value", answer.value, anchor, how=_ground_amount)
        if v_span is None:
            return None, None
        if answer.value is not None and v_span.text != answer.value and not find_all(self.text, answer.value):
            self.warnings.append(f"{path}.value {answer.value!r} is written {v_span.text!r} in the article")
        return self.money_at(path, v_span), v_span

    def money_at(self, path: str, v_span: Span) -> Money | None:
        """The amount written at `v_span`, with the article's own conversion to dollars beside it;
        None, with a warning, when it cannot be read."""
        inside = money_spans(self.text, v_span.start, v_span.end)
        if len(inside) == 2 and converted_amount(self.text, inside[0][1]) == inside[1]:
            # "634 billion won ($563 million)" given whole: the amount, then its conversion after it.
            v_span = self.span_of(inside[0])
        parsed_money = parse_money(v_span.text, text_before(self.text, v_span.start))
        if parsed_money is None:
            self.warnings.append(f"dropped {path}.value {v_span.text!r}: not an amount of money")
            return None
        if parsed_money.out_of_range:
            self.warnings.append(f"dropped {path}.value {shown(v_span.text)}: out of range (above {MAX_AMOUNT:,.0f})")
            return None
        usd, usd_span = parsed_money.usd, None
        converted = converted_amount(self.text, v_span.end) if usd is None else None
        in_dollars = parse_money(self.text[slice(*converted)]) if converted else None
        if converted and in_dollars and in_dollars.currency == "USD" and not in_dollars.out_of_range:
            # "€108 million (U.S. $134 million)": the article's own conversion, kept with its span.
            start, end = converted
            usd, usd_span = in_dollars.amount, Span(start=start, end=end, text=self.text[start:end])
        return Money(
            amount=parsed_money.amount,
            currency=parsed_money.currency,
            usd=usd,
            qualifier=parsed_money.qualifier,
            evidence=v_span,
            usd_evidence=usd_span,
        )

    def price_in(self, sentence: tuple[int, int]) -> Span | None:
        """The one amount of money a sentence writes as a price ("worth about 13.5 billion zloty (U.S.
        $3.3 billion)" is one, converted; "for", "valued at", "would amount to"); None for none,
        several, or an amount written as something else (a budget, a plan's total)."""
        spans = money_spans(self.text, *sentence)
        after = spans[0][1] if spans else 0
        if len(spans) == 2 and converted_amount(self.text, spans[0][1]) == spans[1]:
            # "an Australian $50 billion (U.S. $36 billion) deal": the deal is named after the bracket.
            after = self.text.index(")", spans[1][1]) + 1
            spans = spans[:1]
        if len(spans) != 1 or not written_as_price(self.text, spans[0][0], after, not_before=sentence[0]):
            return None  # "a plan to lay out $11.6 billion on procurements" prices no one deal
        start, end = spans[0]
        return Span(start=start, end=end, text=self.text[start:end])

    def priced_where_written(self, sales: list[Sale]) -> list[Sale]:
        """A sale the model gave no value takes the one price its first item's sentence writes
        ("ordered 12 ... in a deal worth $1.1 billion"), unless another sale has that amount."""
        taken = {(s.value.evidence.start, s.value.evidence.end) for s in sales if s.value is not None}
        priced = []
        for sale in sales:
            if sale.value is not None or not sale.items:
                priced.append(sale)
                continue
            name = sale.items[0].evidence[0]
            price = self.price_in(_sentence_bounds(self.text, name.start, name.end))
            value = None if price is None or (price.start, price.end) in taken else self.money_at(sale.id, price)
            if value is None:
                priced.append(sale)
                continue
            taken.add((price.start, price.end))
            self.warnings.append(f"{sale.id}.value {price.text!r}: the price written with its items")
            spans = [price, *([value.usd_evidence] if value.usd_evidence else [])]
            priced.append(sale.model_copy(update={"value": value, "evidence": in_text_order([*sale.evidence, *spans])}))
        return priced

    def sale_date(self, path: str, answer: SaleAnswer, anchor: int | None) -> tuple[DateValue | None, Span | None]:
        """(the date resolved against the publication date, where it is written); None when unreadable."""
        d_span = self.ground(f"{path}.date", answer.date, anchor, how=_date_mention)
        if d_span is None:
            return None, None
        resolved = resolve_date(d_span.text, self.article.published)
        if resolved is None:
            return None, d_span
        return DateValue(text=d_span.text, iso=resolved.iso, precision=resolved.precision, evidence=d_span), d_span

    def counts_item(self, number: Span, name: Span) -> bool:
        """Whether `number` is the count written on this item ("one patrol vessel", "one of the
        F-35s") or on another mention of it close by."""
        written = self.written_count(name)
        return written is not None and written.start <= number.start < written.end

    def written_count(self, name: Span) -> Span | None:
        """The count written on this mention of an item, else on the nearest other mention of the
        same name close by ("11 CH-47 helicopters" a paragraph later)."""
        others = [m for m in find_all(self.text, name.text) if m.start != name.start]
        for designation in designations_in(name.text):
            # "CH-47 Chinook heavy transportation helicopters" is counted as "11 CH-47 helicopters".
            others += [m for m in find_all(self.text, designation) if not name.start <= m.start < name.end]
        mentions = [name] + sorted((m for m in others if close_by(m, name)), key=lambda m: abs(m.start - name.start))
        for mention in mentions:
            found = count_of_item(self.text, mention.start, mention.end)
            if found is not None:
                return self.span_of(found)
        return None

    def refine_variants(
        self, base: str, evidence: list[Span], quantity: int | None, qualifier: str | None
    ) -> tuple[list[str], int | None, str | None]:
        """An item named by its family ("AIM-120 AMRAAM") gets the variants the article names

        ("AIM-120D-3", "AIM-120C-8"), with their spans, and the number written just before
        them when the item had none ("up to 1,200 AIM-120D-3 and ...")."""
        variants = variants_in(self.text, base)
        if not variants:
            return [base], quantity, qualifier
        for name, start in variants:
            evidence.append(Span(start=start, end=start + len(name), text=name))
        if quantity is None:
            found = quantity_before(self.text, variants[0][1])
            parsed = parse_quantity(self.text[found[0] : found[1]]) if found else None
            if found and parsed is not None and parsed.value is not None:
                evidence.append(Span(start=found[0], end=found[1], text=self.text[found[0] : found[1]]))
                quantity, qualifier = parsed.value, parsed.qualifier
        return [name for name, _ in variants], quantity, qualifier

    def stage(self, status: Span | None, evidence: list[Span], only_sale: bool) -> Stage:
        """The furthest stage stated in the sale's sentences (for an article's only sale,

        also every sentence about "the sale" or "the deal": DSCA notices state the
        notification apart from the item and the price)."""
        spans = [*evidence, *([status] if status else [])]
        sentences = {sentence_around(self.text, s).text for s in spans}
        if only_sale:
            sentences |= {
                sentence_around(self.text, Span(start=m.start(), end=m.end(), text=m.group(0))).text
                for m in SALE_WORDS.finditer(self.text)
            }
        return stage_of(" ".join(sorted(sentences)))


def sale_key(sale: Sale) -> tuple[object, ...]:
    """Sales read twice (from overlapping chunks) have the same parties, items and value."""
    items = tuple(sorted(item.name.casefold() for item in sale.items))
    return (sale.seller_country, sale.buyer_country, items, sale.value.amount if sale.value else None)


def distinct(records: list[_R], key: Callable[[_R], object]) -> list[_R]:
    seen: set[object] = set()
    kept = []
    for record in records:
        if key(record) not in seen:
            seen.add(key(record))
            kept.append(record)
    return kept


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or country_in(a) == country_in(b) or a.casefold() == b.casefold()


def amounts_given_as_counts(sales: list[SaleAnswer], text: str, warnings: list[str]) -> list[SaleAnswer]:
    """An item's "quantity" that is an amount of money is no count ("€231,000" had been read as
    231,000 of "defense material"). It becomes the sale's value only where the article writes it
    as a price ("Saudi Arabia with €270.2 million in sales", counted on "carrier aircraft"), not
    as a budget ("About 730m yen ($6.4m) was set aside to prepare for" Aegis Ashore)."""
    fixed = []
    for index, sale in enumerate(sales):
        amounts = [j for j, item in enumerate(sale.items) if item.quantity and money_spans(item.quantity)]
        if not amounts:
            fixed.append(sale)
            continue
        sale = sale.model_copy(deep=True)
        for j in amounts:
            written = sale.items[j].quantity
            assert written is not None
            sale.items[j].quantity = None
            if sale.value is None and any(written_as_price(text, at.start, at.end) for at in find_all(text, written)):
                sale.value = written
                warnings.append(f"sales[{index}].items[{j}].quantity {written!r} is a price: the value")
            else:
                warnings.append(f"dropped sales[{index}].items[{j}].quantity {written!r}: an amount of money")
        fixed.append(sale)
    return fixed


def written_as_price(text: str, start: int, end: int, not_before: int = 0) -> bool:
    """Whether the amount at [start, end) is written as a price: "worth", "for", "valued at" before
    it (not before `not_before`, its sentence's start), or a deal, or sales, named right after it
    ("a $950 million contract", "€270.2 million in sales")."""
    return bool(PRICE_BEFORE.search(text, max(not_before, start - 40), start) or DEAL_AFTER.match(text, end))


def merge_fragments(sales: list[SaleAnswer]) -> list[SaleAnswer]:
    """Fold a sale the model split off with only a price or date into the one sale it belongs to.

    Small models often report "worth $3.64 billion" as a second, item-less sale.
    It is merged only when exactly one sale with items can take it (compatible
    parties, no value of its own); otherwise it is left for assembly to judge.
    """
    with_items = [s for s in sales if s.items]
    merged = [s.model_copy(deep=True) for s in with_items]
    for fragment in (s for s in sales if not s.items):
        takers = [
            s
            for s in merged
            if s.value is None and _compatible(s.buyer, fragment.buyer) and _compatible(s.seller, fragment.seller)
        ]
        if len(takers) == 1:
            taker = takers[0]
            taker.value = fragment.value
            for field_name in ("seller", "buyer", "date", "status"):
                if getattr(taker, field_name) is None:
                    setattr(taker, field_name, getattr(fragment, field_name))
        else:
            merged.append(fragment)
    return merged


def one_sale_per_notice(sales: list[SaleAnswer], warnings: list[str]) -> list[SaleAnswer]:
    """A DSCA notice notifies one sale: the entries a model split it into, with compatible parties,
    are one sale with all their items (and the first value, date and status given)."""
    if len(sales) < 2:
        return sales
    first = sales[0].model_copy(deep=True)
    kept = [first]
    for other in sales[1:]:
        if not (_compatible(first.buyer, other.buyer) and _compatible(first.seller, other.seller)):
            kept.append(other)
            continue
        names = {item.name.casefold() for item in first.items}
        first.items += [item for item in other.items if item.name.casefold() not in names]
        for field_name in ("seller", "buyer", "value", "date", "status"):
            if getattr(first, field_name) is None:
                setattr(first, field_name, getattr(other, field_name))
    if len(kept) < len(sales):
        warnings.append(f"a DSCA notice notifies one sale: {len(sales) - len(kept) + 1} entries joined into one")
    return kept
