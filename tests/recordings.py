"""Where the recordings live and how their requests are matched: shared by conftest.py and the
scripts that replay recordings (scripts/eval_replay.py, scripts/score_sales.py), which must not
import pytest fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from arms_extract.backends._model_file import MODEL_NAME

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
