"""Batch throughput, pipeline overhead and memory, against a FAKE OpenAI-compatible server.

    python scripts/bench_batch.py                 # the whole table
    python scripts/bench_batch.py --latency 1.0    # the issue's setting: 1 s per call
    python scripts/bench_batch.py --rounds 5       # fewer articles per throughput row

Shares are of the ideal, workers / latency: over the whole run (start-up included:
importing the HTTP client, opening connections), after the first round (the rate a
long batch keeps), and for bare HTTP posts to the same fake server (its own ceiling).
Each throughput row sends workers x rounds articles, so that no row ends with a
half-empty round of requests (400 articles on 32 workers are 12.5 rounds, which
caps the share of the ideal at 96% whatever the client does).

The fake server (tests/fake_openai_server.py, in a process of its own) answers every
request with the same valid answer after a fixed latency, so the figures measure our code, not
a model. Every run is configured as `arms-extract run` is by default, with an answer cache
(a fresh one in a temporary folder, so every article is a miss that is looked up and stored).
Run it with nothing else busy on the machine.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arms_extract import Article, BackendSettings  # noqa: E402
from arms_extract.backends._attempt import _Attempt  # noqa: E402
from arms_extract.backends._transport import RetryPolicy  # noqa: E402
from arms_extract.batch.run import RunOptions, run_batch  # noqa: E402
from arms_extract.batch.store import RunStore  # noqa: E402
from arms_extract.cache import AnswerCache  # noqa: E402
from arms_extract.core.answer import ArticleAnswer  # noqa: E402
from arms_extract.pipeline import finish_extraction  # noqa: E402
from arms_extract.records import Usage  # noqa: E402
from tests.canned import SALE_SENTENCE, tomahawk_answer  # noqa: E402
from tests.fake_openai_server import Step, fake_openai_server  # noqa: E402

SALE = SALE_SENTENCE
ANSWER = tomahawk_answer()


def _serve(conn, latency: float) -> None:  # type: ignore[no-untyped-def]
    with fake_openai_server(Step(content=ANSWER, delay=latency), record=False) as fake:
        conn.send(fake.url)
        conn.recv()
        conn.send(fake.count)


@dataclass
class FakeProcess:
    url: str
    requests: int = 0  # how many the server answered, known when the block ends (retries show here)


@contextmanager
def fake_server_process(latency: float) -> Iterator[FakeProcess]:
    """The fake server in its own process: sharing our process (and its GIL) would measure it, not us."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(child, latency), daemon=True)
    process.start()
    fake = FakeProcess(parent.recv())
    try:
        yield fake
    finally:
        parent.send("stop")
        fake.requests = parent.recv()
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


@dataclass
class Throughput:
    rate: float  # articles per second over the whole run, start-up included
    steady: float  # articles per second after the first round (imports, client, connections done)
    requests: int  # requests the server answered: more than articles means retries


def default_options(workers: int, folder: Path) -> RunOptions:
    """`run`'s defaults: a cache (here an empty one of its own), no token budget."""
    folder.mkdir(parents=True, exist_ok=True)
    return RunOptions(workers=workers, cache=AnswerCache(folder / "cache.sqlite"))


def throughput(workers: int, latency: float, count: int, tmp: Path) -> Throughput:
    inputs = write_inputs(tmp / f"in-{workers}-{latency}", count)
    finished: list[float] = []
    with fake_server_process(latency) as fake:
        settings = BackendSettings(base_url=fake.url, model="fake", retry=RetryPolicy(attempts=2))
        started = time.perf_counter()
        summary = asyncio.run(
            run_batch(
                [inputs],
                tmp / f"out-{workers}-{latency}",
                settings,
                default_options(workers, tmp / f"cache-{workers}-{latency}"),
                lambda *_: finished.append(time.perf_counter()),
            )
        )
        elapsed = time.perf_counter() - started
    assert summary.ok == count, summary
    steady = (count - workers) / (finished[-1] - finished[workers - 1]) if count > workers else 0.0
    return Throughput(count / elapsed, steady, fake.requests)


def http_ceiling(workers: int, latency: float, count: int) -> float:
    """Articles per second of bare HTTP posts of the same request to the same fake server, no pipeline:

    what the fake server and the network stack allow, the ceiling for the rows above."""
    import httpx2 as httpx

    from arms_extract.backends._transport import CONNECTION_LIMITS
    from arms_extract.core.prompts import extraction_messages

    body = {"model": "fake", "messages": extraction_messages(SALE), "max_tokens": 2048, "temperature": 0.0}

    async def run(url: str) -> float:
        async with httpx.AsyncClient(limits=CONNECTION_LIMITS, timeout=60) as client:
            jobs = iter(range(count))

            async def worker() -> None:
                for _ in jobs:
                    (await client.post(f"{url}/chat/completions", json=body)).json()

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(workers)))
            return count / (time.perf_counter() - started)

    with fake_server_process(latency) as fake:
        return asyncio.run(run(fake.url))


def overhead_ms(count: int, tmp: Path) -> float:
    """Assembly (grounding, normalisation) and the SQLite write per article, no HTTP at all."""
    answer = ArticleAnswer.model_validate_json(ANSWER)
    store = RunStore(tmp / "overhead")
    started = time.perf_counter()
    for i in range(count):
        article = Article(id=f"a{i}", text=f"Report {i}. {SALE}")
        attempts = [_Attempt(answer, Usage(requests=1))]
        extraction = finish_extraction(article, attempts, model="fake", backend="bench", started=time.perf_counter())
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

    with fake_server_process(0.0) as fake:
        settings = BackendSettings(base_url=fake.url, model="fake")
        options = default_options(8, tmp / "mem-cache")
        asyncio.run(run_batch([inputs], tmp / "mem-out", settings, options, sample))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=400, help="articles for the zero-latency and overhead rows")
    parser.add_argument("--rounds", type=int, default=15, help="a throughput row sends workers x rounds articles")
    parser.add_argument("--latency", type=float, default=0.2, help="fake model latency in seconds")
    parser.add_argument("--memory-articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        print("| workers | latency | articles | requests | articles/s | of ideal | after 1st round | bare HTTP |")
        print("|---|---|---|---|---|---|---|---|")
        for workers in (1, 8, 32):
            count = workers * args.rounds
            row = throughput(workers, args.latency, count, tmp)
            ideal = workers / args.latency
            ceiling = http_ceiling(workers, args.latency, count)
            print(
                f"| {workers} | {args.latency:.2f} s | {count} | {row.requests} | {row.rate:.1f} "
                f"| {row.rate / ideal:.0%} | {row.steady / ideal:.0%} | {ceiling / ideal:.0%} |"
            )
        zero = throughput(8, 0.0, args.articles, tmp)
        print(f"\nzero latency, 8 workers, through HTTP: {1000 / zero.rate:.2f} ms per article")
        print(f"assembly + SQLite write, no HTTP: {overhead_ms(args.articles, tmp):.2f} ms per article")
        samples = memory_profile(args.memory_articles, tmp)
        print(f"\nRSS over {args.memory_articles} articles (MiB): " + ", ".join(f"{n}: {m:.0f}" for n, m in samples))


if __name__ == "__main__":
    main()
