"""Which way a sale goes: the one place that decides that a seller and a buyer came out swapped."""

from __future__ import annotations

import re

from ...records import (
    Sale,
    Span,
)
from ..normalize import (
    country_in,
)
from ._context import Context, country_pattern

# A place as news names it after "from" or "to": up to three capitalised words ("South Korea",
# "Russia's Rostec"); initials keep their full stops ("the U.K.", "the U.A.E.").
PLACE_NAME = r"(?:the\s+)?((?:(?:[A-Z]\.){2,3}|[A-Z][\w'\u2019-]*)(?:\s+[A-Z][\w'\u2019-]*){0,2})"
# "from the U.S.", "from South Korea", "from Russia's Rostec".
FROM_COUNTRY = re.compile(r"\bfrom\s+" + PLACE_NAME)

# "presented the vessel to", "handed over to", "gifted to": a transfer without a price is still one.
# What is sold may be long ("sell a secondhand surveillance drone that has cost the country more
# than 700 million euros ($823 million) to Canada"): up to 160 characters of one sentence, where
# a decimal point is no full stop.
SELLING_TO = (
    r"\b(?:sales?|sells?|selling|sold|transfer\w*|deliver\w*|export\w*|supplie[sd]|supplying|"
    r"present(?:s|ed|ing)?|hand(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?over|gift(?:s|ed|ing)?|donat\w*)"
    r"\b(?:[^.]|\.(?=\d)){0,160}?\bto\s+(?:the\s+)?"
)


def _sold_to(text: str, party: str) -> bool:
    """Whether the article writes that something is sold, transferred or delivered to `party`."""
    name = re.sub(r"^the\s+", "", party.strip(), flags=re.I)
    return re.search(SELLING_TO + re.escape(name), text, re.I) is not None


_GOVERNMENT = r"(?:(?:the\s+)?(?:government|kingdom|republic)\s+of\s+(?:the\s+)?)?"
_BUYING = r"(?:buy|bought|purchas|acquir|receiv|order|procur|t(?:ake|akes|aken|aking|ook) delivery)"
# "Germany was Spain's top client", "China became the first foreign client": the client buys
# (where "Spain's top client" alone says that Spain sells).
_IS_CLIENT = r"\s+(?:is|was|became|becomes|remains|remained)\s+(?:[\w'\u2019]+\s+){0,3}?(?:client|customer)s?\b"
_POSSESSIVE = r"(?:['\u2019]s?)?"


def buys(names: str) -> str:
    """ "<buyer> buys", "<buyer>'s armed forces are to acquire", "<buyer> was the first export
    customer"; not "signs deal with <seller> to procure", whose subject is the other party."""
    subject = r"(?<!\bwith\s)\b" + names + r"\w*"
    return subject + r"(?:" + _POSSESSIVE + r"\s+(?:\w+\s+){0,4}?" + _BUYING + r"|" + _IS_CLIENT + r")"


def direction_cues(text: str, seller: str, buyer: str) -> int:
    """How many of three phrasings say `seller` sells to `buyer`: "sold to <buyer>", "from <seller>", "<buyer> buys"."""
    buyer_names, seller_names = country_pattern(buyer), country_pattern(seller)
    patterns = (
        SELLING_TO + _GOVERNMENT + buyer_names + r"\b",
        r"\bfrom\s+(?:the\s+)?" + _GOVERNMENT + seller_names + r"\b",
    )
    found = sum(1 for pattern in patterns if re.search(pattern, text, re.IGNORECASE))
    return found + any(
        not _from_another(text, match.end(), seller) for match in re.finditer(buys(buyer_names), text, re.I)
    )


# "... which France had bought back from Russia": the purchase written has its own seller.
_FROM_AFTER_BUYING = re.compile(r"[^.;]{0,60}?" + FROM_COUNTRY.pattern)


def _from_another(text: str, end: int, seller: str) -> bool:
    """Whether the purchase written up to `end` names right after it a source other than `seller`."""
    match = _FROM_AFTER_BUYING.match(text, end)
    if match is None:
        return False
    source = country_in(match.group(1))
    return source is not None and source != seller


def buys_not_sells(text: str, code: str) -> bool:
    """The article writes that country `code` buys ("Poland's armed forces are to acquire") and
    nowhere that it sells ("sold by", "from <code>", "<code> exports")."""
    names = country_pattern(code)
    sells = (
        r"\bfrom\s+(?:the\s+)?" + _GOVERNMENT + names + r"\b",
        r"\b" + names + r"\w*" + _POSSESSIVE + r"\s+(?:\w+\s+){0,3}?(?:sell|sold|export|supplie|supply|transfer)",
    )
    return re.search(buys(names), text, re.IGNORECASE) is not None and not any(
        re.search(pattern, text, re.IGNORECASE) for pattern in sells
    )


# The party that awards a contract buys: "The US Department of Defence (DoD) has awarded Chemring
# a $92 million contract". Active voice only: "Saab has been awarded a contract" is the seller.
_AWARDS = re.compile(r"\s*(?:\([^)]{1,20}\)\s*)?(?:(?:has|have|had|also|recently|today)\s+)*awarded\b(?!\s+by\b)")


class Direction(Context):
    """Checks on a sale's seller and buyer against the article's wording."""

    def awards_contract(self, party: Span) -> bool:
        """The article writes, right after this party's name, that it awarded a contract: it buys."""
        return _AWARDS.match(self.text, party.end) is not None

    def roles_swapped(self, seller: Span, buyer: Span) -> bool:
        """The model's buyer is the country the article implies sells (the US in a DSCA notice)

        and the article writes "sale to <the model's seller>": the roles were swapped."""
        implied = self.implied
        return (
            implied is not None
            and country_in(buyer.text) == implied[0]
            and _sold_to(self.text, seller.text)
            and not _sold_to(self.text, buyer.text)
        )

    def buyer_alone(self, seller: Span) -> bool:
        """A sale's only party, given as seller, is a country the article writes buys and never sells."""
        code = country_in(seller.text)
        return code is not None and self.implied is None and buys_not_sells(self.text, code)

    def worded_the_other_way(self, seller: Span, buyer: Span) -> bool:
        """Nothing in the article says the seller sells to the buyer, and something says the reverse."""
        seller_code, buyer_code = country_in(seller.text), country_in(buyer.text)
        if seller_code is None or buyer_code is None or seller_code == buyer_code:
            return False
        if self.implied is not None:
            return False  # a DSCA notice: roles_swapped knows its wording better
        if direction_cues(self.text, seller_code, buyer_code):
            return False
        return direction_cues(self.text, buyer_code, seller_code) > 0


def _mirrored(a: Sale, b: Sale) -> bool:
    """Whether `b` is `a` written the other way round: the same items, seller and buyer swapped,
    by country or, where a party has none ("Anadolu Shipyard" and "the Turkish Navy"), by name."""
    if not {item.name.casefold() for item in a.items} & {item.name.casefold() for item in b.items}:
        return False
    by_country = a.seller_country is not None and a.seller_country != a.buyer_country
    by_country = by_country and (a.seller_country, a.buyer_country) == (b.buyer_country, b.seller_country)
    by_name = a.seller is not None and a.seller != a.buyer and (a.seller, a.buyer) == (b.buyer, b.seller)
    return by_country or by_name


def without_mirrors(sales: list[Sale], text: str, warnings: list[str]) -> list[Sale]:
    """Keep one of a sale written both ways (seller and buyer swapped, the same items).

    Both cannot be true, and small models often write a deal both ways. The one the article's
    wording supports ("sold to X", "from Y", "X bought") is kept; on a tie, or without countries
    to word it by, the first written."""
    kept: list[Sale] = []
    for sale in sales:
        mirror = next((k for k in kept if _mirrored(k, sale)), None)
        if mirror is None:
            kept.append(sale)
            continue
        kept_way = other_way = 0
        if mirror.seller_country is not None and mirror.buyer_country is not None:
            kept_way = direction_cues(text, mirror.seller_country, mirror.buyer_country)
            other_way = direction_cues(text, mirror.buyer_country, mirror.seller_country)
        if other_way > kept_way:
            kept[kept.index(mirror)] = sale
            warnings.append(f"dropped {mirror.id}: {sale.id} with seller and buyer swapped, as the article words it")
        else:
            warnings.append(f"dropped {sale.id}: {mirror.id} with seller and buyer swapped")
    return kept
