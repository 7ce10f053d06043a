"""Verbs of saying: one table, read three ways, and the stems that make a word a cue.

people.py finds who speaks from the article's own wording: a name before a verb ("Maria
Zakharova said"), a source after a quotation ("..., according to the DSCA") or before it
("Lloyd Austin said that ..."). Each position allows some verbs and not others; the table
says which, so a verb is added in one place. assemble.py checks that the cue a model gave
looks like a verb of saying at all, by stem ("announc" for announced and announcement).
"""

from __future__ import annotations

# verb (or phrase): (after a name, after a quotation, before a quotation); a string in the last
# place is the form it takes there ("told reporters that ...").
_TABLE: dict[str, tuple[bool, bool, bool | str]] = {
    "said": (True, True, True),
    "says": (True, True, True),
    "told": (True, True, r"told[ \t]+\w+"),
    "announced": (True, False, True),
    "stated": (True, True, True),
    "noted": (True, True, True),
    "added": (True, True, True),
    "warned": (True, False, True),
    "explained": (True, False, False),
    "stressed": (True, False, False),
    "emphasized": (True, False, False),
    "emphasised": (True, False, False),
    "claimed": (True, False, False),
    "confirmed": (True, False, False),
    "declared": (True, False, False),
    "argued": (True, False, False),
    "according to": (False, True, False),
}

# In the order each pattern has always listed them (a regex tries alternatives in order).
_AFTER_NAME_ORDER = ("said", "says", "told", "announced", "stated", "noted", "added", "warned", "explained",
                     "stressed", "emphasized", "emphasised", "claimed", "confirmed", "declared", "argued")  # fmt: skip
_AFTER_QUOTE_ORDER = ("according to", "said", "says", "noted", "told", "stated", "added")
_BEFORE_QUOTE_ORDER = ("said", "says", "told", "noted", "stated", "added", "announced", "warned")


def _alternation(order: tuple[str, ...], position: int) -> str:
    forms = []
    for verb in order:
        allowed = _TABLE[verb][position]
        assert allowed, f"{verb} is not used in position {position}"
        forms.append(allowed if isinstance(allowed, str) else verb)
    return "|".join(forms)


AFTER_NAME = _alternation(_AFTER_NAME_ORDER, 0)
AFTER_QUOTE = _alternation(_AFTER_QUOTE_ORDER, 1)
BEFORE_QUOTE = _alternation(_BEFORE_QUOTE_ORDER, 2)

# Stems of verbs (and nouns) of saying, believing and reporting: a model's cue must hold one.
CUE_STEMS = (
    r"sa(id|y)|told|tell|not(ed|es)|stat|announc|report|add|accord|confirm|warn|claim|stress|"
    r"expla|believ|confiden|argu|insist|den(y|ie)|call|urg|accus|threat|comment|declar|quot|"
    r"wr(i|o)te|cit|emphas|assert|suggest|express|describ|predict|promis|pledg|vow|acknowledg|"
    r"admit|clarif|indicat|point|recall|mention|reiterat|underline|highlight|decid"
)
