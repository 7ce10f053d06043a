"""Provider batch files: OpenAI Batch API request lines out, their results back in.

`prepare` writes one request line per article chunk, in the format that the
OpenAI Batch API and vLLM's `run-batch` accept, plus a sidecar file with the
articles themselves. `collect` reads the results, validates and grounds each
answer exactly as a live run does, and writes the same outputs as `run`;
answers that fail validation are listed in DIR/rerun.jsonl, ready for a
normal `arms-extract run`, since a batch cannot re-ask.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._errors import ExtractionFailed, RecordRejected
from .._secrets import redact
from ..backends._attempt import _Attempt
from ..backends._model_file import MODEL_NAME
from ..backends.llm import BackendSettings
from ..backends.planner import extraction_call, plan_requests, wire_body, with_model
from ..core.answer import ArticleAnswer
from ..pipeline import finish_extraction
from ..records import Article, Usage
from .inputs import article_identity, expand_inputs, iter_items
from .store import RunStore

DEFAULT_MODEL = MODEL_NAME  # the embedded model, which `prepare` plans for unless --model says otherwise


def request_body(text: str, settings: BackendSettings) -> dict[str, Any]:
    """The chat-completions body a live run sends for `text` (one planner for both)."""
    return wire_body(extraction_call(text, with_model(settings, DEFAULT_MODEL)))


def sidecar_path(requests: Path) -> Path:
    return requests.with_name(requests.stem + ".articles.jsonl")


@dataclass
class Prepared:
    articles: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)


def prepare(inputs: Iterable[str | Path], out: Path, settings: BackendSettings) -> Prepared:
    """Write request lines to `out` and the articles to its sidecar; return counts and input errors."""
    expanded = expand_inputs(inputs)
    settings = with_model(settings, DEFAULT_MODEL)
    result = Prepared()
    with (
        out.open("w", encoding="utf-8") as requests,
        sidecar_path(out).open("w", encoding="utf-8") as articles,
    ):
        for item in iter_items(expanded):
            if item.article is None:
                result.errors.append(str(item.error))
                continue
            try:
                planned = plan_requests(item.article, settings, None)
            except ExtractionFailed as too_long:
                result.errors.append(f"{item.source}: {too_long}")
                continue
            articles.write(
                json.dumps(
                    {
                        "key": item.source,
                        "file": item.file,
                        "chunks": len(planned),
                        "article": item.article.model_dump(mode="json"),
                    }
                )
                + "\n"
            )
            for index, (_, call) in enumerate(planned):
                line = {
                    "custom_id": f"{item.source}#{index}",
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": wire_body(call),
                }
                requests.write(json.dumps(line, ensure_ascii=False) + "\n")
                result.requests += 1
            result.articles += 1
    return result


@dataclass
class Collected:
    ok: int = 0
    rerun: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    unreadable: list[str] = field(default_factory=list)  # result lines that could not be read


def _content(result: dict[str, Any]) -> tuple[str | None, Usage, str | None]:
    """(answer text, usage, problem) from one result line."""
    if result.get("error"):
        return None, Usage(), f"the batch reported an error: {json.dumps(result['error'])[:200]}"
    response = result.get("response") or {}
    if response.get("status_code", 200) != 200:
        return None, Usage(), f"HTTP {response.get('status_code')}"
    return completion_content(response.get("body") or {})


def completion_content(body: dict[str, Any]) -> tuple[str | None, Usage, str | None]:
    """(answer text, usage, problem) from a chat-completions response body, however it came
    (a batch's result line, Ray Data LLM's HTTP stage)."""
    if body.get("error"):
        return None, Usage(), f"the server answered with an error: {one_line_json(body['error'])}"
    choices = body.get("choices") or []
    if not choices:
        return None, Usage(), "no choices in the result"
    usage = body.get("usage") or {}
    spent = Usage(
        prompt_tokens=usage.get("prompt_tokens", 0),
        completion_tokens=usage.get("completion_tokens", 0),
        requests=1,
    )
    if choices[0].get("finish_reason") == "length":
        return None, spent, "the answer was cut off at the completion token limit"
    return choices[0].get("message", {}).get("content"), spent, None


def one_line_json(value: object) -> str:
    """A server's error object as one short line (its message when it has one)."""
    if isinstance(value, dict) and isinstance(value.get("message"), str):
        value = value["message"]
    text = value if isinstance(value, str) else json.dumps(value)
    return redact(" ".join(text.split()))[:200]


def validated_answer(
    content: str, chunk_text: str, *, grounded: bool = False
) -> tuple[ArticleAnswer | None, str | None]:
    """(answer, None) when `content` is a valid answer (grounded in `chunk_text`, when asked: see
    `BackendSettings.reask_ungrounded`), else (None, problem): the article is asked again."""
    try:
        context = {"text": chunk_text} if grounded else None
        return ArticleAnswer.model_validate_json(content, context=context), None
    except ValidationError as error:
        return None, f"the answer failed validation: {error.errors()[0]['msg'][:200]}"


def collect(results: Path, requests: Path, out_dir: Path, settings: BackendSettings) -> Collected:
    """Validate, ground and store batch results; list what needs a normal re-run."""
    answers: dict[str, dict[str, Any]] = {}
    outcome = Collected()
    with results.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                answers[str(row["custom_id"])] = row
            except (ValueError, KeyError, TypeError, RecursionError):
                # A truncated or foreign line: its chunk has no result, so its article is listed to re-run.
                outcome.unreadable.append(f"{results}:{number}: not a result line (invalid JSON or no custom_id)")
    settings = with_model(settings, DEFAULT_MODEL)
    model = settings.model or DEFAULT_MODEL
    backend = settings.with_server("http://batch/v1", model).backend_name  # results came from some server
    store = RunStore(out_dir, lock=True)
    rerun_lines: list[str] = []
    for line in sidecar_path(requests).read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        key, article = entry["key"], Article.model_validate(entry["article"])
        attempts: list[_Attempt] = []
        problem = None
        for index, (chunk_text, _) in enumerate(plan_requests(article, settings, None)):
            result = answers.get(f"{key}#{index}")
            if result is None:
                problem = f"no result for chunk {index}"
                break
            content, usage, problem = _content(result)
            if problem or content is None:
                problem = problem or "empty answer"
                break
            answer, problem = validated_answer(content, chunk_text, grounded=settings.reask_ungrounded)
            if answer is None:
                break
            attempts.append(_Attempt(answer, usage))
        identity = article_identity(article)
        if not problem:
            try:
                extraction = finish_extraction(
                    article, attempts, model=model, backend=backend, started=time.perf_counter()
                )
                store.write_ok(identity, extraction, cached=False, file=entry.get("file"))
            except (ExtractionFailed, RecordRejected) as failed:
                problem = str(failed)
        if problem:
            outcome.rerun.append((key, problem))
            error = f"batch: {problem}; re-run it with `run`"
            store.write_failed(identity, article.id, article.source, error, file=entry.get("file"))
            rerun_lines.append(json.dumps(article.model_dump(mode="json"), ensure_ascii=False))
            continue
        outcome.ok += 1
    store.export_jsonl()
    store.close()
    (out_dir / "rerun.jsonl").write_text("".join(f"{line}\n" for line in rerun_lines), encoding="utf-8")
    return outcome
