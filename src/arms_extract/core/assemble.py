"""Turn the model's verbatim mentions into grounded, normalised records.

Pure: an Article and an ArticleAnswer in, records and warnings out. Every
mention is located in the article; one that cannot be is dropped and named
in a warning, never kept silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from ..records import (
    Actor,
    ActorKind,
    Article,
    Claim,
    DateValue,
    Item,
    Money,
    Sale,
    Span,
    Stage,
)
from .answer import ArticleAnswer, SaleAnswer
from .attribution import PRONOUNS, Attribution, find_attributions
from .grounding import (
    FoldedText,
    find_all,
    ground,
    ground_item_name,
    ground_loosely,
    ground_prefix,
    nearest,
)
from .injection import Injection, find_injections, overlaps
from .injection import describe as describe_injection
from .names import ORGANISATION_WORDS, names_in, organisation_kind
from .normalize import (
    DSCA_NAME,
    MAX_AMOUNT,
    MAX_QUANTITY,
    category_of,
    country_code,
    country_forms,
    country_in,
    country_name,
    designations_in,
    implied_seller,
    is_associated,
    is_boilerplate,
    known_body,
    notice_cost,
    parse_money,
    parse_quantity,
    quantity_before,
    resolve_date,
    stage_of,
    text_before,
    variants_in,
)
from .people import personal_name, quoted_people, title_before, titled_people
from .sentences import sentence_around as _sentence_bounds
from .sentences import sentence_spans

_R = TypeVar("_R")
_MADE = r"(?:[- ](?:made|built|designed|produced|manufactured))?"
_MAKER_BEFORE = re.compile(rf"\b([A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?){_MADE}[\s-]+$")
_MAKER_INSIDE = re.compile(rf"^([A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?){_MADE}[\s-]+\S")
_SALE_WORDS = re.compile(r"\b(sale|sell|deal|purchase|buy|contract|weapons?|arms)\b", re.I)


def _shown(mention: str, limit: int = 60) -> str:
    """A mention as a warning quotes it: cut to `limit` characters, so a 5,000-digit number stays readable."""
    return repr(mention if len(mention) <= limit else mention[:limit] + "…")


def _date_mention(text: str, phrase: str, near: int | None = None, folded: FoldedText | None = None) -> Span | None:
    """A date as written, or its first words when the model added a year ("January 13, 2014")."""
    # A one-word date ("Monday", "2023", "yesterday") is grounded whole; a longer one by its first two words at least.
    return ground_prefix(text, phrase, min_words=min(2, len(phrase.split()) or 1), folded=folded, near=near)


_DSCA_NAME = re.compile(DSCA_NAME)
_DSCA_NOTICE = re.compile(r"Transmittal No|Media/Public Contact|Security Cooperation Agency notified Congress")


def _dsca_agency(text: str) -> re.Match[str] | None:
    """The agency's name in a DSCA notice; None when the text is not one."""
    agency = _DSCA_NAME.search(text)
    return agency if agency is not None and _DSCA_NOTICE.search(text) else None


_SELLING = r"\b(?:sales?|sells?|selling|sold|transfer\w*|deliver\w*|export\w*)\b[^.]{0,80}?\bto\s+(?:the\s+)?"


def _sold_to(text: str, party: str) -> bool:
    """Whether the article writes that something is sold, transferred or delivered to `party`."""
    name = re.sub(r"^the\s+", "", party.strip(), flags=re.I)
    return re.search(_SELLING + re.escape(name), text, re.I) is not None


def _strip(span: Span) -> Span:
    """The span without the white space around it."""
    leading = len(span.text) - len(span.text.lstrip())
    trailing = len(span.text) - len(span.text.rstrip())
    start, end = span.start + leading, span.end - trailing
    return Span(start=start, end=end, text=span.text[leading : len(span.text) - trailing])


def _country_of_title(title: str) -> str | None:
    """A person's country from their title: "Russian Foreign Ministry spokeswoman" -> RUS."""
    body = known_body(title)
    return body.country if body else country_in(title)


# A mention is a name, a number, a date or the first words of a statement: one longer than this
# is a model gone astray, and grounding it would only cost time.
MAX_MENTION_CHARS = 2000

# How far (characters) a seller, buyer or value may be written from the sale's items. Measured with
# scripts/eval_replay.py on the 40 dev articles and 20 DSCA notices: 1,500, 3,000 and no limit give
# the same figures; 800 lowers dev seller country F1 0.56 -> 0.47 and DSCA buyer 1.00 -> 0.97.
LINK_WINDOW = 1500


def _close(a: Span, b: Span, window: int = 800) -> bool:
    """Within a paragraph or two. Measured on the 40 dev articles (scripts/eval_replay.py): 200
    characters kept quantities at precision 0.61 / recall 0.27, 800 at 0.61 / 0.34, and no limit
    at 0.52 / 0.34: a number further away is usually another deal's."""
    return a.start - window <= b.end and b.start <= a.end + window


_PERSON_NAME = re.compile(r"^(mr|ms|mrs|dr)?\.?\s*[A-Z][a-z'\u2019-]+(\s+[A-Z][a-z'\u2019-]+){1,2}$")


def _guess_kind(name: str) -> ActorKind:
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
    if _PERSON_NAME.match(name.strip()):
        return ActorKind.person
    return ActorKind.other


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "actor"


def sentence_around(text: str, span: Span) -> Span:
    """The sentence (or line) that contains `span`."""
    start, end = _sentence_bounds(text, span.start, span.end)
    return Span(start=start, end=end, text=text[start:end])


def _looks_named(source: str) -> bool:
    """A speaker worth an actor: a name or a body ("Pentagon spokesman John Kirby"), not "officials"."""
    return any(word[:1].isupper() for word in source.split()[1:] or source.split()) or known_body(source) is not None


def _same_statement(a: Span, b: Span) -> bool:
    """Two content spans overlapping by at least half of the shorter (the claims metric's rule)."""
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0 and 2 * overlap >= min(a.end - a.start, b.end - b.start)


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


@dataclass
class _Assembler:
    article: Article
    warnings: list[str] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)  # merge key -> actor

    def __post_init__(self) -> None:
        self.text = self.article.text
        self.folded = FoldedText.of(self.text)

    # -- grounding ---------------------------------------------------------

    def ground(self, path: str, mention: str | None, near: int | None = None, how: object = ground) -> Span | None:
        """Locate a mention with the grounding function `how`; warn and return None if absent."""
        if mention is None or not mention.strip():
            return None
        if len(mention) > MAX_MENTION_CHARS:
            self.warnings.append(f"dropped {path} {_shown(mention)}: {len(mention):,} characters, not a mention")
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
        span = ground(self.text, mention, near=near, folded=self.folded)
        if span is not None:
            return span
        code = country_code(mention)
        span = self.country_mention(code, near) if code else None
        if span is None:
            self.warnings.append(f"dropped {path} {mention!r}: not found in the article")
        else:
            self.warnings.append(f"{path} {mention!r} is written {span.text!r} in the article")
        return span

    def linked(
        self, path: str, mention: str | None, span: Span | None, items: list[Span], how: object = None
    ) -> Span | None:
        """A seller, buyer or value kept only near the sale's items, where the article ties them together.

        The model may take a party or a price from a sentence thousands of characters away, about
        something else. The same words written near an item are taken instead; else the part is
        left null with a warning, and the sale keeps the rest."""
        if span is None or not items or any(_close(span, item, LINK_WINDOW) for item in items):
            return span
        assert mention is not None
        near = items[0].start
        again = self.ground_party(path, mention, near) if how is None else self.ground(path, mention, near, how)
        if again is not None and any(_close(again, item, LINK_WINDOW) for item in items):
            return again
        distance = min(abs(span.start - item.start) for item in items)
        self.warnings.append(
            f"dropped {path} {_shown(span.text)}: written {distance:,} characters from the sale's items, "
            "with nothing in the article tying them together"
        )
        return None

    def country_mention(self, code: str, near: int | None) -> Span | None:
        """The article's mention of a country (any known form), nearest to `near`, else the first."""
        pattern = rf"(?<![\w.]){_names(code)}(?![\w])"
        found = re.finditer(pattern, self.text, re.IGNORECASE)
        return nearest([Span(start=m.start(), end=m.end(), text=m.group(0)) for m in found], near)

    # -- actors ------------------------------------------------------------

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

    def find_actor(self, name: str) -> Actor | None:
        """The actor a free-text name refers to: same merge key, else a name containing it."""
        for kind in (ActorKind.country, ActorKind.person, ActorKind.other):
            actor = self.actors.get(_merge_key(name, kind))
            if actor is not None:
                return actor
        folded = name.casefold().strip()
        for actor in self.actors.values():
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
            if known_body(span.text) or country_code(span.text):
                continue
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

    def party(self, span: Span | None) -> tuple[str | None, str | None]:
        """(actor id, country code) for a grounded seller or buyer mention."""
        if span is None:
            return None, None
        code = country_in(span.text)
        actor = self.find_actor(span.text)
        if actor is None:
            if code is not None and country_code(span.text) == code:
                actor = self.add_actor(span.text, ActorKind.country)
            else:
                actor = self.add_actor(span.text, _guess_kind(span.text))
        if code is None and actor is not None:
            code = actor.country
        return (actor.id if actor else None), code

    # -- sales -------------------------------------------------------------

    def sale(self, index: int, answer: SaleAnswer, only_sale: bool) -> Sale | None:
        path = f"sales[{index}]"
        seller_span = self.ground_party(f"{path}.seller", answer.seller)
        buyer_span = self.ground_party(f"{path}.buyer", answer.buyer)
        if seller_span and buyer_span and self.roles_swapped(seller_span, buyer_span):
            self.warnings.append(f"{path}: seller and buyer swapped; the article sells to {seller_span.text!r}")
            seller_span, buyer_span = buyer_span, seller_span
        elif seller_span and buyer_span and self.worded_the_other_way(seller_span, buyer_span):
            self.warnings.append(
                f"{path}: seller and buyer swapped; {seller_span.text!r} buys from {buyer_span.text!r} in the article"
            )
            seller_span, buyer_span = buyer_span, seller_span
        anchor = next((s.start for s in (buyer_span, seller_span) if s is not None), None)
        items: list[Item] = []
        for j, item_answer in enumerate(answer.items):
            name_span = self.ground(f"{path}.items[{j}].name", item_answer.name, anchor, how=ground_item_name)
            if name_span is None:
                continue
            anchor = anchor if anchor is not None else name_span.start
            evidence = [name_span]
            quantity = qualifier = None
            q_span = self.ground(f"{path}.items[{j}].quantity", item_answer.quantity, name_span.start)
            if q_span is not None and not _close(q_span, name_span):
                self.warnings.append(f"dropped {path}.items[{j}].quantity {q_span.text!r}: not written near the item")
                q_span = None
            if q_span is not None:
                parsed = parse_quantity(q_span.text)
                if parsed is None:
                    self.warnings.append(f"dropped {path}.items[{j}].quantity {q_span.text!r}: not a number")
                elif parsed.out_of_range:
                    self.warnings.append(
                        f"dropped {path}.items[{j}].quantity {_shown(q_span.text)}: out of range "
                        f"(above {MAX_QUANTITY:,})"
                    )
                else:
                    quantity, qualifier = parsed.value, parsed.qualifier
                    evidence.append(q_span)
            designations = designations_in(name_span.text)
            if len(designations) == 1:
                designations, quantity, qualifier = self.refine_variants(designations[0], evidence, quantity, qualifier)
            items.append(
                Item(
                    name=name_span.text,
                    designations=designations,
                    category=category_of(name_span.text),
                    quantity=quantity,
                    quantity_qualifier=qualifier,
                    evidence=evidence,
                )
            )
        value = None
        v_span = self.ground(f"{path}.value", answer.value, anchor)
        if v_span is not None:
            parsed_money = parse_money(v_span.text, text_before(self.text, v_span.start))
            if parsed_money is None:
                self.warnings.append(f"dropped {path}.value {v_span.text!r}: not an amount of money")
            elif parsed_money.out_of_range:
                self.warnings.append(
                    f"dropped {path}.value {_shown(v_span.text)}: out of range (above {MAX_AMOUNT:,.0f})"
                )
            else:
                value = Money(
                    amount=parsed_money.amount,
                    currency=parsed_money.currency,
                    usd=parsed_money.usd,
                    qualifier=parsed_money.qualifier,
                    evidence=v_span,
                )
        item_names = [item.evidence[0] for item in items]
        seller_span = self.linked(f"{path}.seller", answer.seller, seller_span, item_names)
        buyer_span = self.linked(f"{path}.buyer", answer.buyer, buyer_span, item_names)
        if value is not None:
            v_span = self.linked(f"{path}.value", answer.value, v_span, item_names, how=ground)
            if v_span is None:
                value = None
            elif v_span != value.evidence:
                value = value.model_copy(update={"evidence": v_span})
        associated = [item for item in items if is_associated(item.name)]
        items = [item for item in items if not is_associated(item.name)]
        if not items and value is None:
            self.warnings.append(f"dropped {path}: no grounded item or value")
            return None
        date = None
        d_span = self.ground(f"{path}.date", answer.date, anchor, how=_date_mention)
        if d_span is not None:
            resolved = resolve_date(d_span.text, self.article.published)
            if resolved is not None:
                date = DateValue(
                    text=d_span.text,
                    iso=resolved.iso,
                    precision=resolved.precision,
                    evidence=d_span,
                )
        status_span = self.ground(f"{path}.status", answer.status, anchor, how=ground_loosely)
        evidence = [s for s in (seller_span, buyer_span, v_span, d_span, status_span) if s is not None]
        evidence += [s for item in [*items, *associated] for s in item.evidence]
        evidence = sorted({(s.start, s.end): s for s in evidence}.values(), key=lambda s: s.start)
        stage = self.stage(status_span, evidence, only_sale)
        looks_military = any(item.category or item.designations for item in items)
        if not looks_military and value is None and stage is Stage.unknown:
            # Small models turn any event into a "sale" (a train attacked, a budget passed).
            self.warnings.append(f"dropped {path}: no weapon, no price and no deal stage; not an arms sale")
            return None
        seller_id, seller_country = self.party(seller_span)
        buyer_id, buyer_country = self.party(buyer_span)
        buyer_body = None
        if buyer_span is not None and buyer_country and country_code(buyer_span.text) is None:
            buyer_body = buyer_span.text  # "Burkina Faso's Air Force"
        seller_inference = None
        if seller_country is None:
            maker = self.maker_country(items, buyer_country)
            if maker is not None:
                # "Chinese CH-4", "US-made F-16s": the article names where the weapon comes from.
                seller_id, seller_country = self.party(maker)
                seller_inference = sentence_around(self.text, maker)
                evidence = sorted([*evidence, maker], key=lambda s: s.start)
        if seller_country is None:
            implied = implied_seller(self.text)
            if implied is not None and implied[0] != buyer_country:
                seller_country = implied[0]
                cue = Span(start=implied[1], end=implied[2], text=self.text[implied[1] : implied[2]])
                seller_inference = sentence_around(self.text, cue)
        return Sale(
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
            evidence=evidence,
        )

    def maker_country(self, items: list[Item], buyer_country: str | None) -> Span | None:
        """A country word written on an item ("Chinese CH-4", "Russian-made S-400"), not the buyer's."""
        for item in items:
            name = item.evidence[0]
            before = text_before(self.text, name.start)
            candidates = []
            leading = _MAKER_BEFORE.search(before)
            if leading:
                start = name.start - len(before) + leading.start(1)
                candidates.append(Span(start=start, end=start + len(leading.group(1)), text=leading.group(1)))
            inside = _MAKER_INSIDE.match(name.text)
            if inside:
                start = name.start + inside.start(1)
                candidates.append(Span(start=start, end=start + len(inside.group(1)), text=inside.group(1)))
            for span in candidates:
                code = country_code(span.text)
                if code is not None and code != buyer_country:
                    return span
        return None

    def worded_the_other_way(self, seller: Span, buyer: Span) -> bool:
        """Nothing in the article says the seller sells to the buyer, and something says the reverse."""
        seller_code, buyer_code = country_in(seller.text), country_in(buyer.text)
        if seller_code is None or buyer_code is None or seller_code == buyer_code:
            return False
        if implied_seller(self.text) is not None:
            return False  # a DSCA notice: roles_swapped knows its wording better
        if _direction_cues(self.text, seller_code, buyer_code):
            return False
        return _direction_cues(self.text, buyer_code, seller_code) > 0

    def roles_swapped(self, seller: Span, buyer: Span) -> bool:
        """The model's buyer is the country the article implies sells (the US in a DSCA notice)

        and the article writes "sale to <the model's seller>": the roles were swapped."""
        implied = implied_seller(self.text)
        return (
            implied is not None
            and country_in(buyer.text) == implied[0]
            and _sold_to(self.text, seller.text)
            and not _sold_to(self.text, buyer.text)
        )

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

    def add_template_claims(self, claims: list[Claim], sales: list[Sale]) -> list[Claim]:
        """In a DSCA notice, the template sentences are the agency's claims, flagged as boilerplate.

        The model seldom lists them; an analyst needs them found and marked so that
        they can be set aside. Each is the article's own sentence."""
        agency = _dsca_agency(self.text)
        if agency is None:
            return claims
        speaker = self.find_actor(agency.group(0)) or self.add_actor(agency.group(0), ActorKind.government_body)
        if speaker is None:
            return claims
        covered = [c.content_span or c.evidence[-1] for c in claims if c.content_span or c.evidence]
        sentences: dict[int, Span] = {}
        for start, end in sentence_spans(self.text):
            sentence = self.span_of((start, end))
            if is_boilerplate(sentence.text) and not any(_same_statement(sentence, c) for c in covered):
                sentences[start] = sentence
        extra = [
            Claim(
                id=f"claim-{len(claims) + i + 1}",
                speaker=speaker.id,
                speaker_name=agency.group(0),
                cue=None,
                content=sentence.text.strip(),
                direct=False,
                sale=sales[0].id if sales else None,
                is_boilerplate=True,
                evidence=[_strip(sentence)],
                content_span=_strip(sentence),
                found_by="template",
            )
            for i, sentence in enumerate(sorted(sentences.values(), key=lambda s: s.start))
        ]
        return claims + extra

    def stage(self, status: Span | None, evidence: list[Span], only_sale: bool) -> Stage:
        """The furthest stage stated in the sale's sentences (for an article's only sale,

        also every sentence about "the sale" or "the deal": DSCA notices state the
        notification apart from the item and the price)."""
        spans = [*evidence, *([status] if status else [])]
        sentences = {sentence_around(self.text, s).text for s in spans}
        if only_sale:
            sentences |= {
                sentence_around(self.text, Span(start=m.start(), end=m.end(), text=m.group(0))).text
                for m in _SALE_WORDS.finditer(self.text)
            }
        return stage_of(" ".join(sorted(sentences)))

    # -- claims ------------------------------------------------------------

    def grammar_claim(self, attribution: Attribution, sales: list[Sale]) -> Claim:
        """A claim from the article's own wording: every part is a span of it."""
        part = self.span_of
        speaker_span = part(attribution.source) if attribution.source else None
        cue_span, content = part(attribution.cue), part(attribution.content)
        speaker = None
        last_word = speaker_span.text.split()[-1].casefold() if speaker_span is not None else ""
        if speaker_span is not None:
            if speaker_span.text.casefold() in PRONOUNS or last_word in ("he", "she"):
                # "he said", "Later he said": the person named last before it.
                speaker = self.person_before(cue_span.start) if last_word in ("he", "she") else None
            elif _looks_named(speaker_span.text):
                speaker = self.find_actor(speaker_span.text) or self.add_actor(
                    speaker_span.text, _guess_kind(speaker_span.text)
                )
        evidence = [s for s in (speaker_span, cue_span, content) if s is not None]
        return Claim(
            id="",
            speaker=speaker.id if speaker else None,
            speaker_name=speaker.name
            if speaker and last_word in PRONOUNS
            else (speaker_span.text if speaker_span else ""),
            cue=cue_span.text,
            content=content.text,
            direct=attribution.direct,
            sale=self.sale_for(content, sales),
            is_boilerplate=is_boilerplate(content.text),
            evidence=sorted(evidence, key=lambda s: s.start),
            speaker_span=speaker_span,
            cue_span=cue_span,
            content_span=content,
            found_by="grammar",
        )

    def span_of(self, offsets: tuple[int, int]) -> Span:
        return Span(start=offsets[0], end=offsets[1], text=self.text[offsets[0] : offsets[1]])

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

    def sale_for(self, content: Span, sales: list[Sale]) -> str | None:
        if not sales:
            return None
        names = [w for sale in sales for item in sale.items for w in item.name.split() if len(w) > 4]
        mentions_sale = _SALE_WORDS.search(content.text) or any(n.casefold() in content.text.casefold() for n in names)
        if not mentions_sale:
            return None
        nearest = min(
            sales,
            key=lambda sale: min((abs(s.start - content.start) for s in sale.evidence), default=0),
        )
        return nearest.id


@lru_cache(maxsize=512)
def _names(code: str) -> str:
    """A regex alternation of a country's written forms, longest first.

    Short forms ("US", "U.S.", "UK") match in capitals only, even under re.IGNORECASE:
    the word "us" is not the United States."""
    forms = [f"(?-i:{re.escape(f.upper())})" if len(f) <= 4 else re.escape(f) for f in country_forms(code)]
    return "(?:" + "|".join(forms) + ")"


def _direction_cues(text: str, seller: str, buyer: str) -> int:
    """How many of three phrasings say `seller` sells to `buyer`: "sold to <buyer>", "from <seller>", "<buyer> buys"."""
    buyer_names, seller_names = _names(buyer), _names(seller)
    government = r"(?:(?:the\s+)?(?:government|kingdom|republic)\s+of\s+(?:the\s+)?)?"
    patterns = (
        _SELLING + government + buyer_names + r"\b",
        r"\bfrom\s+(?:the\s+)?" + government + seller_names + r"\b",
        r"\b" + buyer_names + r"\w*\s+(?:\w+\s+){0,3}?(?:buy|bought|purchas|acquir|receiv|order|procur)",
    )
    return sum(1 for pattern in patterns if re.search(pattern, text, re.IGNORECASE))


def _whole_words(text: str, span: Span) -> bool:
    """Whether a span starts and ends at word edges, not inside a longer word ("Japan" in "Japanese").

    Only letters join a word: "13-67WASHINGTON" (a notice's glued dateline) still names Washington."""
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    return not (before.isalpha() and span.text[:1].isalpha()) and not (after.isalpha() and span.text[-1:].isalpha())


def _without_mirrors(sales: list[Sale], text: str, warnings: list[str]) -> list[Sale]:
    """Keep one of a sale written both ways (seller and buyer swapped, the same items).

    Both cannot be true, and small models often write a deal both ways. The one the article's
    wording supports ("sold to X", "from Y", "X bought") is kept; on a tie, the first written."""
    kept: list[Sale] = []
    for sale in sales:
        names = {item.name.casefold() for item in sale.items}
        mirror = next(
            (
                k
                for k in kept
                if k.seller_country is not None
                and k.seller_country != k.buyer_country
                and (k.seller_country, k.buyer_country) == (sale.buyer_country, sale.seller_country)
                and names & {item.name.casefold() for item in k.items}
            ),
            None,
        )
        if mirror is None:
            kept.append(sale)
            continue
        assert mirror.seller_country is not None and mirror.buyer_country is not None
        kept_way = _direction_cues(text, mirror.seller_country, mirror.buyer_country)
        other_way = _direction_cues(text, mirror.buyer_country, mirror.seller_country)
        if other_way > kept_way:
            kept[kept.index(mirror)] = sale
            warnings.append(f"dropped {mirror.id}: {sale.id} with seller and buyer swapped, as the article words it")
        else:
            warnings.append(f"dropped {sale.id}: {mirror.id} with seller and buyer swapped")
    return kept


def _sale_key(sale: Sale) -> tuple[object, ...]:
    """Sales read twice (from overlapping chunks) have the same parties, items and value."""
    items = tuple(sorted(item.name.casefold() for item in sale.items))
    return (sale.seller_country, sale.buyer_country, items, sale.value.amount if sale.value else None)


def _distinct(records: list[_R], key: Callable[[_R], object]) -> list[_R]:
    seen: set[object] = set()
    kept = []
    for record in records:
        if key(record) not in seen:
            seen.add(key(record))
            kept.append(record)
    return kept


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or country_in(a) == country_in(b) or a.casefold() == b.casefold()


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


def assemble(article: Article, answer: ArticleAnswer) -> tuple[list[Sale], list[Claim], list[Actor], list[str]]:
    """Grounded, normalised sales, claims and actors, plus a warning for each dropped mention."""
    builder = _Assembler(article)
    builder.add_named()
    builder.add_quoted_people()
    fragments = merge_fragments(answer.sales)
    if _dsca_agency(article.text) is not None:
        fragments = one_sale_per_notice(fragments, builder.warnings)
        cost = notice_cost(article.text)
        if len(fragments) == 1 and fragments[0].value is None and cost is not None:
            # The notice states its cost in a template sentence the model may leave out.
            fragments = [fragments[0].model_copy(update={"value": article.text[cost[0] : cost[1]]})]
    only_sale = len(fragments) == 1
    sales = [sale for i, s in enumerate(fragments) if (sale := builder.sale(i, s, only_sale)) is not None]
    sales = _without_mirrors(_distinct(sales, _sale_key), article.text, builder.warnings)
    claims = [
        builder.grammar_claim(attribution, sales).model_copy(update={"id": f"claim-{i + 1}"})
        for i, attribution in enumerate(find_attributions(article.text))
    ]
    claims = builder.add_template_claims(claims, sales)
    actors = list(builder.actors.values())
    injections = find_injections(article.text)
    if injections:
        sales, claims, actors = _clear_of(injections, sales, claims, actors, builder.warnings)
    return sales, claims, actors, builder.warnings


def _clear_of(
    injections: list[Injection], sales: list[Sale], claims: list[Claim], actors: list[Actor], warnings: list[str]
) -> tuple[list[Sale], list[Claim], list[Actor]]:
    """The records none of whose evidence lies in text addressed to the model; a warning per injection."""
    warnings.extend(describe_injection(injection) for injection in injections)

    def tainted(spans: list[Span]) -> bool:
        return any(overlaps(span.start, span.end, injections) for span in spans)

    kept_sales = [sale for sale in sales if not tainted(sale.evidence)]
    kept_claims = [claim for claim in claims if not tainted(claim.evidence)]
    for dropped in [s.id for s in sales if s not in kept_sales] + [c.id for c in claims if c not in kept_claims]:
        warnings.append(f"dropped {dropped}: its evidence is text addressed to an AI model")
    kept_actors = []
    for actor in actors:
        clean = [span for span in actor.mentions if not overlaps(span.start, span.end, injections)]
        if actor.mentions and not clean:
            warnings.append(f"dropped actor {actor.id}: named only in text addressed to an AI model")
            continue
        kept_actors.append(actor.model_copy(update={"mentions": clean}))
    return kept_sales, kept_claims, kept_actors
