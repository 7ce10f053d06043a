"""An on-disk cache of the model's answers, so a finished article is never paid for twice.

What is cached is what costs money: the model's validated answer for one
request (plus its token usage), keyed by everything that shapes that answer:
the exact request (model, messages with the article text, schema, sampling
settings, re-ask budget), the prompt version and the schema version. Assembly
(grounding, normalisation) runs again on every hit, so it may improve without
invalidating the cache, and the article's own date is applied afresh.
Failures are never stored.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ._model_file import cache_dir
from .answer import ArticleAnswer
from .prompts import prompt_version
from .records import SCHEMA_VERSION, Usage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    usage TEXT NOT NULL,
    warnings TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)
"""


def request_key(request: dict[str, Any], backend: str) -> str:
    """A digest of everything that decides the model's answer to `request`."""
    material = {
        "backend": backend,
        "model": request["model"],
        "messages": request["messages"],
        "schema": request["response_model"].model_json_schema(),
        "temperature": request.get("temperature"),
        "max_tokens": request.get("max_tokens"),
        "max_retries": request.get("max_retries"),
        "prompt_version": prompt_version(),
        "schema_version": SCHEMA_VERSION,
    }
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


class AnswerCache:
    """SQLite file of answers; safe to share between threads and between runs."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "answers.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A cache may lose its last answers to a power cut (they are asked again), never its
        # consistency; an fsync per answer cost 0.9 ms on the event loop of a batch run.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, key: str) -> tuple[ArticleAnswer, Usage, list[str]] | None:
        with self._lock:
            row = self._db.execute("SELECT answer, usage, warnings FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        answer, usage, warnings = row
        return (
            ArticleAnswer.model_validate_json(answer),
            Usage.model_validate_json(usage),
            json.loads(warnings),
        )

    def put(self, key: str, answer: ArticleAnswer, usage: Usage, warnings: list[str]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, answer, usage, warnings) VALUES (?, ?, ?, ?)",
                (key, answer.model_dump_json(), usage.model_dump_json(), json.dumps(warnings)),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
