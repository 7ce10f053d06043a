"""HTTP transports that retry transport failures with tenacity: the seam between us and the network.

Transport retries (429, 5xx, dropped connections, timeouts) live here, below
instructor, so they never consume the re-ask budget and an HTTP error body
never reaches a prompt. Requests are posted by `_chat` with plain httpx, so
this policy is the only one, and tests can swap the inner transport.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass

import httpx2 as httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one HTTP request before giving up on it."""

    attempts: int = 5
    initial_wait: float = 1.0
    max_wait: float = 30.0
    total_wait: float = 120.0

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(multiplier=self.initial_wait, jitter=self.initial_wait, max=self.max_wait)(
            state
        )
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            after = retry_after_seconds(outcome.result())
            if after is not None:
                return min(max(after, 0.0), self.max_wait)
        return backoff

    def _kwargs(self) -> dict[str, object]:
        return {
            "stop": stop_after_attempt(self.attempts) | stop_after_delay(self.total_wait),
            "wait": self._wait,
            "retry": retry_if_exception(_transient) | retry_if_result(_retryable),
            "retry_error_callback": _last_outcome,
            "reraise": True,
        }

    def retrying(self) -> Retrying:
        return Retrying(**self._kwargs())  # type: ignore[arg-type]

    def async_retrying(self) -> AsyncRetrying:
        # Nothing to close before a retry: each attempt reads its answer whole and closes the
        # connection's stream itself (closing it the sync way in async code failed every retry).
        return AsyncRetrying(**self._kwargs())  # type: ignore[arg-type]


def _retryable(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES


_NO_SUCH_HOST = ("Name or service not known", "nodename nor servname", "getaddrinfo failed", "No address associated")


def _transient(error: BaseException) -> bool:
    """A failure that another try may not meet: a timeout, a dropped or cut-off connection.

    Not a URL that cannot work (no such scheme, no such host): trying it again only made each
    article wait 19 s before failing the same way."""
    if isinstance(error, httpx.ConnectError) and any(text in str(error) for text in _NO_SUCH_HOST):
        return False
    return isinstance(error, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)


def _last_outcome(state: RetryCallState) -> httpx.Response:
    """Out of attempts: hand back the last response (openai turns it into its error) or raise."""
    assert state.outcome is not None
    return state.outcome.result()


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), or None."""
    header = response.headers.get("retry-after-ms")
    if header:
        try:
            return float(header) / 1000
        except ValueError:
            pass
    header = response.headers.get("retry-after")
    if not header:
        return None
    try:
        return float(header)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(header) if header else None
        if parsed is None:
            return None
        return parsed.timestamp() - time.time()


# httpx keeps only 20 idle connections by default: with more workers than that, every
# round of requests closed the surplus connections and opened new ones.
CONNECTION_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)


class AnswerDeadline(httpx.ReadTimeout):
    """The whole answer (headers and body) did not arrive within the deadline of one attempt."""


def _without_deadline(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """The response again, its body (as received, still encoded) read in full."""
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=body,
        request=request,
        extensions=response.extensions,
    )


class RetryingTransport(httpx.BaseTransport):
    """Retries under a policy; each attempt gets the whole answer within `deadline` seconds or fails.

    The body is read here, inside the retry loop: a connection cut in the middle of an answer
    is tried again like any dropped connection, and a server that drips one byte a second
    cannot hold a request past its deadline (httpx's timeouts bound each read, not the sum)."""

    def __init__(
        self, policy: RetryPolicy, inner: httpx.BaseTransport | None = None, deadline: float | None = None
    ) -> None:
        self.policy = policy
        self.inner = inner or httpx.HTTPTransport(limits=CONNECTION_LIMITS)
        self.deadline = deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def send() -> httpx.Response:
            started = time.monotonic()
            response = self.inner.handle_request(request)
            if response.is_stream_consumed:  # an answer already in memory (a test's mock)
                return response
            body = bytearray()
            try:
                for chunk in response.iter_raw():
                    body += chunk
                    if self.deadline is not None and time.monotonic() - started > self.deadline:
                        raise AnswerDeadline(f"no whole answer within {self.deadline:g} s", request=request)
            finally:
                response.close()
            return _without_deadline(response, bytes(body), request)

        return self.policy.retrying()(send)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """The async twin of RetryingTransport; the deadline covers the headers too."""

    def __init__(
        self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport | None = None, deadline: float | None = None
    ) -> None:
        self.policy = policy
        self.inner = inner or httpx.AsyncHTTPTransport(limits=CONNECTION_LIMITS)
        self.deadline = deadline

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async def attempt() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            if response.is_stream_consumed:  # an answer already in memory (a test's mock)
                return response
            body = bytearray()
            try:
                async for chunk in response.aiter_raw():
                    body += chunk
            finally:
                await response.aclose()
            return _without_deadline(response, bytes(body), request)

        async def send() -> httpx.Response:
            if self.deadline is None:
                return await attempt()
            try:
                async with asyncio.timeout(self.deadline):
                    return await attempt()
            except TimeoutError:
                raise AnswerDeadline(f"no whole answer within {self.deadline:g} s", request=request) from None

        return await self.policy.async_retrying()(send)

    async def aclose(self) -> None:
        await self.inner.aclose()
