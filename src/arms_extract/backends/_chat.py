"""Chat completions over httpx: the create function that instructor drives.

instructor builds every request (the answer schema, the re-asks) and validates
every answer; this module only posts the body it is given through the retrying
transport and returns openai's own `ChatCompletion`. The openai client would
do the same post, but costs 0.8 s of imports when it first sends and about
3 ms of CPU per request in features we switch off (its retries) or never use,
which a batch of 32 requests in flight cannot afford.
"""

from __future__ import annotations

import json
import os
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import httpx2 as httpx
import openai
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from ._transport import AsyncRetryingTransport, RetryingTransport

if TYPE_CHECKING:
    from .llm import BackendSettings

CHAT_COMPLETIONS = "/chat/completions"


def _user_agent() -> str:
    try:
        return f"arms-extract/{version('arms-extract')}"
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "arms-extract"


def _headers(api_key: str | None) -> dict[str, str]:
    """The key when there is one, and OpenAI's organisation and project, read as its client reads them."""
    headers = {"Accept": "application/json", "User-Agent": _user_agent()}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    for header, variable in (("OpenAI-Organization", "OPENAI_ORG_ID"), ("OpenAI-Project", "OPENAI_PROJECT_ID")):
        if value := os.environ.get(variable):
            headers[header] = value
    return headers


def _status_error(response: httpx.Response) -> openai.APIStatusError:
    """The error the openai client raises for this answer, with the same message."""
    text = response.text.strip()
    try:
        body: object = json.loads(text)
        message = f"Error code: {response.status_code} - {body}"
    except ValueError:
        body = text
        message = text or f"Error code: {response.status_code}"
    data = body.get("error", body) if isinstance(body, dict) else body
    return openai.APIStatusError(message, response=response, body=data)


class RedirectError(openai.APIStatusError):
    """The server answered with a redirect: the base URL is not the API's."""


def completion_from(response: httpx.Response) -> ChatCompletion:
    """A ChatCompletion from a server's answer, or the error that says what was wrong with it."""
    if response.status_code >= 400:
        raise _status_error(response)
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "elsewhere")
        message = f"the model server redirects (HTTP {response.status_code}) to {location[:200]}"
        raise RedirectError(message, response=response, body=None)
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise openai.APIResponseValidationError(
            response, response.text[:200], message="the model server's answer was not a JSON object"
        )
    try:
        return ChatCompletion.model_validate(data)
    except ValidationError:
        # Servers leave out fields they do not use (an id, a creation time); take what is there,
        # as the openai client does. A missing answer shows up where instructor reads it.
        return ChatCompletion.model_construct(**data)


def _url(settings: BackendSettings) -> str:
    if settings.base_url is None:
        raise ValueError("the embedded server must be started before a client is made")
    return settings.base_url.rstrip("/") + CHAT_COMPLETIONS


def _client_options(settings: BackendSettings) -> dict[str, Any]:
    return {"timeout": settings.timeout, "headers": _headers(settings.api_key)}


class ChatCompletions:
    """`create(**body)` posts one chat-completions request; for the synchronous Extractor."""

    def __init__(self, settings: BackendSettings, transport: httpx.BaseTransport | None = None) -> None:
        self.url = _url(settings)
        retrying = RetryingTransport(settings.retry, transport, deadline=settings.timeout)
        self.http = httpx.Client(transport=retrying, **_client_options(settings))

    def create(self, **body: Any) -> ChatCompletion:
        return completion_from(self.http.post(self.url, json=body))

    def close(self) -> None:
        self.http.close()


class AsyncChatCompletions:
    """The async twin of ChatCompletions, for many requests in flight on one connection pool."""

    def __init__(self, settings: BackendSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = _url(settings)
        retrying = AsyncRetryingTransport(settings.retry, transport, deadline=settings.timeout)
        self.http = httpx.AsyncClient(transport=retrying, **_client_options(settings))

    async def create(self, **body: Any) -> ChatCompletion:
        return completion_from(await self.http.post(self.url, json=body))

    async def close(self) -> None:
        await self.http.aclose()
