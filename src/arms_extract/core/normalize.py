"""Turn verbatim mentions into normalised values: pure functions, no model, no I/O.

The model quotes ("$2.35 billion", "up to 1,200", "November 17"); these
functions compute what an analyst compares: ISO codes, amounts, integers,
resolved dates, deal stages. When a value cannot be determined they return
None rather than a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from ..records import DatePrecision, Stage
from .country_variants import capitals, country_variants

# --- countries -------------------------------------------------------------

# What news writes that pycountry does not know, mapped to ISO 3166-1 alpha-3.
_COUNTRY_ALIASES: dict[str, str] = {
    "us": "USA",
    "u.s": "USA",
    "u.s.": "USA",
    "usa": "USA",
    "u.s.a.": "USA",
    "u.s.a": "USA",
    "united states": "USA",
    "the united states": "USA",
    "united states of america": "USA",
    "america": "USA",
    "washington": "USA",
    "american": "USA",
    "uk": "GBR",
    "u.k.": "GBR",
    "u.k": "GBR",  # "U.K." once its full stop is cleaned off
    "britain": "GBR",
    "great britain": "GBR",
    "united kingdom": "GBR",
    "british": "GBR",
    "england": "GBR",
    "london": "GBR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "rok": "KOR",
    "korea": "KOR",
    "seoul": "KOR",
    "south korean": "KOR",
    "north korea": "PRK",
    "north korean": "PRK",
    "dprk": "PRK",
    "pyongyang": "PRK",
    "taiwan": "TWN",
    "tecro": "TWN",
    "taipei economic and cultural representative office": "TWN",
    "taipei economic and cultural representative office in the united states": "TWN",
    "taipei": "TWN",
    "taiwanese": "TWN",
    "russia": "RUS",
    "russian federation": "RUS",
    "russian": "RUS",
    "moscow": "RUS",
    "kremlin": "RUS",
    "iran": "IRN",
    "iranian": "IRN",
    "syria": "SYR",
    "vietnam": "VNM",
    "laos": "LAO",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "turkey": "TUR",
    "turkiye": "TUR",
    "türkiye": "TUR",
    "turkish": "TUR",
    "uae": "ARE",
    "u.a.e.": "ARE",
    "u.a.e": "ARE",
    "emirates": "ARE",
    "united arab emirates": "ARE",
    "emirati": "ARE",
    "saudi": "SAU",
    "saudi arabia": "SAU",
    "saudi arabian": "SAU",
    "ksa": "SAU",
    "kingdom of saudi arabia": "SAU",
    "czech republic": "CZE",
    "czechia": "CZE",
    "czech": "CZE",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "dr congo": "COD",
    "drc": "COD",
    "democratic republic of the congo": "COD",
    "the netherlands": "NLD",
    "holland": "NLD",
    "dutch": "NLD",
    "the philippines": "PHL",
    "philippines": "PHL",
    "filipino": "PHL",
    "philippine": "PHL",
    "beijing": "CHN",
    "chinese": "CHN",
    "prc": "CHN",
    "tokyo": "JPN",
    "japanese": "JPN",
    "indian": "IND",
    "new delhi": "IND",
    "delhi": "IND",
    "pakistani": "PAK",
    "israeli": "ISR",
    "egyptian": "EGY",
    "french": "FRA",
    "paris": "FRA",
    "german": "DEU",
    "berlin": "DEU",
    "italian": "ITA",
    "spanish": "ESP",
    "polish": "POL",
    "warsaw": "POL",
    "ukrainian": "UKR",
    "kyiv": "UKR",
    "kiev": "UKR",
    "australian": "AUS",
    "canberra": "AUS",
    "canadian": "CAN",
    "ottawa": "CAN",
    "brazilian": "BRA",
    "swedish": "SWE",
    "norwegian": "NOR",
    "danish": "DNK",
    "finnish": "FIN",
    "greek": "GRC",
    "qatari": "QAT",
    "kuwaiti": "KWT",
    "omani": "OMN",
    "bahraini": "BHR",
    "jordanian": "JOR",
    "iraqi": "IRQ",
    "afghan": "AFG",
    "indonesian": "IDN",
    "malaysian": "MYS",
    "singaporean": "SGP",
    "thai": "THA",
    "vietnamese": "VNM",
    "moroccan": "MAR",
    "algerian": "DZA",
    "nigerian": "NGA",
    "south african": "ZAF",
    "mexican": "MEX",
    "colombian": "COL",
    "chilean": "CHL",
    "peruvian": "PER",
    "argentine": "ARG",
    "argentinian": "ARG",
    "romanian": "ROU",
    "bulgarian": "BGR",
    "hungarian": "HUN",
    "slovak": "SVK",
    "lithuanian": "LTU",
    "latvian": "LVA",
    "estonian": "EST",
    "belgian": "BEL",
    "swiss": "CHE",
    "austrian": "AUT",
    "portuguese": "PRT",
    "bangladeshi": "BGD",
    "sri lankan": "LKA",
    "burmese": "MMR",
    "burma": "MMR",
    "myanmar": "MMR",
    "new zealand": "NZL",
    "armenian": "ARM",
    "azerbaijani": "AZE",
    "georgian": "GEO",
    "serbian": "SRB",
    "croatian": "HRV",
    "lebanese": "LBN",
    "yemeni": "YEM",
    "libyan": "LBY",
    "tunisian": "TUN",
    "ethiopian": "ETH",
    "kenyan": "KEN",
    "ugandan": "UGA",
    "sudanese": "SDN",
    "burkinabe": "BFA",
    "malian": "MLI",
    "nigerien": "NER",
    "senegalese": "SEN",
    "cameroonian": "CMR",
    "angolan": "AGO",
    "zambian": "ZMB",
    "kazakh": "KAZ",
    # A few names as French, Spanish and German news write them.
    "états-unis": "USA",
    "etats-unis": "USA",
    "estados unidos": "USA",
    "vereinigte staaten": "USA",
    "japon": "JPN",
    "japón": "JPN",
    "russie": "RUS",
    "rusia": "RUS",
    "russland": "RUS",
    "chine": "CHN",
    "inde": "IND",
    "allemagne": "DEU",
    "royaume-uni": "GBR",
    "corée du sud": "KOR",
    "arabie saoudite": "SAU",
    "émirats arabes unis": "ARE",
    "uzbek": "UZB",
    "macedonia": "MKD",
    "bosnia": "BIH",
    "brunei": "BRN",
    "mongolian": "MNG",
}

# The hand table above wins over the library's demonyms, capitals and spellings.
_COUNTRY_ALIASES = {**country_variants(), **_COUNTRY_ALIASES}

_LONG_ALIASES = sorted((a for a in _COUNTRY_ALIASES if len(a.split()) >= 4), key=len, reverse=True)
_LEADING_ARTICLE = re.compile(r"^(the|government of( the)?|republic of)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['\u2019]s?$")


def _clean_place(name: str) -> str:
    cleaned = name.strip().strip(".,;:\"'()").strip()
    cleaned = _POSSESSIVE.sub("", cleaned)
    return re.sub(r"\s+", " ", cleaned)


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for a country as news writes it, or None if it is not one."""
    if not name:
        return None
    cleaned = _clean_place(name)
    if not cleaned:
        return None
    key = cleaned.casefold()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    stripped = _LEADING_ARTICLE.sub("", cleaned)
    if stripped.casefold() in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[stripped.casefold()]
    if len(stripped) <= 3:
        # Short tokens ("SA", "IT", "IN") are words or initials far more often than
        # ISO codes; only the aliases above may turn them into countries.
        return None
    for candidate in (cleaned, stripped):
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    return None


_REGIONS = re.compile(r"\b(?:Latin|South|North|Central)[\s-]+Americ\w*|\bthe\s+Americas\b", re.IGNORECASE)


def country_in(phrase: str | None) -> str | None:
    """The country a longer phrase names ("Burkina Faso's Air Force" -> BFA), if exactly one."""
    if not phrase:
        return None
    whole = country_code(phrase)
    if whole:
        return whole
    # A region is no country: "America" in "Latin America" or "North American" is not the US.
    phrase = _REGIONS.sub(lambda match: " " * len(match.group(0)), phrase)
    lowered = phrase.casefold()
    for alias in _LONG_ALIASES:
        # "Taipei Economic and Cultural Representative Office in the United States" is Taiwan.
        if alias in lowered:
            return _COUNTRY_ALIASES[alias]
    found: list[str] = []
    found_size = None
    for size, _, end, gram in _word_grams(phrase):
        if found and size != found_size:
            break  # the longest runs that name a country win: "South Korea" over "Korea"
        if size == 1 and not gram[0].isupper():
            continue
        if begins_a_name(phrase, gram, end):
            continue
        code = country_code(gram)
        if code and code not in found:
            found.append(code)
            found_size = size
    return found[0] if len(found) == 1 else None


_WORD = re.compile(r"[A-Za-z][\w.'\u2019-]*")

_CAPITALS = capitals() | {"washington"}  # the library writes it "Washington D.C."
_NEXT_CAPITALISED = re.compile(r"\s+[A-Z]")


def begins_a_name(text: str, words: str, end: int) -> bool:
    """Whether `words`, ending at `end` in `text`, are a capital that begins a longer name
    ("Stockholm International Peace Research Institute", "the Paris Air Show", "Washington Post"):
    a name, not the country's government."""
    return (
        bool(_NEXT_CAPITALISED.match(text, end))
        and _LEADING_ARTICLE.sub("", _clean_place(words)).casefold() in _CAPITALS
    )


def _word_grams(phrase: str) -> Iterator[tuple[int, int, int, str]]:
    """(size, start, end, the words joined by single spaces) of every run of 1-4 words, longest runs first."""
    words = list(_WORD.finditer(phrase))
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            yield size, run[0].start(), run[-1].end(), " ".join(w.group(0) for w in run)


def country_words(phrase: str, code: str) -> tuple[int, int] | None:
    """Where in `phrase` its words name country `code` ("Burkina Faso" in "Burkina Faso's Air Force")."""
    for _, start, end, _ in _word_grams(phrase):
        if country_code(phrase[start:end]) == code:
            return start, end
    return None


@lru_cache(maxsize=512)
def country_forms(code: str) -> tuple[str, ...]:
    """The ways the tables know of writing a country (names, short forms, demonyms, capitals), longest first."""
    forms = {alias for alias, alias_code in _COUNTRY_ALIASES.items() if alias_code == code}
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name:
                forms.add(name.casefold())
    return tuple(sorted(forms, key=len, reverse=True))


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# --- numbers ---------------------------------------------------------------

_WORD_NUMBERS: dict[str, int] = {
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "a pair of": 2,
    "pair": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a dozen": 12,
    "dozen": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
}
_QUALIFIERS = (
    "up to",
    "as many as",
    "at least",
    "more than",
    "over",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "some",
    "an estimated",
    "estimated",
    "roughly",
    "less than",
    "fewer than",
)
_QUALIFIER_CANON = {
    "as many as": "up to",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "nearly": "about",
    "almost": "about",
    "an estimated": "estimated",
    "over": "more than",
    "fewer than": "less than",
}
_QUALIFIER_RE = re.compile(r"\b(" + "|".join(re.escape(q) for q in _QUALIFIERS) + r")\b", re.IGNORECASE)


def qualifier_of(phrase: str) -> str | None:
    """The hedge in a quantity or value phrase ("up to", "about", "estimated")."""
    match = _QUALIFIER_RE.search(phrase)
    if not match:
        return None
    word = match.group(1).lower()
    return _QUALIFIER_CANON.get(word, word)


@dataclass(frozen=True)
class ParsedQuantity:
    value: int | None
    qualifier: str | None
    out_of_range: bool = False  # a number above MAX_QUANTITY: value is None


# Beyond these a number is a mistake (or an attack), not a fact: a run would store infinity, or
# fail on an integer SQLite cannot hold. The largest counts in arms news are rounds of ammunition
# (millions); the largest values, multi-year programmes (hundreds of billions).
MAX_QUANTITY = 10**9
MAX_AMOUNT = 1e15
_MAX_DIGITS = 16  # read no longer run of digits as a number (int() refuses 4,300 and more)

# A number inside a designation ("F-35", "two F-16s", "KIV-78s", "Su-30MKI", "Type 052D") is
# never a count or an amount.
_NOT_IN_DESIGNATION = r"(?<![A-Za-z][-/])(?<![A-Za-z][-/]\s)"
# "92 556 056": thousands grouped with spaces (or narrow spaces), as much of the world writes them.
_SPACED_THOUSANDS = r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\w.,]\d|\w)"
_DIGITS = re.compile(
    rf"{_NOT_IN_DESIGNATION}(?<![\w.])({_SPACED_THOUSANDS}|\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\d,]*\.\d)(?!\s*(?:%|per\s?cent))(?![\d,.]*[A-Za-z\d])"
)
_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}


def _word_number(phrase: str) -> int | None:
    words = re.findall(r"[a-z]+", phrase.lower())
    text = " ".join(words)
    for word, value in sorted(_WORD_NUMBERS.items(), key=lambda kv: -len(kv[0])):
        if word in ("a", "an", "pair"):
            continue
        pattern = rf"\b{re.escape(word)}\b"
        match = re.search(pattern, text)
        if not match:
            continue
        total = value
        rest = text[match.end() :].split()
        if word in _TENS and rest and rest[0] in _WORD_NUMBERS and _WORD_NUMBERS[rest[0]] < 10:
            total += _WORD_NUMBERS[rest[0]]
        if rest and rest[0] == "hundred" and value < 10:
            total *= 100
        return total
    return None


def _whole_number(digits: str) -> int | None:
    """'1,200' -> 1200; None for a run of digits too long to be a count."""
    plain = re.sub(r"[,\s]", "", digits)
    return int(plain) if len(plain) <= _MAX_DIGITS else None


def parse_quantity(phrase: str | None) -> ParsedQuantity | None:
    """'400' -> 400; 'up to 1,200' -> 1200, 'up to'; 'Seventy (70)' -> 70; 'two F-16s' -> 2.

    A number written inside a designation is not a count; a count above MAX_QUANTITY is out of range."""
    if not phrase or not phrase.strip():
        return None
    qualifier = qualifier_of(phrase)
    digits = _DIGITS.findall(phrase)
    if digits:
        numbers = [_whole_number(d) for d in digits]
        if len(numbers) >= 2 and re.search(r"\d\s*(-|to|\u2013)\s*\d", phrase):
            value, qualifier = (None if None in numbers else max(numbers)), qualifier or "range"  # type: ignore[type-var]
        else:
            value = numbers[0]
        if value is None or value > MAX_QUANTITY:
            return ParsedQuantity(None, qualifier, out_of_range=True)
        return ParsedQuantity(value, qualifier)
    value = _word_number(phrase)
    if value is None:
        return None
    return ParsedQuantity(value, qualifier)


def mentions_number(phrase: str) -> bool:
    """Whether a phrase has a number at all, count or not: what a re-ask can be asked to fix.

    A number that is there but is no count ("4th generation", "KIV-78s") is dropped in
    assembly instead: asking again costs a whole generation and seldom brings a count."""
    return bool(re.search(r"\d", phrase)) or _word_number(phrase) is not None


# --- money -----------------------------------------------------------------

_CURRENCY_SYMBOLS: list[tuple[str, str]] = [
    ("us$", "USD"),
    ("usd", "USD"),
    # Other dollars by their prefix, before "a$" and "$" take them: "CN$704 million" is Canadian
    # (Defense News writes it so), "AU$" Australian, "NT$" Taiwanese, "BN$" Bruneian.
    ("au$", "AUD"),
    ("ca$", "CAD"),
    ("cn$", "CAD"),
    ("cdn$", "CAD"),
    ("nt$", "TWD"),
    ("hk$", "HKD"),
    ("bn$", "BND"),
    ("r$", "BRL"),  # "R$ 2 billion" had been read as dollars
    ("a$", "AUD"),
    ("aud", "AUD"),
    ("c$", "CAD"),
    ("cad", "CAD"),
    ("nz$", "NZD"),
    ("s$", "SGD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("eur", "EUR"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("pounds", "GBP"),
    ("¥", "JPY"),
    ("yen", "JPY"),
    ("jpy", "JPY"),
    ("₹", "INR"),
    ("rs.", "INR"),
    ("rs", "INR"),
    ("inr", "INR"),
    ("rupees", "INR"),
    ("rubles", "RUB"),
    ("roubles", "RUB"),
    ("rub", "RUB"),
    ("₽", "RUB"),
    ("won", "KRW"),
    ("krw", "KRW"),
    ("₩", "KRW"),
    ("yuan", "CNY"),
    ("rmb", "CNY"),
    ("cny", "CNY"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("rand", "ZAR"),
    ("zar", "ZAR"),
    ("sek", "SEK"),
    ("kronor", "SEK"),
    ("nok", "NOK"),
    ("chf", "CHF"),
    ("shekels", "ILS"),
    ("nis", "ILS"),
    ("lira", "TRY"),
    ("reais", "BRL"),
    ("zloty", "PLN"),
    ("pln", "PLN"),
    ("korunas", "CZK"),
    ("koruna", "CZK"),
    ("czk", "CZK"),
    ("forints", "HUF"),
    ("forint", "HUF"),
    ("huf", "HUF"),
    ("lei", "RON"),
    ("hryvnias", "UAH"),
    ("hryvnia", "UAH"),
    ("ringgit", "MYR"),
    ("rupiah", "IDR"),
    ("baht", "THB"),
]
_MULTIPLIERS: dict[str, float] = {
    "trillion": 1e12,
    "trillions": 1e12,
    "tn": 1e12,
    "billions": 1e9,
    "milliards": 1e9,
    "milliard": 1e9,
    "mrd": 1e9,
    "millions": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "b": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "lakh": 1e5,
    "lakhs": 1e5,
    "thousand": 1e3,
    "k": 1e3,
}
_AMOUNT = re.compile(
    rf"{_NOT_IN_DESIGNATION}(?<![\d.,])({_SPACED_THOUSANDS}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
)
_MULTIPLIER_RE = re.compile(r"^\s*-?(" + "|".join(sorted(_MULTIPLIERS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# Money is a number with its currency next to it: a symbol or code just before ("$2.35", "Rs 500",
# "USD 4m") or a currency word just after the number and its multiplier ("2.35 milliards de dollars",
# "45 million US dollars"). Any other number in the phrase ("F-35 jets worth $4.6 billion") is not it.
# Every dollar of _CURRENCY_SYMBOLS ("us$", "cn$", ..., "$"): the one list of them.
_DOLLARS = "|".join(re.escape(symbol) for symbol, _ in _CURRENCY_SYMBOLS if symbol.endswith("$"))
_CURRENCY_BEFORE = re.compile(
    r"(?:" + _DOLLARS + r"|€|£|¥|₹|₽|₩|\b(?:usd|eur|gbp|jpy|inr|rs\.?|aud|cad|rub|krw|cny|rmb|"
    r"zar|sek|nok|chf|nis|pln))\s*$",
    re.IGNORECASE,
)
# South African rand as South African news writes it, "R175 million", "R19 989 941": an R right
# before an amount with a multiplier or grouped thousands (not "R550 Magic", "R-27").
_RAND_BEFORE = re.compile(r"(?<![\w-])R$")


def _rand(before: str, number: str, multiplier: re.Match[str] | None) -> bool:
    grouped = re.search(r"\d[ ,\u00a0\u202f]\d", number) is not None
    return bool(_RAND_BEFORE.search(before)) and (multiplier is not None or grouped)


_NATIONAL_DOLLARS = {"australian": "AUD", "canadian": "CAD", "singapore": "SGD", "new zealand": "NZD"}
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:(?:de|of|in)\s+|d['\u2019])?(?:(u\.\s?s\.|us|american|australian|canadian|singapore|new zealand)\s+)?"
    r"(dollars?|euros?|pounds?|yen|rupees|rubles|roubles|won|yuan|rand|kronor|shekels|lira|reais|zloty|korunas?|"
    r"forints?|lei|hryvnias?|ringgit|rupiah|baht|czk|huf|"
    r"usd|eur|gbp|jpy|inr|aud|cad|rub|krw|cny|rmb|zar|sek|nok|chf|nis|pln|\$|€|£)(?![a-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedMoney:
    amount: float
    currency: str
    qualifier: str | None
    out_of_range: bool = False  # above MAX_AMOUNT (or beyond a float): not a value to keep

    @property
    def usd(self) -> float | None:
        """Only USD amounts have a USD value: we never invent an exchange rate."""
        return self.amount if self.currency == "USD" else None


def _currency_of(phrase: str) -> str | None:
    lowered = phrase.lower()
    for symbol, code in _CURRENCY_SYMBOLS:
        if symbol.isalpha() or symbol.endswith("."):
            if re.search(rf"(?<![a-z]){re.escape(symbol)}(?![a-z])", lowered):
                return code
        elif symbol in lowered:
            return code
    return None


# How far before a value or an item its hedge ("an estimated cost of", "up to") may be written.
QUALIFIER_WINDOW = 40


def text_before(text: str, start: int, window: int = QUALIFIER_WINDOW) -> str:
    """The `window` characters before `start`: where a mention's qualifier is written."""
    return text[max(0, start - window) : start]


def money_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each amount of money written in text[start:end]: the number with its
    multiplier and its currency, before ("$3.3 billion", "US$ 593m") or after ("13.5 billion
    zloty", "7 million euros")."""
    end = len(text) if end is None else end
    found: list[tuple[int, int]] = []
    for match in _AMOUNT.finditer(text, start, end):
        first, last = match.start(1), match.end(1)
        multiplier = _MULTIPLIER_RE.match(text[last:end])
        if multiplier:
            last += multiplier.end()
        before = _CURRENCY_BEFORE.search(text[max(start, first - 6) : first])
        after = _CURRENCY_AFTER.match(text[last:end])
        if before:
            first -= len(before.group(0))
        elif after:
            last += after.end()
        elif _rand(text[max(start, first - 2) : first], match.group(1), multiplier):
            first -= 1
        else:
            continue
        if parse_money(text[first:last]) is not None:
            found.append((first, last))
    return found


# The same amount again in brackets, as a news article converts it: "€108 million (U.S. $134
# million)", "13.5 billion zloty (about $3.3 billion)".
_CONVERSION_OPENS = re.compile(
    r"\s*\(\s*(?:(?:about|around|approximately|roughly|some|nearly|or)\s+)?(?:U\.\s?S\.\s?|US\s)?"
)


def converted_amount(text: str, end: int) -> tuple[int, int] | None:
    """(start, end) of the amount written in brackets right after `end`, the same sum in another
    currency; None when no bracket holding only an amount follows."""
    opens = _CONVERSION_OPENS.match(text, end)
    if opens is None:
        return None
    found = money_spans(text, opens.end(), min(len(text), opens.end() + 40))
    if not found or found[0][0] != opens.end() or not re.match(r"\s*\)", text[found[0][1] :]):
        return None
    return found[0]


def mentions_money(phrase: str) -> bool:
    """Whether a phrase has an amount and a currency, next to each other or not (see mentions_number)."""
    return bool(re.search(r"\d", phrase)) and _currency_of(phrase) is not None


def parse_money(phrase: str | None, context: str = "") -> ParsedMoney | None:
    """'$2.35 billion' -> 2.35e9 USD; '€1.2bn' -> 1.2e9 EUR; 'Rs 500 crore' -> 5e9 INR.

    The amount is the first number with a currency next to it. `context` is the text just
    before the mention, searched for a qualifier ("an estimated cost of", "up to") that the
    mention itself may not include.
    """
    if not phrase:
        return None
    for match in _AMOUNT.finditer(phrase):
        number = match.group(1)
        tail = phrase[match.end() :]
        decimal_comma = re.match(r",(\d{1,2})(?!\d)", tail)
        if decimal_comma and "," not in number:
            # "2,35 milliards": a decimal comma, as much of Europe writes it.
            number = f"{number}.{decimal_comma.group(1)}"
            tail = tail[decimal_comma.end() :]
        multiplier = _MULTIPLIER_RE.match(tail)
        after = tail[multiplier.end() :] if multiplier else tail
        before = _CURRENCY_BEFORE.search(phrase[: match.start()])
        word_after = _CURRENCY_AFTER.match(after)
        rand = before is None and word_after is None and _rand(phrase[: match.start()], number, multiplier)
        if before is None and word_after is None and not rand:
            continue
        if rand:
            currency: str | None = "ZAR"
        elif before is not None:
            currency = _currency_of(before.group(0))
        else:
            assert word_after is not None
            nation = (word_after.group(1) or "").lower()
            currency = _NATIONAL_DOLLARS.get(nation) if word_after.group(2).lower().startswith("dollar") else None
            currency = currency or _currency_of(word_after.group(2))
        if currency is None:
            continue
        qualifier = qualifier_of(phrase) or qualifier_of(context[-QUALIFIER_WINDOW:])
        plain = re.sub(r"[,\s]", "", number)
        amount = float(plain) if len(plain) <= _MAX_DIGITS + 3 else math.inf
        if multiplier:
            amount *= _MULTIPLIERS[multiplier.group(1).lower()]
        if not math.isfinite(amount) or amount > MAX_AMOUNT:
            return ParsedMoney(0.0, currency, qualifier, out_of_range=True)
        return ParsedMoney(round(amount, 2), currency, qualifier)
    return None


# --- dates -----------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b({_MONTH_RE})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class ResolvedDate:
    iso: str | None
    precision: DatePrecision


def _previous_if_future(day: dt.date, published: dt.date) -> dt.date:
    """A month and day written without a year is the latest one not after publication."""
    if day > published:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day
    return day


def resolve_date(phrase: str | None, published: dt.date | None) -> ResolvedDate | None:
    """Resolve a date mention; the year comes from the mention or the article's date, never a guess.

    'November 17' with published 2025-11-20 -> 2025-11-17; without a published
    date and no year in the mention, the ISO date is None.
    """
    if not phrase or not phrase.strip():
        return None
    iso = _ISO_DATE.search(phrase)
    if iso:
        try:
            day = dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            return ResolvedDate(day.isoformat(), DatePrecision.day)
        except ValueError:
            return None
    year_match = _YEAR.search(phrase)
    year = int(year_match.group(1)) if year_match else None
    if year is None and published is not None:
        # "February of this year", "in March last year"
        if re.search(r"\bthis year\b", phrase, re.I):
            year = published.year
        elif re.search(r"\blast year\b", phrase, re.I):
            year = published.year - 1
    month: int | None = None
    day_of_month: int | None = None
    if m := _MONTH_DAY.search(phrase):
        month, day_of_month = _MONTHS[m.group(1).lower()], int(m.group(2))
    elif m := _DAY_MONTH.search(phrase):
        month, day_of_month = _MONTHS[m.group(2).lower()], int(m.group(1))
    elif m := _MONTH_ONLY.search(phrase):
        month = _MONTHS[m.group(1).lower()]
    if month is None:
        relative = _relative(phrase, published)
        if relative is not None:
            return relative
        if year is not None:
            return ResolvedDate(str(year), DatePrecision.year)
        return ResolvedDate(None, DatePrecision.unknown)
    if year is None and published is None:
        precision = DatePrecision.day if day_of_month else DatePrecision.month
        return ResolvedDate(None, precision)
    inferred_year = year if year is not None else published.year  # type: ignore[union-attr]
    try:
        if day_of_month:
            day = dt.date(inferred_year, month, day_of_month)
            if year is None and published is not None:
                day = _previous_if_future(day, published)
            return ResolvedDate(day.isoformat(), DatePrecision.day)
        first = dt.date(inferred_year, month, 1)
        if year is None and published is not None:
            first = _previous_if_future(first, published)
        return ResolvedDate(first.strftime("%Y-%m"), DatePrecision.month)
    except ValueError:
        return ResolvedDate(None, DatePrecision.unknown)


def _relative(phrase: str, published: dt.date | None) -> ResolvedDate | None:
    lowered = phrase.lower()
    if published is None:
        return None
    if re.search(r"\b(today|this morning|tonight)\b", lowered):
        return ResolvedDate(published.isoformat(), DatePrecision.day)
    if "yesterday" in lowered:
        return ResolvedDate((published - dt.timedelta(days=1)).isoformat(), DatePrecision.day)
    if "last month" in lowered:
        first = published.replace(day=1) - dt.timedelta(days=1)
        return ResolvedDate(first.strftime("%Y-%m"), DatePrecision.month)
    if "this month" in lowered:
        return ResolvedDate(published.strftime("%Y-%m"), DatePrecision.month)
    if "last year" in lowered:
        return ResolvedDate(str(published.year - 1), DatePrecision.year)
    if "this year" in lowered:
        return ResolvedDate(str(published.year), DatePrecision.year)
    return None


# --- stage -----------------------------------------------------------------

# Ordered from the furthest stage back: the first rule that matches wins.
_STAGE_RULES: list[tuple[Stage, re.Pattern[str]]] = [
    (Stage.cancelled, re.compile(r"\b(cancel(l)?ed|scrapped|called off|terminated)\b", re.I)),
    (
        Stage.delivered,
        re.compile(
            r"\b(delivered(?!\s+(the\s+)?(required\s+)?certification)|handed over|took delivery|"
            r"received the (first|last))\b",
            re.I,
        ),
    ),
    (
        Stage.contract_signed,
        re.compile(
            r"\b(signed (a|the)?\s*(contract|deal|agreement)|contract (was|has been) signed|"
            r"awarded (a|the)?\s*contract|inked)\b",
            re.I,
        ),
    ),
    (
        Stage.notified_to_congress,
        re.compile(
            r"\bnotif(y|ied|ying|ication)\b.{0,40}\bcongress\b|\bcongress\b.{0,20}\bnotified\b",
            re.I,
        ),
    ),
    (Stage.approved, re.compile(r"\b(approv(e|ed|es|al)|cleared|green[- ]light(ed)?)\b", re.I)),
    (
        Stage.requested,
        re.compile(
            r"\b(has|have|had) requested\b|\brequest(ed|s)? (to (buy|purchase)|a possible sale)|"
            r"\bseeks? to (buy|acquire|purchase)|\bwants? to buy|\bplans? to (buy|purchase|acquire)",
            re.I,
        ),
    ),
]


_NEGATION = re.compile(r"\b(no|not|never|yet to|without|before)\b[^.;]{0,20}$", re.I)


def stage_of(evidence_text: str) -> Stage:
    """The furthest deal stage the evidence states; a DSCA notification is not a contract.

    A negated cue ("no contract has been signed yet") does not count.
    """
    for stage, pattern in _STAGE_RULES:
        for match in pattern.finditer(evidence_text):
            if not _NEGATION.search(evidence_text[max(0, match.start() - 30) : match.start()]):
                return stage
    return Stage.unknown


# --- items -----------------------------------------------------------------

# A designation: capitals (or a Russian bureau's mixed-case prefix: "Mi-35M", "Su-30MKI", "MiG-29",
# "Ka-52K", "Yak-130", "An-26", "Il-76") before a hyphen and a number.
_DESIGNATION = re.compile(
    r"\b((?:[A-Z]{1,5}|Mi|MiG|Su|Ka|Yak|An|Il|Tu|Be|Kh)(?:/[A-Z]{1,5})?-\d{1,4}[A-Za-z]{0,3}(?:-\d{1,3}[A-Z]?)?"
    r"(?:\s?Block\s?\d+)?)"
)

_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (
        "missile",
        re.compile(r"missile|tomahawk|amraam|hellfire|javelin|patriot|harpoon|stinger", re.I),
    ),
    ("helicopter", re.compile(r"helicopter|\bhelos?\b|chopper|apache|black hawk|blackhawk|chinook|seahawk", re.I)),
    (
        "aircraft",
        re.compile(
            r"aircraft|jet|fighter|f-\d+|plane|bomber|drone|uav|airlifter|"
            r"\b(heron|hermes|predator|reaper|global hawk|bayraktar|wing loong)\b",
            re.I,
        ),
    ),
    ("ship", re.compile(r"\b(ship|frigate|corvette|submarine|destroyer|vessel|boat)s?\b", re.I)),
    ("vehicle", re.compile(r"tank|vehicle|armou?red|apc|humvee|truck", re.I)),
    ("radar", re.compile(r"radar|sensor", re.I)),
    ("artillery", re.compile(r"artillery|howitzer|himars|rocket launcher|mlrs", re.I)),
    ("air defence", re.compile(r"air defen[cs]e|s-400|sam system", re.I)),
    ("munition", re.compile(r"bomb|munition|ammunition|round|shell|torpedo|jdam", re.I)),
    ("small arms", re.compile(r"rifle|pistol|\bguns?\b|small arms", re.I)),
]


_ASSOCIATED = re.compile(
    r"^(the |and |other |necessary |related |associated |additional |replacement )*"
    r"(spares?|parts|training|support|services?|repairs?|logistics|equipment|documentation|"
    r"technical|publications|personnel|maintenance|tools|test|materials?|assistance|"
    r"program management|engineering|transportation|facilities|infrastructure|construction|hangars?|"
    r"software|containers|program requirements)\b",
    re.I,
)


def is_associated(name: str) -> bool:
    """Support equipment and services ("spare parts", "personnel training"), not a weapon system."""
    return bool(_ASSOCIATED.match(name.strip())) and not designations_in(name)


_NOT_MATERIEL = re.compile(
    r"\b(funds?|funding|financing|finance|budgets?|appropriations?|programs|programmes|aid|treaty|accord|"
    r"parity|law enforcement|loans?|grants?|website|memorandum|initiative|relations|talks|cooperation|"
    r"partnership|strategy|policy|(?:estimated|total) costs?|"
    # Works and money of a civil kind ("Gwadar port", "$500 million to develop the port of Chabahar").
    r"(?:sea)?ports?|harbou?rs?|railways?|pipelines?|power (?:plants?|stations?)|investments?)\b",
    re.I,
)
# Arms for civilians are no military transfer (SIPRI leaves them out): "hunting and sporting guns".
# Not "mine hunting ships" or "submarine hunting aircraft": hunting here is what guns are for.
_CIVILIAN_USE = r"(?:hunting|sporting|sports|recreational)"
_CIVILIAN = re.compile(
    rf"\b(?:{_CIVILIAN_USE}(?:\s+(?:and|or)\s+{_CIVILIAN_USE})?\s+(?:guns?|rifles?|firearms|weapons|arms|ammunition|"
    r"cartridges|shotguns?|pistols?)|civilian\s+(?!and\b|or\b)\w+)\b",
    re.I,
)
# A "name" of only such words is no item at all: "more", "the others", "them".
_FUNCTION_WORDS = frozenset("more most others other some any it them these those this that the all each".split())


def is_not_materiel(name: str) -> bool:
    """A budget line, aid, a treaty or talks ("Foreign Military Financing", "US military aid",
    "Egypt-Israel Peace Treaty"): what small models list as the items of a "sale" that is none.
    A name with a designation or a weapon word ("F-35 program funds") is still materiel."""
    if set(name.casefold().split()) <= _FUNCTION_WORDS or not any(c.isalpha() for c in name):
        return True  # "the others"; "183 847" (a price written as R183 847)
    if _CIVILIAN.search(name) and not designations_in(name):
        return True
    return bool(_NOT_MATERIEL.search(name)) and not designations_in(name) and category_of(name) is None


_QUANTITY_BEFORE = re.compile(
    r"((?:up to|as many as|about|approximately|some|nearly|at least)\s+)?"
    r"(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)\s+$",
    re.IGNORECASE,
)


_COUNT_WORDS = r"\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen"
# A count written before an item, with up to two words between: "16 new helicopters",
# "25 Australian F/A-18A Hornets", "50 Caracal helos". Not a year ("in 2011 CH-47s").
_COUNT_BEFORE = re.compile(
    r"((?:up to|as many as|about|approximately|some|nearly|at least|another|additional)\s+)?"
    rf"(?<![\w.,/-])({_COUNT_WORDS})\s+"
    r"(?:(?:new|more|additional|used|second-hand|refurbished|modern|(?-i:[A-Z][\w/-]*))\s+){0,2}$",
    re.IGNORECASE,
)
_COUNT_LEADING = re.compile(rf"^(?:(?:up to|about|some|nearly|at least)\s+)?({_COUNT_WORDS})\s+\D", re.IGNORECASE)


def is_year(number: str) -> bool:
    """ "2011" before "CH-47s" is a year, not a count."""
    plain = number.replace(",", "")
    return plain.isdigit() and len(plain) == 4 and 1900 <= int(plain) <= 2099


def count_of_item(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the count an item's mention carries: the number its name begins with
    ("210 infantry fighting vehicles") or the one written just before it ("16 new helicopters")."""
    leading = _COUNT_LEADING.match(text[start:end])
    if leading and not is_year(leading.group(1)):
        return start, start + leading.end(1)
    window_start = max(0, start - QUALIFIER_WINDOW - 20)
    match = _COUNT_BEFORE.search(text[window_start:start])
    if match is None or is_year(match.group(2)):
        return None
    return window_start + match.start(), window_start + match.end(2)


def quantity_before(text: str, position: int) -> tuple[int, int] | None:
    """(start, end) of a number written right before `position` ("up to 1,200 AIM-120D-3")."""
    window_start = max(0, position - QUALIFIER_WINDOW)
    match = _QUANTITY_BEFORE.search(text[window_start:position])
    if not match:
        return None
    start = window_start + match.start()
    end = window_start + match.end(2)
    return start, end


def variants_in(text: str, base: str) -> list[tuple[str, int]]:
    """More specific designations of `base` written in `text`: AIM-120 -> AIM-120D-3, AIM-120C-8."""
    return [(name, start) for name, start in _designations(text).items() if name != base and name.startswith(base)]


@lru_cache(maxsize=8)
def _designations(text: str) -> dict[str, int]:
    """Every designation written in `text`, at its first place: read once per article, asked per item."""
    found: dict[str, int] = {}
    for match in _DESIGNATION.finditer(text):
        found.setdefault(match.group(1), match.start(1))
    return found


def designations_in(name: str) -> list[str]:
    """Model designations written in an item name: 'AIM-120D-3 and AIM-120C-8' gives both."""
    return list(dict.fromkeys(m.group(1) for m in _DESIGNATION.finditer(name)))


def category_of(name: str) -> str | None:
    for category, pattern in _CATEGORIES:
        if pattern.search(name):
            return category
    return None


# --- known bodies ----------------------------------------------------------


@dataclass(frozen=True)
class KnownBody:
    """A body that news names many ways; one canonical name merges its aliases."""

    name: str
    kind: str
    country: str | None


# The US agency that notifies Congress of arms sales, as its notices and the news write it.
DSCA_NAME = r"Defen[cs]e Security Cooperation Agency"
# A DSCA notice states its total in one template sentence: "... for an estimated cost of $111 million".
_NOTICE_COST = re.compile(
    r"estimated (?:total )?(?:case )?(?:value|cost) (?:is|of|could be as high as) (?:up to )?(?:approximately )?"
    r"(\$\s?[\d.,]+\s*(?:million|billion))",
    re.IGNORECASE,
)


def notice_cost(text: str) -> tuple[int, int] | None:
    """(start, end) of the amount a DSCA notice's cost sentence states, or None."""
    match = _NOTICE_COST.search(text)
    return match.span(1) if match else None


_KNOWN_BODIES: list[tuple[re.Pattern[str], KnownBody]] = [
    (
        re.compile(r"\b(state department|department of state)\b", re.I),
        KnownBody("US Department of State", "government_body", "USA"),
    ),
    (
        re.compile(rf"\b({DSCA_NAME}|dsca)\b", re.I),
        KnownBody("Defense Security Cooperation Agency", "government_body", "USA"),
    ),
    (
        re.compile(r"\b(pentagon|department of defen[cs]e|defen[cs]e department|dod)\b", re.I),
        KnownBody("US Department of Defense", "government_body", "USA"),
    ),
    (
        re.compile(r"^(the )?(us |u\.s\. |united states )?congress$", re.I),
        KnownBody("US Congress", "government_body", "USA"),
    ),
    (
        re.compile(r"\b(gru|main intelligence directorate)\b", re.I),
        KnownBody("Main Intelligence Directorate (GRU)", "military", "RUS"),
    ),
    (
        re.compile(r"\b(russian )?general staff\b", re.I),
        KnownBody("Russian General Staff", "military", "RUS"),
    ),
    (re.compile(r"^(the )?kremlin$", re.I), KnownBody("Kremlin", "government_body", "RUS")),
    (re.compile(r"^(the )?nato$", re.I), KnownBody("NATO", "international_org", None)),
    (
        re.compile(r"^(the )?(united nations|un)$", re.I),
        KnownBody("United Nations", "international_org", None),
    ),
    (
        re.compile(r"^(the )?(european union|eu)$", re.I),
        KnownBody("European Union", "international_org", None),
    ),
]


def known_body(name: str) -> KnownBody | None:
    """The body a name is, by its known names; not when the name writes another country than the
    body's: "the Australian Department of Defence" is no Pentagon."""
    for pattern, body in _KNOWN_BODIES:
        if pattern.search(name.strip()):
            named = country_in(name)
            return None if body.country and named and named != body.country else body
    return None


# --- claims ----------------------------------------------------------------

# Sentences of the US DSCA notification template, which every notice repeats.
_BOILERPLATE = re.compile(
    r"basic military balance|no difficulty absorbing|difficulty (in )?(absorbing|receiving)|"
    r"foreign policy and national security (goals|objectives)|"
    r"(consistent with|support(s)?) (the )?(u\.?s\.?|united states|washington'?s?)? ?foreign policy|"
    r"adverse impact on (u\.?s\.?|united states) defen[cs]e readiness|"
    r"force for political stability and economic progress|"
    r"driving force for political stability|"
    r"current and future threats|"
    r"no (known )?offset agreements?",
    re.I,
)


def is_boilerplate(content: str) -> bool:
    """True for the standard DSCA template sentences rather than news."""
    return bool(_BOILERPLATE.search(content))


# --- implied sellers -------------------------------------------------------

# Wording that makes the seller plain without naming it: a DSCA notice is a US sale.
_IMPLIED_SELLERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{DSCA_NAME}|\bDSCA\b|Foreign Military Sales?\b"), "USA"),
    (re.compile(r"\bRosoboronexport\b"), "RUS"),
]


def implied_seller(text: str) -> tuple[str, int, int] | None:
    """(country, start, end) of the first wording that implies who sells, or None."""
    for pattern, country in _IMPLIED_SELLERS:
        match = pattern.search(text)
        if match:
            return country, match.start(), match.end()
    return None
