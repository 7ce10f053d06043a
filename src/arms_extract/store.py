"""A run's outputs: one SQLite database as the record of truth, JSONL and CSV as views of it.

Each article is written in one SQLite transaction (its status line and all its
records), so a run killed at any moment, kill -9 included, leaves either all
of an article or none of it. The JSONL files are rewritten from the database
to a temporary file and renamed into place, so they are never half-written
and never hold a record twice.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .records import Extraction, Usage

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,          -- the input it came from: a path, or path:line for JSONL
    id TEXT NOT NULL,
    source TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    reasks INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    model TEXT,
    prompt_version TEXT,
    cached INTEGER NOT NULL DEFAULT 0,
    extraction TEXT                -- the whole Extraction as JSON, for export and re-use
);
CREATE TABLE IF NOT EXISTS sales (
    article_key TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    sale_id TEXT NOT NULL,
    seller TEXT, buyer TEXT, seller_country TEXT, buyer_country TEXT, buyer_body TEXT,
    seller_inferred INTEGER NOT NULL,
    value_amount REAL, value_currency TEXT, value_usd REAL, value_qualifier TEXT,
    stage TEXT NOT NULL, date_text TEXT, date_iso TEXT, date_precision TEXT,
    PRIMARY KEY (article_key, sale_id)
);
CREATE TABLE IF NOT EXISTS sale_items (
    article_key TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    sale_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    associated INTEGER NOT NULL,
    name TEXT NOT NULL, designations TEXT NOT NULL, category TEXT,
    quantity INTEGER, quantity_qualifier TEXT,
    PRIMARY KEY (article_key, sale_id, associated, position)
);
CREATE TABLE IF NOT EXISTS claims (
    article_key TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    claim_id TEXT NOT NULL,
    speaker TEXT, speaker_name TEXT NOT NULL, cue TEXT, content TEXT NOT NULL,
    direct INTEGER NOT NULL, sale_id TEXT, is_boilerplate INTEGER NOT NULL,
    PRIMARY KEY (article_key, claim_id)
);
CREATE TABLE IF NOT EXISTS actors (
    article_key TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT, title TEXT, aliases TEXT NOT NULL,
    PRIMARY KEY (article_key, actor_id)
);
CREATE TABLE IF NOT EXISTS evidence (
    article_key TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
    record_type TEXT NOT NULL,     -- sale, claim or actor
    record_id TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_record ON evidence (article_key, record_type, record_id);
"""

_ARTICLE_COLUMNS = (
    "key, id, source, status, error, warnings, prompt_tokens, completion_tokens, "
    "requests, reasks, seconds, model, prompt_version, cached"
)
OUTPUT_FILES = ("articles.jsonl", "sales.jsonl", "claims.jsonl", "actors.jsonl")


class RunStore:
    """The database of one output directory."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.db = sqlite3.connect(out_dir / "extract.sqlite", isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def done_keys(self) -> set[str]:
        """Inputs already extracted in an earlier (perhaps interrupted) run: skipped on resume."""
        return {row[0] for row in self.db.execute("SELECT key FROM articles WHERE status = 'ok'")}

    def write_ok(self, key: str, extraction: Extraction, cached: bool) -> None:
        self._write(key, extraction.article.id, extraction.article.source, "ok", None, extraction, cached)

    def write_failed(
        self, key: str, article_id: str, source: str | None, error: str, usage: Usage | None = None
    ) -> None:
        """A failed article, with what it spent when it reached the model."""
        self._write(key, article_id, source, "failed", error, None, False, usage)

    def _write(
        self,
        key: str,
        article_id: str,
        source: str | None,
        status: str,
        error: str | None,
        extraction: Extraction | None,
        cached: bool,
        usage: Usage | None = None,
    ) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM articles WHERE key = ?", (key,))
            row: dict[str, Any] = {
                "key": key,
                "id": article_id,
                "source": source,
                "status": status,
                "error": error,
                "cached": int(cached),
            }
            usage = extraction.provenance.usage if extraction is not None else usage
            if usage is not None:
                row |= {
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "requests": usage.requests,
                    "reasks": usage.reasks,
                }
            if extraction is not None:
                row |= {
                    "warnings": json.dumps(extraction.warnings, ensure_ascii=False),
                    "seconds": extraction.provenance.seconds,
                    "model": extraction.provenance.model,
                    "prompt_version": extraction.provenance.prompt_version,
                    "extraction": extraction.model_dump_json(),
                }
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", tuple(row.values()))
            if extraction is not None:
                self._insert_records(key, extraction)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _insert_records(self, key: str, extraction: Extraction) -> None:
        db = self.db
        for sale in extraction.sales:
            value, date = sale.value, sale.date
            db.execute(
                "INSERT INTO sales VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key, sale.id, sale.seller, sale.buyer, sale.seller_country, sale.buyer_country,
                    sale.buyer_body, int(sale.seller_inferred),
                    value.amount if value else None, value.currency if value else None,
                    value.usd if value else None, value.qualifier if value else None,
                    sale.stage.value, date.text if date else None, date.iso if date else None,
                    date.precision.value if date else None,
                ),
            )  # fmt: skip
            for associated, items in ((0, sale.items), (1, sale.associated)):
                for position, item in enumerate(items):
                    db.execute(
                        "INSERT INTO sale_items VALUES (?,?,?,?,?,?,?,?,?)",
                        (
                            key, sale.id, position, associated, item.name, json.dumps(item.designations),
                            item.category, item.quantity, item.quantity_qualifier,
                        ),
                    )  # fmt: skip
            self._insert_evidence(key, "sale", sale.id, sale.evidence)
        for claim in extraction.claims:
            db.execute(
                "INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    key, claim.id, claim.speaker, claim.speaker_name, claim.cue, claim.content,
                    int(claim.direct), claim.sale, int(claim.is_boilerplate),
                ),
            )  # fmt: skip
            self._insert_evidence(key, "claim", claim.id, claim.evidence)
        for actor in extraction.actors:
            db.execute(
                "INSERT INTO actors VALUES (?,?,?,?,?,?,?)",
                (
                    key,
                    actor.id,
                    actor.name,
                    actor.kind.value,
                    actor.country,
                    actor.title,
                    json.dumps(actor.aliases),
                ),
            )
            self._insert_evidence(key, "actor", actor.id, actor.mentions)

    def _insert_evidence(self, key: str, record_type: str, record_id: str, spans: list[Any]) -> None:
        self.db.executemany(
            'INSERT INTO evidence (article_key, record_type, record_id, start, "end", text) VALUES (?,?,?,?,?,?)',
            [(key, record_type, record_id, s.start, s.end, s.text) for s in spans],
        )

    # -- views ---------------------------------------------------------------

    def article_rows(self) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            row["warnings"] = json.loads(row["warnings"])
            row["cached"] = bool(row["cached"])
            yield row

    def extractions(self) -> Iterator[tuple[str, Extraction]]:
        for key, raw in self.db.execute("SELECT key, extraction FROM articles WHERE status = 'ok' ORDER BY rowid"):
            yield key, Extraction.model_validate_json(raw)

    def export_jsonl(self) -> None:
        """Rewrite the JSONL views from the database, each atomically."""
        with _atomic(self.out_dir / "articles.jsonl") as articles:
            for row in self.article_rows():
                articles.write(json.dumps(row, ensure_ascii=False) + "\n")
        with (
            _atomic(self.out_dir / "sales.jsonl") as sales,
            _atomic(self.out_dir / "claims.jsonl") as claims,
            _atomic(self.out_dir / "actors.jsonl") as actors,
        ):
            for key, extraction in self.extractions():
                context = {"article_key": key, "article_id": extraction.article.id}
                for out, records in (
                    (sales, extraction.sales),
                    (claims, extraction.claims),
                    (actors, extraction.actors),
                ):
                    for record in records:
                        out.write(json.dumps(context | record.model_dump(mode="json"), ensure_ascii=False) + "\n")

    def export_csv(self, csv_dir: Path) -> list[Path]:
        """One CSV per table, for spreadsheets."""
        csv_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for table in ("articles", "sales", "sale_items", "claims", "actors", "evidence"):
            # The articles table without its raw extraction JSON, which spreadsheets choke on.
            query = f"SELECT * FROM {table}" if table != "articles" else f"SELECT {_ARTICLE_COLUMNS} FROM articles"
            cursor = self.db.execute(query)
            path = csv_dir / f"{table}.csv"
            with _atomic(path) as handle:
                writer = csv.writer(handle)
                writer.writerow([d[0] for d in cursor.description])
                writer.writerows(cursor)
            written.append(path)
        return written


class _atomic:
    """Write to a temporary file beside `path` and rename it over `path` on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.handle = self.tmp.open("w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
