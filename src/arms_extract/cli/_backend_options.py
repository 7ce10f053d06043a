"""The options that choose and reach a model, declared once for every command that calls one.

typer reads a command's options from its signature; `with_backend` adds these to a command's
signature and hands the command one `settings: BackendSettings` built from them (or exits 2 with
a one-line error when they cannot work).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from .._errors import ConfigError
from ..backends.llm import BackendSettings
from .render import error_line

Model = Annotated[str | None, typer.Option("--model", envvar="ARMS_EXTRACT_MODEL", help="Model name.")]
ReaskUngrounded = Annotated[
    bool,
    typer.Option(
        "--reask-ungrounded",
        help="Ask the model again for a sale value the article does not hold (else it is dropped with a "
        "warning; on the embedded model such re-asks cost a quarter of the time and gained nothing).",
    ),
]

_OPTIONS: dict[str, tuple[Any, Any]] = {
    "base_url": (
        Annotated[
            str | None,
            typer.Option(
                "--base-url",
                envvar="ARMS_EXTRACT_BASE_URL",
                help="An OpenAI-compatible server (vLLM, llama.cpp, Ollama, LM Studio). Unset: the embedded model.",
            ),
        ],
        None,
    ),
    "model": (Model, None),
    "api_key": (
        Annotated[
            str | None,
            typer.Option(
                "--api-key",
                envvar="ARMS_EXTRACT_API_KEY",
                help="API key for --base-url. OPENAI_API_KEY is sent to OpenAI only.",
                show_default=False,
            ),
        ],
        None,
    ),
    "timeout": (
        Annotated[
            float,
            typer.Option(
                "--timeout", min=1.0, help="Seconds one request may take in all, answer included (then retried)."
            ),
        ],
        BackendSettings.timeout,
    ),
    "allow_http_key": (
        Annotated[
            bool,
            typer.Option(
                "--allow-http-key", help="Send the API key over plain http to a host other than this machine."
            ),
        ],
        False,
    ),
    "max_chunks": (
        Annotated[
            int,
            typer.Option(
                "--max-chunks", min=1, help="Fail an article that needs more requests than this (long texts)."
            ),
        ],
        BackendSettings.max_chunks,
    ),
    "reask_ungrounded": (ReaskUngrounded, BackendSettings.reask_ungrounded),
}

AskSellers = Annotated[
    bool,
    typer.Option(
        "--ask-sellers/--no-ask-sellers",
        help="Ask the model again, one short question each, who sells what a sale without a seller "
        "is made of (a second or two per question: the article is read once).",
    ),
]
_OPTIONS["ask_sellers"] = (AskSellers, BackendSettings.ask_sellers)


def with_backend(command: Callable[..., None]) -> Callable[..., None]:
    """A command taking `settings: BackendSettings`, offered on the command line as the options above."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "settings"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, (annotation, default) in _OPTIONS.items()
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        values = {name: kwargs.pop(name) for name in _OPTIONS}
        try:
            settings = BackendSettings.from_env(
                values.pop("base_url"), values.pop("model"), values.pop("api_key"), **values
            )
        except ConfigError as exc:
            error_line(Console(stderr=True, soft_wrap=True), exc)
            raise typer.Exit(2) from None
        return command(*args, settings=settings, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
    return wrapper
