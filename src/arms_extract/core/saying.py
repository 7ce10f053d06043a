"""Verbs of saying: one table, read three ways, and the stems that make a word a cue.

people.py finds who speaks from the article's own wording: a name before a verb ("Maria
Zakharova said"), a source after a quotation ("..., according to the DSCA") or before it
("Lloyd Austin said that ..."). Each position allows some verbs and not others; the table
says which, so a verb is added in one place. assemble.py checks that the cue a model gave
looks like a verb of saying at all, by stem ("announc" for announced and announcement).
"""

from __future__ import annotations

import re

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


def _forms(lemma: str) -> set[str]:
    """The written forms of a regular verb: note -> notes, noted, noting."""
    if lemma.endswith("ee"):
        return {lemma, lemma + "s", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    if re.fullmatch(r".*[^aeiou][aeiou][pt]", lemma) and lemma in _DOUBLED:
        return {lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    ending = "es" if lemma.endswith(("s", "sh", "ch", "x")) else "s"
    return {lemma, lemma + ending, lemma + "ed", lemma + "ing"}


_DOUBLED = {"admit", "regret", "submit", "commit"}
_IRREGULAR = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "writing"},
    "find": {"find", "finds", "found"},
    "think": {"think", "thinks", "thought"},
    "show": {"show", "shows", "showed", "shown"},
    "know": {"knows", "knew"},
    "see": {"sees", "saw"},
    "feel": {"feels", "felt"},
    "tweet": {"tweeted", "tweets", "tweeting"},
}
# Verbs that attribute a statement whatever follows them ("said the deal is done").
_STRONG = (
    "say tell write add note argue claim state announce warn explain insist acknowledge admit confirm "
    "declare stress emphasize emphasise tweet recall conclude report suggest reply respond testify assert "
    "allege concede reveal contend maintain complain caution observe comment remark mention reiterate ask "
    "urge describe deny accuse criticize criticise cite predict vow pledge promise disclose counter "
    "posit speculate lament boast tout question dismiss reject blame condemn praise continue call charge "
    "denounce highlight defend propose recommend demand threaten object protest dispute welcome applaud "
    "assure reassure inform advise forecast quip joke concur retort"
).split()
# Verbs that attribute only before "that" or a quotation ("believes that ..."): else they are
# ordinary verbs ("found the wreck", "shows the tank").
_WEAK = (
    "believe think hope fear know show find expect agree worry estimate indicate signal anticipate see "
    "feel consider doubt suspect assume want plan"
).split()

# Verbs whose bare and -s forms are more often nouns ("the state", "his claims", "a report"):
# only their -ed and -ing forms are cues.
_NOUN_LIKE = set(
    "state question report comment remark counter promise pledge vow tweet claim praise blame reply "
    "respond show find estimate signal fear hope call charge object protest dispute welcome joke see "
    "want plan doubt".split()
)


def _cue_forms(lemma: str) -> set[str]:
    forms = _IRREGULAR.get(lemma, _forms(lemma))
    if lemma in _NOUN_LIKE:
        forms = {f for f in forms if f.endswith(("ed", "ing")) or f in ("showed", "shown", "found")}
    return forms


CUE_FORMS: frozenset[str] = frozenset(form for lemma in (*_STRONG, *_WEAK) for form in _cue_forms(lemma))
WEAK_CUE_FORMS: frozenset[str] = frozenset(form for lemma in _WEAK for form in _cue_forms(lemma))
