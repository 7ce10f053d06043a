"""One article in, one Extraction out: prompt, call, re-ask, salvage, assemble.

`Extractor` keeps one backend (and one embedded server) alive across many
articles; `AsyncExtractor` does the same with async calls. Both share every
step but the HTTP call itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from types import TracebackType
from typing import Any

import httpx2 as httpx
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

from ._errors import ExtractionFailed, one_line
from ._secrets import register_secret
from .backends._attempt import _Attempt, _CallLog, _combine, _salvage, api_failure
from .backends.backend import Backend, backend_for
from .backends.llm import BackendSettings, make_async_client, make_client
from .backends.local_model import EmbeddedServer
from .backends.planner import plan_requests, question_call
from .cache import AnswerCache, request_key
from .core.answer import ArticleAnswer, grounded_in
from .core.assemble import assemble, is_notice
from .core.followup import SellerAnswer, SellerQuestion, seller_questions, with_sellers
from .core.prompts import prompt_version
from .records import Article, Extraction, Provenance, Usage


def as_article(text_or_article: str | Article, published: str | dt.date | None = None) -> Article:
    """Accept plain text or an Article; plain text gets an id from its content."""
    if isinstance(text_or_article, Article):
        if published is not None and text_or_article.published is None:
            return text_or_article.model_copy(update={"published": _as_date(published)})
        return text_or_article
    text = text_or_article
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Article(id=digest, text=text, published=_as_date(published))


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def finish_extraction(
    article: Article, attempts: list[_Attempt], *, model: str, backend: str, started: float
) -> Extraction:
    """The model's answers (one per chunk) to grounded, normalised records with their provenance."""
    attempt = _combine(attempts)
    try:
        sales, claims, actors, warnings = attempt.assembled or assemble(article, attempt.answer, attempt.listed_sellers)
    except Exception as exc:  # a defect of ours must fail this article, never the caller's batch
        raise ExtractionFailed(f"assembling the records failed: {one_line(exc)}", attempt.usage) from exc
    provenance = Provenance(
        model=model,
        backend=backend,
        prompt_version=prompt_version(),
        usage=attempt.usage,
        seconds=round(time.perf_counter() - started, 3),
        cached=attempt.cached,
    )
    return Extraction(
        article=article,
        sales=sales,
        claims=claims,
        actors=actors,
        provenance=provenance,
        warnings=attempt.warnings + warnings,
    )


class _ExtractorBase:
    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        *,
        settings: BackendSettings | None = None,
        server: EmbeddedServer | None = None,
        backend: Backend | None = None,
        cache: AnswerCache | None = None,
        refresh: bool = False,
    ) -> None:
        """`backend` is the seam to the model server (by default the one `settings` name; `server`
        an embedded server of the caller's); `cache` keeps answers across runs; `refresh` asks the
        model again and overwrites them."""
        self.settings = settings or BackendSettings.from_env(base_url, model, api_key)
        self.cache = cache
        self.refresh = refresh
        register_secret(self.settings.api_key)
        self.backend = backend if backend is not None else backend_for(self.settings, server)

    def _recover(self) -> bool:
        return self.backend.recover()

    def _planned_settings(self) -> BackendSettings:
        """The settings requests are built with, the model named, without starting anything."""
        return self.backend.planned(self.settings)

    def _resolved_settings(self) -> BackendSettings:
        """Settings pointing at a running server (starting the embedded one if needed)."""
        return self.backend.running(self.settings)

    def _requests(self, article: Article, settings: BackendSettings) -> list[tuple[str, dict[str, Any]]]:
        """(chunk text, call) per chunk, sized to the embedded server's context when there is one."""
        return plan_requests(article, settings, self.backend.n_ctx)

    def _cached(
        self, request: dict[str, Any], answer_type: type[Any] = ArticleAnswer
    ) -> tuple[str | None, _Attempt | None]:
        """(cache key, cached attempt or None); no key when there is no cache."""
        if self.cache is None:
            return None, None
        key = request_key(request, self._cache_scope(), reask_ungrounded=self.settings.reask_ungrounded)
        hit = None if self.refresh else self.cache.get(key, answer_type)
        if hit is None:
            return key, None
        answer, usage, warnings = hit
        return key, _Attempt(answer, usage, warnings, cached=True)

    def _cache_scope(self) -> str:
        """Whose answers a cached answer is: two servers may serve different models under one name.

        The embedded model is named by its file (in the request), not by its port, which changes."""
        if self.settings.base_url is None:
            return "embedded"
        return f"{self.settings.backend_name} {self.settings.base_url.rstrip('/')}"

    def _validated_in(self, text: str) -> AbstractContextManager[None]:
        """Grounded validation, under which instructor re-asks for a value the article does not hold;
        or lenient validation, which leaves such a value to assembly to drop with a warning."""
        return grounded_in(text) if self.settings.reask_ungrounded else nullcontext()

    def _questions(
        self, article: Article, requests: list[tuple[str, dict[str, Any]]], attempts: list[_Attempt]
    ) -> list[SellerQuestion]:
        """Questions about the sales that came out without a seller (core/followup.py): for an
        article read in one request, and not a DSCA notice (which states its seller)."""
        if not self.settings.ask_sellers or len(requests) != 1 or is_notice(article.text):
            return []
        first = attempts[0]
        try:
            first.assembled = assemble(article, first.answer, first.listed_sellers)
        except Exception:  # a defect of ours: finishing the extraction reports it
            return []
        sales, _, actors, _ = first.assembled
        return seller_questions(first.answer, sales, {actor.id: actor for actor in actors})

    @staticmethod
    def _answered(attempt: _Attempt, replies: list[tuple[SellerQuestion, _Attempt | ExtractionFailed]]) -> _Attempt:
        """The article's answer with the sellers the questions found, and what they cost."""
        found: dict[int, tuple[str, str | None]] = {}
        listed: dict[int, str] = {}
        usage, warnings, cached = attempt.usage, list(attempt.warnings), attempt.cached
        for question, reply in replies:
            if isinstance(reply, ExtractionFailed):
                usage, cached = usage + (reply.usage or Usage()), False
                warnings.append(question.failed(reply))
                continue
            usage, cached = usage + reply.usage, cached and reply.cached
            seller = getattr(reply.answer, "seller", None)
            if seller is not None and question.index is not None:
                found[question.index] = (seller, question.buyer)
            elif seller is not None and question.listed_at is not None:
                listed[question.listed_at] = seller
            warnings.append(question.asked(seller))
        answer = with_sellers(attempt.answer, found)
        return _Attempt(answer, usage, warnings, cached, listed_sellers={**attempt.listed_sellers, **listed})

    def _store(self, key: str | None, attempt: _Attempt) -> _Attempt:
        if key is not None and self.cache is not None:
            self.cache.put(key, attempt.answer, attempt.usage, attempt.warnings)
        return attempt

    def _finish(
        self, article: Article, attempts: list[_Attempt], settings: BackendSettings, started: float
    ) -> Extraction:
        model = settings.model or "default"
        return finish_extraction(article, attempts, model=model, backend=self.settings.backend_name, started=started)

    @staticmethod
    def _charged(failed: ExtractionFailed, done: list[_Attempt], spent: Usage) -> ExtractionFailed:
        """`failed` with what the article spent before it: earlier chunks (asked, not cached) and
        a try before a server restart, so a run's token totals include the articles that failed."""
        asked = [a.usage for a in done if not a.cached]
        failed.usage = sum(asked, (failed.usage or Usage()) + spent)
        return failed

    @staticmethod
    def _with_spent(attempts: list[_Attempt], spent: Usage) -> list[_Attempt]:
        """The first attempt charged with what a try before a server restart spent.

        (A chunk that try answered and the cache kept is counted again when the second try
        reuses it, as every cached chunk of a partly cached article is: an attempt's usage is
        what its answer cost when it was made.)"""
        if spent == Usage():
            return attempts
        return [replace(attempts[0], usage=attempts[0].usage + spent), *attempts[1:]]

    def _stop_server(self) -> None:
        self.backend.stop()


class Extractor(_ExtractorBase):
    """Extract many articles with one backend; use as a context manager to stop it cleanly."""

    _client: Any = None
    _client_url: str | None = None

    def _client_for(self, settings: BackendSettings) -> Any:
        if self._client is None or self._client_url != settings.base_url:
            self._client = make_client(settings)
            self._client_url = settings.base_url
        return self._client

    def extract(self, text_or_article: str | Article, published: str | dt.date | None = None) -> Extraction:
        """One article to an Extraction; raises ExtractionFailed with a clear reason."""
        article = as_article(text_or_article, published)
        started = time.perf_counter()
        settings = self._planned_settings()
        requests = self._requests(article, settings)
        try:
            attempts = self._attempts(requests, Usage())
        except ExtractionFailed as failed:
            if not self._recover():
                raise
            spent = failed.usage or Usage()
            attempts = self._with_spent(self._attempts(requests, spent), spent)
        return self._finish(article, self._asked(article, requests, attempts, settings), settings, started)

    def with_seller_answers(self, article: Article, attempt: _Attempt) -> _Attempt:
        """`attempt` (the article's answer, made elsewhere: `ray-run`'s model stage) with the
        questions about its sales without a seller asked here, as `extract` asks them."""
        settings = self._planned_settings()
        [answered] = self._asked(article, self._requests(article, settings), [attempt], settings)
        return answered

    def _asked(
        self,
        article: Article,
        requests: list[tuple[str, dict[str, Any]]],
        attempts: list[_Attempt],
        settings: BackendSettings,
    ) -> list[_Attempt]:
        questions = self._questions(article, requests, attempts)
        if not questions:
            return attempts
        text = requests[0][0]
        replies = [(question, self._ask(text, question, settings)) for question in questions]
        return [self._answered(attempts[0], replies)]

    def _attempts(self, requests: list[tuple[str, dict[str, Any]]], spent: Usage) -> list[_Attempt]:
        done: list[_Attempt] = []
        try:
            for text, request in requests:
                done.append(self._call(text, request))
        except ExtractionFailed as failed:
            raise self._charged(failed, done, spent) from None
        return done

    def _ask(self, text: str, question: SellerQuestion, settings: BackendSettings) -> _Attempt | ExtractionFailed:
        try:
            return self._call(text, question_call(text, question.text, settings), SellerAnswer)
        except ExtractionFailed as failed:
            return failed

    def _call(self, text: str, request: dict[str, Any], answer_type: type[Any] = ArticleAnswer) -> _Attempt:
        key, hit = self._cached(request, answer_type)
        if hit is not None:
            return hit
        # Only a cache miss needs the backend: a cached batch never starts the embedded server.
        client = self._client_for(self._resolved_settings())
        log = _CallLog()
        try:
            with self._validated_in(text):  # salvage, below, reads the last answer leniently
                answer = client.create(**request, hooks=log)
        except InstructorRetryException as error:
            return self._store(key, _salvage(error, log, answer_type))
        except (openai.APIError, httpx.HTTPError, IncompleteOutputException) as error:
            raise api_failure(error, log.usage()) from None
        return self._store(key, _Attempt(answer, log.usage(), log.notes))

    def close(self) -> None:
        if self._client is not None:
            self._client.client.close()
            self._client = None
        self._stop_server()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncExtractor(_ExtractorBase):
    """The async twin of Extractor, for many articles in flight at once."""

    _client: Any = None
    _client_url: str | None = None

    async def extract(self, text_or_article: str | Article, published: str | dt.date | None = None) -> Extraction:
        article = as_article(text_or_article, published)
        started = time.perf_counter()
        settings = self._planned_settings()
        requests = self._requests(article, settings)
        try:
            attempts = await self._attempts(requests, Usage())
        except ExtractionFailed as failed:
            if not await asyncio.to_thread(self._recover):
                raise
            spent = failed.usage or Usage()
            attempts = self._with_spent(await self._attempts(requests, spent), spent)
        questions = await asyncio.to_thread(self._questions, article, requests, attempts)
        if questions:
            text = requests[0][0]
            replies = [(question, await self._ask(text, question, settings)) for question in questions]
            attempts = [self._answered(attempts[0], replies)]
        # Grounding a long answer takes CPU time: in a thread, the other articles' requests go on.
        return await asyncio.to_thread(self._finish, article, attempts, settings, started)

    async def _attempts(self, requests: list[tuple[str, dict[str, Any]]], spent: Usage) -> list[_Attempt]:
        done: list[_Attempt] = []
        try:
            for text, request in requests:
                done.append(await self._call(text, request))
        except ExtractionFailed as failed:
            raise self._charged(failed, done, spent) from None
        return done

    async def server_settings(self) -> BackendSettings:
        """Settings pointing at the running backend, starting the embedded server if needed.

        For callers that send requests of their own, like the evaluation's baseline."""
        return await asyncio.to_thread(self._resolved_settings)

    def _async_client_for(self, settings: BackendSettings) -> None:
        if self._client is None or self._client_url != settings.base_url:
            self._client = make_async_client(settings)
            self._client_url = settings.base_url

    async def _ask(self, text: str, question: SellerQuestion, settings: BackendSettings) -> _Attempt | ExtractionFailed:
        try:
            return await self._call(text, question_call(text, question.text, settings), SellerAnswer)
        except ExtractionFailed as failed:
            return failed

    async def _call(self, text: str, request: dict[str, Any], answer_type: type[Any] = ArticleAnswer) -> _Attempt:
        key, hit = self._cached(request, answer_type)
        if hit is not None:
            return hit
        # Only the embedded server may need starting (in a thread: it takes seconds); a server's
        # settings are at hand, and a hop through a thread per request slows a big batch.
        settings = await asyncio.to_thread(self._resolved_settings) if self.backend.starts else self.settings
        self._async_client_for(settings)
        log = _CallLog()
        try:
            with self._validated_in(text):
                answer = await self._client.create(**request, hooks=log)
        except InstructorRetryException as error:
            return self._store(key, _salvage(error, log, answer_type))
        except (openai.APIError, httpx.HTTPError, IncompleteOutputException) as error:
            raise api_failure(error, log.usage()) from None
        return self._store(key, _Attempt(answer, log.usage(), log.notes))

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.client.close()
            self._client = None
        await asyncio.to_thread(self._stop_server)

    async def __aenter__(self) -> AsyncExtractor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def extract(
    text_or_article: str | Article,
    published: str | dt.date | None = None,
    *,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
) -> Extraction:
    """Extract one article. For many, keep an `Extractor` so the backend starts once."""
    with Extractor(base_url, model, api_key) as extractor:
        return extractor.extract(text_or_article, published)


async def aextract(
    text_or_article: str | Article,
    published: str | dt.date | None = None,
    *,
    base_url: str | None = None,
    model: str | None = None,
    api_key: str | None = None,
) -> Extraction:
    async with AsyncExtractor(base_url, model, api_key) as extractor:
        return await extractor.extract(text_or_article, published)
