"""`arms-extract ray-run`: the command-line face of `scale.ray` (its options, progress and summary)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .._errors import ArmsExtractError, ConfigError, one_line
from ..backends.llm import BackendSettings
from ..backends.planner import chunk_chars_for
from ..scale._parts import FORMATS
from .render import error_line


def ray_run_main(
    inputs: list[str],
    out: Path,
    settings: BackendSettings,
    *,
    address: str | None,
    endpoint: str | None,
    vllm: str | None,
    fmt: str,
    batch_size: int,
    concurrency: int | None,
    num_cpus: int | None,
    rows_per_file: int,
    quiet: bool,
) -> int:
    """Run the job and report it; the exit code: 0 all done, 1 some articles failed, 2 the job could not run."""
    err = Console(stderr=True, soft_wrap=True)
    if fmt not in FORMATS:
        error_line(err, f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
        return 2
    try:
        from ..scale.ray import ModelStage, RayRunSummary, run_on_ray, start_ray
    except ImportError as missing:
        error_line(err, f"ray-run needs Ray ({missing.name} is not installed): pip install 'arms-extract[ray]'")
        return 2
    if endpoint and vllm:
        error_line(err, "--endpoint and --vllm name two model stages; choose one")
        return 2
    try:
        if endpoint:
            settings = replace(settings, base_url=endpoint)
    except ConfigError as exc:
        error_line(err, exc)
        return 2
    server = None
    if settings.is_embedded and not vllm:
        if address is not None:
            error_line(err, "the embedded model serves this machine only; with --address give --endpoint or --vllm")
            return 2
        from ..backends.local_model import EmbeddedServer

        server = EmbeddedServer()
        try:
            base_url = server.start()
        except ArmsExtractError as exc:
            error_line(err, exc)
            return 2
        # Chunks sized to the embedded model's context, as `run` sizes them.
        settings = replace(
            settings.with_server(base_url, settings.model or server.model_name),
            chunk_chars=chunk_chars_for(settings, server.n_ctx),
        )
    stage = ModelStage(
        vllm_model=vllm,
        batch_size=batch_size,
        concurrency=concurrency or (1 if server is not None else 8),
    )
    if vllm:
        settings = replace(settings, model=vllm)

    def on_part(summary: RayRunSummary) -> None:
        if not quiet:
            err.print(
                f"{summary.ok + summary.failed} done ({summary.failed} failed, {summary.skipped} skipped), "
                f"{summary.prompt_tokens + summary.completion_tokens:,} tokens, {summary.seconds:.0f} s",
                highlight=False,
            )

    try:
        try:
            start_ray(address, num_cpus)
        except Exception as exc:  # Ray's own errors: an address with no cluster, a cluster that refuses
            error_line(err, f"Ray could not start or join a cluster: {_ray_reason(exc)}")
            return 2
        summary = run_on_ray(inputs, out, settings, stage, fmt=fmt, rows_per_part=rows_per_file, on_part=on_part)
    except ArmsExtractError as exc:
        error_line(err, exc)
        return 2
    except Exception as exc:  # the job itself failed (an endpoint that never answers): what is written stays
        error_line(err, f"the Ray job stopped: {_ray_reason(exc)}; the articles finished are kept in {out}, "
                        "and the same command resumes")  # fmt: skip
        return 2
    finally:
        if server is not None:
            server.stop()
    for source, error in summary.failures:
        error_line(err, f"{source}: {error}", "failed")
    if not quiet:
        table = Table(title=f"Ray run into {escape(str(out))}")
        for column in ("inputs", "ok", "failed", "skipped", "re-asked", "requests", "tokens", "minutes"):
            table.add_column(column, justify="right")
        table.add_row(
            str(summary.total), str(summary.ok), str(summary.failed), str(summary.skipped), str(summary.repaired),
            str(summary.requests), f"{summary.prompt_tokens:,} + {summary.completion_tokens:,}",
            f"{summary.seconds / 60:.1f}",
        )  # fmt: skip
        err.print(table)
    return 1 if summary.failed else 0


_TERMINAL_COLOUR = re.compile(r"\x1b?\[\d+(?:;\d+)*m")


def _ray_reason(exc: BaseException) -> str:
    """The error inside Ray's wrappers (a task's error wraps the user code's), one line, no colours."""
    seen = {id(exc)}
    while (inner := getattr(exc, "cause", None) or exc.__cause__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return _TERMINAL_COLOUR.sub("", one_line(exc, limit=400))[:200]
