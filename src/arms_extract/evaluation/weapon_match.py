"""When two weapon mentions name the same weapon: the fuzzy rule the evaluation uses.

A mention's keys are its designations ("F-16" -> "f16", "AIM-120D-3" -> "aim120d3",
"737") and its proper-name words ("Rafale", "Tomahawk"), leaving out country
words, manufacturers and generic nouns ("Boeing", "Chinese", "Missiles").
Two mentions match when

1. both have designations and one designation equals the other or is its family
   ("aim120" and "aim120d3", not "f16" and "f160"); else
2. they share a proper-name word; else
3. one of them is generic (no key at all: "the aircraft", "submarines") and
   their last words agree once singular ("submarine").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..core.normalize import country_code

_DESIGNATION = re.compile(r"(?<![\w-])([A-Za-z]{0,6}-?\s?\d+[A-Za-z0-9-]*|\d{3,})(?![\w])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_GENERIC = set(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "for",
        "with",
        "to",
        "from",
        "in",
        "on",
        "by",
        "its",
        "their",
        "new",
        "more",
        "further",
        "additional",
        "aircraft",
        "airplane",
        "plane",
        "jet",
        "fighter",
        "interceptor",
        "bomber",
        "helicopter",
        "chopper",
        "gunship",
        "missile",
        "system",
        "weapon",
        "vehicle",
        "tank",
        "ship",
        "vessel",
        "submarine",
        "boat",
        "frigate",
        "corvette",
        "destroyer",
        "carrier",
        "drone",
        "uav",
        "ucav",
        "unmanned",
        "aerial",
        "combat",
        "multirole",
        "multi-role",
        "air",
        "airborne",
        "defense",
        "defence",
        "sale",
        "deal",
        "equipment",
        "support",
        "upgrade",
        "program",
        "programme",
        "light",
        "heavy",
        "main",
        "battle",
        "armoured",
        "armored",
        "guided",
        "launcher",
        "launch",
        "rocket",
        "radar",
        "gun",
        "howitzer",
        "artillery",
        "munition",
        "ammunition",
        "bomb",
        "block",
        "kit",
        "transport",
        "tanker",
        "trainer",
        "patrol",
        "attack",
        "strike",
        "joint",
        "advanced",
        "medium",
        "long",
        "short",
        "range",
        "surface",
        "anti",
        "ballistic",
        "cruise",
        "tactical",
        "strategic",
        "mk",
        "type",
        "class",
        "version",
        "model",
        "variant",
        "government",
        "kingdom",
        "republic",
        "navy",
        "army",
        "force",
        "forces",
        "military",
        "national",
        "royal",
        "naval",
        "marine",
        "coast",
        "guard",
        "unit",
        "units",
        "engine",
        "engines",
        "spare",
        "spares",
        "part",
        "parts",
        "service",
        "services",
        "training",
        "package",
        "rifle",
        "rifles",
        "vehicles",
        "boeing",
        "airbus",
        "lockheed",
        "martin",
        "raytheon",
        "dassault",
        "saab",
        "bae",
        "general",
        "dynamics",
        "atomics",
        "northrop",
        "grumman",
        "sikorsky",
        "bell",
        "textron",
        "rafael",
        "elbit",
        "aerospace",
        "industries",
        "leonardo",
        "thales",
        "mbda",
        "group",
        "rostec",
        "sukhoi",
        "mikoyan",
        "kamov",
        "mil",
        "irkut",
        "yakovlev",
        "hyundai",
        "rotem",
        "hanwha",
        "denel",
        "embraer",
        "kai",
        "korea",
        "korean",
    ]
)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def weapon_keys(mention: str) -> tuple[frozenset[str], frozenset[str]]:
    """(designations, proper-name words) of a weapon mention, lower-case."""
    designations = set()
    for match in _DESIGNATION.finditer(mention):
        token = re.sub(r"[\s-]", "", match.group(1)).lower()
        if any(c.isdigit() for c in token) and (any(c.isalpha() for c in token) or len(token) >= 3):
            designations.add(token)
    names = set()
    for match in _WORD.finditer(mention):
        word = match.group(0).strip("'\u2019-")
        if len(word) < 3 or not word[0].isupper() or any(c.isdigit() for c in word):
            continue
        lowered = _singular(word.lower().replace("\u2019", "'").removesuffix("'s"))
        if lowered in _GENERIC or _singular(lowered) in _GENERIC or country_code(word) is not None:
            continue
        names.add(lowered)
    return frozenset(designations), frozenset(names)


def is_generic(mention: str) -> bool:
    designations, names = weapon_keys(mention)
    return not designations and not names


def _same_family(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return short == long or (long.startswith(short) and long[len(short)].isalpha())


def _head(mention: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(mention)]
    return _singular(words[-1]) if words else None


def same_weapon(a: str, b: str) -> bool:
    """The documented fuzzy rule (module docstring)."""
    a_designations, a_names = weapon_keys(a)
    b_designations, b_names = weapon_keys(b)
    if a_designations and b_designations:
        if any(_same_family(x, y) for x in a_designations for y in b_designations):
            return True
        return bool(a_names & b_names)
    if a_names & b_names:
        return True
    if not (a_designations or a_names) or not (b_designations or b_names):
        head = _head(a)
        return head is not None and head == _head(b)
    return False


def cluster_mentions(mentions: list[str]) -> list[list[str]]:
    """Group one article's gold mentions into weapons.

    Generic mentions join a cluster they match; clusters of generic mentions only are dropped
    when the article names any weapon specifically (they refer back to it: "the aircraft")."""
    clusters: list[list[str]] = []
    for mention in sorted(mentions, key=is_generic):
        home = next((c for c in clusters if any(same_weapon(mention, m) for m in c)), None)
        if home is None:
            clusters.append([mention])
        else:
            home.append(mention)
    specific = [c for c in clusters if not all(is_generic(m) for m in c)]
    return specific or clusters


# Systems news calls by a name as often as by a designation: either gives the same key.
SYSTEM_NAMES: dict[str, str] = {
    "amraam": "aim120", "advanced medium-range air-to-air missile": "aim120", "sidewinder": "aim9",
    "tomahawk": "bgm109", "hellfire": "agm114", "harpoon": "agm84", "javelin": "fgm148", "stinger": "fim92",
    "patriot": "mim104", "pac3": "mim104", "himars": "m142", "atacms": "mgm140", "gmlrs": "m31",
    "abrams": "m1", "bradley": "m2", "black hawk": "uh60", "blackhawk": "uh60", "apache": "ah64",
    "chinook": "ch47", "super tucano": "emb314", "tucano": "emb314", "a29": "emb314", "reaper": "mq9",
    "predator": "mq1", "osprey": "v22", "hercules": "c130", "jassm": "agm158", "alligator": "ka52",
    "katran": "ka52k", "triumf": "s400", "antey2500": "s300vm", "solntsepek": "tos1", "rafale": "rafale",
    "typhoon": "eurofighter", "gripen": "jas39", "fighting falcon": "f16", "lightning ii": "f35",
}  # fmt: skip
_MAKERS = ("airbus", "boeing", "embraer", "bell", "sukhoi", "kamov", "lockheed", "sikorsky", "dassault", "saab", "mil")
_FAMILY = re.compile(r"^([a-z]*)(\d+)")
_NOT_SYSTEMS = frozenset({"super", "project", "class", "type", "model", "block", "mark", "variant", "version"})


@lru_cache(maxsize=8192)
def system_keys(mention: str) -> frozenset[str]:
    """Keys under which a mention may name the same system as another: designation families
    ("aim120" for "AIM-120D-3"), the bare number of a one-letter or maker-prefixed designation
    ("145" for "H145M" and "Airbus 145M"), proper-name words, and SYSTEM_NAMES for both.
    Two mentions that share no key are never one system ("F-16" and "F-35")."""
    designations, names = weapon_keys(mention)
    keys: set[str] = set()
    for token in designations:
        keys.add(SYSTEM_NAMES.get(token, token))
        family = _FAMILY.match(token)
        if family:
            keys.add(SYSTEM_NAMES.get(family.group(0), family.group(0)))
            if len(family.group(1)) <= 1 or family.group(1) in _MAKERS:
                keys.add(family.group(2))
    # A name word that only spells a designation's letters ("AIM" of "AIM-120") or a word that names
    # no system by itself ("Super" Tucano, "Project" 22160) is not a key.
    names = {n for n in names if n not in _NOT_SYSTEMS and not any(t.startswith(n) for t in designations)}
    keys |= {SYSTEM_NAMES.get(name, name) for name in names}
    lowered = mention.casefold()
    keys |= {key for phrase, key in SYSTEM_NAMES.items() if " " in phrase and phrase in lowered}
    return frozenset(keys)
