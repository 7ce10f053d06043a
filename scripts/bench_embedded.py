"""Articles per minute with the embedded model: 1 vs 2 server slots, then cold and cached.

    python scripts/bench_embedded.py --compare 6 --dsca 0          # 1 vs 2 slots
    python scripts/bench_embedded.py --skip-compare --dsca 20 --slots 1

Runs `run_batch` (the code behind `arms-extract run`) on the seeds and DSCA
notices from ../shared/eval/dsca_notices.jsonl (the repository's 11-notice
sample if that file is absent), each configuration with a fresh cache. Run it
with nothing else busy on the machine: on 2 cores anything else halves the
figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arms_extract import BackendSettings  # noqa: E402
from arms_extract.batch.run import RunOptions, run_batch  # noqa: E402
from arms_extract.cache import AnswerCache  # noqa: E402

DSCA = ROOT.parent / "shared" / "eval" / "dsca_notices.jsonl"
SAMPLE = ROOT / "tests" / "fixtures" / "dsca_sample.jsonl"


def write_inputs(folder: Path, dsca_count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = DSCA if DSCA.exists() else SAMPLE
    notices = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()][:dsca_count]
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            out.write(json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8")}) + "\n")
        for notice in notices:
            out.write(json.dumps({"id": notice["id"], "text": notice["text"], "published": notice.get("date")}) + "\n")
    return path


def measure(inputs: Path, slots: int, tmp: Path, label: str) -> None:
    settings = BackendSettings(embedded_slots=slots)
    cache = AnswerCache(tmp / f"cache-{label}.sqlite")
    for run in ("cold", "cached"):
        summary = asyncio.run(
            run_batch([inputs], tmp / f"out-{label}-{run}", settings, RunOptions(workers=slots, cache=cache))
        )
        tokens = summary.prompt_tokens + summary.completion_tokens
        print(
            f"| {label} | {slots} | {run} | {summary.ok}/{summary.total} | {summary.seconds:.0f} s "
            f"| {summary.articles_per_minute:.2f} | {tokens:,} | {summary.reasks} |",
            flush=True,
        )
    cache.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", type=int, default=6, help="articles for the 1-vs-2-slot comparison")
    parser.add_argument("--dsca", type=int, default=20, help="DSCA notices in the full run")
    parser.add_argument("--slots", type=int, default=1, help="slots for the full run")
    parser.add_argument("--skip-compare", action="store_true")
    args = parser.parse_args()
    print("| run | slots | cache | ok | wall | articles/min | tokens | re-asks |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if not args.skip_compare:
            small = write_inputs(tmp / "small", max(args.compare - 2, 0))
            for slots in (1, 2):
                measure(small, slots, tmp, f"compare-{slots}")
        if args.dsca:
            full = write_inputs(tmp / "full", args.dsca)
            measure(full, args.slots, tmp, "seeds+dsca")


if __name__ == "__main__":
    main()
