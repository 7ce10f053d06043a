"""The arms-extract command line: typer for arguments, Rich for what a person reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ._errors import ArmsExtractError, EmbeddedModelError
from .inputs import read_articles
from .llm import BackendSettings
from .pipeline import Extractor
from .records import Extraction

app = typer.Typer(
    help="Typed, validated, source-grounded records of arms sales from news articles.",
    no_args_is_help=True,
    add_completion=False,
)

BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        envvar="ARMS_EXTRACT_BASE_URL",
        help="An OpenAI-compatible server (vLLM, llama.cpp, Ollama, LM Studio). Unset: the embedded model.",
    ),
]
Model = Annotated[str | None, typer.Option("--model", envvar="ARMS_EXTRACT_MODEL", help="Model name.")]
ApiKey = Annotated[
    str | None,
    typer.Option("--api-key", envvar="OPENAI_API_KEY", help="API key.", show_default=False),
]


def _money(extraction: Extraction, sale_index: int) -> str:
    value = extraction.sales[sale_index].value
    if value is None:
        return "-"
    qualifier = f"{value.qualifier} " if value.qualifier else ""
    return f"{qualifier}{value.amount:,.0f} {value.currency}"


def _print_extraction(console: Console, extraction: Extraction) -> None:
    article = extraction.article
    usage = extraction.provenance.usage
    console.rule(f"[bold]{article.source or article.id}")
    sales = Table(title="Sales", show_lines=True, expand=True)
    for column in ("seller", "buyer", "items", "value", "stage", "date"):
        sales.add_column(column)
    for i, sale in enumerate(extraction.sales):
        items = "\n".join(
            f"{(item.quantity_qualifier + ' ') if item.quantity_qualifier else ''}"
            f"{item.quantity if item.quantity is not None else '?'} x {item.name}"
            for item in sale.items
        )
        date = sale.date.iso or sale.date.text if sale.date else "-"
        sales.add_row(
            sale.seller_country or sale.seller or "-",
            sale.buyer_country or sale.buyer or "-",
            items or "-",
            _money(extraction, i),
            sale.stage.value,
            date,
        )
    if extraction.sales:
        console.print(sales)
    else:
        console.print("[dim]No arms sale found in this article.[/dim]")
    actors = Table(title="Actors", expand=True)
    for column in ("id", "name", "kind", "country", "title"):
        actors.add_column(column)
    for actor in extraction.actors:
        actors.add_row(actor.id, actor.name, actor.kind.value, actor.country or "-", actor.title or "-")
    if extraction.actors:
        console.print(actors)
    claims = Table(title="Claims", show_lines=True, expand=True)
    for column in ("speaker", "cue", "content", "direct", "boilerplate"):
        claims.add_column(column)
    for claim in extraction.claims:
        claims.add_row(
            claim.speaker or claim.speaker_name,
            claim.cue or "-",
            claim.content,
            "yes" if claim.direct else "no",
            "yes" if claim.is_boilerplate else "no",
        )
    if extraction.claims:
        console.print(claims)
    for warning in extraction.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    console.print(
        f"[dim]{extraction.provenance.model} via {extraction.provenance.backend}, "
        f"prompt {extraction.provenance.prompt_version}: {extraction.provenance.seconds:.1f} s, "
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
        f"{usage.reasks} re-asks[/dim]"
    )


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Articles: .txt, .md, .json, .jsonl.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of Extractions instead of tables.")
    ] = False,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD) for articles that do not carry one."),
    ] = None,
    base_url: BaseUrl = None,
    model: Model = None,
    api_key: ApiKey = None,
) -> None:
    """Extract sales, claims and actors from each article and print them."""
    out = Console()
    # soft_wrap: an error stays on one line, whatever the terminal width.
    err = Console(stderr=True, soft_wrap=True)
    published_date = None
    if published:
        try:
            published_date = dt.date.fromisoformat(published)
        except ValueError:
            err.print(f"[red]error:[/red] --published {published!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2) from None
    settings = BackendSettings.from_env(base_url, model, api_key)
    results: list[Extraction] = []
    failures = 0
    try:
        with Extractor(settings=settings) as extractor:
            for path in files:
                for item in read_articles(path):
                    if item.error is not None or item.article is None:
                        failures += 1
                        err.print(f"[red]error:[/red] {item.error}", highlight=False)
                        continue
                    article = item.article
                    if published_date and article.published is None:
                        article = article.model_copy(update={"published": published_date})
                    try:
                        with err.status(f"extracting {item.source}", spinner="dots"):
                            extraction = extractor.extract(article)
                    except EmbeddedModelError:
                        raise
                    except ArmsExtractError as exc:
                        failures += 1
                        err.print(f"[red]error:[/red] {item.source}: {exc}", highlight=False)
                        continue
                    results.append(extraction)
                    if not as_json:
                        _print_extraction(out, extraction)
    except ArmsExtractError as exc:
        # The backend itself failed (e.g. the embedded model is not installed).
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2))
    if failures:
        err.print(f"[red]{failures} input(s) failed[/red]; {len(results)} extracted")
        raise typer.Exit(1)


@app.command()
def version() -> None:
    """Print the package, prompt and schema versions."""
    from importlib.metadata import version as package_version

    from .prompts import prompt_version
    from .records import SCHEMA_VERSION

    print(f"arms-extract {package_version('arms-extract')} prompt {prompt_version()} schema {SCHEMA_VERSION}")


if __name__ == "__main__":  # pragma: no cover
    app()
