"""Verbs of saying, believing and reporting: the one lexicon the code reads attributions with.

core/attribution.py finds every attribution with CUE_FORMS (and asks more of the weak
verbs, which are often ordinary verbs); core/people.py finds the people who speak with
AFTER_NAME, the verbs news writes right after a speaker's name ("Maria Zakharova said").
"""

from __future__ import annotations

import re

# After a name: in the order the pattern has always listed them (a regex tries alternatives in order).
AFTER_NAME = "|".join(
    "said says told announced stated noted added warned explained stressed emphasized emphasised "
    "claimed confirmed declared argued".split()
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
