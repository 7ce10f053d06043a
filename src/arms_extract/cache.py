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
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ._paths import cache_dir
from .core.answer import ArticleAnswer
from .core.prompts import prompt_version
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


def request_key(request: dict[str, Any], backend: str, *, reask_ungrounded: bool = False) -> str:
    """A digest of everything that decides the model's answer to `request`."""
    material = {
        "reask_ungrounded": reask_ungrounded,
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
    """SQLite file of answers; safe to share between threads and between runs.

    A cache only saves money, so it never stops a run: a file that is not a database (truncated,
    overwritten) is moved aside and a new one started; one that cannot be written (read-only,
    disk full) is read, or left alone, and the run goes on. Each such event is a line in
    `notices`, naming the path, for the caller to show."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "answers.sqlite"
        self._lock = threading.Lock()
        self.notices: list[str] = []
        self._db: sqlite3.Connection | None = None
        self._writable = True
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            # Only a file that is not a database is set aside; a locked, unopenable or unwritable
            # one is the user's to fix, and the run goes on without it.
            if isinstance(exc, sqlite3.OperationalError) or not self.path.exists():
                self._give_up(exc)
                return
            try:
                aside = self._set_aside()
                self._db = self._open()
            except (sqlite3.Error, OSError) as again:
                self._give_up(again)
                return
            self.notices.append(f"{self.path}: not a usable answer cache ({exc}); moved to {aside}, a new one started")
        except OSError as exc:
            self._give_up(exc)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A cache may lose its last answers to a power cut (they are asked again), never its
            # consistency; an fsync per answer cost 0.9 ms on the event loop of a batch run.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT key FROM answers LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc):
                db.close()
                raise
            self._writable = False
            self.notices.append(f"{self.path}: the answer cache is read-only; answers are read from it, not stored")
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> Path:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        return aside

    def _give_up(self, exc: BaseException) -> None:
        self._db = None
        self.notices.append(f"{self.path}: the answer cache cannot be used ({exc}); running without it")

    def _failed(self, what: str, exc: sqlite3.Error) -> None:
        """Note a failed read or write once per kind; the article goes on without the cache."""
        notice = f"{self.path}: the answer cache could not {what} ({exc}); going on without it"
        if notice not in self.notices:
            self.notices.append(notice)

    def get(self, key: str, answer_type: type[BaseModel] = ArticleAnswer) -> tuple[BaseModel, Usage, list[str]] | None:
        """The answer stored under `key`, read as `answer_type` (an article's sales, or the answer to
        a question about one of them), its usage and warnings; None when there is none."""
        if self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute("SELECT answer, usage, warnings FROM answers WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            answer, usage, warnings = row
            return (
                answer_type.model_validate_json(answer),
                Usage.model_validate_json(usage),
                json.loads(warnings),
            )
        except sqlite3.Error as exc:
            self._failed("be read", exc)
        except ValueError:  # a row that no longer parses (an older schema): asked again
            pass
        return None

    def put(self, key: str, answer: BaseModel, usage: Usage, warnings: list[str]) -> None:
        if self._db is None or not self._writable:
            return
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO answers (key, answer, usage, warnings) VALUES (?, ?, ?, ?)",
                    (key, answer.model_dump_json(), usage.model_dump_json(), json.dumps(warnings)),
                )
        except sqlite3.Error as exc:
            self._failed("store an answer", exc)

    def __len__(self) -> int:
        if self._db is None:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
