"""Transport retries, tested on httpx mock transports (no network, no model)."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from arms_extract.backends._transport import (
    AsyncRetryingTransport,
    RetryingTransport,
    RetryPolicy,
    retry_after_seconds,
)

FAST = RetryPolicy(attempts=4, initial_wait=0.001, max_wait=0.01, total_wait=5)


class Script:
    """Answers requests from a list of statuses (or exceptions), recording each call."""

    def __init__(self, *steps: int | Exception, headers: dict[str, str] | None = None) -> None:
        self.steps = list(steps)
        self.calls = 0
        self.headers = headers or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        step = self.steps[min(self.calls, len(self.steps) - 1)]
        self.calls += 1
        if isinstance(step, Exception):
            raise step
        return httpx.Response(step, headers=self.headers, json={"ok": step == 200})


def client(script: Script, policy: RetryPolicy = FAST) -> httpx.Client:
    return httpx.Client(transport=RetryingTransport(policy, httpx.MockTransport(script)))


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_until_success(status: int) -> None:
    script = Script(status, status, 200)
    response = client(script).get("http://model/v1/models")
    assert response.status_code == 200
    assert script.calls == 3


def test_connection_errors_are_retried() -> None:
    script = Script(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), 200)
    assert client(script).get("http://model/").status_code == 200
    assert script.calls == 3


def test_client_errors_are_not_retried() -> None:
    script = Script(400, 200)
    assert client(script).get("http://model/").status_code == 400
    assert script.calls == 1


def test_attempts_are_bounded_and_the_last_response_is_returned() -> None:
    script = Script(503)
    assert client(script).get("http://model/").status_code == 503
    assert script.calls == FAST.attempts


def test_last_exception_is_raised_when_attempts_run_out() -> None:
    script = Script(httpx.ConnectError("refused"))
    with pytest.raises(httpx.ConnectError):
        client(script).get("http://model/")
    assert script.calls == FAST.attempts


def test_retry_after_is_honoured_within_the_bound() -> None:
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after": "7"})) == 7.0
    assert retry_after_seconds(httpx.Response(429, headers={"retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(httpx.Response(429)) is None
    policy = RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.05)
    script = Script(429, 200, headers={"retry-after": "30"})
    waits: list[float] = []
    import tenacity

    original = tenacity.nap.time.sleep
    tenacity.nap.time.sleep = waits.append  # type: ignore[assignment]
    try:
        assert client(script, policy).get("http://model/").status_code == 200
    finally:
        tenacity.nap.time.sleep = original  # type: ignore[assignment]
    assert waits == [0.05]  # Retry-After 30 s capped at max_wait


async def test_async_transport_retries_too() -> None:
    script = Script(502, 200)

    async def handler(request: httpx.Request) -> httpx.Response:
        return script(request)

    transport = AsyncRetryingTransport(FAST, httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport) as async_client:
        assert (await async_client.get("http://model/")).status_code == 200
    assert script.calls == 2


def test_instructors_async_validator_check_still_rejects_after_a_class_passed() -> None:
    """The per-class memo in llm.py skips instructor's walk only for classes that passed it."""
    from instructor.v2.validation import async_validators
    from pydantic import BaseModel

    from arms_extract.backends.llm import _check_async_validators_once

    _check_async_validators_once()  # what making the first client does (not importing: no side effects)
    check = async_validators.reject_async_validators
    assert getattr(check, "remembers_passes", False)

    class Plain(BaseModel):
        name: str

    def marked(self) -> None: ...

    setattr(marked, async_validators.ASYNC_VALIDATOR_KEY, True)
    Flagged = type("Flagged", (BaseModel,), {"__annotations__": {"name": str}, "check_name": marked})
    check(Plain)
    check(Plain)  # remembered
    for _ in range(2):  # a class that fails is never remembered
        with pytest.raises(ValueError, match="async validators are not supported"):
            check(Flagged)
