"""Run the pipeline over many inputs: concurrency, cache, resume, progress, token budget.

Articles already finished in DIR (from an earlier, perhaps killed, run) are
skipped; each finished article is committed to DIR/extract.sqlite in one
transaction; the JSONL views are rewritten atomically as the run goes and at
its end. One failed article is recorded with its reason and never stops the
others.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import ArmsExtractError, EmbeddedModelError, ExtractionFailed, InputError
from ._workers import run_limited
from .cache import AnswerCache
from .inputs import JSON_SUFFIXES, TEXT_SUFFIXES, ArticleOrError, read_articles
from .llm import BackendSettings
from .pipeline import AsyncExtractor
from .records import Article, Extraction, Usage
from .store import RunStore

log = logging.getLogger("arms_extract.batch")

EXPORT_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class RunOptions:
    workers: int | None = None  # None: 1 for the embedded model, 8 for a server
    use_cache: bool = True
    refresh: bool = False
    max_tokens_per_article: int | None = None
    cache: AnswerCache | None = None  # None with use_cache: the user cache directory


@dataclass
class RunSummary:
    """What a run did; `ok + failed + skipped == total` inputs of this run."""

    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    def charge(self, usage: Usage | None) -> None:
        """Add what one article's model calls cost to the run's totals."""
        if usage is not None:
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            self.requests += usage.requests
            self.reasks += usage.reasks

    @property
    def articles_per_minute(self) -> float:
        return 60.0 * (self.ok + self.failed) / self.seconds if self.seconds else 0.0


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files, folders (recursively, known suffixes only) and globs, in a stable order.

    Returns the files and the inputs that matched nothing.
    """
    suffixes = TEXT_SUFFIXES | JSON_SUFFIXES
    files: list[Path] = []
    unmatched: list[str] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        elif path.exists():
            found = [path]
        else:
            found = sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if Path(p).is_file())
        if not found:
            unmatched.append(str(raw))
        files.extend(found)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, unmatched


def iter_items(files: list[Path], unmatched: list[str]) -> Iterator[ArticleOrError]:
    for raw in unmatched:
        yield ArticleOrError(raw, error=InputError(f"{raw}: no such file, folder or glob match"))
    for path in files:
        yield from read_articles(path)


ProgressCallback = Callable[[RunSummary, str, str | None], None]  # summary, key, error


async def run_batch(
    inputs: Iterable[str | Path],
    out_dir: Path,
    settings: BackendSettings,
    options: RunOptions = RunOptions(),
    on_article: ProgressCallback | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunSummary:
    files, unmatched = expand_inputs(inputs)
    store = RunStore(out_dir)
    summary = RunSummary()
    started = time.perf_counter()
    done_before = store.done_keys()
    # A first pass counts the inputs for the progress bar without keeping any text,
    # so memory stays flat however many articles there are.
    summary.total = sum(1 for _ in iter_items(files, unmatched))
    if on_start:
        on_start(summary.total)
    cache = None
    if options.use_cache:
        # `is None`, not `or`: an empty cache is falsy (it has a length).
        cache = options.cache if options.cache is not None else AnswerCache()
    workers = options.workers or (settings.embedded_slots if settings.is_embedded else 8)
    last_export = time.monotonic()
    seen_texts: dict[str, str] = {}  # sha256 of text -> first key, to flag duplicates
    fatal: list[str] = []
    pending = iter_items(files, unmatched)

    def finish(key: str, error: str | None) -> None:
        nonlocal last_export
        summary.seconds = time.perf_counter() - started
        if on_article:
            on_article(summary, key, error)
        if time.monotonic() - last_export > EXPORT_EVERY_SECONDS:
            store.export_jsonl()
            last_export = time.monotonic()

    async with AsyncExtractor(settings=settings, cache=cache, refresh=options.refresh) as extractor:

        async def one(item: ArticleOrError) -> None:
            key = item.source
            if item.article is None:
                summary.failed += 1
                store.write_failed(key, Path(key).stem, key, str(item.error))
                summary.failures.append((key, str(item.error)))
                finish(key, str(item.error))
                return
            if key in done_before:
                summary.skipped += 1
                finish(key, None)
                return
            article = item.article
            digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            duplicate_of = seen_texts.setdefault(digest, key)
            spent: Usage | None = None
            if fatal:
                error: str | None = f"not attempted: {fatal[0]}"
            else:
                error, spent = await _extract_one(extractor, article, key, duplicate_of, options, store, summary)
                if error and error.startswith("embedded model:"):
                    fatal.append(error)
            if error:
                summary.failed += 1
                summary.failures.append((key, error))
                store.write_failed(key, article.id, article.source, error, spent)
            finish(key, error)

        await run_limited(workers, pending, one)
    store.export_jsonl()
    store.close()
    if cache is not None and options.cache is None:
        cache.close()
    summary.seconds = time.perf_counter() - started
    return summary


async def _extract_one(
    extractor: AsyncExtractor,
    article: Article,
    key: str,
    duplicate_of: str,
    options: RunOptions,
    store: RunStore,
    summary: RunSummary,
) -> tuple[str | None, Usage | None]:
    """Extract and store one article: (the failure reason or None, what a failure spent)."""
    try:
        extraction: Extraction = await extractor.extract(article)
    except EmbeddedModelError as exc:
        return f"embedded model: {exc}", None
    except ArmsExtractError as exc:
        log.warning("%s: %s", key, exc)
        paid = exc.usage if isinstance(exc, ExtractionFailed) else None
        summary.charge(paid)  # a failed article's tokens were paid for too
        return str(exc), paid
    usage = extraction.provenance.usage
    spent = usage.prompt_tokens + usage.completion_tokens
    if not extraction.provenance.cached:
        summary.charge(usage)
    budget = options.max_tokens_per_article
    if budget is not None and spent > budget:
        return f"used {spent} tokens, over the budget of {budget} per article", usage
    if duplicate_of != key:
        extraction.warnings.append(f"the same text as {duplicate_of}")
    store.write_ok(key, extraction, cached=extraction.provenance.cached)
    summary.ok += 1
    summary.cached += int(extraction.provenance.cached)
    log.info("%s: ok, %d sales, %d tokens%s", key, len(extraction.sales), spent,
             " (cached)" if extraction.provenance.cached else "")  # fmt: skip
    return None, None
