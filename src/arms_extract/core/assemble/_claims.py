"""Claims: who said what, from the article's grammar and a DSCA notice's template sentences."""

from __future__ import annotations

from ...records import (
    ActorKind,
    Claim,
    Sale,
    Span,
)
from ..attribution import PRONOUNS, Attribution
from ..normalize import (
    is_boilerplate,
    known_body,
)
from ..sentences import sentence_spans
from ._actors import ActorBook, guess_kind
from ._context import SALE_WORDS, dsca_agency


def _strip(span: Span) -> Span:
    """The span without the white space around it."""
    leading = len(span.text) - len(span.text.lstrip())
    trailing = len(span.text) - len(span.text.rstrip())
    start, end = span.start + leading, span.end - trailing
    return Span(start=start, end=end, text=span.text[leading : len(span.text) - trailing])


def _looks_named(source: str) -> bool:
    """A speaker worth an actor: a name or a body ("Pentagon spokesman John Kirby"), not "officials"."""
    return any(word[:1].isupper() for word in source.split()[1:] or source.split()) or known_body(source) is not None


def _same_statement(a: Span, b: Span) -> bool:
    """Two content spans overlapping by at least half of the shorter (the claims metric's rule)."""
    overlap = min(a.end, b.end) - max(a.start, b.start)
    return overlap > 0 and 2 * overlap >= min(a.end - a.start, b.end - b.start)


class ClaimBuilder(ActorBook):
    """Claims as records, with their speakers resolved to actors and tied to a sale."""

    def grammar_claim(self, attribution: Attribution, sales: list[Sale]) -> Claim:
        """A claim from the article's own wording: every part is a span of it."""
        part = self.span_of
        speaker_span = part(attribution.source) if attribution.source else None
        cue_span, content = part(attribution.cue), part(attribution.content)
        speaker = None
        last_word = speaker_span.text.split()[-1].casefold() if speaker_span is not None else ""
        if speaker_span is not None:
            if speaker_span.text.casefold() in PRONOUNS or last_word in ("he", "she"):
                # "he said", "Later he said": the person named last before it.
                speaker = self.person_before(cue_span.start) if last_word in ("he", "she") else None
            elif _looks_named(speaker_span.text):
                speaker = self.find_actor(speaker_span.text) or self.add_actor(
                    speaker_span.text, guess_kind(speaker_span.text)
                )
        evidence = [s for s in (speaker_span, cue_span, content) if s is not None]
        return Claim(
            id="",
            speaker=speaker.id if speaker else None,
            speaker_name=speaker.name
            if speaker and last_word in PRONOUNS
            else (speaker_span.text if speaker_span else ""),
            cue=cue_span.text,
            content=content.text,
            direct=attribution.direct,
            sale=self.sale_for(content, sales),
            is_boilerplate=is_boilerplate(content.text),
            evidence=sorted(evidence, key=lambda s: s.start),
            speaker_span=speaker_span,
            cue_span=cue_span,
            content_span=content,
            found_by="grammar",
        )

    def add_template_claims(self, claims: list[Claim], sales: list[Sale]) -> list[Claim]:
        """In a DSCA notice, the template sentences are the agency's claims, flagged as boilerplate.

        The model seldom lists them; an analyst needs them found and marked so that
        they can be set aside. Each is the article's own sentence."""
        agency = dsca_agency(self.text)
        if agency is None:
            return claims
        speaker = self.find_actor(agency.group(0)) or self.add_actor(agency.group(0), ActorKind.government_body)
        if speaker is None:
            return claims
        covered = [c.content_span or c.evidence[-1] for c in claims if c.content_span or c.evidence]
        sentences: dict[int, Span] = {}
        for start, end in sentence_spans(self.text):
            sentence = self.span_of((start, end))
            if is_boilerplate(sentence.text) and not any(_same_statement(sentence, c) for c in covered):
                sentences[start] = sentence
        extra = [
            Claim(
                id=f"claim-{len(claims) + i + 1}",
                speaker=speaker.id,
                speaker_name=agency.group(0),
                cue=None,
                content=sentence.text.strip(),
                direct=False,
                sale=sales[0].id if sales else None,
                is_boilerplate=True,
                evidence=[_strip(sentence)],
                content_span=_strip(sentence),
                found_by="template",
            )
            for i, sentence in enumerate(sorted(sentences.values(), key=lambda s: s.start))
        ]
        return claims + extra

    def sale_for(self, content: Span, sales: list[Sale]) -> str | None:
        if not sales:
            return None
        names = [w for sale in sales for item in sale.items for w in item.name.split() if len(w) > 4]
        mentions_sale = SALE_WORDS.search(content.text) or any(n.casefold() in content.text.casefold() for n in names)
        if not mentions_sale:
            return None
        nearest = min(
            sales,
            key=lambda sale: min((abs(s.start - content.start) for s in sale.evidence), default=0),
        )
        return nearest.id
