"""Read articles from files: .txt/.md (optional first-line title), .json and .jsonl objects.

Each problem is an InputError that names the file (and line) and what is
wrong with it, so a caller can report it and go on with the other files.
"""

from __future__ import annotations

import codecs
import datetime as dt
import glob
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputError
from ..records import Article

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
LINE_SUFFIXES = {".jsonl", ".ndjson"}  # one article per line, streamed
# An article file (or a line of a feed) larger than this is not an article: it fails alone,
# before it is read into memory. The longest news articles are about 100 KB.
MAX_FILE_BYTES = 16 * 1024 * 1024
_TITLE_MAX = 200
_TOO_DEEP = "invalid JSON: nested too deeply to read"


@dataclass(frozen=True)
class ArticleOrError:
    """One item of input: an article, or the error that kept one from being read.

    `source` is what a person reads ("feed.jsonl:3"); `file` and `position` (a line number or a
    list index, None for a whole file) say the same without ambiguity: a file may be named
    "feed.jsonl:3"."""

    source: str
    article: Article | None = None
    error: InputError | None = None
    file: str = ""
    position: int | None = None

    @property
    def origin_key(self) -> str:
        """A key for an input that is not (yet) an article: unique for each file and position."""
        digest = hashlib.sha256(json.dumps([self.file or self.source, self.position]).encode()).hexdigest()
        return f"{self.source}#{digest[:8]}"


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows tools save "Unicode" text as UTF-16 with a byte-order mark: text, not binary.
        # (A binary file may start with the same two bytes: then it decodes with NULs.)
        with suppress(UnicodeDecodeError):
            text = data.decode("utf-16")
            if "\x00" not in text:
                return text
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


def _check_regular(path: Path) -> int:
    """The size of a regular file; an InputError for anything else (a FIFO, /dev/zero, a folder)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, not an article file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file (a pipe, socket or device); only files are read")
    return info.st_size


def _read_bytes(path: Path) -> bytes:
    size = _check_regular(path)
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES:,} an article file may have "
            "(a feed of many articles belongs in a .jsonl file, one per line)"
        )
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
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


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_identity(article: Article, digest: str | None = None) -> str:
    """What makes an article the same one on a re-run: its id and its text (an edited text is new).

    `digest` is the text's `text_digest` when the caller has it already."""
    return f"{article.id}@{(digest or text_digest(article.text))[:12]}"


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
    """Every article in one file, read once; a bad file or line yields an error instead of stopping."""
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in LINE_SUFFIXES:
        yield from _jsonl_articles(path)
        return
    try:
        text = _decode(path, _read_bytes(path))
    except InputError as error:
        yield ArticleOrError(file, error=error, file=file)
        return
    if suffix in JSON_SUFFIXES:
        yield from _json_articles(path, text)
        return
    title, body = _split_title(text)
    if not body.strip():
        yield ArticleOrError(file, error=InputError(f"{path}: has a title but no article text"), file=file)
        return
    yield ArticleOrError(file, Article(id=path.stem, text=body, source=file, title=title), file=file)


def _json_articles(path: Path, text: str) -> Iterator[ArticleOrError]:
    file = str(path)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as exc:
        error = InputError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}")
        yield ArticleOrError(file, error=error, file=file)
        return
    except RecursionError:
        yield ArticleOrError(file, error=InputError(f"{path}: {_TOO_DEEP}"), file=file)
        return
    if not isinstance(loaded, list):
        yield _one(loaded, file, file, None)
        return
    for i, obj in enumerate(loaded):
        yield _one(obj, f"{path}[{i}]", file, i)


def _jsonl_lines(path: Path) -> Iterator[tuple[int, bytes | InputError]]:
    """(line number, raw line) of a JSON Lines file, streamed, each line at most MAX_FILE_BYTES.

    Lines end at b"\n" only, as JSON Lines defines them: str.splitlines() also cut at U+2028,
    U+2029 and U+0085, which JSON strings may hold raw."""
    _check_regular(path)
    try:
        with path.open("rb") as handle:
            number = 0
            while line := handle.readline(MAX_FILE_BYTES + 1):
                number += 1
                if len(line) > MAX_FILE_BYTES and not line.endswith(b"\n"):
                    yield number, InputError(f"{path}:{number}: a line longer than {MAX_FILE_BYTES:,} bytes")
                    while (rest := handle.readline(MAX_FILE_BYTES + 1)) and not rest.endswith(b"\n"):
                        pass
                    continue
                yield number, line
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def count_lines(path: Path) -> int:
    """Non-blank lines of a JSON Lines file, counted from its bytes (for a progress bar)."""
    return sum(1 for _, line in _jsonl_lines(path) if not isinstance(line, bytes) or line.strip())


def _jsonl_articles(path: Path) -> Iterator[ArticleOrError]:
    file = str(path)
    seen = False
    try:
        for number, line in _jsonl_lines(path):
            seen = seen or not isinstance(line, bytes) or bool(line.strip())
            where = f"{path}:{number}"
            if isinstance(line, InputError):
                yield ArticleOrError(where, error=line, file=file, position=number)
                continue
            if number == 1 and line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # A UTF-16 feed cannot be split on b"\n": read it whole, within the size limit.
                text = _decode(path, _read_bytes(path))
                yield from _jsonl_text_articles(path, text)
                return
            if not line.strip():
                continue
            try:
                decoded = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                error = InputError(f"{where}: not valid UTF-8 (byte {exc.start} of the line)")
                yield ArticleOrError(where, error=error, file=file, position=number)
                continue
            yield _parsed_line(decoded, where, file, number)
    except InputError as error:
        yield ArticleOrError(file, error=error, file=file)
        return
    if not seen:
        yield ArticleOrError(file, error=InputError(f"{path}: the file is empty"), file=file)


def _jsonl_text_articles(path: Path, text: str) -> Iterator[ArticleOrError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _parsed_line(line, f"{path}:{number}", str(path), number)


def _parsed_line(line: str, where: str, file: str, number: int) -> ArticleOrError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return ArticleOrError(where, error=InputError(f"{where}: invalid JSON: {exc.msg}"), file=file, position=number)
    except RecursionError:
        return ArticleOrError(where, error=InputError(f"{where}: {_TOO_DEEP}"), file=file, position=number)
    return _one(obj, where, file, number)


def _one(obj: object, where: str, file: str, position: int | None) -> ArticleOrError:
    try:
        return ArticleOrError(where, article_from_object(obj, where), file=file, position=position)
    except InputError as error:
        return ArticleOrError(where, error=error, file=file, position=position)


# -- many inputs ----------------------------------------------------------------


@dataclass
class ExpandedInputs:
    """The files a run reads, what matched nothing, and what was passed over (with why)."""

    files: list[Path] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _walk(folder: Path, follow_links: bool, skip: Path | None, expanded: ExpandedInputs) -> list[Path]:
    """Article files under `folder`, recursively; links out of it are not followed unless asked."""
    root = folder.resolve()
    found: list[Path] = []
    visited: set[Path] = set()  # followed links may loop back to a folder already read
    for current, dirs, names in os.walk(folder, followlinks=follow_links):
        here = Path(current)
        real = here.resolve()
        if (skip is not None and _inside(real, skip)) or real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        for name in names:
            path = here / name
            if path.suffix.lower() not in TEXT_SUFFIXES | JSON_SUFFIXES:
                continue
            if path.is_symlink() and not follow_links and not _inside(path.resolve(), root):
                expanded.passed_over.append(f"{path}: a link to a file outside {folder}; not read (--follow-links)")
                continue
            found.append(path)
        if not follow_links:
            for name in list(dirs):
                if (here / name).is_symlink():
                    dirs.remove(name)
                    expanded.passed_over.append(f"{here / name}: a linked folder; not read (--follow-links)")
    return sorted(found)


def expand_inputs(
    inputs: Iterable[str | Path], *, follow_links: bool = False, skip: Path | None = None
) -> ExpandedInputs:
    """Files, folders (recursively, known suffixes only) and globs, in a stable order.

    `skip` is a folder never read (the run's own output folder: its JSONL files are not news)."""
    expanded = ExpandedInputs()
    skip = skip.resolve() if skip is not None else None
    files: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = _walk(path, follow_links, skip, expanded)
        elif path.exists() or path.is_symlink():
            found = [path]
        else:
            found = sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if Path(p).is_file())
        if not found:
            expanded.unmatched.append(str(raw))
        for file in found:
            if skip is not None and _inside(file.resolve(), skip):
                expanded.passed_over.append(f"{file}: inside the output folder; not read as an article")
            else:
                files.append(file)
    expanded.files = list({p.resolve(): p for p in files}.values())
    return expanded


def iter_items(expanded: ExpandedInputs) -> Iterator[ArticleOrError]:
    """Every article of every input, each file read once and lazily, errors in their place."""
    for raw in expanded.unmatched:
        yield ArticleOrError(raw, error=InputError(f"{raw}: no such file, folder or glob match"), file=raw)
    for path in expanded.files:
        yield from read_articles(path)
