"""The steps of a distributed run as plain functions of one row, so any engine can map them.

A row travels: an input row (an article object) -> the same row with the request the
single-machine run would send and its route -> the model's answer read from the engine's output
column -> one row per article with its status, tokens and records. Nothing here imports Ray:
the functions are tested alone, and `scale.ray` maps them over a Ray dataset.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from .._errors import ArmsExtractError, ExtractionFailed, InputError, one_line
from ..backends._attempt import _Attempt
from ..backends.llm import BackendSettings
from ..backends.planner import plan_requests, wire_body
from ..batch.batchfile import completion_content, validated_answer
from ..batch.inputs import article_from_object, article_identity
from ..core.assemble import no_sale_reason
from ..pipeline import finish_extraction
from ..records import Article, Extraction, Usage

# What a request row carries besides the request. `problem` is "" when all is well (Arrow columns
# hold one type; None and str mix badly across blocks).
REQUEST_COLUMNS = ("key", "article", "source", "file", "route", "chunks", "problem", "started")
SKIP_MARKER = "__inference_error__"  # Ray Data LLM's stages pass a row with this set by, untouched


@dataclass(frozen=True)
class Engine:
    """Which column the model stage reads its request from and writes its answer to."""

    name: str  # "http" (any OpenAI-compatible endpoint) or "vllm" (Ray Data LLM's vLLM engine)

    def request_columns(self, call: dict[str, Any]) -> dict[str, Any]:
        if self.name == "http":
            return {"payload": wire_body(call)}
        schema = call["response_model"].model_json_schema()
        return {
            "messages": call["messages"],
            # vLLM's structured outputs: `StructuredOutputsParams(json=schema)`; Ray Data LLM builds it
            # from the `structured_outputs` entry of a row's sampling_params.
            "sampling_params": {
                "temperature": call["temperature"],
                "max_tokens": call["max_tokens"],
                "structured_outputs": {"json": schema},
            },
        }


HTTP = Engine("http")
VLLM = Engine("vllm")


def article_row(row: dict[str, Any]) -> dict[str, Any]:
    """An input row (an article object: `id`, `text`, optional `published`, `title`, `url`, `source`,
    `file`) as the row the later steps read; an unreadable one keeps its reason in `problem`."""
    where = str(row.get("source") or row.get("id") or "row")
    try:
        article = article_from_object(row, where)
    except InputError as error:
        return {"key": f"{where}#unreadable", "article": "", "source": where, "file": str(row.get("file") or ""),
                "problem": str(error)}  # fmt: skip
    return {
        "key": article_identity(article),
        "article": article.model_dump_json(),
        "source": where,
        "file": str(row.get("file") or ""),
        "problem": "",
    }


def request_row(row: dict[str, Any], settings: BackendSettings, engine: Engine) -> dict[str, Any]:
    """The article row with the request `run` would send for it, and its `route`:

    - "model": one request, answered by the model stage;
    - "direct": an article longer than one request's context, extracted chunk by chunk through the
      normal client by the finishing worker (as `run` does), so its chunks never have to meet again
      after the model stage;
    - "failed": unreadable or too long, with its `problem`.

    Rows that skip the model stage carry Ray Data LLM's error marker, which makes it pass them by."""
    base = {name: row.get(name, "") for name in ("key", "article", "source", "file")}
    # The marker is "" on every row that goes to the model: a block mixing rows with and without
    # it would fill the missing ones with None, which Ray Data LLM reads as an error.
    base |= {"started": time.time(), "problem": "", "route": "model", "chunks": 1, SKIP_MARKER: ""}
    if row.get("problem"):
        return base | {"route": "failed", "problem": row["problem"], SKIP_MARKER: row["problem"]}
    article = Article.model_validate_json(row["article"])
    try:
        planned = plan_requests(article, settings, None)
    except ExtractionFailed as too_long:
        return base | {"route": "failed", "problem": str(too_long), SKIP_MARKER: str(too_long)}
    if len(planned) > 1:
        return base | {"route": "direct", "chunks": len(planned), SKIP_MARKER: f"{len(planned)} chunks"}
    return base | engine.request_columns(planned[0][1])


def answer_columns(row: dict[str, Any], engine: Engine) -> dict[str, Any]:
    """The model stage's answer as `content`, tokens and `problem`, beside the row's own columns
    (the request is left behind: the later steps do not need to carry it)."""
    kept = {name: row[name] for name in REQUEST_COLUMNS if name in row}
    if engine.name == "http":
        content, usage, problem = completion_content(_plain(row.get("http_response")) or {})
    else:
        content = row.get("generated_text")
        usage = Usage(
            prompt_tokens=int(row.get("num_input_tokens") or 0),
            completion_tokens=int(row.get("num_generated_tokens") or 0),
            requests=1,
        )
        problem = None if content else "empty answer"
    return kept | {
        "content": content or "",
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "problem": problem or "",
    }


def _plain(value: Any) -> Any:
    """A row value as plain Python: Arrow hands nested values back as numpy arrays."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class Finisher:
    """A request row after the model stage to one article row: the answer validated, grounded and
    assembled as `run` does; or, when the answer fails, the article asked again through the
    normal client (instructor's re-asks included); or failed, with the reason. Holds that client
    for the life of a worker."""

    def __init__(self, settings: BackendSettings, repair: BackendSettings | None, model: str) -> None:
        self.settings = settings
        self.repair_settings = repair
        self.model = model
        self._extractor: Any = None

    def finish(self, row: dict[str, Any]) -> dict[str, Any]:
        started = float(row.get("started") or time.time())
        identity = {"key": str(row["key"]), "source": str(row.get("source") or ""),
                    "file": str(row.get("file") or "")}  # fmt: skip
        route = row.get("route") or "failed"
        problem = str(row.get("problem") or "")
        if route == "failed" or not row.get("article"):
            return failed_row(identity, "", problem or str(row.get(SKIP_MARKER) or "not extracted"), Usage())
        article = Article.model_validate_json(row["article"])
        if route == "direct":
            return self._through_client(identity, article, None, Usage(), started)
        spent = Usage(
            prompt_tokens=int(row.get("prompt_tokens") or 0),
            completion_tokens=int(row.get("completion_tokens") or 0),
            requests=1,
        )
        if row.get(SKIP_MARKER):  # the engine failed this row (vLLM with should_continue_on_error)
            problem = f"the model stage failed: {row[SKIP_MARKER]}"
        answer = None
        if not problem:
            content = str(row.get("content") or "")
            answer, problem = validated_answer(content, article.text, grounded=self.settings.reask_ungrounded)
        if answer is None:
            return self._through_client(identity, article, problem or "empty answer", spent, started)
        attempt = _Attempt(answer, spent)
        if self.repair_settings is not None:
            # The questions `run` asks about a sale without a seller, through the same client.
            try:
                attempt = self._client().with_seller_answers(article, attempt)
            except Exception as exc:  # a defect of ours: the answer stands without them
                attempt.warnings.append(f"the questions about sellers were not asked: {one_line(exc)}")
        try:
            extraction = finish_extraction(article, [attempt], model=self.model, backend="ray", started=started)
        except ExtractionFailed as failed:
            return failed_row(identity, article.id, str(failed), spent)
        return ok_row(identity, extraction, repaired=False)

    def _through_client(
        self, identity: dict[str, str], article: Article, problem: str | None, spent: Usage, started: float
    ) -> dict[str, Any]:
        """The article extracted by the normal client: a long article, or a failed answer's repair."""
        because = f"{problem}; " if problem else ""
        if self.repair_settings is None:
            why = "its answer failed" if problem else "it needs several requests"
            reason = f"{because}{why} and there is no endpoint to ask (--endpoint)"
            return failed_row(identity, article.id, reason, spent)
        try:
            extraction = self._client().extract(article)
        except ArmsExtractError as failed:
            paid = (failed.usage if isinstance(failed, ExtractionFailed) else None) or Usage()
            return failed_row(identity, article.id, f"{because}re-asked: {failed}" if problem else str(failed),
                              spent + paid)  # fmt: skip
        except Exception as exc:  # a defect of ours fails this article, never the job
            return failed_row(identity, article.id, f"{because}internal error: {one_line(exc)}", spent)
        extraction.provenance.usage = extraction.provenance.usage + spent
        extraction.provenance.seconds = round(time.time() - started, 3)
        if problem:
            extraction.warnings.append(f"re-asked through the normal client: {problem}")
        return ok_row(identity, extraction, repaired=problem is not None)

    def _client(self) -> Any:
        if self._extractor is None:
            from ..pipeline import Extractor

            # No answer cache: workers on other machines share no disk; a re-ask is rare.
            self._extractor = Extractor(settings=self.repair_settings)
        return self._extractor

    def close(self) -> None:
        if self._extractor is not None:
            self._extractor.close()
            self._extractor = None


# The article row: the columns of the articles table of `run` (DIR/articles.jsonl), with the
# whole Extraction as JSON ("" for a failed article) for the records.
ARTICLE_COLUMNS = (
    "key", "id", "source", "file", "status", "error", "warnings", "prompt_tokens", "completion_tokens",
    "requests", "reasks", "seconds", "model", "prompt_version", "cached", "no_sale_reason", "repaired", "extraction",
)  # fmt: skip


def ok_row(identity: dict[str, str], extraction: Extraction, *, repaired: bool) -> dict[str, Any]:
    provenance = extraction.provenance
    usage = provenance.usage
    return identity | {
        "id": extraction.article.id,
        "status": "ok",
        "error": None,
        "warnings": json.dumps(extraction.warnings, ensure_ascii=False),
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "requests": usage.requests,
        "reasks": usage.reasks,
        "seconds": provenance.seconds,
        "model": provenance.model,
        "prompt_version": provenance.prompt_version,
        "cached": False,
        "no_sale_reason": no_sale_reason(extraction.sales, extraction.warnings),
        "repaired": repaired,
        "extraction": extraction.model_dump_json(),
    }


def failed_row(identity: dict[str, str], article_id: str, error: str, usage: Usage) -> dict[str, Any]:
    return identity | {
        "id": article_id or identity["source"],
        "status": "failed",
        "error": error,
        "warnings": "[]",
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "requests": usage.requests,
        "reasks": usage.reasks,
        "seconds": 0.0,
        "model": None,
        "prompt_version": None,
        "cached": False,
        "no_sale_reason": None,
        "repaired": False,
        "extraction": "",
    }
