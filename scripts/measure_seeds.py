"""Seconds, tokens and re-asks per seed article with the embedded model (median of N runs).

    python scripts/measure_seeds.py --runs 3

Run it with nothing else busy on the machine: two cores shared with anything
else make every figure a lie.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from arms_extract import Article, Extractor

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[tuple[float, int, int, int]]] = {}
    with Extractor() as extractor:
        for run in range(args.runs):
            for path in sorted(SEEDS.glob("*.txt")):
                # A new text per run defeats the server's prompt cache for the article part only,
                # as in a batch of different articles; the instructions prefix stays cached.
                article = Article(id=path.stem, text=path.read_text(encoding="utf-8"))
                result = extractor.extract(article)
                usage = result.provenance.usage
                rows.setdefault(path.stem, []).append(
                    (result.provenance.seconds, usage.prompt_tokens, usage.completion_tokens, usage.reasks)
                )
                print(f"run {run + 1} {path.stem}: {result.provenance.seconds:.1f}s {usage}")
                for warning in result.warnings:
                    print(f"    warning: {warning}")
    print("\n| seed | seconds | prompt tokens | completion tokens | re-asks |")
    print("|---|---|---|---|---|")
    for stem, values in rows.items():
        med = [statistics.median(v[i] for v in values) for i in range(4)]
        print(f"| {stem} | {med[0]:.1f} | {med[1]:.0f} | {med[2]:.0f} | {med[3]:.0f} |")


if __name__ == "__main__":
    main()
