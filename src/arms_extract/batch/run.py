"""Run the pipeline over many inputs: concurrency, cache, resume, progress, token budget.

Articles already finished in DIR (from an earlier, perhaps killed, run) are
skipped; each finished article is committed to DIR/extract.sqlite in one
transaction; the JSONL views are rewritten atomically as the run goes and at
its end. One failed article is recorded with its reason and never stops the
others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import (
    ArmsExtractError,
    EmbeddedModelError,
    ExtractionFailed,
    InputError,
    RecordRejected,
    StoreError,
    one_line,
)
from .._workers import run_limited
from ..backends.backend import Backend
from ..backends.llm import BackendSettings
from ..cache import AnswerCache
from ..pipeline import AsyncExtractor
from ..records import Article, Extraction, Usage
from .inputs import (
    LINE_SUFFIXES,
    ArticleOrError,
    ExpandedInputs,
    article_identity,
    count_lines,
    expand_inputs,
    iter_items,
    text_digest,
)
from .store import RunStore

__all__ = ["RunOptions", "RunSummary", "article_identity", "expand_inputs", "run_batch"]

log = logging.getLogger("arms_extract.batch")

EXPORT_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class RunOptions:
    workers: int | None = None  # None: 1 for the embedded model, 8 for a server
    use_cache: bool = True
    refresh: bool = False
    max_tokens_per_article: int | None = None
    cache: AnswerCache | None = None  # None with use_cache: the user cache directory
    follow_links: bool = False  # read files that links in an input folder point to outside it
    backend: Backend | None = None  # None: the server the settings name (the seam tests use)


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
    notices: list[str] = field(default_factory=list)  # what a person should know: files passed over, cache trouble

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


def count_items(expanded: ExpandedInputs) -> int:
    """How many items a run will see, for the progress bar, without keeping any text.

    A JSON Lines feed's non-blank lines are counted from its bytes; every other file counts
    as one (a .json list raises the total as it is read)."""
    total = len(expanded.unmatched)
    for path in expanded.files:
        total += 1
        if path.suffix.lower() in LINE_SUFFIXES:
            with suppress(OSError, InputError):
                total += count_lines(path) - 1
    return total


ProgressCallback = Callable[[RunSummary, str, str | None], None]  # summary, source, error


async def run_batch(
    inputs: Iterable[str | Path],
    out_dir: Path,
    settings: BackendSettings,
    options: RunOptions = RunOptions(),
    on_article: ProgressCallback | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunSummary:
    """Extract every input into `out_dir`; a failed article is recorded, never raised.

    Raises StoreError (naming the path) when the output folder cannot be written, and
    EmbeddedModelError when the embedded model cannot be started."""
    expanded = expand_inputs(inputs, follow_links=options.follow_links, skip=out_dir)
    summary = RunSummary()
    summary.notices.extend(expanded.passed_over)
    started = time.perf_counter()
    with RunStore(out_dir, lock=True) as store:
        # Failures are tried again: forget this run's old ones, so none stays once fixed.
        store.forget_failures([str(p) for p in expanded.files] + expanded.unmatched)
        done_before = store.done_keys()
        summary.total = count_items(expanded)
        if on_start:
            on_start(summary.total)
        cache = None
        if options.use_cache:
            # `is None`, not `or`: an empty cache is falsy (it has a length).
            cache = options.cache if options.cache is not None else AnswerCache()
        try:
            await _run(expanded, store, done_before, cache, settings, options, summary, started, on_article)
        finally:
            if cache is not None:
                summary.notices.extend(n for n in cache.notices if n not in summary.notices)
                if options.cache is None:
                    cache.close()
        store.export_jsonl()
    summary.seconds = time.perf_counter() - started
    return summary


async def _run(
    expanded: ExpandedInputs,
    store: RunStore,
    done_before: set[str],
    cache: AnswerCache | None,
    settings: BackendSettings,
    options: RunOptions,
    summary: RunSummary,
    started: float,
    on_article: ProgressCallback | None,
) -> None:
    workers = options.workers or settings.default_workers
    last_export = time.monotonic()
    seen_texts: dict[str, str] = {}  # sha256 of text -> first source, to flag duplicates
    seen_identities: set[str] = set()
    fatal: list[str] = []

    def finish(source: str, error: str | None) -> None:
        nonlocal last_export
        summary.seconds = time.perf_counter() - started
        summary.total = max(summary.total, summary.done)
        if on_article:
            on_article(summary, source, error)
        if time.monotonic() - last_export > EXPORT_EVERY_SECONDS:
            store.export_jsonl()
            last_export = time.monotonic()

    def fail(key: str, item: ArticleOrError, error: str, spent: Usage | None = None) -> None:
        summary.failed += 1
        summary.failures.append((item.source, error))
        article_id = item.article.id if item.article else Path(item.source).stem
        store.write_failed(key, article_id, item.source, error, spent, file=item.file)
        finish(item.source, error)

    extractor = AsyncExtractor(settings=settings, backend=options.backend, cache=cache, refresh=options.refresh)
    async with extractor:

        async def handle(item: ArticleOrError) -> None:
            if item.article is None:
                fail(item.origin_key, item, str(item.error))
                return
            article = item.article
            digest = text_digest(article.text)
            key = article_identity(article, digest)
            if key in done_before or key in seen_identities:
                summary.skipped += 1
                finish(item.source, None)
                return
            seen_identities.add(key)
            duplicate_of = seen_texts.setdefault(digest, item.source)
            if fatal:
                fail(key, item, f"not attempted: {fatal[0]}")
                return
            outcome = await _extract_one(extractor, article, key, item, duplicate_of, options, store, summary)
            if outcome.fatal:
                fatal.append(outcome.error or "")
            if outcome.error:
                fail(key, item, outcome.error, outcome.spent)
            else:
                finish(item.source, None)

        async def one(item: ArticleOrError) -> None:
            try:
                await handle(item)
            except StoreError:
                raise  # the outputs cannot be written: nothing more can be saved
            except Exception as exc:  # a defect of ours costs this article, never the run
                log.exception("%s: internal error", item.source)
                key = article_identity(item.article) if item.article else item.origin_key
                fail(key, item, f"internal error: {one_line(exc)}")

        await run_limited(workers, iter_items(expanded), one)


@dataclass
class _Outcome:
    error: str | None = None
    spent: Usage | None = None
    fatal: bool = False  # the backend is gone: the articles after this one are not attempted


async def _extract_one(
    extractor: AsyncExtractor,
    article: Article,
    key: str,
    item: ArticleOrError,
    duplicate_of: str,
    options: RunOptions,
    store: RunStore,
    summary: RunSummary,
) -> _Outcome:
    """Extract and store one article: the failure reason (or None) and what a failure spent."""
    try:
        extraction: Extraction = await extractor.extract(article)
    except EmbeddedModelError as exc:
        return _Outcome(f"embedded model: {exc}", fatal=True)
    except ArmsExtractError as exc:
        log.warning("%s: %s", item.source, exc)
        paid = exc.usage if isinstance(exc, ExtractionFailed) else None
        summary.charge(paid)  # a failed article's tokens were paid for too
        return _Outcome(str(exc), paid, fatal=isinstance(exc, ExtractionFailed) and exc.fatal)
    usage = extraction.provenance.usage
    spent = usage.prompt_tokens + usage.completion_tokens
    if not extraction.provenance.cached:
        summary.charge(usage)
    budget = options.max_tokens_per_article
    if budget is not None and spent > budget:
        return _Outcome(f"used {spent} tokens, over the budget of {budget} per article", usage)
    if duplicate_of != item.source:
        extraction.warnings.append(f"the same text as {duplicate_of}")
    try:
        store.write_ok(key, extraction, cached=extraction.provenance.cached, file=item.file)
    except RecordRejected as exc:
        return _Outcome(str(exc), usage)
    summary.ok += 1
    summary.cached += int(extraction.provenance.cached)
    log.info("%s: ok, %d sales, %d tokens%s", item.source, len(extraction.sales), spent,
             " (cached)" if extraction.provenance.cached else "")  # fmt: skip
    return _Outcome()
