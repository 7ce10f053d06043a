"""A run's outputs: one SQLite database as the record of truth, JSONL and CSV as views of it.

Each article is written in one SQLite transaction (its status line and all its
records), so a run killed at any moment, kill -9 included, leaves either all
of an article or none of it. The JSONL files are rewritten from the database
to a temporary file and renamed into place, so they are never half-written
and never hold a record twice.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from .._errors import InputError, RecordRejected, StoreError
from ..core.assemble import no_sale_reason
from ..records import Extraction, Usage

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,          -- the article's identity: id@sha256(text)[:12]; source#hash for unreadable input
    id TEXT NOT NULL,
    source TEXT,                   -- where it was read: a path, path:line of a JSONL feed, path[i] of a JSON list
    file TEXT,                     -- the input file it came from
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

# Ids unique across a run, added to every record table (and to folders written before them):
# (uid column, kind of record it names, the column holding that record's id in the article).
# The evidence's kind is its record_type.
_UID_COLUMNS: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "sales": (("uid", "sale", "sale_id"), ("seller_uid", "actor", "seller"), ("buyer_uid", "actor", "buyer")),
    "claims": (("uid", "claim", "claim_id"), ("speaker_uid", "actor", "speaker"), ("sale_uid", "sale", "sale_id")),
    "actors": (("uid", "actor", "actor_id"),),
    "evidence": (("record_uid", None, "record_id"),),
}


# Columns added since the first folders were written (a folder written before gets them when opened).
_ADDED_COLUMNS = {
    "articles": ("file", "no_sale_reason"),
    "sales": ("condition", "licensed_production", "context"),  # the article's wording of a sale
}

# What kind of record a table's rows are (the evidence says it in a column).
_KIND_COLUMN = {"sales": "'sale'", "claims": "'claim'", "actors": "'actor'", "evidence": "record_type"}


def record_uid(article_key: str, kind: str, record_id: str | None) -> str | None:
    """A record's id across a run: `sale-3f2a9c1b7d4e`, from the article's identity (its id and the
    hash of its text) and the record's id in the article; the same on every re-run of that text."""
    if record_id is None:
        return None
    digest = hashlib.sha256(f"{article_key}\x1f{record_id}".encode()).hexdigest()[:12]
    return f"{kind}-{digest}"


_ARTICLE_COLUMNS = (
    "key, id, source, file, status, error, warnings, prompt_tokens, completion_tokens, "
    "requests, reasks, seconds, model, prompt_version, cached, no_sale_reason"
)
OUTPUT_FILES = ("articles.jsonl", "sales.jsonl", "claims.jsonl", "actors.jsonl")


class RunStore:
    """The database of one output directory.

    With `lock=True` (a run) the folder is locked for the life of the store, so two runs never
    write one folder at once (each would pay for every article)."""

    def __init__(self, out_dir: Path, lock: bool = False) -> None:
        self.out_dir = out_dir
        self._lock_file: IO[str] | None = None
        path = out_dir / "extract.sqlite"
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            if lock:
                self._lock_file = _lock(out_dir)
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
            self._add_columns()
        except FileExistsError:
            self._unlock()
            raise StoreError(f"{out_dir}: exists and is not a folder; choose another --out") from None
        except (OSError, sqlite3.Error) as exc:
            self._unlock()
            raise StoreError(f"{path}: cannot be opened for writing ({_reason(exc)})") from None
        _remove_stale_temporaries(out_dir)

    @classmethod
    def existing(cls, out_dir: Path) -> RunStore:
        """The store of a folder a run wrote, for reading it; InputError when there is none."""
        if not (out_dir / "extract.sqlite").is_file():
            raise InputError(f"{out_dir}: no run here (no extract.sqlite here); run `arms-extract run` first")
        return cls(out_dir)

    def _add_columns(self) -> None:
        """The columns added since the first folders, added to an older folder; its uids filled in."""
        for table in dict.fromkeys([*_ADDED_COLUMNS, *_UID_COLUMNS]):
            present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            uids = _UID_COLUMNS.get(table, ())
            names = (*_ADDED_COLUMNS.get(table, ()), *(name for name, _, _ in uids))
            missing = [name for name in names if name not in present]
            for name in missing:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} TEXT")
            if any(name in missing for name, _, _ in uids):
                self._fill_uids(table, uids)

    def _fill_uids(self, table: str, columns: tuple[tuple[str, str | None, str], ...]) -> None:
        """The uids of records written before uids existed."""
        sources = ", ".join(source for _, _, source in columns)
        rows = self.db.execute(f"SELECT rowid, article_key, {_KIND_COLUMN[table]}, {sources} FROM {table}")
        assignments = ", ".join(f"{name} = ?" for name, _, _ in columns)
        self.db.executemany(
            f"UPDATE {table} SET {assignments} WHERE rowid = ?",
            [
                (
                    *(
                        record_uid(key, kind or row_kind, value)
                        for (_, kind, _), value in zip(columns, ids, strict=True)
                    ),
                    rowid,
                )
                for rowid, key, row_kind, *ids in rows.fetchall()
            ],
        )

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing the file releases its lock
            self._lock_file = None

    def done_keys(self) -> set[str]:
        """Articles already extracted in an earlier (perhaps interrupted) run: skipped on resume."""
        return {row[0] for row in self.db.execute("SELECT key FROM articles WHERE status = 'ok'")}

    def forget_failures(self, files: list[str]) -> None:
        """Drop the failures recorded for these input files: a run tries them again."""
        self._guarded(
            lambda: self.db.executemany(
                "DELETE FROM articles WHERE status = 'failed' AND file = ?", [(f,) for f in files]
            )
        )

    def write_ok(self, key: str, extraction: Extraction, cached: bool, file: str | None = None) -> None:
        self._write(key, extraction.article.id, extraction.article.source, "ok", None, extraction, cached, file=file)

    def write_failed(
        self,
        key: str,
        article_id: str,
        source: str | None,
        error: str,
        usage: Usage | None = None,
        file: str | None = None,
    ) -> None:
        """A failed article, with what it spent when it reached the model."""
        self._write(key, article_id, source, "failed", error, None, False, usage, file)

    def _guarded(self, write: Callable[[], object]) -> None:
        try:
            write()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.out_dir / 'extract.sqlite'}: cannot be written ({_reason(exc)})") from None

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
        file: str | None = None,
    ) -> None:
        db = self.db
        self._guarded(lambda: db.execute("BEGIN IMMEDIATE"))
        try:
            db.execute("DELETE FROM articles WHERE key = ?", (key,))
            if extraction is not None:
                # An edited article replaces its earlier text's records (same id, same file); a
                # folder written before keys were identities keyed them by source.
                db.execute(
                    "DELETE FROM articles WHERE id = ? AND (file = ? OR (file IS NULL AND key = ?))",
                    (article_id, file, source),
                )
            row: dict[str, Any] = {
                "key": key,
                "id": article_id,
                "source": source,
                "file": file,
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
                    "no_sale_reason": no_sale_reason(extraction.sales, extraction.warnings),
                }
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", tuple(row.values()))
            if extraction is not None:
                self._insert_records(key, extraction)
            db.execute("COMMIT")
        except (OverflowError, ValueError, TypeError, sqlite3.IntegrityError) as exc:
            db.execute("ROLLBACK")
            raise RecordRejected(f"the records could not be stored: {_reason(exc)}") from None
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise StoreError(f"{self.out_dir / 'extract.sqlite'}: cannot be written ({_reason(exc)})") from None
        except BaseException:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _insert_records(self, key: str, extraction: Extraction) -> None:
        db = self.db
        for sale in extraction.sales:
            value, date = sale.value, sale.date
            db.execute(
                "INSERT INTO sales (article_key, sale_id, seller, buyer, seller_country, buyer_country, buyer_body, "
                "seller_inferred, value_amount, value_currency, value_usd, value_qualifier, stage, date_text, "
                "date_iso, date_precision, uid, seller_uid, buyer_uid, condition, licensed_production, context) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key, sale.id, sale.seller, sale.buyer, sale.seller_country, sale.buyer_country,
                    sale.buyer_body, int(sale.seller_inferred),
                    value.amount if value else None, value.currency if value else None,
                    value.usd if value else None, value.qualifier if value else None,
                    sale.stage.value, date.text if date else None, date.iso if date else None,
                    date.precision.value if date else None, record_uid(key, "sale", sale.id),
                    record_uid(key, "actor", sale.seller), record_uid(key, "actor", sale.buyer),
                    *(w.value if w else None for w in (sale.condition, sale.licensed_production, sale.context)),
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
                "INSERT INTO claims (article_key, claim_id, speaker, speaker_name, cue, content, direct, sale_id, "
                "is_boilerplate, uid, speaker_uid, sale_uid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key, claim.id, claim.speaker, claim.speaker_name, claim.cue, claim.content,
                    int(claim.direct), claim.sale, int(claim.is_boilerplate), record_uid(key, "claim", claim.id),
                    record_uid(key, "actor", claim.speaker), record_uid(key, "sale", claim.sale),
                ),
            )  # fmt: skip
            self._insert_evidence(key, "claim", claim.id, claim.evidence)
        for actor in extraction.actors:
            db.execute(
                "INSERT INTO actors (article_key, actor_id, name, kind, country, title, aliases, uid) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (
                    key, actor.id, actor.name, actor.kind.value, actor.country, actor.title,
                    json.dumps(actor.aliases), record_uid(key, "actor", actor.id),
                ),
            )  # fmt: skip
            self._insert_evidence(key, "actor", actor.id, actor.mentions)

    def _insert_evidence(self, key: str, record_type: str, record_id: str, spans: list[Any]) -> None:
        uid = record_uid(key, record_type, record_id)
        self.db.executemany(
            'INSERT INTO evidence (article_key, record_type, record_id, start, "end", text, record_uid) '
            "VALUES (?,?,?,?,?,?,?)",
            [(key, record_type, record_id, s.start, s.end, s.text, uid) for s in spans],
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
        with write_atomically(self.out_dir / "articles.jsonl") as articles:
            for row in self.article_rows():
                articles.write(json.dumps(row, ensure_ascii=False) + "\n")
        with (
            write_atomically(self.out_dir / "sales.jsonl") as sales,
            write_atomically(self.out_dir / "claims.jsonl") as claims,
            write_atomically(self.out_dir / "actors.jsonl") as actors,
        ):
            for key, extraction in self.extractions():
                for out, row in record_rows(key, extraction):
                    {"sale": sales, "claim": claims, "actor": actors}[out].write(
                        json.dumps(row, ensure_ascii=False) + "\n"
                    )

    def export_csv(self, csv_dir: Path) -> list[Path]:
        """One CSV per table, for spreadsheets."""
        csv_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for table in ("articles", "sales", "sale_items", "claims", "actors", "evidence"):
            # The articles table without its raw extraction JSON, which spreadsheets choke on.
            query = f"SELECT * FROM {table}" if table != "articles" else f"SELECT {_ARTICLE_COLUMNS} FROM articles"
            cursor = self.db.execute(query)
            path = csv_dir / f"{table}.csv"
            with write_atomically(path) as handle:
                writer = csv.writer(handle)
                writer.writerow([d[0] for d in cursor.description])
                writer.writerows([safe_cell(value) for value in row] for row in cursor)
            written.append(path)
        return written


def record_rows(key: str, extraction: Extraction) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, JSONL row) of every record: its run-wide uid and those of the records it names."""
    context = {"article_key": key, "article_id": extraction.article.id}
    for sale in extraction.sales:
        uids = {"uid": record_uid(key, "sale", sale.id), "seller_uid": record_uid(key, "actor", sale.seller),
                "buyer_uid": record_uid(key, "actor", sale.buyer)}  # fmt: skip
        yield "sale", context | uids | sale.model_dump(mode="json")
    for claim in extraction.claims:
        uids = {"uid": record_uid(key, "claim", claim.id), "speaker_uid": record_uid(key, "actor", claim.speaker),
                "sale_uid": record_uid(key, "sale", claim.sale)}  # fmt: skip
        yield "claim", context | uids | claim.model_dump(mode="json")
    for actor in extraction.actors:
        yield "actor", context | {"uid": record_uid(key, "actor", actor.id)} | actor.model_dump(mode="json")


# A cell a spreadsheet would run as a formula: OWASP's list of leading characters.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """Article text in a CSV cell, defused: a leading formula character is preceded by a quote.

    An actor named '=HYPERLINK("http://evil","x")' would otherwise run when the CSV is opened.
    Numbers stay numbers ("-5" as a number is never quoted)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _lock(out_dir: Path) -> IO[str]:
    """An exclusive lock on OUT_DIR/.lock for this process, or StoreError if another run holds it."""
    handle = (out_dir / ".lock").open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise StoreError(
            f"{out_dir}: another arms-extract run ({holder}) is writing here; wait for it or choose another --out"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle


_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files left by an export that was killed (kill -9): their process is gone."""
    for directory in (folder, folder / "csv"):
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            match = _TEMPORARY.match(path.name)
            if match and not _alive(int(match.group(1))):
                with suppress(OSError):
                    path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class write_atomically:
    """Write to a temporary file beside `path` and rename it over `path` on success.

    A failure to write (a full disk, a read-only folder) is a StoreError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def __enter__(self):  # type: ignore[no-untyped-def]
        try:
            self.handle = self.tmp.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be written ({_reason(exc)})") from None
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        try:
            self.handle.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
        except OSError as error:
            self.tmp.unlink(missing_ok=True)
            raise StoreError(f"{self.path}: cannot be written ({_reason(error)})") from None
        if exc_type is not None:
            self.tmp.unlink(missing_ok=True)
            if issubclass(exc_type, OSError):
                raise StoreError(f"{self.path}: cannot be written ({_reason(exc)})") from None
