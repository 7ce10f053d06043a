"""Where a sale's weapons come from, as the article writes it: the make on an item ("Russian-made
Mi-35s", "Chinese CH-4"), the maker named with it ("Lockheed Martin F-16V", "built by Damen"),
the source after it ("... helicopters from the U.S."), or production at home ("a facility
producing the Nyoka"). The seller a sale is given when the model's is missing or belongs to
another sale, and the split of a package of several makes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from ...records import ActorKind, Item, Sale, Span
from ..grounding import find_all
from ..listed_items import acronym_defined
from ..makers import is_maker, maker_homes_in, makers_in, multinational_in
from ..names import is_demonym
from ..normalize import country_code, country_in, country_words, text_before
from ..sentences import sentence_around as _sentence_bounds
from ._actors import ActorBook
from ._context import close_by, in_text_order, sentence_around
from ._direction import FROM_COUNTRY, direction_cues

_MADE = r"(?:[- ](?:made|built|designed|produced|manufactured))?"

_MAKER_BEFORE = re.compile(rf"\b([A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?){_MADE}[\s-]+$")

_MAKER_INSIDE = re.compile(rf"^([A-Z][A-Za-z.]+(?: [A-Z][a-z]+)?){_MADE}[\s-]+\S")

# A model's family in an item name: "An-26" in "Antonov An-26Bs", "Su-30" in "Su-30MKI".
_FAMILY = re.compile(r"\b([A-Z][A-Za-z]{0,5}-\d{1,4})")

_MAKER_WORD_BEFORE = re.compile(
    r"\b(?:shipyard|shipbuilder|company|firm|manufacturer|maker|contractor|producer)\s+(?:the\s+)?$", re.IGNORECASE
)

_MADE_AFTER = re.compile(r"[- ](?:made|built|designed|produced|manufactured)\b")

# Not a source: "apart from Russia", "pressure from China", "switched from the US to Russia",
# "an effort to break from Russia".
_FROM_IDIOMS = frozenset(
    "apart aside away far pressure threat threats switch switched switching shift shifted break breaking broke".split()
)

# A maker that supplies: "Saab has been awarded", "Austal delivers"; "built by Damen", "from Embraer".
_SUPPLIES_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?:\w+\s+){0,3}?(?:(?:was|were|has been|have been|is|been) )?"
    r"(?:awarded|wins?|won|signs?|signed|deliver\w*|suppl\w+|sells?|sold|receiv\w+ (?:a|an|the) (?:\w+ ){0,2}"
    r"(?:order|contract)|builds?|built|will build|to build|hands? over|handed over)\b",
    re.IGNORECASE,
)
_SUPPLIED_BEFORE = re.compile(
    r"\b(?:(?:built|made|produced|manufactured|supplied|delivered|developed|designed) by|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)

# Production at home, not an import: "producing", "manufacture", "assembly", "built locally".
_PRODUCED = re.compile(
    r"\b(?:produc(?:e|es|ed|ing|tion)|manufactur\w*|assembl(?:e|es|ed|ing|y)|locally|indigenous\w*|domestic\w*)\b",
    re.IGNORECASE,
)

# A weapon still being designed: "the co-development of a Joint New Air-to-Air Missile", "under development".
_IN_DEVELOPMENT = re.compile(r"\b(?:co-?develop\w*|under development|in development|joint research)\b", re.I)
# Words of a transfer: a sentence with one of them tells a deal, whatever else it tells (broader than
# the words a status needs to keep a sale of no known kind, _sales._TRANSFER_WORD: "exported",
# "transfer" in a status kept more wrong sales than right ones on the samples).
_TRANSFER = re.compile(
    r"\b(?:buy\w*|bought|purchas\w+|order\w*|sell\w*|sold|sales?|deliver\w*|acqui\w+|contract\w*|deals?|"
    r"export\w*|import\w*|suppl\w+|procure\w*|lease\w*|transfer\w*|receiv\w+|induct\w*)\b",
    re.I,
)


class Origin(ActorBook):
    """The makes, makers and sources of a sale's items."""

    def item_sentences(self, items: list[Item]) -> list[tuple[int, int]]:
        """The bounds of the sentence each item's name is written in, in the items' order."""
        return [_sentence_bounds(self.text, item.evidence[0].start) for item in items]

    def maker_words(self, items: list[Item]) -> Iterator[tuple[Span, str]]:
        """(the words, the country) written on an item: "Chinese CH-4", "Russian-made S-400"."""
        for item in items:
            name = item.evidence[0]
            # "Israel-built unmanned aerial vehicles (UAV)": the make is before the words "UAV" stands for.
            begins = acronym_defined(self.text, name.start, name.end) or name.start
            before = text_before(self.text, begins)
            candidates = []
            leading = _MAKER_BEFORE.search(before)
            if leading:
                start = begins - len(before) + leading.start(1)
                candidates.append(Span(start=start, end=start + len(leading.group(1)), text=leading.group(1)))
            inside = _MAKER_INSIDE.match(name.text)
            if inside:
                start = name.start + inside.start(1)
                candidates.append(Span(start=start, end=start + len(inside.group(1)), text=inside.group(1)))
            for span in candidates:
                code = country_code(span.text)
                if code is None and " " in span.text:
                    # "An Israeli Heron TP" at a sentence's start: the first word is no part of the country.
                    first, _, last = span.text.partition(" ")
                    span = Span(start=span.start + len(first) + 1, end=span.end, text=last)
                    code = country_code(last)
                if code is not None:
                    yield span, code

    def maker_country(self, items: list[Item], buyer_country: str | None) -> Span | None:
        """A country word written on an item, not the buyer's: where the weapon comes from. Also on
        another mention of the item's model close by: "Antonov An-26Bs" ... "two former Bulgarian An-26s"."""
        found = next((span for span, code in self.maker_words(items) if code != buyer_country), None)
        if found is not None:
            return found
        for mention in self.family_mentions(items):
            before = text_before(self.text, mention.start)
            leading = _MAKER_BEFORE.search(before)
            if leading is None:
                continue
            start = mention.start - len(before) + leading.start(1)
            span = self.span_of((start, start + len(leading.group(1))))
            code = country_code(span.text)
            if code is not None and code != buyer_country and self.adjective(span, code):
                return span
        return None

    def by_make(self, sale: Sale) -> list[Sale]:
        """A news sale whose items carry makes of several countries ("four Harbin Z9EH utility
        helicopters, ... Russian-made Mi-35 attack helicopters, Spanish CASA C295M") as one sale per
        make, each sold by the country its items are made in; items of no written make stay with
        the model's seller, and so does the price (the first part keeps it when every item has a
        make); every part keeps the sale's buyer, date and stage."""
        if self.implied is not None or len(sale.items) < 2 or self.seller_with_items(sale):
            return [sale]
        makes: dict[str, tuple[Span, list[Item]]] = {}
        unmarked: list[Item] = []
        for item in sale.items:
            found = [(span, code) for span, code in self.maker_words([item]) if code != sale.buyer_country]
            if not found or found[0][1] == sale.seller_country:
                unmarked.append(item)
            else:
                makes.setdefault(found[0][1], (found[0][0], []))[1].append(item)
        if not makes or (not unmarked and len(makes) == 1):
            return [sale]
        parts = []
        if unmarked:
            evidence = self.part_evidence(sale, unmarked, None, keep_value=True)
            parts.append(sale.model_copy(update={"items": unmarked, "evidence": evidence}))
        for k, (code, (words, items)) in enumerate(makes.items()):
            seller_id, _ = self.party(words)
            update = {
                "id": f"{sale.id}-{k + 1}" if parts or k else sale.id,
                "items": items,
                "seller": seller_id,
                "seller_country": code,
                "seller_inferred": True,
                "seller_inference": sentence_around(self.text, words),
            }
            if parts or k:
                update["value"] = None
            update["evidence"] = self.part_evidence(sale, items, words, keep_value=not (parts or k))
            parts.append(sale.model_copy(update=update))
        self.warnings.append(f"{sale.id}: split by the make of its items ({', '.join(makes)})")
        return parts

    def seller_with_items(self, sale: Sale) -> bool:
        """Whether the sale's seller is written in one of its items' sentences ("Jordan sold Pakistan
        its US-made F-16s"): a seller stated with the items, whatever their make."""
        actor = next((a for a in self.actors.values() if a.id == sale.seller), None)
        if actor is None:
            return False
        evidence = {(s.start, s.end) for s in sale.evidence}
        written = [m for m in actor.mentions if (m.start, m.end) in evidence]
        return any(start <= m.start < end for m in written for start, end in self.item_sentences(sale.items))

    def part_evidence(self, sale: Sale, items: list[Item], words: Span | None, keep_value: bool) -> list[Span]:
        """A part's evidence: the sale's, less the other parts' items and (unless kept) the price, plus
        the make that names its seller."""
        others = {(s.start, s.end) for item in sale.items if item not in items for s in item.evidence}
        if not keep_value and sale.value is not None:
            others |= {(s.start, s.end) for s in (sale.value.evidence, sale.value.usd_evidence) if s is not None}
        mine = {(s.start, s.end) for item in items for s in item.evidence}
        kept = [s for s in sale.evidence if (s.start, s.end) not in others or (s.start, s.end) in mine]
        return in_text_order([*kept, words] if words is not None else kept)

    def made_at_home(self, items: list[Item]) -> bool:
        """Whether an item's sentence writes it is produced, manufactured or assembled, or built
        locally: "a facility which is currently producing the Nyoka armoured personnel carrier"."""
        return any(_PRODUCED.search(self.text, start, end) for start, end in self.item_sentences(items))

    def in_development(self, items: list[Item]) -> bool:
        """Whether every item's sentence writes the weapon is being developed and none writes a
        transfer: "Japan and the United Kingdom are pushing ahead with the co-development of a Joint
        New Air-to-Air Missile (JNAAM)" tells no sale."""
        sentences = self.item_sentences(items)
        return bool(sentences) and all(
            _IN_DEVELOPMENT.search(self.text, start, end) and not _TRANSFER.search(self.text, start, end)
            for start, end in sentences
        )

    def other_make(
        self, items: list[Item], seller: Span | None, seller_country: str | None, buyer_country: str | None
    ) -> Span | None:
        """The country written on the items ("Russian S-400s"), or the maker in their names ("Airbus
        A330 MRTT aircraft") when the seller is none of its countries, when the model's seller is
        another country written in none of the items' sentences: the model took the seller of another
        sale, or a party, of the article ("American-made Patriots" ... "Russia's S-400" both sold to
        Turkey by "the US"; Belgium, which joined the Dutch order, selling it the Airbus tankers)."""
        if seller is None or seller_country is None or buyer_country is None or self.implied is not None:
            return None
        if len({code for _, code in self.maker_words(items)} - {buyer_country}) > 1:
            return None  # a package of several makes ("Chinese Z-9s, Russian Mi-35s"): the model's seller may be one
        words = self.maker_country(items, buyer_country) or self.maker_on_name(items, seller_country)
        if words is None or country_in(words.text) == seller_country:
            return None
        if any(start <= seller.start < end for start, end in self.item_sentences(items)):
            return None
        return words

    def maker_on_name(self, items: list[Item], seller_country: str) -> Span | None:
        """The one maker named in the items' names ("Airbus A330 MRTT aircraft"), when the seller's
        country is none of the maker's own."""
        found = {
            (item.evidence[0].start + start, item.evidence[0].start + end, homes)
            for item in items
            for start, end, homes in maker_homes_in(item.evidence[0].text)
        }
        names = {self.text[start:end] for start, end, _ in found}
        if len(names) != 1:
            return None
        start, end, homes = min(found)
        return None if seller_country in homes else self.span_of((start, end))

    def seller_implied(
        self, items: list[Item], buyer_country: str | None, any_source: bool = True
    ) -> tuple[str, Span, Span | None] | None:
        """(country, the sentence that implies it, the words naming it) for a sale with no seller, from
        the first of: the items' make ("Chinese CH-4", "US-made F-16s"), a DSCA notice's wording,
        the items' source ("... helicopters from the U.S."). Never the buyer's own country."""
        maker = self.maker_country(items, buyer_country)
        if maker is None and self.implied is not None and self.implied[0] != buyer_country:
            country, start, end = self.implied
            return country, sentence_around(self.text, self.span_of((start, end))), None
        words = maker or (self.written_source(items, buyer_country) if any_source else None)
        country = country_in(words.text) if words else None
        if words is None or country is None:
            found = self.maker_named(items, buyer_country)
            if found is None:
                return None
            words, country = found
        return country, sentence_around(self.text, words), words

    def maker_named(self, items: list[Item], buyer_country: str | None) -> tuple[Span, str] | None:
        """(the name, its country) of an arms maker written on an item ("Lockheed Martin F-16V
        fighters", "Saab's IDAS-2"), else of a maker its sentence names, the one it writes supplies
        first ("Saab has received an order for IDAS-2", "the first F-35A for the RNLAF at Lockheed
        Martin"), on the item's mention or another of its model close by: the weapon's source when
        the article names no supplying country. Not when the sentence names makers of several
        countries ("offers by Lockheed Martin, Leonardo and Airbus"; "offers by Lockheed Martin and
        Airbus" unless it writes that Lockheed supplies), and never the buyer's own country (a
        domestic order)."""
        for mention in chain((item.evidence[0] for item in items), self.family_mentions(items)):
            start, end = _sentence_bounds(self.text, mention.start)
            # The buyer's own makers are left out: "Saab ... a contract from India's Hindustan Aeronautics".
            found = [m for m in makers_in(self.text[start:end]) if m[2] != buyer_country]
            on_item = [m for m in found if mention.start - 30 <= start + m[0] < mention.end]
            supplying = [m for m in found if self.supplies(start + m[0], start + m[1])]
            one_country = len({code for _, _, code in found}) == 1
            if on_item or (one_country and (supplying or not multinational_in(self.text[start:end]))):
                m_start, m_end, code = (on_item or supplying or found)[0]
                return self.span_of((start + m_start, start + m_end)), code
        return None

    def family_mentions(self, items: list[Item]) -> Iterator[Span]:
        """The other mentions of each item's model family close by: "two former Bulgarian An-26s"
        beside "Antonov An-26Bs", "The second C-130J ... arrived from the Lockheed Martin plant"."""
        for item in items:
            name = item.evidence[0]
            for family in dict.fromkeys(_FAMILY.findall(name.text)):
                for mention in find_all(self.text, family):
                    if not name.start <= mention.start < name.end and close_by(mention, name):
                        yield mention

    def supplies(self, start: int, end: int) -> bool:
        """Whether the sentence writes the maker named at [start, end) supplies: "Saab has been
        awarded a contract", "Austal delivered", "built by Damen", "from Embraer"."""
        return bool(
            _SUPPLIES_AFTER.match(self.text, end) or _SUPPLIED_BEFORE.search(self.text, max(0, start - 30), start)
        )

    def is_state(self, actor_id: str | None) -> bool:
        """Whether an actor is a country, a government body or armed forces (not a company)."""
        state = (ActorKind.country, ActorKind.government_body, ActorKind.military)
        return any(actor.id == actor_id and actor.kind in state for actor in self.actors.values())

    def adjective(self, span: Span, code: str) -> bool:
        """ "Australian", "US-made": a word that describes where a thing is from, not the country's name."""
        return is_demonym(span.text, code) or _MADE_AFTER.match(self.text, span.end) is not None

    def made_by_buyer(self, items: list[Item], seller: Span | None, buyer: Span | None) -> bool:
        """The model's buyer is the country written on the items ("25 Australian F/A-18A Hornets"
        with Australia as buyer) and nothing in the article says the model's seller sells to it."""
        buyer_code = country_in(buyer.text) if buyer else None
        if buyer_code is None or self.implied is not None:
            return False  # a DSCA notice's title is "Iraq – Light Armored Vehicles": the buyer before the items
        if not any(code == buyer_code and self.adjective(span, code) for span, code in self.maker_words(items)):
            return False
        seller_code = country_in(seller.text) if seller else None
        if seller_code == buyer_code:
            return False
        return seller_code is None or not direction_cues(self.text, seller_code, buyer_code)

    def company_buys_from_state(self, seller: Span | None, buyer: Span | None) -> bool:
        """The model's seller is a country and its buyer a maker: an arms maker named in the table (or
        one owned across borders, such as Airbus), or one the article calls a shipyard, company or
        manufacturer right before its name ("the Dutch shipyard Damen"). States buy from makers; the
        parties came out swapped."""
        if seller is None or buyer is None or country_code(seller.text) is None or self.implied is not None:
            return False  # a DSCA notice: its roles are read from its template (roles_swapped)
        if is_maker(buyer.text):
            return True
        return _MAKER_WORD_BEFORE.search(self.text, max(0, buyer.start - 60), buyer.start) is not None

    def written_source(self, items: list[Item], buyer_country: str | None) -> Span | None:
        """The country an item's sentence says it comes from ("... helicopters from the U.S."), not the buyer's."""
        for start, end in self.item_sentences(items):
            for match in FROM_COUNTRY.finditer(self.text, start, end):
                before = self.text[start : match.start()].split()
                if before and before[-1].casefold() in _FROM_IDIOMS:
                    continue
                code = country_in(match.group(1))
                if code is None or code == buyer_country:
                    continue
                words = country_words(match.group(1), code)
                assert words is not None
                return self.span_of((match.start(1) + words[0], match.start(1) + words[1]))
        return None
