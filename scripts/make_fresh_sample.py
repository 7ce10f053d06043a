"""Draw the fresh live sample that guards against tuning to the fixed subset (run once; committed).

    python scripts/make_fresh_sample.py ../shared/eval     # writes eval/fresh_dev_ids.txt

60 news articles of arms_deals_dev.jsonl that are not in the fixed subset (eval/dev_ids.txt),
drawn with a seed of their own among articles of at most 6,000 characters, as the subset was
(one request each on the embedded model). Measured live, once, with

    arms-extract eval ../shared/eval/arms_deals_dev.jsonl --ids eval/fresh_dev_ids.txt \\
        --no-baseline --no-cache --out out/fresh-dev

The 20 PolNeAR articles held apart from rule-writing need no model (claims come from the
grammar): python scripts/score_attributions.py --held.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.evaluation.evalset import load_gold  # noqa: E402

SEED = 20261203
SIZE = 60
MAX_CHARS = 6000


def main(source: Path) -> None:
    fixed = set((ROOT / "eval" / "dev_ids.txt").read_text(encoding="utf-8").split("\n"))
    # An id with white space at either end cannot be written one per line (the reader strips lines).
    golds = load_gold(source / "arms_deals_dev.jsonl")
    candidates = sorted(g.id for g in golds if len(g.text) <= MAX_CHARS and g.id == g.id.strip())
    fresh = random.Random(SEED).sample([i for i in candidates if i not in fixed], SIZE)
    (ROOT / "eval" / "fresh_dev_ids.txt").write_text("\n".join(fresh) + "\n", encoding="utf-8")
    print(f"{len(fresh)} of {len(candidates)} short dev articles not in the fixed subset -> eval/fresh_dev_ids.txt")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval"))
