"""Read articles from files: .txt/.md (optional first-line title), .json and .jsonl objects.

Each problem is an InputError that names the file (and line) and what is
wrong with it, so a caller can report it and go on with the other files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ._errors import InputError
from .records import Article

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
_TITLE_MAX = 200


@dataclass(frozen=True)
class ArticleOrError:
    """One item of input: an article, or the error that kept one from being read."""

    source: str
    article: Article | None = None
    error: InputError | None = None


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); "
            "convert it with e.g. `iconv -f latin1 -t utf-8`"
        ) from None
    if not text.strip():
        raise InputError(f"{path}: the file has only whitespace")
    return text


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an article file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _split_title(text: str) -> tuple[str | None, str]:
    """A short first line followed by a blank line, or a Markdown heading, is a title."""
    lines = text.split("\n", 2)
    first = lines[0].strip()
    heading = re.match(r"^#+\s+(.*)$", first)
    if heading and len(lines) > 1:
        return heading.group(1).strip(), text.split("\n", 1)[1].lstrip("\n")
    looks_like_title = (
        len(lines) >= 3
        and 0 < len(first) <= _TITLE_MAX
        and not lines[1].strip()
        and not first.endswith((".", "!", "?", ":", ";", ","))
    )
    if looks_like_title:
        return first, lines[2].lstrip("\n")
    return None, text


def _published(value: object, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: 'published' must be an ISO date string, not {type(value).__name__}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{where}: 'published' is not an ISO date: {value!r}") from None


def article_from_object(obj: object, where: str) -> Article:
    """An Article from a JSON object with `id`, `text`, optional `published`/`date`, `url`, `title`."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: missing or empty 'text'")
    article_id = obj.get("id")
    if article_id is None or str(article_id).strip() == "":
        raise InputError(f"{where}: missing 'id'")
    return Article(
        id=str(article_id),
        text=text,
        source=where,
        title=obj.get("title") if isinstance(obj.get("title"), str) else None,
        url=obj.get("url") if isinstance(obj.get("url"), str) else None,
        published=_published(obj.get("published", obj.get("date")), where),
    )


def read_articles(path: Path) -> Iterator[ArticleOrError]:
    """Every article in one file; a bad file or line yields an error instead of stopping."""
    try:
        data = _read_bytes(path)
        text = _decode(path, data)
    except InputError as error:
        yield ArticleOrError(str(path), error=error)
        return
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        yield from _json_articles(path, text, suffix)
        return
    title, body = _split_title(text)
    if not body.strip():
        yield ArticleOrError(str(path), error=InputError(f"{path}: has a title but no article text"))
        return
    yield ArticleOrError(str(path), Article(id=path.stem, text=body, source=str(path), title=title))


def _json_articles(path: Path, text: str, suffix: str) -> Iterator[ArticleOrError]:
    if suffix == ".json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            yield ArticleOrError(str(path), error=InputError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}"))
            return
        objects = loaded if isinstance(loaded, list) else [loaded]
        for i, obj in enumerate(objects):
            where = f"{path}[{i}]" if isinstance(loaded, list) else str(path)
            yield _one(obj, where)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ArticleOrError(where, error=InputError(f"{where}: invalid JSON: {exc.msg}"))
            continue
        yield _one(obj, where)


def _one(obj: object, where: str) -> ArticleOrError:
    try:
        return ArticleOrError(where, article_from_object(obj, where))
    except InputError as error:
        return ArticleOrError(where, error=error)
