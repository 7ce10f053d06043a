"""A distributed run's outputs: one file set per block, written by the workers, readable by anything.

OUT/articles/part-<id>.jsonl holds a block's article rows (status, tokens, reason), and
OUT/sales, OUT/claims, OUT/actors the same block's records, as `run` writes them to
DIR/*.jsonl (or .parquet, nested values as JSON text). Each file is written to a temporary
name and renamed; the articles file goes last, so it marks a complete block: a block killed
half-way leaves record files without one, removed when the next job starts. A block's id is
the hash of its article keys, so a retried block overwrites itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from .._errors import StoreError
from ..batch.store import record_rows, write_atomically
from ..records import Extraction

TABLES = ("sales", "claims", "actors")
FORMATS = ("jsonl", "parquet")


def part_id(keys: Iterable[str]) -> str:
    return hashlib.sha256("\x1f".join(sorted(keys)).encode()).hexdigest()[:16]


def write_part(out: Path, rows: list[dict[str, Any]], fmt: str) -> dict[str, Any]:
    """Write one block's article rows and their records; return what the block held."""
    part = part_id(str(r["key"]) for r in rows)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    articles = []
    for row in rows:
        if row.get("extraction"):
            extraction = Extraction.model_validate_json(row["extraction"])
            for kind, record in record_rows(str(row["key"]), extraction):
                tables[f"{kind}s"].append(record)
        article = {name: value for name, value in row.items() if name != "extraction"}
        article["warnings"] = json.loads(article.get("warnings") or "[]")
        articles.append(article)
    for name, records in tables.items():
        _write(out / name / f"part-{part}.{fmt}", records, fmt)
    _write(out / "articles" / f"part-{part}.{fmt}", articles, fmt)  # last: the block is complete
    return {
        "part": part,
        "ok": sum(r["status"] == "ok" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "repaired": sum(bool(r.get("repaired")) for r in rows),
        "prompt_tokens": sum(int(r.get("prompt_tokens") or 0) for r in rows),
        "completion_tokens": sum(int(r.get("completion_tokens") or 0) for r in rows),
        "requests": sum(int(r.get("requests") or 0) for r in rows),
        "reasks": sum(int(r.get("reasks") or 0) for r in rows),
        "failures": json.dumps([[r["source"], r["error"]] for r in rows if r["status"] == "failed"]),
    }


def _write(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot be created ({exc.strerror})") from None
    if fmt == "jsonl":
        with write_atomically(path) as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat = [{k: _flat(v) for k, v in row.items()} for row in rows]
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(flat), temporary)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def _flat(value: Any) -> Any:
    """Parquet cells: nested values as JSON text, so every block has one schema whatever it holds."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def read_articles(out: Path) -> list[dict[str, Any]]:
    """Every article row written so far (complete blocks only)."""
    rows: list[dict[str, Any]] = []
    for path in sorted((out / "articles").glob("part-*")):
        rows.extend(_read(path))
    return rows


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    return []


def prepare_resume(out: Path) -> set[str]:
    """Ready OUT for a (resumed) job: the keys already done, whose articles are skipped.

    Record files of a block that never completed are removed; failed articles are forgotten
    (their block rewritten without them), so the job tries them again, as `run` does."""
    complete = {path.stem for path in (out / "articles").glob("part-*")}
    for name in TABLES:
        for path in (out / name).glob("part-*"):
            if path.stem not in complete:
                with suppress(OSError):
                    path.unlink()
    done: set[str] = set()
    for path in sorted((out / "articles").glob("part-*")):
        rows = _read(path)
        kept = [row for row in rows if row.get("status") == "ok"]
        done.update(str(row["key"]) for row in kept)
        if len(kept) < len(rows):
            _write(path, kept, path.suffix.lstrip("."))
    return done
