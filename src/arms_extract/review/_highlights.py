"""Every evidence span of an extraction, with the kind of fact it supports and its record.

Sale spans take their tags from evaluation.scoring.sale_tag_spans, the reading scoring uses,
so the page (colour), the exports (label) and `eval` on a corrected export agree on what a
span is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evaluation.scoring import sale_tag_spans
from ..records import Claim, Extraction, Sale

# Kinds in the order the page's legend shows them.
KINDS = (
    "sale", "item", "quantity", "value", "date", "buyer", "seller", "claim", "speaker", "cue", "content", "actor",
)  # fmt: skip


# What a span is on the page, from the gold tag scoring gives it.
_KIND_OF_TAG = {
    "Weapon": "item", "Quantity": "quantity", "Price": "value", "Date": "date",
    "Buyer": "buyer", "Buyer Country": "buyer", "Seller": "seller", "Seller Country": "seller",
}  # fmt: skip
_CLAIM_PARTS = (("speaker", "Source"), ("cue", "Cue"), ("content", "Content"))


@dataclass(frozen=True)
class Highlight:
    """One evidence span: `kind` says what it shows, `record` which record it supports, `labels`
    the gold tags an annotator would give it (evaluation.gold.TAGS and CLAIM_TAGS; none for an
    actor mention or the wording of a deal)."""

    start: int
    end: int
    text: str
    kind: str
    record: str
    labels: tuple[str, ...] = ()


def highlights(extraction: Extraction) -> list[Highlight]:
    """Every span of every record once per record and kind, in record order."""
    found: list[Highlight] = []
    for sale in extraction.sales:
        found += _sale_highlights(extraction, sale)
    for claim in extraction.claims:
        found += _claim_highlights(extraction, claim)
    for actor in extraction.actors:
        found += _merged([(span.start, span.end, "actor", ()) for span in actor.mentions], extraction, actor.id)
    return found


def _merged(spans: list[tuple[int, int, str, tuple[str, ...]]], extraction: Extraction, record: str) -> list[Highlight]:
    """One highlight per (start, end, kind), with the labels of all its duplicates."""
    labels: dict[tuple[int, int, str], tuple[str, ...]] = {}
    for start, end, kind, tags in spans:
        known = labels.setdefault((start, end, kind), ())
        labels[(start, end, kind)] = known + tuple(t for t in tags if t not in known)
    text = extraction.article.text
    return [Highlight(a, b, text[a:b], kind, record, tags) for (a, b, kind), tags in labels.items()]


def _sale_highlights(extraction: Extraction, sale: Sale) -> list[Highlight]:
    spans = [(a, b, _KIND_OF_TAG[tag], (tag,)) for tag, a, b in sale_tag_spans(extraction, sale)]
    tagged = {(a, b) for a, b, _, _ in spans}
    for item in sale.associated:  # sold with the items (spares, training): not scored, still shown
        spans += [(s.start, s.end, "item", ()) for s in item.evidence if (s.start, s.end) not in tagged]
        tagged |= {(s.start, s.end) for s in item.evidence}
    wording = [*sale.evidence, *([sale.seller_inference] if sale.seller_inference else [])]
    wording += [w.evidence for w in (sale.condition, sale.licensed_production, sale.context) if w is not None]
    spans += [(s.start, s.end, "sale", ()) for s in wording if (s.start, s.end) not in tagged]
    return _merged(spans, extraction, sale.id)


def _claim_highlights(extraction: Extraction, claim: Claim) -> list[Highlight]:
    spans = [
        (span.start, span.end, kind, (tag,))
        for kind, tag in _CLAIM_PARTS
        if (span := getattr(claim, f"{kind}_span")) is not None
    ]
    named = {(a, b) for a, b, _, _ in spans}
    spans += [(s.start, s.end, "claim", ()) for s in claim.evidence if (s.start, s.end) not in named]
    return _merged(spans, extraction, claim.id)
