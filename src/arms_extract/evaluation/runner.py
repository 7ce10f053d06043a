"""`arms-extract eval`: run our pipeline and the baseline over gold articles and score both.

Articles go one at a time to the embedded model (it has one slot) and
`workers` at a time to a server. Our pipeline may use the answer cache; the
baseline never does (it is one plain call by definition).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import ArmsExtractError, EmbeddedModelError
from .._workers import run_limited
from ..backends.llm import BackendSettings, make_async_client
from ..cache import AnswerCache
from ..pipeline import AsyncExtractor
from ..records import Article
from .baseline import run_baseline
from .evalset import GoldArticle
from .report import render_report
from .scoring import SystemArticle, failed, from_extraction, score

SYSTEMS = ("pipeline", "baseline")

Progress = Callable[[str, str, SystemArticle], None]  # system, article id, its result


@dataclass
class EvalRun:
    """Both systems' answers on one dataset, and their scores."""

    dataset: str
    golds: list[GoldArticle]
    answers: dict[str, dict[str, SystemArticle]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    model: str = ""
    backend: str = ""
    prompt_version: str = ""

    def metrics(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "model": self.model,
            "backend": self.backend,
            "prompt_version": self.prompt_version,
            "systems": {name: score(self.golds, answers) for name, answers in self.answers.items()},
            "wall_seconds": {name: round(s, 1) for name, s in self.seconds.items()},
        }


async def run_eval(
    dataset: str,
    golds: list[GoldArticle],
    settings: BackendSettings,
    *,
    workers: int | None = None,
    cache: AnswerCache | None = None,
    baseline: bool = True,
    progress: Progress | None = None,
) -> EvalRun:
    run = EvalRun(dataset=dataset, golds=golds)
    workers = workers or settings.default_workers
    async with AsyncExtractor(settings=settings, cache=cache) as extractor:
        pipeline: dict[str, SystemArticle] = {}
        run.answers["pipeline"] = pipeline
        fatal: list[str] = []

        async def one(gold: GoldArticle) -> None:
            started = time.perf_counter()
            if fatal:
                result = failed(gold.id, f"not attempted: {fatal[0]}")
            else:
                article = Article(id=gold.id, text=gold.text, published=gold.published)
                try:
                    extraction = await extractor.extract(article)
                except EmbeddedModelError as exc:
                    fatal.append(str(exc))
                    result = failed(gold.id, str(exc), time.perf_counter() - started)
                except ArmsExtractError as exc:
                    result = failed(gold.id, str(exc), time.perf_counter() - started)
                else:
                    result = from_extraction(extraction)
                    run.model = extraction.provenance.model
                    run.backend = extraction.provenance.backend
                    run.prompt_version = extraction.provenance.prompt_version
            pipeline[gold.id] = result
            if progress:
                progress("pipeline", gold.id, result)

        started = time.perf_counter()
        await run_limited(workers, golds, one)
        run.seconds["pipeline"] = time.perf_counter() - started
        if baseline and not fatal:
            await _run_baseline(run, extractor, golds, workers, progress)
    return run


async def _run_baseline(
    run: EvalRun, extractor: AsyncExtractor, golds: list[GoldArticle], workers: int, progress: Progress | None
) -> None:
    settings = await extractor.server_settings()
    client = make_async_client(settings)
    answers: dict[str, SystemArticle] = {}
    run.answers["baseline"] = answers

    async def one(gold: GoldArticle) -> None:
        answers[gold.id] = await run_baseline(client, gold.id, gold.text, settings)
        if progress:
            progress("baseline", gold.id, answers[gold.id])

    started = time.perf_counter()
    try:
        await run_limited(workers, golds, one)
    finally:
        await client.client.close()
    run.seconds["baseline"] = time.perf_counter() - started


def write_outputs(run: EvalRun, out_dir: Path) -> dict[str, Any]:
    """DIR/metrics.json, DIR/report.md and DIR/answers.jsonl (each article's scored values)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = run.metrics()
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render_report(run, metrics), encoding="utf-8")
    with (out_dir / "answers.jsonl").open("w", encoding="utf-8") as handle:
        for system, answers in run.answers.items():
            for answer in answers.values():
                row = {"system": system, "id": answer.id, "ok": answer.ok, "error": answer.error,
                       "sales": [vars(s) for s in answer.sales], "invented": answer.invented,
                       "unspanned": answer.unspanned}  # fmt: skip
                handle.write(json.dumps(row) + "\n")
    return metrics
