"""`ray-run` beside `run` against a FAKE OpenAI-compatible server with a fixed latency.

    python scripts/bench_ray.py                        # 512 articles, 1 s per call, 32 in flight
    python scripts/bench_ray.py --articles 256 --latency 0.5

Both commands run as a user runs them (a child process each, the same input folder, no answer
cache), against one fake server in a process of its own that answers every request with the
same valid answer after `--latency` seconds and counts the requests in flight. `run` gets 32
workers; `ray-run` gets `--concurrency` model-stage workers with `--batch-size` requests each
(Ray Data LLM's HTTP stage sends a batch's requests one after another, so a worker's batches
in flight are what overlap). Per command: wall seconds, articles per second, CPU seconds per
article (the command's whole process tree, Ray's workers included, from the kernel's
accounting of reaped children), the peak of the tree's memory (PSS, sampled every 0.2 s),
and the peak of requests in flight the server saw. Ray's fixed cost is a second `ray-run`
over the finished folder: every article skipped, only start-up and shutdown left. Run it with
nothing else busy on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.canned import tomahawk_answer  # noqa: E402
from tests.fake_openai_server import Step, fake_openai_server  # noqa: E402
from tests.helpers import write_articles  # noqa: E402

ANSWER = tomahawk_answer()


def _serve(conn: Any, latency: float) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def answer(request: dict[str, Any]) -> str:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(latency)
        with lock:
            state["now"] -= 1
        return ANSWER

    with fake_openai_server(Step(respond=answer), record=False) as fake:
        conn.send(fake.url)
        while conn.recv() == "peak":
            conn.send(state["peak"])
            state["peak"] = 0


def _tree_memory(pid: int) -> int:
    """Proportional set size of `pid` and every descendant (Ray's raylet, workers, object store):
    memory shared between processes (the object store, libraries) is counted once, not per process."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError, StopIteration):
            continue
    return total


def measure(command: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    while process.poll() is None:
        peak = max(peak, _tree_memory(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed ({process.returncode}):\n{''.join(stderr)[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu": cpu, "rss": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=512)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=32, help="run's articles in flight")
    parser.add_argument("--concurrency", type=int, default=8, help="ray-run's model-stage workers")
    parser.add_argument("--batch-size", type=int, default=1, help="ray-run's requests per batch")
    args = parser.parse_args()

    here, there = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(there, args.latency), daemon=True)
    server.start()
    url = here.recv()
    cli = [sys.executable, "-m", "arms_extract.cli"]
    common = ["--base-url", url, "--model", "fake", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_articles(Path(tmp) / "in", args.articles)
        env_cache = Path(tmp) / "cache"
        os.environ["ARMS_EXTRACT_CACHE_DIR"] = str(env_cache)
        rows: list[tuple[str, dict[str, float], int]] = []
        run = measure([*cli, "run", str(folder), "--out", f"{tmp}/run", "--workers", str(args.workers),
                       "--no-cache", *common])  # fmt: skip
        here.send("peak")
        rows.append((f"run --workers {args.workers}", run, here.recv()))
        ray_command = [*cli, "ray-run", str(folder), "--out", f"{tmp}/ray", "--concurrency", str(args.concurrency),
                       "--batch-size", str(args.batch_size), "--num-cpus", "2", *common]  # fmt: skip
        ray = measure(ray_command)
        here.send("peak")
        rows.append((f"ray-run --concurrency {args.concurrency} --batch-size {args.batch_size}", ray, here.recv()))
        fixed = measure(ray_command)  # everything is written: start-up and shutdown only
        here.send("peak")
        rows.append(("ray-run, all articles skipped", fixed, here.recv()))
    here.send("stop")

    n = args.articles
    print(f"{n} articles, {args.latency:g} s per call, {os.cpu_count()} CPUs")
    print(f"{'command':<44} {'wall s':>7} {'art/s':>6} {'CPU ms/art':>10} {'peak PSS':>9} {'in flight':>9}")
    for name, figures, in_flight in rows:
        skipped = name.endswith("skipped")
        rate = "" if skipped else f"{n / figures['seconds']:.1f}"
        per_article = "" if skipped else f"{1000 * figures['cpu'] / n:.0f}"
        print(f"{name:<44} {figures['seconds']:>7.1f} {rate:>6} {per_article:>10} "
              f"{figures['rss'] / 2**20:>7.0f} MB {in_flight:>9}")  # fmt: skip
    extra_cpu = (ray["cpu"] - fixed["cpu"] - run["cpu"]) / n
    extra_wall = (ray["seconds"] - fixed["seconds"] - run["seconds"]) / n
    print(f"Ray's fixed cost: {fixed['seconds']:.1f} s wall, {fixed['cpu']:.1f} CPU s (start-up and shutdown)")
    print(f"Ray's cost per article beyond it, against run: {1000 * extra_cpu:+.0f} ms CPU,", end=" ")
    print(f"{1000 * extra_wall:+.0f} ms wall")


if __name__ == "__main__":
    main()
