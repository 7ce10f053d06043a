"""The arms-extract command line: typer for arguments, Rich for what a person reads."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .._errors import ArmsExtractError, EmbeddedModelError
from ..backends.llm import BackendSettings
from ..batch.inputs import read_articles
from ..pipeline import Extractor
from ..records import Extraction
from ._backend_options import Model, ReaskUngrounded, with_backend
from .render import error_line, print_extraction

if TYPE_CHECKING:
    from ..corpus import CorpusView

app = typer.Typer(
    help="Typed, validated, source-grounded records of arms sales from news articles.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _quiet_libraries() -> None:
    """instructor logs every failed validation at ERROR; on the command line re-asks are expected
    and reported as warnings on the Extraction, so they stay off the terminal. (The library
    leaves logging to its caller.)"""
    logging.getLogger("instructor").addHandler(logging.NullHandler())
    logging.getLogger("instructor").propagate = False


@app.command()
@with_backend
def extract(
    files: Annotated[list[Path], typer.Argument(help="Articles: .txt, .md, .json, .jsonl.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of Extractions instead of tables.")
    ] = False,
    published: Annotated[
        str | None,
        typer.Option(help="Publication date (YYYY-MM-DD) for articles that do not carry one."),
    ] = None,
    *,
    settings: BackendSettings,
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
            error_line(err, f"--published {published!r} is not a YYYY-MM-DD date")
            raise typer.Exit(2) from None
    results: list[Extraction] = []
    failures = 0
    try:
        with Extractor(settings=settings) as extractor:
            for path in files:
                for item in read_articles(path):
                    if item.error is not None or item.article is None:
                        failures += 1
                        error_line(err, item.error)
                        continue
                    article = item.article
                    if published_date and article.published is None:
                        article = article.model_copy(update={"published": published_date})
                    try:
                        with err.status(f"extracting {escape(item.source)}", spinner="dots"):
                            extraction = extractor.extract(article)
                    except EmbeddedModelError:
                        raise
                    except ArmsExtractError as exc:
                        failures += 1
                        error_line(err, f"{item.source}: {exc}")
                        continue
                    results.append(extraction)
                    if not as_json:
                        print_extraction(out, extraction)
    except ArmsExtractError as exc:
        # The backend itself failed (e.g. the embedded model is not installed).
        error_line(err, exc)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2))
    if failures:
        err.print(f"[red]{failures} input(s) failed[/red]; {len(results)} extracted")
        raise typer.Exit(1)


@app.command()
@with_backend
def run(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, JSONL files.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (created; resumed if it exists).")],
    workers: Annotated[
        int | None, typer.Option(help="Articles in flight at once (default: 1 embedded, 8 server).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask the model again; update the cache.")] = False,
    max_tokens_per_article: Annotated[
        int | None, typer.Option(help="Fail an article that needs more tokens than this.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or table (for cron).")] = False,
    log: Annotated[Path | None, typer.Option("--log", help="Write a log of every article here.")] = None,
    review: Annotated[
        bool, typer.Option("--review", help="Write DIR/review.html: every record beside its article.")
    ] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Read files that links in an input folder point to outside it.")
    ] = False,
    *,
    settings: BackendSettings,
) -> None:
    """Extract every article into DIR: sales/claims/actors/articles.jsonl and extract.sqlite."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..batch.run import RunOptions, RunSummary, run_batch

    err = Console(stderr=True, soft_wrap=True)
    if log is not None:
        try:
            handler = logging.FileHandler(log, encoding="utf-8")
        except OSError as exc:
            error_line(err, f"{log}: cannot be written ({exc.strerror})")
            raise typer.Exit(2) from None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("arms_extract").addHandler(handler)
        logging.getLogger("arms_extract").setLevel(logging.INFO)
    options = RunOptions(
        workers=workers,
        use_cache=not no_cache,
        refresh=refresh,
        max_tokens_per_article=max_tokens_per_article,
        follow_links=follow_links,
    )
    progress = Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TextColumn("{task.fields[rate]:.1f}/min"),
        TextColumn("{task.fields[tokens]:,} tokens"),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
    )
    task = progress.add_task("run", total=None, failed=0, rate=0.0, tokens=0)

    def on_start(total: int) -> None:
        progress.update(task, total=total)

    def on_article(summary: RunSummary, key: str, error: str | None) -> None:
        progress.update(
            task,
            total=summary.total,
            completed=summary.done,
            failed=summary.failed,
            rate=summary.articles_per_minute,
            tokens=summary.prompt_tokens + summary.completion_tokens,
        )
        if error and not quiet:
            error_line(progress.console, f"{key}: {error}", "failed")

    try:
        with progress:
            summary = asyncio.run(run_batch(inputs, out, settings, options, on_article, on_start))
    except ArmsExtractError as exc:
        # The backend cannot start, or the output folder cannot be written: the run stops.
        error_line(err, exc)
        raise typer.Exit(2) from None
    finally:
        if log is not None:
            logging.getLogger("arms_extract").removeHandler(handler)
            handler.close()
    for notice in summary.notices:
        error_line(err, notice, "[yellow]note[/yellow]")
    if not quiet:
        table = Table(title=f"Run into {escape(str(out))}")
        for column in (
            "inputs",
            "ok",
            "failed",
            "skipped",
            "cached",
            "requests",
            "re-asks",
            "tokens",
            "minutes",
        ):
            table.add_column(column, justify="right")
        table.add_row(
            str(summary.total), str(summary.ok), str(summary.failed), str(summary.skipped),
            str(summary.cached), str(summary.requests), str(summary.reasks),
            f"{summary.prompt_tokens:,} + {summary.completion_tokens:,}", f"{summary.seconds / 60:.1f}",
        )  # fmt: skip
        err.print(table)
    _update_corpus(err, out, quiet)
    if review:
        _write_review(err, out, open_page=False)
    if summary.failed:
        raise typer.Exit(1)


def _update_corpus(err: Console, out: Path, quiet: bool) -> CorpusView:
    """Deals and actors across every article in the folder (after each run into it), or exit 2."""
    from ..corpus import update_corpus

    try:
        view = update_corpus(out)
    except ArmsExtractError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    if not quiet:
        corroborated = sum(1 for deal in view.deals if deal.articles > 1)
        err.print(
            f"{len(view.deals)} deals ({corroborated} reported by more than one article), "
            f"{len(view.actors)} actors across articles: {out / 'deals.jsonl'}",
            markup=False,
            highlight=False,
        )
    return view


@app.command()
def deals(
    out: Annotated[Path, typer.Argument(help="An output directory of `run`.")],
    limit: Annotated[int, typer.Option(help="Rows to show (most corroborated first).")] = 50,
) -> None:
    """Cluster the folder's sales into deals (one row per deal across articles) and show them."""
    from .render import print_deals

    view = _update_corpus(Console(stderr=True, soft_wrap=True), out, quiet=True)
    print_deals(Console(), view.deals, limit)


def _write_review(err: Console, out: Path, open_page: bool) -> None:
    from ..review import write_review_page

    try:
        page = write_review_page(out)
    except ArmsExtractError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    print(page)
    if open_page:
        import webbrowser

        webbrowser.open(page.resolve().as_uri())


@app.command()
def review(
    out: Annotated[Path, typer.Argument(help="An output directory of `run`.")],
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in the default browser.")] = False,
) -> None:
    """Write DIR/review.html: each article's text with its evidence highlighted beside the records."""
    _write_review(Console(stderr=True, soft_wrap=True), out, open_page)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="An output directory of `run`.")],
    csv: Annotated[
        bool | None,
        typer.Option("--csv/--no-csv", help="Write one CSV per table into DIR/csv/ (default: unless a file below)."),
    ] = None,
    label_studio: Annotated[
        Path | None,
        typer.Option("--label-studio", help="Write Label Studio tasks with the records as predictions (JSON)."),
    ] = None,
    doccano: Annotated[
        Path | None, typer.Option("--doccano", help="Write doccano JSONL (entities and relations).")
    ] = None,
    sipri: Annotated[
        Path | None,
        typer.Option("--sipri", help="Write the deals as CSV in the SIPRI Arms Transfers Database's columns."),
    ] = None,
) -> None:
    """Write spreadsheets (CSV), or tasks to correct in Label Studio or doccano, from a run's database.

    A corrected Label Studio or doccano export is a gold set: `arms-extract eval FILE`."""
    from ..batch.store import RunStore
    from ..review import export_doccano, export_label_studio

    err = Console(stderr=True, soft_wrap=True)
    if csv is None:
        csv = label_studio is None and doccano is None and sipri is None
    try:
        with RunStore.existing(out) as store:
            store.export_jsonl()
            paths = store.export_csv(out / "csv") if csv else []
        if label_studio is not None:
            count, config = export_label_studio(out, label_studio)
            paths += [label_studio, config]
            err.print(f"{count} Label Studio tasks", highlight=False)
        if doccano is not None:
            count = export_doccano(out, doccano)
            paths.append(doccano)
            err.print(f"{count} doccano lines", highlight=False)
        if sipri is not None:
            from ..corpus import update_corpus, write_sipri_csv

            count = write_sipri_csv(update_corpus(out).deals, sipri)
            paths.append(sipri)
            err.print(f"{count} deals", highlight=False)
    except ArmsExtractError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    except OSError as exc:
        error_line(err, f"{exc.filename or out}: cannot be written ({exc.strerror})")
        raise typer.Exit(2) from None
    for path in paths:
        print(path)


@app.command("eval")
@with_backend
def evaluate(
    dataset: Annotated[
        Path,
        typer.Argument(
            help="Gold articles (JSONL): span-annotated news, DSCA notices, PolNeAR attributions, or a corrected "
            "Label Studio (JSON) or doccano (JSONL) export."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Where metrics.json, report.md and answers.jsonl go.")],
    limit: Annotated[int | None, typer.Option(help="Score only the first N articles (after --ids).")] = None,
    ids: Annotated[Path | None, typer.Option("--ids", help="A file of article ids to score, one per line.")] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline/--no-baseline", help="Also run the plain-instructor baseline.")
    ] = True,
    workers: Annotated[int | None, typer.Option(help="Articles in flight (default: 1 embedded, 8 server).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use cached answers (pipeline).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    *,
    settings: BackendSettings,
) -> None:
    """Score the pipeline (and a baseline) against gold articles: deal detection, values, spans, grounding, cost."""
    import asyncio

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..cache import AnswerCache
    from ..evaluation.evalset import load_gold, read_ids
    from ..evaluation.report import TARGETS, fmt, headline
    from ..evaluation.runner import run_eval, write_outputs

    err = Console(stderr=True, soft_wrap=True)
    try:
        golds = load_gold(dataset, read_ids(ids) if ids else None, limit)
    except ArmsExtractError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    if not golds:
        error_line(err, f"{dataset}: no article to evaluate")
        raise typer.Exit(2)
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=quiet,
    )  # fmt: skip
    tasks = {"pipeline": progress.add_task("pipeline", total=len(golds))}
    if baseline:
        tasks["baseline"] = progress.add_task("baseline", total=len(golds))

    def on_article(system: str, article_id: str, result) -> None:  # type: ignore[no-untyped-def]
        progress.advance(tasks[system])
        if not result.ok and not quiet:
            error_line(progress.console, f"{article_id}: {result.error}", f"failed ({system})")

    cache = None if no_cache else AnswerCache()
    try:
        with progress:
            run = asyncio.run(
                run_eval(
                    dataset.name, golds, settings, workers=workers, cache=cache, baseline=baseline, progress=on_article
                )  # fmt: skip
            )
    except EmbeddedModelError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    finally:
        if cache is not None:
            for notice in cache.notices:
                error_line(err, notice, "[yellow]note[/yellow]")
            cache.close()
    metrics = write_outputs(run, out)
    systems = metrics["systems"]
    table = Table(title=f"{dataset.name}: {len(golds)} articles")
    table.add_column("metric")
    for name in systems:
        table.add_column(name, justify="right")
    table.add_column("target", justify="right")
    figures = {name: headline(m) for name, m in systems.items()}
    for key in figures["pipeline"]:
        target = TARGETS.get(key)
        table.add_row(key, *(fmt(figures[n][key]) for n in systems), fmt(target) if target else "")
    table.add_row("invented values", *(str(m["grounding"]["invented"]) for m in systems.values()), "0")
    table.add_row("seconds / article", *(str(m["cost"]["seconds_per_article"]) for m in systems.values()), "")
    table.add_row("failures", *(str(m["failures"]) for m in systems.values()), "")
    err.print(table)
    err.print(
        f"wrote {out / 'metrics.json'}, {out / 'report.md'}, {out / 'answers.jsonl'}", markup=False, highlight=False
    )


@app.command("ray-run")
@with_backend
def ray_run(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, JSONL files.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory: one file set per block (resumed).")],
    address: Annotated[
        str | None, typer.Option("--address", help="A Ray cluster to join ('auto', ray://...). Unset: a local one.")
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="An OpenAI-compatible base URL (.../v1) for the calls. Unset: --base-url."),
    ] = None,
    vllm: Annotated[
        str | None, typer.Option("--vllm", help="Run this model on the cluster's GPUs with Ray Data LLM's vLLM engine.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Requests per model-stage batch (sent one after another).")
    ] = 1,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, help="Model-stage workers (default: 8; 1 for the embedded model)."),
    ] = None,
    num_cpus: Annotated[
        int | None, typer.Option("--num-cpus", min=1, help="CPUs of the local cluster (default: all).")
    ] = None,
    rows_per_file: Annotated[
        int, typer.Option("--rows-per-file", min=1, help="Articles per output file set (what a resume redoes).")
    ] = 64,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or table.")] = False,
    *,
    settings: BackendSettings,
) -> None:
    """Extract every article on a Ray cluster (pip install 'arms-extract\\[ray]'): same records as `run`."""
    from ._ray_run import ray_run_main

    raise typer.Exit(
        ray_run_main(
            inputs,
            out,
            settings,
            address=address,
            endpoint=endpoint,
            vllm=vllm,
            fmt=output_format,
            batch_size=batch_size,
            concurrency=concurrency,
            num_cpus=num_cpus,
            rows_per_file=rows_per_file,
            quiet=quiet,
        )
    )


batch_app = typer.Typer(help="Provider batch files (OpenAI Batch API, vLLM run-batch).", no_args_is_help=True)
app.add_typer(batch_app, name="batch")


@batch_app.command("prepare")
def batch_prepare(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs, JSONL files.")],
    out: Annotated[Path, typer.Option("--out", help="The request file to write (JSONL).")],
    model: Model = None,
) -> None:
    """Write one chat-completions request per article chunk, and the articles beside them.

    Only those requests: the questions `run` asks after them about a sale without a seller are
    not in a batch file, so such a sale keeps no seller when collected."""
    from ..batch.batchfile import prepare, sidecar_path

    err = Console(stderr=True, soft_wrap=True)
    settings = BackendSettings(base_url="http://batch/v1", model=model)
    prepared = prepare(inputs, out, settings)
    for error in prepared.errors:
        error_line(err, error)
    err.print(
        f"{prepared.requests} requests for {prepared.articles} articles in {out}; articles in {sidecar_path(out)}",
        markup=False,
        highlight=False,
    )
    if prepared.errors:
        raise typer.Exit(1)


@batch_app.command("collect")
def batch_collect(
    results: Annotated[Path, typer.Argument(help="The batch's results file (JSONL).")],
    out: Annotated[Path, typer.Option("--out", help="Output directory, as for `run`.")],
    requests: Annotated[Path, typer.Option("--requests", help="The request file `prepare` wrote.")] = Path(
        "requests.jsonl"
    ),
    model: Model = None,
    reask_ungrounded: ReaskUngrounded = BackendSettings.reask_ungrounded,
) -> None:
    """Validate, ground and normalise batch results into the same outputs as `run`."""
    from ..batch.batchfile import collect

    err = Console(stderr=True, soft_wrap=True)
    for path in (results, requests):
        if not path.exists():
            error_line(err, f"{path}: no such file")
            raise typer.Exit(2)
    settings = BackendSettings(base_url="http://batch/v1", model=model, reask_ungrounded=reask_ungrounded)
    try:
        collected = collect(results, requests, out, settings)
    except ArmsExtractError as exc:
        error_line(err, exc)
        raise typer.Exit(2) from None
    for line in collected.unreadable:
        error_line(err, line, "[yellow]note[/yellow]")
    for key, reason in collected.rerun:
        error_line(err, f"{key}: {reason}", "[yellow]re-run[/yellow]")
    err.print(
        f"{collected.ok} collected into {out}; {len(collected.rerun)} to re-run (listed in {out}/rerun.jsonl)",
        markup=False,
        highlight=False,
    )
    if collected.rerun:
        raise typer.Exit(1)


@app.command()
def version() -> None:
    """Print the package, prompt and schema versions."""
    from importlib.metadata import version as package_version

    from ..core.prompts import prompt_version
    from ..records import SCHEMA_VERSION

    print(f"arms-extract {package_version('arms-extract')} prompt {prompt_version()} schema {SCHEMA_VERSION}")
