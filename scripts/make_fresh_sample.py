"""Draw the fresh live sample that guards against tuning to the fixed subset (run once; committed).

    python scripts/make_fresh_sample.py ../shared/eval     # writes eval/fresh_dev_ids.txt

60 news articles of arms_deals_dev.jsonl that are not in the fixed subset (eval/dev_ids.txt),
drawn with a seed of their own among articles of at most 6,000 characters, as the subset was
(one request each on the embedded model). Measured live, once, with

    arms-extract eval ../shared/eval/arms_deals_dev.jsonl --ids eval/fresh_dev_ids.txt \\
        --no-baseline --no-cache --out out/fresh-dev

A second, working sample (`--work`: 40 more, in neither the subset nor the fresh sample) is
for trying rules on live answers through the answer cache, so that the fresh sample stays unseen
until the end:

    arms-extract eval ../shared/eval/arms_deals_dev.jsonl --ids eval/work_dev_ids.txt \\
        --no-baseline --out out/work-dev

A third sample (`--blind`: 60 more, in none of the three) was drawn in session 13, when rules
had been written after looking at fresh articles over several sessions: it is measured live
once, at the end, with nothing looked at before, through an empty answer cache of its own (so
that an earlier commit's code can score the same answers for the before/after):

    ARMS_EXTRACT_CACHE_DIR=/tmp/blindcache arms-extract eval ../shared/eval/arms_deals_dev.jsonl \\
        --ids eval/blind_dev_ids.txt --no-baseline --out out/blind-dev

A fourth (`--blind2`: 60 more, in none of the four) was drawn in session 14, because session 13
read the first blind sample's price misses: its answers were recorded live at the start of the
session, before any change, through a cache of its own, and its figures read only at the end:

    ARMS_EXTRACT_CACHE_DIR=/tmp/blind2cache arms-extract eval ../shared/eval/arms_deals_dev.jsonl \\
        --ids eval/blind2_dev_ids.txt --no-baseline --out out/blind2-dev

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
WORK_SIZE = 40
MAX_CHARS = 6000


def read_ids(name: str) -> set[str]:
    return set((ROOT / "eval" / name).read_text(encoding="utf-8").split("\n"))


def main(source: Path, work: bool = False, blind: bool = False, blind2: bool = False) -> None:
    fixed = read_ids("dev_ids.txt")
    # An id with white space at either end cannot be written one per line (the reader strips lines).
    golds = load_gold(source / "arms_deals_dev.jsonl")
    candidates = sorted(g.id for g in golds if len(g.text) <= MAX_CHARS and g.id == g.id.strip())
    if blind2:
        seen = fixed | read_ids("fresh_dev_ids.txt") | read_ids("work_dev_ids.txt") | read_ids("blind_dev_ids.txt")
        sample = random.Random(SEED + 3).sample([i for i in candidates if i not in seen], SIZE)
        (ROOT / "eval" / "blind2_dev_ids.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
        print(f"{len(sample)} short dev articles in none of the other samples -> eval/blind2_dev_ids.txt")
        return
    if blind:
        seen = fixed | read_ids("fresh_dev_ids.txt") | read_ids("work_dev_ids.txt")
        sample = random.Random(SEED + 2).sample([i for i in candidates if i not in seen], SIZE)
        (ROOT / "eval" / "blind_dev_ids.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
        print(f"{len(sample)} short dev articles in none of the other samples -> eval/blind_dev_ids.txt")
        return
    if work:
        seen = fixed | read_ids("fresh_dev_ids.txt")
        sample = random.Random(SEED + 1).sample([i for i in candidates if i not in seen], WORK_SIZE)
        (ROOT / "eval" / "work_dev_ids.txt").write_text("\n".join(sample) + "\n", encoding="utf-8")
        print(f"{len(sample)} short dev articles in neither the subset nor the fresh sample -> eval/work_dev_ids.txt")
        return
    fresh = random.Random(SEED).sample([i for i in candidates if i not in fixed], SIZE)
    (ROOT / "eval" / "fresh_dev_ids.txt").write_text("\n".join(fresh) + "\n", encoding="utf-8")
    print(f"{len(fresh)} of {len(candidates)} short dev articles not in the fixed subset -> eval/fresh_dev_ids.txt")


if __name__ == "__main__":
    flags = ("--work", "--blind", "--blind2")
    args = [a for a in sys.argv[1:] if a not in flags]
    work, blind, blind2 = (flag in sys.argv[1:] for flag in flags)
    main(Path(args[0] if args else "../shared/eval"), work=work, blind=blind, blind2=blind2)
