"""Seconds and tokens per article of the live pipeline on the embedded model: one lever at a time.

    python scripts/bench_speed.py --limit 8                          # the first 8 dev articles
    python scripts/bench_speed.py --limit 8 --speculative ngram_mod  # llama.cpp n-gram drafting
    python scripts/bench_speed.py --data tests/fixtures/eval_dsca.jsonl --limit 3
    python scripts/bench_speed.py --limit 8 --speculative ngram_mod --ngram-mod 12 4 16 --answers /tmp/a.jsonl

No answer cache: every article is a full call. Run it with nothing else busy on the machine
(2 cores: a second workload makes every figure a lie).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract import BackendSettings, Extractor  # noqa: E402
from arms_extract.backends.local_model import DEFAULT_NGRAM_MOD, SPECULATIVE_TYPES, EmbeddedServer  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402
from arms_extract.records import Article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "fixtures" / "eval_dev.jsonl")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--speculative", choices=SPECULATIVE_TYPES, default="none")
    parser.add_argument(
        "--ngram-mod", type=int, nargs=3, default=DEFAULT_NGRAM_MOD, metavar=("N", "MIN", "MAX"),
        help="ngram_mod's n-gram size and fewest/most drafted tokens",
    )  # fmt: skip
    parser.add_argument("--answers", type=Path, help="write each article's sales here (JSON lines), to compare levers")
    parser.add_argument("--no-ask-sellers", action="store_true", help="no questions about a sale's seller")
    args = parser.parse_args()
    golds = load_gold(args.data, limit=args.limit)
    seconds, prompt, completion, sales, requests = [], 0, 0, 0, 0
    written = args.answers.open("w", encoding="utf-8") if args.answers else None
    with EmbeddedServer(speculative=args.speculative, ngram_mod=tuple(args.ngram_mod)) as server:
        settings = BackendSettings(ask_sellers=not args.no_ask_sellers)
        extractor = Extractor(settings=settings, cache=None, server=server)
        started = time.perf_counter()
        extractor.extract(Article(id="warm-up", text="Nothing to see here."))  # load the model once
        print(f"server ready and warm in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for gold in golds:
            t0 = time.perf_counter()
            result = extractor.extract(Article(id=gold.id, text=gold.text, published=gold.published))
            seconds.append(time.perf_counter() - t0)
            usage = result.provenance.usage
            prompt += usage.prompt_tokens
            completion += usage.completion_tokens
            sales += len(result.sales)
            requests += usage.requests
            if written is not None:
                sales_json = [sale.model_dump(mode="json", exclude={"evidence"}) for sale in result.sales]
                written.write(json.dumps({"id": gold.id, "sales": sales_json}) + "\n")
            print(
                f"{seconds[-1]:6.1f} s {usage.completion_tokens:5} out {usage.requests} requests {gold.id[:60]}",
                file=sys.stderr,
            )
    if written is not None:
        written.close()
    n = len(golds)
    sizes = f" ngram_mod={','.join(map(str, args.ngram_mod))}" if args.speculative == "ngram_mod" else ""
    print(
        f"{args.data.name} x{n} speculative={args.speculative}{sizes}: {statistics.mean(seconds):.1f} s/article "
        f"(median {statistics.median(seconds):.1f}), {prompt / n:.0f} prompt + {completion / n:.0f} completion "
        f"tokens/article, {requests / n:.2f} requests/article, {sales} sales"
        + (" (no seller questions)" if args.no_ask_sellers else "")
    )


if __name__ == "__main__":
    main()
