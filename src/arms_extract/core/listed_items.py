"""Weapons an article lists, found by code: with their count ("three RPB 33 patrol boats",
"294 Oplot-M main battle tanks", "41 Dhruvs") and, in news, without one when a designation or
"a" names them ("T-90 main battle tanks", "a Predator patrol craft").

The model reads an article's main deal well and leaves out the rest: the second and third
item of a list, a deal told in one sentence further down. A count before a weapon's name in
a sentence about a transfer is cheap to find and is seldom anything else, so code finds
every one and assembly decides which sale it belongs to (or that it is a sale of its own).
Every hit is a span of the article: nothing here can be invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .makers import makers_in
from .names import ORGANISATION_WORDS
from .normalize import country_in, is_year
from .sentences import sentence_spans

# The head noun a weapon's name ends in; or a designation in the plural ("An-26s", "Ka-52s").
_HEAD = (
    r"(?:helicopters|helos|choppers|aircraft|jets|fighters|planes|bombers|drones|UAVs|UAS|tanks|"
    r"vehicles|APCs|IFVs|carriers|missiles|interceptors|launchers|boats|ships|vessels|frigates|"
    r"corvettes|submarines|destroyers|craft|howitzers|guns|cannons|rifles|radars|torpedoes|rockets|"
    r"bombs|mortars|batteries|(?-i:[A-Z][A-Za-z/]*-\d+[A-Za-z]*s))"
)
_COUNT = (
    r"(?<![\w.,/$\u20ac\u00a3-])"
    r"(\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)"
)
# Up to six words between the count and the head, none of them a verb or a preposition that
# starts another phrase ("12 of these Ukrainian armored recovery vehicles" keeps "of these").
_BETWEEN = r"((?:of (?:these|those|the) )?(?:[\w/().'\u2019-]+ ){0,6}?)"
_NUMBER = re.compile(r"\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?")
_OF_THESE = re.compile(r"of (?:these|those|the) ")
# A model's name in the plural as the head: "126 Rafales", "16 Black Hawks", "four Super Hercules",
# "50,000 JLTVs" (not "two million Kurds", "40 Republicans", "Denel Dynamics": see _proper_plural).
_PROPER_PLURAL = r"(?P<plural>(?-i:[A-Z][a-z]{2,}s|[A-Z]{3,5}s))"
_LISTED = re.compile(_COUNT + r"\s+" + _BETWEEN + r"(?:" + _HEAD + r"|" + _PROPER_PLURAL + r")\b", re.IGNORECASE)
_STOP_WORDS = frozenset(
    "or to for from by with in on at per which that who were was are is have has had will would "
    "percent per cent years months days hours km miles kg tons tonnes million billion thousand".split()
)
# A sentence about a transfer: someone orders, buys, receives, sells or delivers.
_TRANSFER = re.compile(
    r"\b(order\w*|buy\w*|bought|acquir\w*|acquisition|purchas\w*|deliver\w*|sold|sells?|selling|sale|"
    r"receiv\w*|procur\w*|suppl\w*|export\w*|contract\w*|handed over|transfer\w*|deal)\b",
    re.IGNORECASE,
)


# A capitalised word right before the number, not at the sentence's start: the number names a model.
_IN_A_NAME = re.compile(r"(?<=\S)\s+[A-Z][\w-]*\s+$")


# A word of a name, not one that starts another phrase ("AT-9 and AT-16 missiles", "... of the ...").
_NOT_A_JOINER = r"(?!(?:and|or|of|to|for|from|with|in|on|the)\b)"
# A weapon named by its designation, with no count: "T-90 main battle tanks", "Su-30MKA fighter
# aircraft", "S-400 missile defense system". Over the 331 dev articles outside the fixed, working and
# fresh samples, 40 of 48 such names in a sentence about a transfer are annotated weapons, once the
# aircraft a purchase replaces are left out (below; scripts/listed_precision.py); with the names
# after "a" (_ONE_NAMED), 49 of 57.
_DESIGNATED = re.compile(
    r"(?<![\w-])((?-i:[A-Z][A-Za-z]{0,5}-\d{1,4}[A-Za-z]*)(?:[\s-]+"
    + _NOT_A_JOINER
    + r"(?-i:[a-z][\w-]*|[A-Z][\w-]*)){0,3}?\s+(?:"
    + _HEAD
    + r"|systems?))\b",
    re.IGNORECASE,
)
# One weapon named after "a" or "an": "a Predator patrol craft from China", "an Mi-171 helicopter".
_SINGULAR_HEAD = (
    r"(?:helicopter|aircraft|jet|fighter|plane|drone|tank|vehicle|carrier|missile|launcher|boat|ship|"
    r"vessel|frigate|corvette|submarine|destroyer|craft|howitzer|radar|system)"
)
_ONE_NAMED = re.compile(
    r"\b(?:a|an)\s+((?-i:[A-Z][\w-]*)(?:\s+" + _NOT_A_JOINER + r"[\w-]+){0,3}?\s+" + _SINGULAR_HEAD + r")\b",
    re.IGNORECASE,
)

# A head noun of a weapon's name, in the singular or the plural.
_EITHER_HEAD = r"(?:" + _HEAD + "|" + _SINGULAR_HEAD + r"|systems?)"
# Any head noun, one or more, inside a name.
_ANY_HEAD = re.compile(r"\b" + _EITHER_HEAD + r"\b", re.IGNORECASE)
# Up to two describing words, then a head noun, right after a name: "Attack class| submarine",
# "S-400| air defense system"; not across a joiner or a verb ("Patriot| and other missiles").
_HEAD_AFTER = re.compile(
    r"(?:\s+(?!(?:and|or|of|to|for|from|with|in|on|the|is|are|was|were|has|have|had|will|would|as|at|by|than)\b)"
    r"(?-i:[a-z][\w-]*)){0,2}?\s+" + _EITHER_HEAD + r"\b",
    re.IGNORECASE,
)


_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}s?")


def acronym_defined(text: str, start: int, end: int) -> int | None:
    """Where the words an acronym in brackets stands for begin: "Israel-built unmanned aerial
    vehicles (UAV)" for the item "UAV", so that what is written before them (the make) is read."""
    name = text[start:end]
    if not _ACRONYM.fullmatch(name) or text[start - 1 : start] != "(" or text[end : end + 1] != ")":
        return None
    letters = [c for c in name.removesuffix("s") if c.isalpha()]
    window = max(0, start - 120)
    words = list(re.finditer(r"[A-Za-z][\w-]*", text[window : start - 1]))[-len(letters) :]
    if len(words) < len(letters) or [w.group()[0].upper() for w in words] != letters:
        return None
    return window + words[0].start()


def head_noun_end(text: str, start: int, end: int) -> int:
    """The end of a weapon's name with the head noun written right after it, when the name at
    [start, end) has none ("Attack class" written "Attack class submarine"); else `end`."""
    if _ANY_HEAD.search(text, start, end):
        return end
    match = _HEAD_AFTER.match(text, end)
    return match.end() if match else end


# "to replace its MiG-29 jets", "replace outdated US F-5 Tiger aircraft": the weapon going out of service.
_REPLACED = re.compile(r"\breplac\w*\s+(?:[\w-]+\s+){0,4}$", re.IGNORECASE)


@dataclass(frozen=True)
class ListedItem:
    """A listed weapon: its name as written, its count (None for a designation or a name after "a"
    written without one), and its sentence."""

    name: tuple[int, int]
    count: tuple[int, int] | None
    sentence: tuple[int, int]


def _counted(match: re.Match[str], news: bool) -> bool:
    """Whether a match is a count and its weapon: not a year, no other count or clause between
    ("12 second hand and upgraded Mi-24P/Mi-35P attack helicopters" is one), and not the number
    of a model's name ("Project 11356 frigates")."""
    count, between = match.group(1), match.group(2)
    words = [word.casefold() for word in between.split()]
    if is_year(count) or any(word in _STOP_WORDS for word in words):
        return False
    if "and" in words and any(_NUMBER.fullmatch(word) for word in words):
        return False  # "30 pilots and 70 helicopters": two counts
    if match.group("plural") and not (news and _proper_plural(match.group("plural"), between.split())):
        return False
    return not _names_a_model(match)


_NOT_MODELS = frozenset("republicans democrats news rolls solutions technologies electronics communications".split())
# Words that may stand between a count and a model's plural name: "12 retired Cheetahs", "22
# modernised radar-equipped Spanish Mirages", "110 Block III Super Hornets".
_BEFORE_PLURAL = frozenset(
    "ex used new more additional retired former modernised modernized upgraded refurbished conventional "
    "second-hand radar-equipped".split()
)
_MONTHS = frozenset("january february march april may june july august september october november december".split())


def _proper_plural(head: str, between: list[str]) -> bool:
    """Whether a capitalised plural after a count is a model's name: not a people's ("two million
    Kurds", "40 Republicans"), nor an organisation's ("Denel Dynamics"), and with only a model's
    words or a few adjectives between ("on 22 March this year Critical Solutions" is a date)."""
    folded = head.casefold()
    if folded in _NOT_MODELS or folded in ORGANISATION_WORDS or country_in(head) or country_in(head[:-1]):
        return False
    return len(between) <= 4 and all(
        word.casefold() not in _MONTHS
        and (word[:1].isupper() or word.casefold() in _BEFORE_PLURAL or word[:1].isdigit())
        for word in between
    )


def _names_a_model(match: re.Match[str]) -> bool:
    """Whether the count is the number of a model's name ("Project 11356 frigates")."""
    return match.start(1) > 0 and _IN_A_NAME.search(match.string, 0, match.start(1)) is not None


# "16 Caracal and 50 Black Hawk helicopters": the first model of a pair sharing one head noun.
_PAIR = re.compile(
    r"((?-i:[A-Z][\w/-]*)(?: (?-i:[A-Z0-9][\w/-]*)){0,2}) and (?:\d[\d,]*|" + _NUMBER.pattern + r") ", re.I
)


def _first_of_pair(match: re.Match[str]) -> tuple[int, int] | None:
    """(start, end) in the sentence of the first name of "<count> <Name> and <count> <Name> <head>"."""
    pair = _PAIR.match(match.group(2))
    if pair is None or is_year(match.group(1)) or _names_a_model(match):
        return None
    return match.start(2), match.start(2) + pair.end(1)


def listed_items(text: str, news: bool = False) -> list[ListedItem]:
    """Every count written before a weapon's name in a sentence about a transfer, in text order.
    With `news` (any article but a DSCA notice, whose one sale lists its parts), also the counts
    before a model's name in the plural ("126 Rafales") and the weapons named without a count: by
    a designation ("T-90 main battle tanks") or after "a" ("a Predator patrol craft")."""
    found: list[ListedItem] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not _TRANSFER.search(sentence):
            continue
        counted = len(found)
        position = 0
        while (match := _LISTED.search(sentence, position)) is not None:
            # A rejected match gives way at its count, so "12 years and 20 F-16s" still finds "20 F-16s".
            position = match.end() if _counted(match, news) else match.end(1)
            if position != match.end():
                first = _first_of_pair(match)
                if first is not None:
                    found.append(
                        ListedItem(
                            name=(start + first[0], start + first[1]),
                            count=(start + match.start(1), start + match.end(1)),
                            sentence=(start, end),
                        )
                    )
                continue
            between = match.group(2)
            lead = _OF_THESE.match(between)
            name_start = start + match.start(2) + (lead.end() if lead else 0)
            found.append(
                ListedItem(
                    name=(name_start, start + match.end()),
                    count=(start + match.start(1), start + match.end(1)),
                    sentence=(start, end),
                )
            )
        if news:
            designated = _designated(text, (start, end), found[counted:])
            found[counted:] = sorted([*found[counted:], *designated], key=lambda item: item.name[0])
    return found


def _designated(text: str, sentence: tuple[int, int], counted: list[ListedItem]) -> list[ListedItem]:
    """The weapons of a sentence named by a designation or after "a", with no count before them
    (counted ones are `counted`), in text order, except the ones a purchase replaces."""
    start, end = sentence
    found: list[ListedItem] = []
    matches = [*_DESIGNATED.finditer(text, start, end), *_ONE_NAMED.finditer(text, start, end)]
    for match in sorted(matches, key=lambda m: m.start(1)):
        name = (match.start(1), match.end(1))
        if any(item.name[0] < name[1] and name[0] < item.name[1] for item in [*counted, *found]):
            continue
        first = re.sub(r"-(?:made|built|designed|produced)$", "", text[name[0] : name[1]].split()[0])
        if _REPLACED.search(text, start, name[0]) or country_in(first):
            continue  # "a Chinese-made air defense system" is no name
        found.append(ListedItem(name=name, count=None, sentence=sentence))
    return found


def is_named(name: str) -> bool:
    """Whether a listed item has a name of its own (a capitalised word or a designation), not only
    a kind ("new helicopters", "vehicles"), which is usually another mention of a named item."""
    return any(word[:1].isupper() or any(c.isdigit() for c in word) for word in name.split())


def same_model(a: str, b: str) -> bool:
    """Whether two names are mentions of one weapon: a designation in common ("Ka-52s" and
    "Ka-52 attack helicopters"), one name inside the other, or a proper name in common that is
    no country's ("80 Patriot missiles" and "Patriot air defense missile systems")."""
    a_folded, b_folded = a.casefold(), b.casefold()
    if a_folded in b_folded or b_folded in a_folded:
        return True
    return bool(_families(a) & _families(b)) or bool(_proper_words(a) & _proper_words(b))


_PROPER = re.compile(r"\b[A-Z][A-Za-z]{2,}\b")
# Capitalised words that many models' names share: a maker's, a class's, a service's.
_SHARED_WORDS = frozenset(
    "Super Advanced Joint Light Heavy New Class Block Type Project Mark Air Force Navy Army Naval Defense "
    "Defence Systems System Multi Mission Patrol Fighter Attack Strike Combat Transport Armored Armoured".split()
)


def _proper_words(name: str) -> set[str]:
    """The proper words of a name that may name its model: not a country's, a maker's or a class's."""
    makers = " ".join(name[start:end] for start, end, _ in makers_in(name)).split()
    return {
        word
        for word in _PROPER.findall(name)
        if word not in _SHARED_WORDS and word not in makers and country_in(word) is None
    }


# A model's family: "Ka-52" in "Ka-52s" and "Ka-52K Katran", "F-16" in "F-16V fighters".
_FAMILY = re.compile(r"\b([A-Z][A-Za-z]{0,5}-\d{1,4})")


def _families(name: str) -> set[str]:
    return {family.casefold() for family in _FAMILY.findall(name)}
