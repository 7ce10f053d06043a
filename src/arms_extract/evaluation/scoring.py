"""Score a system's answers against gold articles: deal detection, values, token spans, grounding, cost.

What a system returns is first reduced to `SystemArticle` (values per sale,
evidence spans per tag, grounding counts, cost), so our pipeline and the
baseline are scored by the same code. Definitions are in docs/evaluation.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..core.followup import ASKED, FAILED
from ..core.normalize import country_code, country_in, country_words, parse_money, parse_quantity, text_before
from ..records import Extraction, Sale, Span
from .claims import ClaimCounts, PredictedClaim
from .counts import Counts
from .evalset import GoldArticle
from .main_deal import MainDealCounts
from .weapon_match import cluster_mentions, same_weapon

ATTRIBUTES = ("buyer_country", "seller_country", "weapon", "quantity", "price")
TOKEN_TAGS = ("Weapon", "Buyer", "Buyer Country", "Seller", "Seller Country", "Quantity", "Price", "Date")
PRICE_TOLERANCE = 0.02
# Annotated parties an extracted actor should cover: bodies, companies and countries that buy or sell.
_PARTY_TAGS = ("Buyer", "Seller", "Buyer Country", "Seller Country")


@dataclass
class PredictedSale:
    buyer_country: str | None = None
    seller_country: str | None = None
    weapons: list[str] = field(default_factory=list)
    quantities: list[int] = field(default_factory=list)
    price: tuple[float, str] | None = None  # (amount, ISO 4217)
    price_in_dollars: tuple[float, str] | None = None  # the article's own conversion of another currency


@dataclass
class SystemArticle:
    """One article as a system answered it, reduced to what is scored."""

    id: str
    ok: bool = True
    error: str | None = None
    sales: list[PredictedSale] = field(default_factory=list)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # tag -> evidence spans
    grounded: int = 0  # values with an exact span in the article
    invented: int = 0  # values found nowhere in the article
    unspanned: int = 0  # values written somewhere in the article but given without a span (the baseline's)
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasks: int = 0
    questions: int = 0  # questions back to the model about a sale's seller (core/followup.py)
    questions_failed: int = 0  # of those, the ones no answer came for (in a replay: not recorded)
    claims: list[PredictedClaim] = field(default_factory=list)
    actor_mentions: list[tuple[int, int]] = field(default_factory=list)  # every mention of every actor
    actors: int = 0
    actors_without_role: int = 0  # neither a party to a sale nor a claim's speaker


# -- from our pipeline -------------------------------------------------------


def _exact(text: str, span: Span | None) -> bool:
    return span is not None and text[span.start : span.end] == span.text


def _country_part(span: Span, code: str) -> tuple[int, int]:
    """The words of a party mention that name its country ("Burkina Faso" in "Burkina Faso's Air Force")."""
    if country_code(span.text) == code:
        return span.start, span.end
    found = country_words(span.text, code)
    if found is None:
        return span.start, span.end
    return span.start + found[0], span.start + found[1]


def _fact_offsets(sale: Sale) -> set[tuple[int, int]]:
    """The offsets of a sale's item, value and date spans: what a party mention is not."""
    offsets = {(s.start, s.end) for item in [*sale.items, *sale.associated] for s in item.evidence}
    for span in (sale.value.evidence if sale.value else None, sale.date.evidence if sale.date else None):
        if span is not None:
            offsets.add((span.start, span.end))
    return offsets


def _party_span(
    extraction: Extraction, sale: Sale, other: set[tuple[int, int]], actor_id: str | None, code: str | None
) -> Span | None:
    """Which of a sale's evidence spans (those not in `other`) is its seller or buyer mention."""
    if actor_id is None and code is None:
        return None
    actor = next((a for a in extraction.actors if a.id == actor_id), None)
    mentions = actor.mentions if actor else []
    for span in sale.evidence:
        if (span.start, span.end) in other:
            continue
        names_actor = any(m.start < span.end and span.start < m.end for m in mentions)
        if names_actor or (code is not None and country_in(span.text) == code):
            return span
    return None


def _parties(extraction: Extraction, sale: Sale) -> list[tuple[str, Span | None, str | None]]:
    """(role, mention, country code) of a sale's buyer and seller."""
    facts = _fact_offsets(sale)
    return [
        (role, _party_span(extraction, sale, facts, actor_id, code), code)
        for role, actor_id, code in (
            ("Buyer", sale.buyer, sale.buyer_country),
            ("Seller", sale.seller, sale.seller_country),
        )
    ]


def sale_tag_spans(extraction: Extraction, sale: Sale) -> list[tuple[str, int, int]]:
    """A sale's evidence by gold tag (TOKEN_TAGS), as scoring reads it; the review page and the
    Label Studio / doccano exports label spans with this, so a corrected export scores the same way."""
    found: list[tuple[str, int, int]] = []
    for role, span, code in _parties(extraction, sale):
        if span is not None:
            found.append((role, span.start, span.end))
            if code is not None:
                found.append((f"{role} Country", *_country_part(span, code)))
    for item in sale.items:
        for span in item.evidence:
            parsed = parse_quantity(span.text) if span is not item.evidence[0] else None
            is_quantity = parsed is not None and item.quantity is not None and parsed.value == item.quantity
            found.append(("Quantity" if is_quantity else "Weapon", span.start, span.end))
    if sale.value is not None:
        found.append(("Price", sale.value.evidence.start, sale.value.evidence.end))
    if sale.date is not None:
        found.append(("Date", sale.date.evidence.start, sale.date.evidence.end))
    return found


def from_extraction(extraction: Extraction) -> SystemArticle:
    text = extraction.article.text
    usage = extraction.provenance.usage
    result = SystemArticle(
        id=extraction.article.id,
        seconds=extraction.provenance.seconds,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        reasks=usage.reasks,
        questions=sum(1 for w in extraction.warnings if ASKED in w or FAILED in w),
        questions_failed=sum(1 for w in extraction.warnings if FAILED in w),
    )
    spans: dict[str, list[tuple[int, int]]] = {tag: [] for tag in TOKEN_TAGS}

    def value(evidence: Span | None) -> None:
        if _exact(text, evidence):
            result.grounded += 1
        else:
            result.invented += 1

    for sale in extraction.sales:
        predicted = PredictedSale(buyer_country=sale.buyer_country, seller_country=sale.seller_country)
        for role, span, code in _parties(extraction, sale):
            if code is not None:
                inferred = role == "Seller" and sale.seller_inferred
                value(sale.seller_inference if inferred else span)
        for item in sale.items:
            predicted.weapons.append(" ".join([item.name, *item.designations]))
            value(item.evidence[0] if item.evidence else None)
            # the first span after the name that reads as a number
            quantity_span = next((s for s in item.evidence[1:] if parse_quantity(s.text) is not None), None)
            if item.quantity is not None:
                predicted.quantities.append(item.quantity)
                value(quantity_span)
        if sale.value is not None:
            predicted.price = (sale.value.amount, sale.value.currency)
            value(sale.value.evidence)
            if sale.value.usd is not None and sale.value.usd_evidence is not None:
                predicted.price_in_dollars = (sale.value.usd, "USD")  # annotators tag both amounts
                value(sale.value.usd_evidence)
        for tag, start, end in sale_tag_spans(extraction, sale):
            spans[tag].append((start, end))
        result.sales.append(predicted)
    result.spans = spans
    names = {actor.id: actor.name for actor in extraction.actors}
    roles = {a for sale in extraction.sales for a in (sale.seller, sale.buyer)} | {c.speaker for c in extraction.claims}
    result.actors = len(extraction.actors)
    result.actors_without_role = sum(1 for actor in extraction.actors if actor.id not in roles)
    result.actor_mentions = [(m.start, m.end) for actor in extraction.actors for m in actor.mentions]
    for claim in extraction.claims:
        content = claim.content_span or (claim.evidence[-1] if claim.evidence else None)
        if content is None:
            continue
        result.claims.append(
            PredictedClaim(
                content=(content.start, content.end),
                speaker=(claim.speaker_span.start, claim.speaker_span.end) if claim.speaker_span else None,
                cue=(claim.cue_span.start, claim.cue_span.end) if claim.cue_span else None,
                speaker_name=names.get(claim.speaker or ""),
            )
        )
    return result


def failed(article_id: str, error: str, seconds: float = 0.0) -> SystemArticle:
    return SystemArticle(id=article_id, ok=False, error=error, seconds=seconds)


# -- gold values ---------------------------------------------------------------


@dataclass
class GoldValues:
    buyer_country: set[str]
    seller_country: set[str]
    weapon: list[list[str]]  # clusters of mentions
    quantity: set[int]
    price: list[tuple[float, str]]
    unreadable: int  # gold labels that could not be normalised (not scored)


def gold_values(gold: GoldArticle) -> GoldValues:
    unreadable = 0

    def countries(tag: str) -> set[str]:
        nonlocal unreadable
        found = set()
        for label in gold.values(tag):
            code = country_in(label.text)
            if code is None:
                unreadable += 1
            else:
                found.add(code)
        return found

    quantities = set()
    for label in gold.values("Quantity"):
        parsed = parse_quantity(label.text)
        if parsed is None or parsed.value is None:
            unreadable += 1
        else:
            quantities.add(parsed.value)
    prices: list[tuple[float, str]] = []
    for label in gold.values("Price"):
        context = text_before(gold.text, label.start) if label.has_span else ""
        money = parse_money(label.text, context)
        if money is None:
            unreadable += 1
        elif not any(_same_price((money.amount, money.currency), p) for p in prices):
            prices.append((money.amount, money.currency))
    return GoldValues(
        buyer_country=countries("Buyer Country"),
        seller_country=countries("Seller Country"),
        weapon=cluster_mentions([label.text for label in gold.values("Weapon")]),
        quantity=quantities,
        price=prices,
        unreadable=unreadable,
    )


def _same_price(a: tuple[float, str], b: tuple[float, str]) -> bool:
    return a[1] == b[1] and abs(a[0] - b[0]) <= PRICE_TOLERANCE * max(abs(b[0]), 1e-9)


# -- counting --------------------------------------------------------------------


def _match_counts(pred: list[Any], gold: list[Any], same: Any) -> tuple[int, int, int, int]:
    tp_pred = sum(1 for p in pred if any(same(p, g) for g in gold))
    tp_gold = sum(1 for g in gold if any(same(p, g) for p in pred))
    return tp_pred, len(pred), tp_gold, len(gold)


def _unique(values: list[Any], same: Any) -> list[Any]:
    kept: list[Any] = []
    for value in values:
        if not any(same(value, k) for k in kept):
            kept.append(value)
    return kept


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def _covered(tokens: list[tuple[int, int]], spans: list[tuple[int, int]]) -> set[int]:
    return {i for i, (s, e) in enumerate(tokens) for a, b in spans if s < b and a < e}


def score(golds: list[GoldArticle], answers: dict[str, SystemArticle]) -> dict[str, Any]:
    """All metrics for one system over one dataset (see docs/evaluation.md)."""
    deal = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    attributes = {name: Counts() for name in ATTRIBUTES}
    tokens = {tag: Counts() for tag in TOKEN_TAGS}
    token_articles = 0
    grounded = invented = unspanned = failures = reasks = prompt = completion = unreadable = 0
    questions = questions_failed = 0
    seconds = 0.0
    errors: list[dict[str, str]] = []
    claims = ClaimCounts()
    main_deal = MainDealCounts()
    parties = {"gold": 0, "covered": 0, "actors": 0, "without_role": 0}
    for gold in golds:
        answer = answers.get(gold.id) or failed(gold.id, "not run")
        if not answer.ok:
            failures += 1
            errors.append({"id": gold.id, "error": answer.error or ""})
        found = bool(answer.sales)
        deal[("tp" if found else "fn") if gold.has_deal else ("fp" if found else "tn")] += 1
        values = gold_values(gold)
        unreadable += values.unreadable
        sales = answer.sales
        for name in ("buyer_country", "seller_country"):
            predicted = {getattr(s, name) for s in sales} - {None}
            expected = getattr(values, name)
            attributes[name].add(len(predicted & expected), len(predicted), len(predicted & expected), len(expected))
        predicted_quantities = {q for s in sales for q in s.quantities}
        common = predicted_quantities & values.quantity
        attributes["quantity"].add(len(common), len(predicted_quantities), len(common), len(values.quantity))
        written = [price for s in sales for price in (s.price, s.price_in_dollars) if price is not None]
        prices = _unique(written, _same_price)
        attributes["price"].add(*_match_counts(prices, values.price, _same_price))
        weapons = _unique([w for s in sales for w in s.weapons], same_weapon)
        attributes["weapon"].add(
            *_match_counts(weapons, values.weapon, lambda p, cluster: any(same_weapon(p, g) for g in cluster))
        )
        if gold.scores_claims:
            claims.add(gold.attributions, answer.claims)
        if gold.scores_deal_spans:
            main_deal.add(gold.id, [(s.buyer_country, s.seller_country) for s in answer.sales], gold.has_deal)
            for label in gold.labels:
                if label.has_span and label.tag in _PARTY_TAGS:
                    parties["gold"] += 1
                    parties["covered"] += any(a < label.end and label.start < b for a, b in answer.actor_mentions)
            parties["actors"] += answer.actors
            parties["without_role"] += answer.actors_without_role
            token_articles += 1
            article_tokens = _tokens(gold.text)
            for tag in TOKEN_TAGS:
                expected_tokens = _covered(
                    article_tokens, [(lb.start, lb.end) for lb in gold.values(tag) if lb.has_span]
                )
                predicted_tokens = _covered(article_tokens, answer.spans.get(tag, []))
                hit = len(expected_tokens & predicted_tokens)
                tokens[tag].add(hit, len(predicted_tokens), hit, len(expected_tokens))
        grounded += answer.grounded
        invented += answer.invented
        unspanned += answer.unspanned
        seconds += answer.seconds
        reasks += answer.reasks
        questions += answer.questions
        questions_failed += answer.questions_failed
        prompt += answer.prompt_tokens
        completion += answer.completion_tokens
    n = len(golds) or 1
    values = grounded + unspanned + invented
    tp, fp, fn, tn = deal["tp"], deal["fp"], deal["fn"], deal["tn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    all_tokens = Counts()
    for counts in tokens.values():
        all_tokens.add(counts.tp_pred, counts.pred, counts.tp_gold, counts.gold)
    return {
        "articles": len(golds),
        "with_deal": sum(1 for g in golds if g.has_deal),
        "deal_detection": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "accuracy": round((tp + tn) / n, 4),
            **deal,
        },
        "attributes": {name: counts.scores() for name, counts in attributes.items()},
        "token_f1": {
            "articles": token_articles,
            "tags": {tag: counts.scores() for tag, counts in tokens.items()},
            "all": all_tokens.scores(),
        },
        "grounding": {
            "values": values,
            "grounded": grounded,
            "unspanned": unspanned,
            "invented": invented,
            "rate": round(grounded / values, 4) if values else 1.0,
        },
        "cost": {
            "seconds_per_article": round(seconds / n, 2),
            "prompt_tokens_per_article": round(prompt / n, 1),
            "completion_tokens_per_article": round(completion / n, 1),
            "reasks_per_article": round(reasks / n, 3),
            "questions_per_article": round(questions / n, 3),
            "questions_failed": questions_failed,
        },
        "main_deal": main_deal.scores(),
        "actors": {
            **parties,
            "party_coverage": round(parties["covered"] / parties["gold"], 4) if parties["gold"] else None,
        },
        "claims": claims.scores() if any(g.scores_claims for g in golds) else None,
        "failures": failures,
        "failed": errors,
        "skipped_labels": sum(g.skipped_labels for g in golds),
        "unreadable_gold_values": unreadable,
    }
