"""What one model call produced before assembly, and how a failed call is described.

Shared by the live extractors and by batch-file collection: usage summed over
re-asks, salvage of the last answer when re-asks run out, and one-line
failure reasons that never echo a response body or a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import ValidationError

from .._errors import ExtractionFailed
from .._secrets import redact
from ..core.answer import ArticleAnswer
from ..records import Actor, Claim, Sale, Usage
from ._chat import RedirectError

# No model answers one request with more tokens than this; a larger count is a server's error.
MAX_TOKENS_PER_ANSWER = 10_000_000


@dataclass
class _Attempt:
    """What one article's model call produced, before assembly."""

    answer: ArticleAnswer  # or, for a question about one sale, its answer (core/followup.py)
    usage: Usage
    warnings: list[str] = field(default_factory=list)
    cached: bool = False
    # Sellers the model named when asked about a sale code built from a list (core/followup.py),
    # by where its first weapon is written.
    listed_sellers: dict[int, str] = field(default_factory=dict)
    # The records assembly made of this very answer (sales, claims, actors, warnings), when they
    # were made before the end (to see which sales to ask about): not made twice.
    assembled: tuple[list[Sale], list[Claim], list[Actor], list[str]] | None = None


class _CallLog(Hooks):
    """Per-call hooks that add up what one extraction call spent, whatever its outcome.

    instructor reports usage only on success (and on some failures); counted here from every
    request and answer, a call that fails after a re-ask, or is cut off, is still paid for."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = self.reasks = self.prompt_tokens = self.completion_tokens = 0
        self.notes: list[str] = []  # what the answers' usage said that could not be believed
        self.on("completion:kwargs", self._sent)
        self.on("completion:response", self._answered)
        self.on("parse:error", self._reasked)

    def _sent(self, *args: object, **kwargs: object) -> None:
        self.requests += 1

    def _answered(self, response: Any, *args: object, **kwargs: object) -> None:
        usage = getattr(response, "usage", None)
        self.prompt_tokens += self._count(usage, "prompt_tokens")
        self.completion_tokens += self._count(usage, "completion_tokens")

    def _count(self, usage: object, name: str) -> int:
        """A token count as the server reports it, or 0 with a note when it cannot be true.

        A negative count would slip an article past --max-tokens-per-article; 10^20 would not fit
        the run's database."""
        raw = getattr(usage, name, 0) or 0
        try:
            count = int(raw)
        except (TypeError, ValueError, OverflowError):
            count = -1
        if 0 <= count <= MAX_TOKENS_PER_ANSWER:
            return count
        shown = str(raw)[:30]
        self.notes.append(f"the server reported {name} = {shown}, out of range; counted as 0")
        return 0

    def _reasked(self, *args: object, **kwargs: object) -> None:
        self.reasks += 1  # each failed parse is followed by a re-ask while the budget lasts

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            requests=self.requests,
            reasks=min(self.reasks, max(self.requests - 1, 0)),
        )


def _salvage(error: InstructorRetryException, log: _CallLog, answer_type: type[Any] = ArticleAnswer) -> _Attempt:
    """Re-asks ran out: keep the last answer's grounded parts, or fail if it is not even JSON."""
    cause = error.__cause__
    if isinstance(cause, IncompleteOutputException):
        raise ExtractionFailed("the model's answer was cut off at the completion token limit", log.usage()) from None
    if not isinstance(cause, ValidationError | ValueError) or error.last_completion is None:
        raise api_failure(cause or error, log.usage()) from None
    attempts = error.n_attempts
    content = error.last_completion.choices[0].message.content or ""
    try:
        answer = answer_type.model_validate_json(content)
    except ValidationError as invalid:
        raise ExtractionFailed(
            f"the model's answer was not valid JSON of the schema after {attempts} attempts: "
            f"{invalid.errors()[0]['msg']}",
            log.usage(),
        ) from None
    note = f"answer still had ungrounded values after {attempts - 1} re-asks; they were dropped"
    return _Attempt(answer, log.usage(), [note, *log.notes])


def describe_api_error(error: BaseException) -> str:
    """A one-line reason that names the failure but never echoes bodies or keys."""
    if isinstance(error, RedirectError):
        return redact(str(error.message)) + "; point --base-url at the API itself"
    if isinstance(error, openai.APIStatusError) and error.status_code in (401, 403):
        return f"the model server refused the API key (HTTP {error.status_code}); check --api-key"
    if isinstance(error, openai.APIStatusError):
        detail = ""
        if 400 <= error.status_code < 500 and error.status_code not in (401, 403, 429):
            # The server's reason (e.g. "exceeds the available context size"); never sent to a model.
            detail = ": " + redact(" ".join(str(error.message).split()))[:200]
        return f"the model server answered HTTP {error.status_code}{detail}"
    if isinstance(error, openai.APIResponseValidationError):
        return "the model server's answer was not a chat completion (not a JSON object)"
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException):
        return "the model server did not answer within the timeout after transport retries"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the model server's answer broke off mid-way (an incomplete HTTP response) after transport retries"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "the model server's URL cannot be used (it needs http:// or https://)"
    if isinstance(error, openai.APIConnectionError | httpx.TransportError):
        return "could not connect to the model server after transport retries"
    if isinstance(error, IncompleteOutputException):
        return "the model's answer was cut off at the completion token limit"
    if isinstance(error, IndexError):
        return "the model server sent no answer (an empty list of choices)"
    return f"the model call failed: {type(error).__name__}"


def api_failure(error: BaseException, usage: Usage) -> ExtractionFailed:
    """The article's failure for an error of the call: its one-line reason, what it spent, and
    whether every other article would fail the same way."""
    return ExtractionFailed(describe_api_error(error), usage, fatal=_is_fatal(error))


def _is_fatal(error: BaseException) -> bool:
    """Whether every other article would fail the same way on this server."""
    if isinstance(error, RedirectError | httpx.UnsupportedProtocol):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code in (401, 403)


def _combine(attempts: list[_Attempt]) -> _Attempt:
    """One answer from the answers for each chunk; assembly merges what they repeat."""
    if len(attempts) == 1:
        return attempts[0]
    # Built without validation: each chunk's answer kept to the caps of the schema, but together
    # a long article may hold more sales than one answer may.
    answer = ArticleAnswer.model_construct(
        sales=[s for a in attempts for s in a.answer.sales],
    )
    usage = sum((a.usage for a in attempts), Usage())
    warnings = [f"chunk {i + 1}: {w}" for i, a in enumerate(attempts) for w in a.warnings]
    warnings.append(f"the article was read in {len(attempts)} overlapping chunks")
    return _Attempt(answer, usage, warnings, cached=all(a.cached for a in attempts))
