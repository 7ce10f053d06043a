"""Find the countries and organisations an article names, without a model.

News names them in capitals ("the U.S. Navy", "Rafael Advanced Defense Systems",
"Ministry of Defence"), so a run of capitalised words is a candidate; a country
is a run (or part of one) the country tables know, an organisation a run that
ends in a word such as "Ministry", "Systems" or "Navy". Every hit is a span of
the article, so nothing here can be invented. Demonyms ("Russian") name no
actor: "Russian officials" are not Russia.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from .normalize import begins_a_name, country_code, country_forms

_RUN = re.compile(
    r"(?:[A-Z][\w.&'\u2019-]*|U\.S\.)(?:[ \t]+(?:of[ \t]+(?:the[ \t]+)?|and[ \t]+|for[ \t]+)?(?:[A-Z][\w.&'\u2019-]*))*"
)
_WORD = re.compile(r"[A-Za-z][\w.'\u2019-]*")
_DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean", "can", "ench", "utch", "i")

# The last word of an organisation's name, and the kind of actor it makes.
_ORGANISATION_ENDINGS: dict[str, str] = {
    **dict.fromkeys(
        "ministry department agency office council parliament congress senate administration "
        "directorate committee commission bureau government".split(),
        "government_body",
    ),
    **dict.fromkeys("army navy force forces command guard marines corps staff military".split(), "military"),
    **dict.fromkeys(
        "inc inc. corp corp. corporation ltd ltd. plc group industries systems aerospace dynamics "
        "technologies electronics company co co. aviation shipyard shipyards motors works holding "
        "holdings arms ag sa gmbh s.a. defence defense".split(),
        "company",
    ),
}
# "Ministry of Defence" ends in "Defence" but is a ministry: the first word decides then.
_GOVERNMENT_STARTS = ("ministry", "department", "office", "agency", "directorate")


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    kind: str  # "country", "government_body", "military" or "company"
    country: str | None = None


@lru_cache(maxsize=512)
def is_demonym(form: str, code: str) -> bool:
    """Whether a written form of a country is its people's adjective ("Russian"), not its name."""
    country = pycountry.countries.get(alpha_3=code)
    names = {getattr(country, a, "").casefold() for a in ("name", "common_name", "official_name")} if country else set()
    return form.casefold().endswith(_DEMONYM_ENDINGS) and form.casefold() not in names


def _countries_in_run(run: str) -> list[tuple[int, int, str]]:
    """The words of a run that name a country by its name, short form or capital, longest first."""
    words = list(_WORD.finditer(run))
    found: list[tuple[int, int, str]] = []
    for size in range(min(4, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            start, end = words[i].start(), words[i + size - 1].end()
            gram = run[start:end] if run[start:end].endswith("U.S.") else run[start:end].rstrip(".'\u2019")
            if any(start < b and a < start + len(gram) for a, b, _ in found) or begins_a_name(
                run, gram, start + len(gram)
            ):
                continue
            code = country_code(gram)
            if code and gram.casefold() in country_forms(code) and not is_demonym(gram, code):
                found.append((start, start + len(gram), code))
    return sorted(found)


# Words that make a name an organisation's, never a person's.
ORGANISATION_WORDS = frozenset(_ORGANISATION_ENDINGS) | {"service", "services"}


def organisation_kind(name: str) -> str | None:
    """The kind of actor a name makes by its last word ("... Systems": a company), or by its first
    for a ministry ("Ministry of Defence"); None when neither says."""
    words = name.split()
    if not words:
        return None
    first = words[1 if words[0].casefold() == "the" and len(words) > 1 else 0].casefold()
    if first in _GOVERNMENT_STARTS:
        return "government_body"
    last = words[-1].casefold()
    return _ORGANISATION_ENDINGS.get(last.rstrip(",.'\u2019s")) or _ORGANISATION_ENDINGS.get(last)


def names_in(text: str) -> list[Name]:
    """Every country and organisation named in capitals, in text order."""
    found: list[Name] = []
    for run in _RUN.finditer(text):
        words = run.group(0).split()
        kind = organisation_kind(run.group(0))
        if kind is not None and len(words) >= 2:
            lead = len(words[0]) + 1 if words[0] == "The" else 0
            found.append(Name(run.start() + lead, run.end(), run.group(0)[lead:], kind))
            continue
        for start, end, code in _countries_in_run(run.group(0)):
            found.append(Name(run.start() + start, run.start() + end, run.group(0)[start:end], "country", code))
    return found
