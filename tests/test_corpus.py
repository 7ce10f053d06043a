"""Deals across a corpus of real articles, against hand labels.

The corpus: news about the same deals (Nigeria's A-29 Super Tucanos from the US, three
second-hand Super Tucanos from Brazil, Luxembourg's H145M helicopters, Egypt's Ka-52s), deals
that only look alike (Egypt's Ka-52K and S-300VM, three Algerian deals from Russia, Singapore's
F-16 pilot training and its F-16 upgrade four years later), and the seeds. Their extractions are
recorded (cassettes/corpus/; the seeds and DSCA notice 66 reuse their own cassettes); which
reports are one deal, and which actors are one, is labelled by hand in
tests/fixtures/corpus_deals.json. Figures: `python scripts/score_deals.py`.

Record again with `pytest tests/test_corpus.py --record-mode=rewrite` (the embedded model).
"""

from __future__ import annotations

import json

import pytest

from arms_extract import Extraction, Extractor
from arms_extract.batch.store import record_uid
from arms_extract.corpus.measure import corpus_scores

from .conftest import FIXTURES, ROOT
from .helpers import assert_grounded
from .recordings import corpus_recordings

pytestmark = pytest.mark.cassette


@pytest.fixture(scope="module")
def corpus(extractor: Extractor, vcr_for_module) -> dict[str, Extraction]:  # type: ignore[no-untyped-def]
    found: dict[str, Extraction] = {}
    for cassette, article, reused in corpus_recordings():
        with vcr_for_module(cassette, replay_only=reused):
            found[article.id] = extractor.extract(article)
    return found


def scores(corpus: dict[str, Extraction]) -> dict[str, dict[str, float | int | None]]:
    extractions = [(f"{article_id}@corpus", extraction) for article_id, extraction in corpus.items()]
    return corpus_scores(extractions, FIXTURES / "corpus_deals.json")


def test_the_corpus_extractions_are_grounded(corpus: dict[str, Extraction]) -> None:
    for extraction in corpus.values():
        if extraction.sales:
            assert_grounded(extraction)
    assert record_uid("a@corpus", "sale", "sale-1") != record_uid("b@corpus", "sale", "sale-1")


def test_deals_and_actors_across_articles_meet_the_recorded_floors(corpus: dict[str, Extraction]) -> None:
    """Ratchet: eval/thresholds.json `corpus` holds the figures measured when the labels were written."""
    floors = json.loads((ROOT / "eval" / "thresholds.json").read_text())["corpus"]
    found = scores(corpus)
    for part in ("deals", "actors"):
        for metric in ("precision", "recall"):
            assert found[part][metric] is not None and found[part][metric] >= floors[part][metric] - 1e-9, (
                part,
                metric,
                found[part],
            )
