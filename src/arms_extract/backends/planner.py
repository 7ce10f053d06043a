"""One request planner: an article's chunks and the call for each, for live runs and batch files alike.

A live run hands each call to instructor; `batch prepare` writes the same call as the JSON
body instructor would send (Mode.JSON_SCHEMA), so a provider's batch answers what a live
run would have asked, and the answer cache sees the same requests either way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from instructor.v2.core.function_calls import response_schema

from .._errors import ExtractionFailed
from ..core.answer import ArticleAnswer
from ..core.chunking import split
from ..core.followup import SellerAnswer
from ..core.prompts import extraction_messages, question_messages
from ..records import Article
from .llm import BackendSettings

# instructor wraps a plain model in a new class on every call, which piles up classes and
# their schemas without end; wrapped once here, it is used as it is.
RESPONSE_MODEL = response_schema(ArticleAnswer)
QUESTION_MODEL = response_schema(SellerAnswer)  # wrapped once too: a question's answer is one name

DEFAULT_CHUNK_CHARS = 24_000  # for servers whose context we cannot see; BackendSettings.chunk_chars overrides
SYSTEM_PROMPT_TOKENS = 1000  # the instructions and example, measured at about 900
CHARS_PER_TOKEN = 3.5  # English news with names and numbers; a little under 4 to be safe


def max_article_chars(n_ctx: int, completion_tokens: int) -> int:
    """How long an article fits the context beside the instructions and the answer."""
    return int((n_ctx - SYSTEM_PROMPT_TOKENS - completion_tokens) * CHARS_PER_TOKEN)


def chunk_chars_for(settings: BackendSettings, n_ctx: int | None) -> int:
    """Characters per request: the setting, else what the server's context holds, else a default."""
    if settings.chunk_chars is not None:
        return settings.chunk_chars
    if n_ctx is not None:
        return max_article_chars(n_ctx, settings.max_completion_tokens)
    return DEFAULT_CHUNK_CHARS


def model_call(
    messages: list[dict[str, str]], response_model: Any, settings: BackendSettings, *, max_retries: int, max_tokens: int
) -> dict[str, Any]:
    """instructor's `create` arguments: the one place a call's model, sampling and limits are set
    (the extraction below, and the evaluation's baseline)."""
    return {
        "model": settings.model or "default",
        "messages": messages,
        "response_model": response_model,
        "max_retries": max_retries,
        "temperature": settings.temperature,
        "max_tokens": max_tokens,
    }


def extraction_call(text: str, settings: BackendSettings) -> dict[str, Any]:
    """instructor's `create` arguments for one chunk of text."""
    return model_call(
        extraction_messages(text),
        RESPONSE_MODEL,
        settings,
        max_retries=settings.max_reasks,
        max_tokens=settings.max_completion_tokens,
    )


QUESTION_MAX_TOKENS = 60  # a name, or null


def question_call(text: str, question: str, settings: BackendSettings) -> dict[str, Any]:
    """instructor's `create` arguments for a question about one sale of `text` (core/followup.py)."""
    return model_call(
        question_messages(text, question),
        QUESTION_MODEL,
        settings,
        max_retries=settings.max_reasks,
        max_tokens=QUESTION_MAX_TOKENS,
    )


def plan_requests(article: Article, settings: BackendSettings, n_ctx: int | None) -> list[tuple[str, dict[str, Any]]]:
    """(chunk text, call) per chunk; an article that fits the context is one chunk, sent whole.

    An article longer than `settings.max_chunks` chunks fails here, before any model call."""
    chunks = split(article.text, chunk_chars_for(settings, n_ctx))
    if len(chunks) > settings.max_chunks:
        raise ExtractionFailed(
            f"the article has {len(article.text):,} characters, {len(chunks)} chunks of the "
            f"model's context; the limit is {settings.max_chunks} chunks (--max-chunks)"
        )
    return [(chunk.text, extraction_call(chunk.text, settings)) for chunk in chunks]


def wire_body(call: dict[str, Any]) -> dict[str, Any]:
    """The chat-completions JSON body instructor sends for `call` in Mode.JSON_SCHEMA (no re-asks)."""
    model = call["response_model"]
    return {
        "messages": call["messages"],
        "model": call["model"],
        "max_tokens": call["max_tokens"],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": model.model_json_schema()},
        },
        "temperature": call["temperature"],
    }


def with_model(settings: BackendSettings, model: str) -> BackendSettings:
    """The settings naming `model` when they name none (batch files must name one)."""
    return settings if settings.model else replace(settings, model=model)
