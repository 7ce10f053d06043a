"""Deals and actors across articles measured against hand labels (evaluation/corpus_gold.py)."""

from __future__ import annotations

from pathlib import Path

from ..evaluation.corpus_gold import gold_actor_of, gold_deal_of, load_corpus_gold, pairwise
from ..records import Extraction
from ._refs import actor_refs, sale_refs
from .actors import resolve_actors
from .deals import build_deals


def corpus_scores(extractions: list[tuple[str, Extraction]], labels: Path) -> dict[str, dict[str, float | int | None]]:
    """Pairwise precision, recall and F1 of the deals and of the actors across articles."""
    gold_deals, gold_actors = load_corpus_gold(labels)
    sales = sale_refs(extractions)
    deal_of = {
        s.uid: g
        for s in sales
        if (g := gold_deal_of(s.article_id, s.recipient, [name for name, _, _ in s.items], gold_deals)) is not None
    }
    clusters = [[s.uid for s in deal.sources] for deal in build_deals(sales)]
    actors = actor_refs(extractions)
    actor_of = {a.uid: g for a in actors if (g := gold_actor_of([a.name, *a.aliases], gold_actors)) is not None}
    entities = [[m.uid for m in c.members] for c in resolve_actors(actors)]
    keys = {s.uid: s.keys for s in sales}
    return {
        "deals": {**pairwise(clusters, deal_of), "sales": len(sales)},
        "deals_by_designation": pairwise(clusters, deal_of, keys),
        "actors": {**pairwise(entities, actor_of), "actors": len(actors)},
    }
