"""Where the recordings live and how their requests are matched: shared by conftest.py and the
scripts that replay recordings (scripts/eval_replay.py, scripts/score_sales.py), which must not
import pytest fixtures."""

from __future__ import annotations

import json
import re
from pathlib import Path

from arms_extract.backends._model_file import MODEL_NAME
from arms_extract.records import Article

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The name the embedded server reports; it is part of every recorded request body.
EMBEDDED_MODEL = MODEL_NAME
REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted: VCR answers from the cassette


def _json_body(request) -> object:  # type: ignore[no-untyped-def]
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body


def json_body_matcher(recorded, incoming) -> None:  # type: ignore[no-untyped-def]
    """Match requests on their JSON content, not on key order or whitespace."""
    assert _json_body(recorded) == _json_body(incoming), "request JSON bodies differ"


def corpus_recordings() -> list[tuple[str, Article, bool]]:
    """(cassette, article, reused) for the corpus of tests/test_corpus.py: the corpus articles,
    each in its own cassette under cassettes/corpus/, and the seeds and DSCA notice 66, which reuse
    (replay only) the cassettes their own tests record."""
    from arms_extract.batch.inputs import read_articles

    found = [
        ("corpus/" + re.sub(r"[^A-Za-z0-9_-]+", "_", item.article.id).strip("_")[:60] + ".yaml", item.article, False)
        for item in read_articles(FIXTURES / "corpus_articles.jsonl")
        if item.article is not None
    ]
    seeds = {"seed-000": "000_", "seed-003": "003_"}
    for article_id, prefix in seeds.items():
        text = next(SEEDS.glob(f"{prefix}*.txt")).read_text(encoding="utf-8")
        found.append((f"seed_{prefix[:3]}.yaml", Article(id=article_id, text=text), True))
    notice = next(item.article for item in read_articles(FIXTURES / "dsca_sample.jsonl") if item.article)
    found.append((f"dsca/{notice.id}.yaml", notice, True))
    return found
