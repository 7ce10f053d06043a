"""Turn the model's verbatim mentions into grounded, normalised records.

Pure: an Article and an ArticleAnswer in, records and warnings out. Every
mention is located in the article; one that cannot be is dropped and named
in a warning, never kept silently. The steps live in their own modules around
one shared context: `_context` (grounding), `_actors`, `_direction` (which
way a sale goes), `_origin` (where its weapons come from), `_sales`, `_listed`
(the weapons code lists) and `_claims`."""

from __future__ import annotations

from collections.abc import Mapping

from ...records import Actor, Article, Claim, Sale, Span
from ..answer import ArticleAnswer
from ..attribution import find_attributions
from ..injection import Injection, find_injections, overlaps
from ..injection import describe as describe_injection
from ..normalize import notice_cost
from ._claims import ClaimBuilder
from ._context import dsca_agency
from ._direction import without_mirrors
from ._listed import ListedSales
from ._sales import amounts_given_as_counts, distinct, merge_fragments, one_sale_per_notice, sale_key

__all__ = ["assemble", "is_notice", "merge_fragments", "no_sale_reason", "one_sale_per_notice"]


def is_notice(text: str) -> bool:
    """Whether `text` is a DSCA notice, which states its one sale's seller and buyer."""
    return dsca_agency(text) is not None


class _Assembler(ListedSales, ClaimBuilder):
    """Every step, on one context."""


def assemble(
    article: Article, answer: ArticleAnswer, listed_sellers: Mapping[int, str] | None = None
) -> tuple[list[Sale], list[Claim], list[Actor], list[str]]:
    """Grounded, normalised sales, claims and actors, plus a warning for each dropped mention.

    `listed_sellers`: the sellers the model named when asked about a sale code built from a list
    of weapons (core/followup.py), by where its first weapon is written."""
    builder = _Assembler(article, listed_sellers=dict(listed_sellers or {}))
    builder.add_named()
    builder.add_quoted_people()
    fragments = merge_fragments(amounts_given_as_counts(answer.sales, article.text, builder.warnings))
    notice = is_notice(article.text)
    if notice:
        fragments = one_sale_per_notice(fragments, builder.warnings)
        cost = notice_cost(article.text)
        if len(fragments) == 1 and fragments[0].value is None and cost is not None:
            # The notice states its cost in a template sentence the model may leave out.
            fragments = [fragments[0].model_copy(update={"value": article.text[cost[0] : cost[1]]})]
    only_sale = len(fragments) == 1
    sales = [sale for i, s in enumerate(fragments) if (sale := builder.sale(i, s, only_sale)) is not None]
    if not notice:
        sales = [part for sale in sales for part in builder.by_make(sale)]
    sales = without_mirrors(distinct(sales, sale_key), article.text, builder.warnings)
    sales = builder.with_listed_items(sales, len(fragments), one_sale=notice)
    sales = builder.priced_where_written(sales)
    claims = [
        builder.grammar_claim(attribution, sales).model_copy(update={"id": f"claim-{i + 1}"})
        for i, attribution in enumerate(find_attributions(article.text))
    ]
    claims = builder.add_template_claims(claims, sales)
    actors = list(builder.actors.values())
    injections = find_injections(article.text)
    if injections:
        sales, claims, actors = _clear_of(injections, sales, claims, actors, builder.warnings)
    return sales, claims, actors, builder.warnings


def _clear_of(
    injections: list[Injection], sales: list[Sale], claims: list[Claim], actors: list[Actor], warnings: list[str]
) -> tuple[list[Sale], list[Claim], list[Actor]]:
    """The records none of whose evidence lies in text addressed to the model; a warning per injection."""
    warnings.extend(describe_injection(injection) for injection in injections)

    def tainted(spans: list[Span]) -> bool:
        return any(overlaps(span.start, span.end, injections) for span in spans)

    kept_sales = [sale for sale in sales if not tainted(sale.evidence)]
    kept_claims = [claim for claim in claims if not tainted(claim.evidence)]
    for dropped in [s.id for s in sales if s not in kept_sales] + [c.id for c in claims if c not in kept_claims]:
        warnings.append(f"dropped {dropped}: its evidence is text addressed to an AI model")
    kept_actors = []
    for actor in actors:
        clean = [span for span in actor.mentions if not overlaps(span.start, span.end, injections)]
        if actor.mentions and not clean:
            warnings.append(f"dropped actor {actor.id}: named only in text addressed to an AI model")
            continue
        kept_actors.append(actor.model_copy(update={"mentions": clean}))
    return kept_sales, kept_claims, kept_actors


# Why an article has no sale, from the warnings assembly wrote when it dropped the model's sales.
_WHY_DROPPED = (
    ("its evidence is text addressed to an AI model", "the only sales were in text addressed to an AI model"),
    ("not an arms sale", "what the model called a sale names no weapon, price or deal stage (not an arms sale)"),
    ("no grounded item or value", "the model's sales could not be found in the article"),
)


def no_sale_reason(sales: list[Sale], warnings: list[str]) -> str | None:
    """One line saying why an extracted article has no sale, so that recall can be checked."""
    if sales:
        return None
    for cue, reason in _WHY_DROPPED:
        if any(w.startswith("dropped sale") and w.endswith(cue) for w in warnings):
            return reason
    return "no transfer named: the model found no sale"
