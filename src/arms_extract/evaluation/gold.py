"""Gold articles: what a person (or a notice's own wording) says an article contains."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .claims import GoldAttribution

TAGS = ("Weapon", "Buyer", "Buyer Country", "Seller", "Seller Country", "Quantity", "Price", "Date", "Answer")
# The parts of an attribution, as a reviewed export labels them.
CLAIM_TAGS = ("Source", "Cue", "Content")


@dataclass(frozen=True)
class GoldLabel:
    tag: str
    text: str
    start: int = -1
    end: int = -1
    derived: bool = False  # from a title or a template sentence, not a human span

    @property
    def has_span(self) -> bool:
        return self.start >= 0 and not self.derived


@dataclass
class GoldArticle:
    id: str
    text: str
    labels: list[GoldLabel] = field(default_factory=list)
    published: dt.date | None = None
    skipped_labels: int = 0  # labels whose offsets do not match the text
    # "news" (span-annotated), "dsca" (derived gold), "polnear" (attributions) or "reviewed" (both,
    # from a corrected Label Studio or doccano export)
    kind: str = "news"
    attributions: list[GoldAttribution] = field(default_factory=list)

    def values(self, tag: str) -> list[GoldLabel]:
        return [label for label in self.labels if label.tag == tag]

    @property
    def scores_deal_spans(self) -> bool:
        return self.kind in ("news", "reviewed")

    @property
    def scores_claims(self) -> bool:
        return self.kind in ("polnear", "reviewed")

    @property
    def has_deal(self) -> bool:
        """The dataset's rule: an article has a deal when it has a Weapon or a Buyer Country label."""
        return any(label.tag in ("Weapon", "Buyer Country") for label in self.labels)
