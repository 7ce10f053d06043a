"""How many of the weapons code lists (core/listed_items.py) are annotated weapons, with no model.

    python scripts/listed_precision.py [--exclude eval/dev_ids.txt ...]

Reads ../shared/eval/arms_deals_dev.jsonl; counted ("three RPB 33 patrol boats") and uncounted
("T-90 main battle tanks") names are reported apart. Pass the sample id files to keep the fixed,
working and fresh samples out, so the figure is on articles no rule was written from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.core.listed_items import listed_items  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402
from arms_extract.evaluation.scoring import gold_values  # noqa: E402
from arms_extract.evaluation.weapon_match import same_weapon  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "arms_deals_dev.jsonl")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    excluded = {line.strip() for path in args.exclude for line in path.read_text().splitlines() if line.strip()}
    counts = {"counted": [0, 0], "uncounted": [0, 0]}
    articles = 0
    for gold in load_gold(args.data):
        if gold.id in excluded:
            continue
        articles += 1
        weapons = [name for cluster in gold_values(gold).weapon for name in cluster]
        for item in listed_items(gold.text, news=True):
            name = gold.text[slice(*item.name)]
            kind = "counted" if item.count is not None else "uncounted"
            counts[kind][0 if any(same_weapon(name, w) for w in weapons) else 1] += 1
    print(f"{articles} articles")
    for kind, (annotated, other) in counts.items():
        print(f"  {kind:9} {annotated} annotated weapons, {other} not annotated")


if __name__ == "__main__":
    main()
