"""The pipeline on Ray Data: our planner before the model, Ray Data LLM for the calls, our assembly after.

`extract_dataset(ds)` maps a dataset of articles to a dataset of article rows (status, tokens,
reason, the whole Extraction as JSON): the same requests as `run` (one planner), sent by Ray
Data LLM's HTTP processor to any OpenAI-compatible endpoint or run by its vLLM engine with the
answer schema as structured output, then validated, grounded and assembled on CPU workers as
`run` does. An answer that fails is asked again through the normal client; what still fails
becomes a failed row with its reason: no article is dropped.

`run_on_ray` is `arms-extract ray-run`: inputs read as `run` reads them, one file set per block
under OUT (see `_parts`), resumable by article identity after a killed job.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import ray
import ray.data
from ray.data.llm import HttpRequestProcessorConfig, build_processor

from .._errors import ConfigError
from ..backends.llm import BackendSettings
from ..batch.inputs import article_identity, expand_inputs, iter_items
from ..batch.run import RunSummary
from ..records import Usage
from . import _parts
from ._rows import HTTP, VLLM, Engine, Finisher, answer_columns, article_row, failed_row, request_row

# Ray reserves a whole CPU per worker unless told: on a small machine the model stage's workers,
# which wait on the network, would hold every core and the planning before them never runs.
HTTP_WORKER_CPUS = 0.05  # a worker that mostly waits on the network or the disk
PLANNING_CPUS = 0.25  # splitting an article into its requests: milliseconds
# Ray Data runs up to 4 batches of one task at once in an async stage such as Ray Data LLM's HTTP
# stage, and one task per worker: a task needs at least 4 rows to keep 4 requests in flight per
# worker (batch size 1), so the input is cut into blocks of 16 articles (fewer, larger ones for
# a huge input, to keep the scheduler's blocks countable).
ROWS_PER_BLOCK = 16
MAX_INPUT_BLOCKS = 4096
# Articles per output file set: what a killed job can lose at most, and what a resume redoes.
ROWS_PER_PART = 64
# vLLM's context for the engine processor: the planner's default chunk (24,000 characters, about
# 7,000 tokens) beside the instructions and a 2,048-token answer fits with room to spare.
VLLM_MAX_MODEL_LEN = 16384


@dataclass(frozen=True)
class ModelStage:
    """How the model stage runs: posting to the settings' OpenAI-compatible endpoint, or a vLLM
    engine on the cluster's GPUs when `vllm_model` is set."""

    vllm_model: str | None = None  # a model for Ray Data LLM's vLLM engine (Hugging Face id or path)
    vllm_engine_kwargs: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 1  # requests per batch: the HTTP stage sends a batch's requests one after another
    concurrency: int = 8  # model-stage workers (HTTP: batches in flight; vLLM: engine replicas)
    finish_concurrency: int | None = None  # CPU workers that assemble; None: as many as Ray likes

    @property
    def engine(self) -> Engine:
        return VLLM if self.vllm_model else HTTP


def extract_dataset(
    ds: ray.data.Dataset,
    settings: BackendSettings,
    stage: ModelStage = ModelStage(),
    *,
    repair: BackendSettings | None = None,
) -> ray.data.Dataset:
    """Articles (rows with `id`, `text` and optionally `published`, `title`, `url`, `source`, `file`)
    to article rows (`_rows.ARTICLE_COLUMNS`). `settings` plan the requests (model name, sampling,
    chunk size) as for `run`; `repair` is where an answer that fails is asked again (default:
    the endpoint, when there is one)."""
    engine = stage.engine
    if repair is None and engine is HTTP:
        repair = settings if settings.base_url else None
    model = stage.vllm_model or settings.model or "default"
    planned = ds.map(article_row, num_cpus=PLANNING_CPUS).map(
        request_row, fn_args=(settings, engine), num_cpus=PLANNING_CPUS
    )
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    return _model_stage(planned, settings, stage).map_batches(
        _FinishBatch,
        fn_constructor_args=(settings, repair, model),
        batch_size=8,
        # Leave a core for planning and writing, or a small machine's actors hold every CPU.
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=stage.finish_concurrency or max(1, cpus - 1)),
        batch_format="pyarrow",
    )


def _model_stage(ds: ray.data.Dataset, settings: BackendSettings, stage: ModelStage) -> ray.data.Dataset:
    engine = stage.engine

    def read_answer(row: dict[str, Any]) -> dict[str, Any]:
        return answer_columns(row, engine)

    light = {"num_cpus": PLANNING_CPUS}  # the processor's own row steps: copying columns
    processor = build_processor(
        processor_config(settings, stage),
        postprocess=read_answer,
        preprocess_map_kwargs=light,
        postprocess_map_kwargs=light,
    )
    return processor(ds)


def processor_config(settings: BackendSettings, stage: ModelStage) -> Any:
    """Ray Data LLM's processor for the model stage: its HTTP processor posting to the settings'
    endpoint, or its vLLM engine with the answer schema as structured output (from each row's
    sampling_params, see `_rows.Engine`)."""
    if stage.engine is VLLM:
        from ray.data.llm import vLLMEngineProcessorConfig

        return vLLMEngineProcessorConfig(
            model_source=stage.vllm_model,
            engine_kwargs={"max_model_len": VLLM_MAX_MODEL_LEN, **stage.vllm_engine_kwargs},
            batch_size=stage.batch_size,
            concurrency=stage.concurrency,
            should_continue_on_error=True,  # a failed generation becomes that article's failure
        )
    if not settings.base_url:
        raise ConfigError("the model stage needs an OpenAI-compatible endpoint (--endpoint) or a vLLM model (--vllm)")
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else None
    return HttpRequestProcessorConfig(
        url=f"{settings.base_url.rstrip('/')}/chat/completions",
        headers=headers,
        batch_size=stage.batch_size,
        # A fixed pool: an autoscaling one starts with one worker and grows while the job runs.
        concurrency=(stage.concurrency, stage.concurrency),
        max_retries=settings.retry.attempts - 1,  # attempts count the first try; retries do not
        base_retry_wait_time_in_s=settings.retry.initial_wait,
        http_request_stage={"num_cpus": HTTP_WORKER_CPUS},
    )


def _rows_of(batch: pa.Table) -> list[dict[str, Any]]:
    """A batch as rows of plain values: Arrow keeps a missing value None (pandas makes it NaN)."""
    return batch.to_pylist()


class _FinishBatch:
    """A CPU worker that finishes articles, keeping its repair client across batches."""

    def __init__(self, settings: BackendSettings, repair: BackendSettings | None, model: str) -> None:
        self.finisher = Finisher(settings, repair, model)

    def __call__(self, batch: pa.Table) -> pa.Table:
        return pa.Table.from_pylist([self.finisher.finish(row) for row in _rows_of(batch)])


# -- the ray-run command ---------------------------------------------------------------------


@dataclass
class RayRunSummary(RunSummary):
    """What a Ray job did: `run`'s summary, counted from the file sets the workers wrote."""

    repaired: int = 0  # articles whose answer failed and was asked again through the normal client

    def add(self, part: dict[str, Any]) -> None:
        """Count one written file set (a row of `write_parts`)."""
        self.ok += int(part["ok"])
        self.failed += int(part["failed"])
        self.repaired += int(part["repaired"])
        self.charge(Usage(**{name: int(part[name]) for name in Usage.model_fields}))
        self.failures.extend((source, error) for source, error in json.loads(part["failures"]))


def start_ray(address: str | None, num_cpus: int | None = None) -> None:
    """Join the cluster at `address` (or `auto`), or start one on this machine; quietly."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage reports leave the machine
    if ray.is_initialized():
        return
    ray.init(
        # "local" starts a cluster of this job's own, even where another job's cluster runs.
        address=address or "local",
        num_cpus=num_cpus if address is None else None,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=True,
        logging_level="WARNING",
    )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False


def run_on_ray(
    inputs: Iterable[str | Path],
    out: Path,
    settings: BackendSettings,
    stage: ModelStage = ModelStage(),
    *,
    fmt: str = "jsonl",
    rows_per_part: int = ROWS_PER_PART,
    repair: BackendSettings | None = None,
    on_part: Callable[[RayRunSummary], None] | None = None,
) -> RayRunSummary:
    """Extract every input into OUT's file sets; articles OUT already holds are skipped.

    The inputs are read here, on the driver, as `run` reads them; for more than one machine's
    memory holds, build the dataset with Ray's readers and call `extract_dataset`."""
    started = time.perf_counter()
    summary = RayRunSummary()
    out.mkdir(parents=True, exist_ok=True)
    done = _parts.prepare_resume(out)
    rows, unreadable = _input_rows(inputs, out, done, summary)
    if unreadable:  # inputs that are not articles fail here, in a block of their own
        summary.add(_parts.write_part(out, unreadable, fmt))
    if rows:
        blocks = min(MAX_INPUT_BLOCKS, -(-len(rows) // ROWS_PER_BLOCK))
        ds = ray.data.from_items(rows, override_num_blocks=blocks)
        written = write_parts(extract_dataset(ds, settings, stage, repair=repair), out, fmt, rows_per_part)
        for part in written.iter_rows():
            summary.add(part)
            summary.seconds = time.perf_counter() - started
            if on_part:
                on_part(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _input_rows(
    inputs: Iterable[str | Path], out: Path, done: set[str], summary: RayRunSummary
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(article rows to extract, failed rows of unreadable inputs), without what OUT holds."""
    rows: list[dict[str, Any]] = []
    unreadable: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in iter_items(expand_inputs(inputs, skip=out)):
        summary.total += 1
        if item.article is None:
            identity = {"key": item.origin_key, "source": item.source, "file": item.file}
            unreadable.append(failed_row(identity, Path(item.source).stem, str(item.error), Usage()))
            continue
        key = article_identity(item.article)
        if key in done or key in seen:
            summary.skipped += 1
            continue
        seen.add(key)
        rows.append(item.article.model_dump(mode="json") | {"source": item.source, "file": item.file})
    return rows, unreadable


def write_parts(
    articles: ray.data.Dataset, out: Path, fmt: str = "jsonl", rows_per_part: int = ROWS_PER_PART
) -> ray.data.Dataset:
    """Write article rows as `ray-run` does (OUT/articles, sales, claims, actors: one file set per
    block) from the workers, so OUT must be a folder every worker sees (a shared file system);
    returns one row per file set with its counts. (For an object store, write the article rows
    with Ray's own writers, `articles.write_parquet("s3://...")`.)"""
    if fmt not in _parts.FORMATS:
        raise ConfigError(f"format {fmt!r}: choose one of {', '.join(_parts.FORMATS)}")
    return articles.map_batches(
        _write_batch,
        fn_args=(str(out), fmt),
        batch_size=rows_per_part,
        batch_format="pyarrow",
        num_cpus=HTTP_WORKER_CPUS,
    )


def _write_batch(batch: pa.Table, out: str, fmt: str) -> pa.Table:
    return pa.Table.from_pylist([_parts.write_part(Path(out), _rows_of(batch), fmt)])
