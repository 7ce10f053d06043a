"""Live seconds per article of a recorded evaluation, from the model server's own timings.

    python scripts/recorded_seconds.py [cassettes/eval_dev.yaml ...]

llama.cpp reports, in every answer it recorded, how long it spent reading the prompt and
writing the answer. Summed per system, and apart for first requests and re-asks, these say
what each kind of request cost on the machine that recorded it, and so what a policy that
drops the re-asks costs without recording again (the first requests are the same requests).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.core.prompts import render  # noqa: E402

_TIMINGS = re.compile(r'"timings":(\{[^}]*\})')


def system_of(request: dict) -> str:  # type: ignore[type-arg]
    """Which system sent the request: the pipeline's or the baseline's instructions."""
    instructions = request["messages"][0]["content"]
    if instructions == render("system.jinja"):
        return "pipeline"
    if instructions == render("baseline_system.jinja"):
        return "baseline"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    recorded = [ROOT / "cassettes" / "eval_dev.yaml", ROOT / "cassettes" / "eval_dsca.yaml"]
    parser.add_argument("cassettes", nargs="*", type=Path, default=recorded)
    args = parser.parse_args()
    for path in args.cassettes:
        totals: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            request = json.loads(interaction["request"]["body"])
            body = interaction["response"]["body"]["string"]
            found = _TIMINGS.search(body.decode() if isinstance(body, bytes) else body)
            if found is None:
                continue
            timings = json.loads(found.group(1))
            kind = "first" if len(request["messages"]) <= 2 else "re-ask"
            row = totals[(system_of(request), kind)]
            row["requests"] += 1
            for name in ("prompt_n", "cache_n", "predicted_n", "prompt_ms", "predicted_ms"):
                row[name] += timings.get(name, 0)
        articles = {system: row["requests"] for (system, kind), row in totals.items() if kind == "first"}
        print(path.name)
        for (system, kind), row in sorted(totals.items()):
            n = articles.get(system) or 1
            print(
                f"  {system:9} {kind:7} {int(row['requests']):3} requests: "
                f"{(row['prompt_ms'] + row['predicted_ms']) / 1000 / n:5.1f} s per article "
                f"({row['prompt_ms'] / 1000 / n:.1f} reading {row['prompt_n'] / n:.0f} new prompt tokens, "
                f"{row['cache_n'] / n:.0f} reused; {row['predicted_ms'] / 1000 / n:.1f} writing "
                f"{row['predicted_n'] / n:.0f} tokens)"
            )


if __name__ == "__main__":
    main()
