"""Deals and actors across articles on the labelled corpus, replayed from its recordings (no model).

    python scripts/score_deals.py

Prints the pairwise scores against tests/fixtures/corpus_deals.json and the deal table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vcr  # noqa: E402

from arms_extract import BackendSettings, Extractor  # noqa: E402
from arms_extract.corpus import build_deals  # noqa: E402
from arms_extract.corpus._refs import sale_refs  # noqa: E402
from arms_extract.corpus.measure import corpus_scores  # noqa: E402
from tests.recordings import (  # noqa: E402
    CASSETTES,
    EMBEDDED_MODEL,
    FIXTURES,
    REPLAY_URL,
    corpus_recordings,
    json_body_matcher,
)


def main() -> None:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES), record_mode="none", match_on=["method", "path", "json_body"]
    )
    recorder.register_matcher("json_body", json_body_matcher)
    extractions = []
    with Extractor(settings=BackendSettings(base_url=REPLAY_URL, model=EMBEDDED_MODEL)) as extractor:
        for cassette, article, _ in corpus_recordings():
            with recorder.use_cassette(cassette):
                extractions.append((f"{article.id}@corpus", extractor.extract(article)))
    print(json.dumps(corpus_scores(extractions, FIXTURES / "corpus_deals.json"), indent=1))
    for deal in sorted(build_deals(sale_refs(extractions)), key=lambda d: (d.recipient or "", d.first_report or "")):
        articles = sorted({s.article_id[:30] for s in deal.sources})
        parties = f"{deal.supplier or '?'} -> {deal.recipient or '?'}"
        print(f"{parties} {deal.designation!r:45} {deal.stage.value:22} {articles}")


if __name__ == "__main__":
    main()
