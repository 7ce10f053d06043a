"""Backend settings and the instructor clients that reach any OpenAI-compatible server.

There is one code path: the embedded model, a user's own server and OpenAI
itself are all spoken to over the same HTTP API, through the same retrying
transport, so what the tests record is what production sends.
"""

from __future__ import annotations

import ipaddress
import os
import weakref
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
import instructor

from .._errors import ConfigError
from ._chat import AsyncChatCompletions, ChatCompletions
from ._transport import RetryPolicy

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
OPENAI_BASE_URL = "https://api.openai.com/v1"
SERVER_WORKERS = 8  # requests in flight to a server by default (see README: throughput)


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_openai(base_url: str) -> bool:
    parts = urlsplit(base_url)
    return parts.scheme == "https" and parts.hostname == "api.openai.com"


@dataclass(frozen=True)
class BackendSettings:
    """Where requests go and how they are made. `base_url=None` means the embedded model."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: instructor.Mode = instructor.Mode.JSON_SCHEMA
    temperature: float = 0.0
    timeout: float = 300.0
    max_reasks: int = 1  # each re-ask is a whole generation; a 1.5B model rarely fixes more
    # Re-ask for a sale value the article does not hold, or only drop it (with a warning)? A broken
    # answer (not JSON, not the schema) is re-asked either way. Off: on the fixed subset such re-asks
    # were 18 of 58 requests (10.5 of 45.4 s per article) and no metric rose with them (README).
    reask_ungrounded: bool = False
    # Ask the model again, one short question each, for the seller of a sale that came out without
    # one (core/followup.py). On: it answers about one sale better than in the whole list.
    ask_sellers: bool = True
    max_completion_tokens: int = 2048
    chunk_chars: int | None = None  # None: the embedded model's context, else 24,000
    embedded_slots: int = 1  # parallel sequences in the embedded server (measured: see README)
    max_chunks: int = 20
    retry: RetryPolicy = RetryPolicy()
    allow_http_key: bool = False  # send a key over plain http to a host that is not this machine

    def __post_init__(self) -> None:
        if self.base_url is None:
            return
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"--base-url {self.base_url!r} is not an http:// or https:// URL with a host")
        if self.api_key and parts.scheme == "http" and not _loopback(parts.hostname) and not self.allow_http_key:
            raise ConfigError(
                f"refusing to send an API key in clear text to {parts.hostname} (plain http); "
                "use https, or --allow-http-key on a network you trust"
            )

    @classmethod
    def from_env(
        cls,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        **overrides: object,
    ) -> BackendSettings:
        """Explicit arguments, then ARMS_EXTRACT_*, then OPENAI_API_KEY for OpenAI, then the embedded default.

        OPENAI_API_KEY goes to OpenAI only: a user's other server gets a key from `api_key`
        (--api-key) or ARMS_EXTRACT_API_KEY, never the OpenAI key that happens to be set."""
        base_url = base_url or os.environ.get("ARMS_EXTRACT_BASE_URL") or None
        model = model or os.environ.get("ARMS_EXTRACT_MODEL") or None
        api_key = api_key or os.environ.get("ARMS_EXTRACT_API_KEY") or None
        openai_key = os.environ.get("OPENAI_API_KEY") or None
        if base_url is None and (api_key or openai_key) and not os.environ.get("ARMS_EXTRACT_EMBEDDED"):
            # A key and no server: the user means OpenAI itself.
            base_url = OPENAI_BASE_URL
            model = model or DEFAULT_OPENAI_MODEL
        if api_key is None and base_url is not None and _is_openai(base_url):
            api_key = openai_key
        return cls(base_url=base_url, model=model, api_key=api_key, **overrides)  # type: ignore[arg-type]

    @property
    def is_embedded(self) -> bool:
        return self.base_url is None

    @property
    def default_workers(self) -> int:
        """Articles in flight when the user does not say: the embedded server's slots, else 8."""
        return self.embedded_slots if self.is_embedded else SERVER_WORKERS

    @property
    def backend_name(self) -> str:
        if self.base_url is None:
            return "embedded"
        if _is_openai(self.base_url):
            return "openai"
        return "openai-compatible"

    def with_server(self, base_url: str, model: str) -> BackendSettings:
        return replace(self, base_url=base_url, model=model)


def _check_async_validators_once() -> None:
    """Make instructor's async-validator check look at each response class once.

    Done when the first client is made, not at import: importing arms-extract changes no
    other library.

    instructor looks through the whole response model for async validators about five times per
    request: 2 ms of CPU per article, a fifth of what a batch spends in its client. Whether a
    class has one does not change, so a class that passed once is not looked through again.
    Anything else (and every class that fails) still goes to instructor's own check."""
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:  # another instructor layout: no shortcut, same behaviour
        return
    check = async_validators.reject_async_validators
    if getattr(check, "remembers_passes", False):
        return
    passed: weakref.WeakSet[type] = weakref.WeakSet()

    def reject_async_validators(response_model: Any) -> None:
        if isinstance(response_model, type) and response_model in passed:
            return
        check(response_model)
        if isinstance(response_model, type):
            passed.add(response_model)

    reject_async_validators.remembers_passes = True  # type: ignore[attr-defined]
    async_validators.reject_async_validators = reject_async_validators
    if getattr(patch, "reject_async_validators", None) is check:
        patch.reject_async_validators = reject_async_validators


def make_client(settings: BackendSettings, transport: httpx.BaseTransport | None = None) -> instructor.Instructor:
    """instructor over our chat-completions post; `.client.close()` closes its connections."""
    _check_async_validators_once()
    chat = ChatCompletions(settings, transport)
    create = instructor.patch(create=chat.create, mode=settings.mode)
    return instructor.Instructor(client=chat, create=create, mode=settings.mode)


def make_async_client(
    settings: BackendSettings, transport: httpx.AsyncBaseTransport | None = None
) -> instructor.AsyncInstructor:
    _check_async_validators_once()
    chat = AsyncChatCompletions(settings, transport)
    create = instructor.patch(create=chat.create, mode=settings.mode)
    return instructor.AsyncInstructor(client=chat, create=create, mode=settings.mode)
