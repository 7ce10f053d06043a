"""Batch throughput, pipeline overhead and memory, against a FAKE OpenAI-compatible server.

    python scripts/bench_batch.py                 # the whole table
    python scripts/bench_batch.py --articles 200   # fewer articles per row

The fake server (tests/fake_openai_server.py, in a process of its own) answers every
request with the same valid answer after a fixed latency, so the figures measure our code, not
a model. Run it with nothing else busy on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arms_extract import Article, BackendSettings  # noqa: E402
from arms_extract._attempt import _Attempt  # noqa: E402
from arms_extract._transport import RetryPolicy  # noqa: E402
from arms_extract.answer import ArticleAnswer  # noqa: E402
from arms_extract.assemble import assemble  # noqa: E402
from arms_extract.batch import RunOptions, run_batch  # noqa: E402
from arms_extract.pipeline import _ExtractorBase  # noqa: E402
from arms_extract.records import Usage  # noqa: E402
from arms_extract.store import RunStore  # noqa: E402
from tests.canned import SALE_SENTENCE, tomahawk_answer  # noqa: E402
from tests.fake_openai_server import Step, fake_openai_server  # noqa: E402

SALE = SALE_SENTENCE
ANSWER = tomahawk_answer()


def _serve(conn, latency: float) -> None:  # type: ignore[no-untyped-def]
    with fake_openai_server(Step(content=ANSWER, delay=latency), record=False) as fake:
        conn.send(fake.url)
        conn.recv()


@contextmanager
def fake_server_process(latency: float) -> Iterator[str]:
    """The fake server in its own process: sharing our process (and its GIL) would measure it, not us."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(child, latency), daemon=True)
    process.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        process.join(timeout=10)


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def write_inputs(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"a{i}", "text": f"Report {i}. {SALE}"}) + "\n")
    return path


def throughput(workers: int, latency: float, count: int, tmp: Path) -> tuple[float, float]:
    inputs = write_inputs(tmp / f"in-{workers}-{latency}", count)
    with fake_server_process(latency) as url:
        settings = BackendSettings(base_url=url, model="fake", retry=RetryPolicy(attempts=2))
        started = time.perf_counter()
        summary = asyncio.run(
            run_batch(
                [inputs],
                tmp / f"out-{workers}-{latency}",
                settings,
                RunOptions(workers=workers, use_cache=False),
            )
        )
        elapsed = time.perf_counter() - started
    assert summary.ok == count, summary
    rate = count / elapsed
    ideal = workers / latency if latency else float("inf")
    return rate, rate / ideal


def overhead_ms(count: int, tmp: Path) -> float:
    """Assembly (grounding, normalisation) and the SQLite write per article, no HTTP at all."""
    answer = ArticleAnswer.model_validate_json(ANSWER)
    store = RunStore(tmp / "overhead")
    base = _ExtractorBase(settings=BackendSettings(base_url="http://unused/v1", model="fake"))
    settings = base.settings
    started = time.perf_counter()
    for i in range(count):
        article = Article(id=f"a{i}", text=f"Report {i}. {SALE}")
        extraction = base._finish(article, [_Attempt(answer, Usage(requests=1))], settings, time.perf_counter())
        assemble(article, answer)
        store.write_ok(f"k{i}", extraction, cached=False)
    elapsed = time.perf_counter() - started
    store.close()
    return 1000 * elapsed / count


def memory_profile(count: int, tmp: Path) -> list[tuple[int, float]]:
    inputs = write_inputs(tmp / "mem-in", count)
    samples: list[tuple[int, float]] = []

    def sample(summary, key, error) -> None:  # type: ignore[no-untyped-def]
        if summary.done % (count // 10) == 0:
            samples.append((summary.done, rss_mib()))

    with fake_server_process(0.0) as url:
        settings = BackendSettings(base_url=url, model="fake")
        asyncio.run(run_batch([inputs], tmp / "mem-out", settings, RunOptions(workers=8, use_cache=False), sample))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=400, help="articles per throughput row")
    parser.add_argument("--latency", type=float, default=0.2, help="fake model latency in seconds")
    parser.add_argument("--memory-articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print("| workers | latency | articles | articles/s | share of ideal (workers/latency) |")
        print("|---|---|---|---|---|")
        for workers in (1, 8, 32):
            count = args.articles if workers > 1 else max(20, args.articles // 10)
            rate, share = throughput(workers, args.latency, count, tmp)
            print(f"| {workers} | {args.latency:.2f} s | {count} | {rate:.1f} | {share:.0%} |")
        rate, _ = throughput(8, 0.0, args.articles, tmp)
        print(f"\nzero latency, 8 workers, through HTTP: {1000 / rate:.2f} ms per article")
        print(f"assembly + SQLite write, no HTTP: {overhead_ms(args.articles, tmp):.2f} ms per article")
        samples = memory_profile(args.memory_articles, tmp)
        print(f"\nRSS over {args.memory_articles} articles (MiB): " + ", ".join(f"{n}: {m:.0f}" for n, m in samples))


if __name__ == "__main__":
    main()
