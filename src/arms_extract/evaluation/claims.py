"""Score claims against human attribution annotations (the PolNeAR format).

A predicted claim matches a gold attribution when their content spans overlap
by at least half of the shorter (a part may be several spans; their lengths
add up). Pairs are matched one to one, largest overlap first. On matched pairs:
the speaker is right when its span overlaps the gold source, or its resolved
name is written in the gold source (counted only where the gold source is not
a pronoun: those need coreference the annotation does not give); the cue is
right when its span overlaps the gold cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.attribution import PRONOUNS
from .counts import precision_recall_f1

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    source: Spans
    cue: Spans
    content: Spans
    source_text: str = ""


@dataclass(frozen=True)
class PredictedClaim:
    content: tuple[int, int]
    speaker: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None
    speaker_name: str | None = None  # the actor it was resolved to, when the span is a pronoun


def read_spans(parts: object, text: str, where: str) -> Spans:
    """A PolNeAR part: a list of {start, end, text} whose text is the article's own."""
    spans = []
    for part in parts if isinstance(parts, list) else []:
        start, end = int(part["start"]), int(part["end"])
        if text[start:end] != part.get("text", text[start:end]):
            raise ValueError(f"{where}: span {start}-{end} does not match its text")
        spans.append((start, end))
    return tuple(spans)


def _length(spans: Spans) -> int:
    return sum(b - a for a, b in spans)


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def content_match(predicted: tuple[int, int], gold: Spans) -> int:
    """The overlap when it is at least half of the shorter content, else 0."""
    overlap = _overlap((predicted,), gold)
    shorter = min(predicted[1] - predicted[0], _length(gold))
    return overlap if shorter > 0 and overlap * 2 >= shorter else 0


def is_pronoun(source_text: str) -> bool:
    return source_text.strip().casefold() in PRONOUNS


def _speaker_right(claim: PredictedClaim, gold: GoldAttribution) -> bool:
    if claim.speaker is not None and _overlap((claim.speaker,), gold.source) > 0:
        return True
    if claim.speaker_name:
        last = claim.speaker_name.split()[-1].casefold()
        return last in gold.source_text.casefold().split()
    return False


@dataclass
class ClaimCounts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_scored: int = 0
    speaker_right: int = 0
    cue_right: int = 0

    def add(self, gold: list[GoldAttribution], predicted: list[PredictedClaim]) -> list[tuple[int, int]]:
        """Count one article; returns the matched (gold index, predicted index) pairs."""
        self.gold += len(gold)
        self.predicted += len(predicted)
        candidates = sorted(
            (
                (overlap, g, p)
                for g, attribution in enumerate(gold)
                for p, claim in enumerate(predicted)
                if (overlap := content_match(claim.content, attribution.content))
            ),
            reverse=True,
        )
        used_gold: set[int] = set()
        used_predicted: set[int] = set()
        pairs = []
        for _, g, p in candidates:
            if g in used_gold or p in used_predicted:
                continue
            used_gold.add(g)
            used_predicted.add(p)
            pairs.append((g, p))
            attribution, claim = gold[g], predicted[p]
            self.matched += 1
            if attribution.source and not is_pronoun(attribution.source_text):
                self.speaker_scored += 1
                self.speaker_right += _speaker_right(claim, attribution)
            self.cue_right += claim.cue is not None and _overlap((claim.cue,), attribution.cue) > 0
        return pairs

    def scores(self) -> dict[str, float | int | None]:
        """Precision, recall, F1 (None without gold attributions), then speaker and cue on matched pairs."""
        return {
            **precision_recall_f1(self.matched, self.predicted, self.matched, self.gold),
            "speaker": round(self.speaker_right / self.speaker_scored, 4) if self.speaker_scored else 0.0,
            "cue": round(self.cue_right / self.matched, 4) if self.matched else 0.0,
            "predicted": self.predicted,
            "gold": self.gold,
            "matched": self.matched,
        }
