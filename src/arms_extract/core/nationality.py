"""Where a company is from, as the article itself writes it.

News says it next to the name: "Israel's Rafael", "the Slovak company Letecké opravovne
Trenčín (LOTN)", "Lockheed Martin's Polish subsidiary PZL Mielec", "Boeing, an American
multinational corporation", "US-based Textron". A seller named as a company then has a
country the article states, not one a table or the model supplies. Two countries on one name
("Turkish-Qatari manufacturer BMC") say nothing certain, so none is taken.
"""

from __future__ import annotations

import re

from ..records import Span
from .normalize import country_code

# Words that may stand between the country word and the company's name ("the Slovak state-owned
# aircraft repair company LOTN"). Anything else (a verb, "with", "to") ends the search.
_BETWEEN = frozenset(
    """
    the a an company companies firm firms manufacturer manufacturers maker makers group contractor contractors
    shipbuilder shipyard corporation giant conglomerate subsidiary subsidiaries producer supplier developer
    builder specialist consortium venture joint outfit house defence defense arms aerospace aircraft aviation
    helicopter missile weapons weapon vehicle vehicles armoured armored electronics engineering industrial
    technology naval military repair maintenance state-owned state-run state privately-owned private leading
    major main national
    """.split()
)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'\u2019-]*|[(),;:.!?\"]")
# "Rheinland Air Service (RAS), a German firm": the acronym in brackets may stand before the comma.
_APPOSITION = re.compile(r"^(?:\s*\([^()]{1,20}\)|\))?\s*,\s+(?:an?|the)\s+((?:[\w'\u2019-]+\s+){0,3}?)([A-Z][\w-]+)")
_LOOK_BACK = 120  # characters before a mention; about a dozen words
_MAX_STEPS = 8


def _country_of_word(word: str) -> str | None | bool:
    """The country a word names ("Slovak", "Israel's", "US-based"); False for two ("Turkish-Qatari")."""
    word = re.sub(r"['\u2019]s?$", "", word)
    word = re.sub(r"-(?:based|owned|headquartered|registered|made|built)$", "", word, flags=re.IGNORECASE)
    code = country_code(word)
    if code is not None:
        return code
    parts = [country_code(part) for part in word.split("-")] if "-" in word else []
    return False if sum(part is not None for part in parts) > 1 else None


def _country_before(text: str, mention: Span) -> str | None:
    before = text[max(0, mention.start - _LOOK_BACK) : mention.start]
    # Not across a line break: a headline ("... configure Pakistani ATR-72s") is no part of the name.
    tokens = _TOKEN.findall(before[before.rfind("\n") + 1 :])
    # An acronym in brackets follows the full name, whose words may be in any case:
    # "the Slovak company Letecké opravovne Trenčín (LOTN)".
    bracketed = bool(tokens) and tokens[-1] == "("
    for steps, token in enumerate(reversed(tokens[:-1] if bracketed else tokens), start=1):
        if steps > _MAX_STEPS or not token[0].isalpha():
            return None
        code = _country_of_word(token)
        if code is False:
            return None
        if code is not None:
            return code
        if not ((bracketed and steps <= 3) or token[0].isupper() or token.casefold() in _BETWEEN):
            return None  # "with", "awarded": not a word of the name or of its description
    return None


def _country_after(text: str, mention: Span) -> str | None:
    """ "Boeing, an American multinational corporation": the adjective of an apposition."""
    match = _APPOSITION.match(text[mention.end : mention.end + _LOOK_BACK])
    if match is None:
        return None
    for word in [*match.group(1).split(), match.group(2)]:
        code = _country_of_word(word)
        if code is False:
            return None
        if code is not None:
            return code
    return None


def company_country(text: str, mentions: list[Span]) -> str | None:
    """The one country the article writes on a company's mentions; None when none or several."""
    found = {code for mention in mentions for code in (_country_before(text, mention), _country_after(text, mention))}
    found.discard(None)
    return found.pop() if len(found) == 1 else None
