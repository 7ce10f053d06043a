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

A fifth (`--blind3`: 60 more, in none of the five) was drawn in session 15, which reads the second
blind sample's misses: recorded the same way, before any change, through /tmp/blind3cache.

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


# The samples drawn after the fresh one, in the order they were drawn: flag, file, size. Each is
# drawn with the seed plus its place and excludes every sample before it, so drawing a later one
# never changes an earlier one.
LATER = (
    ("--work", "work_dev_ids.txt", WORK_SIZE),
    ("--blind", "blind_dev_ids.txt", SIZE),
    ("--blind2", "blind2_dev_ids.txt", SIZE),
    ("--blind3", "blind3_dev_ids.txt", SIZE),
)


def main(source: Path, flag: str | None = None) -> None:
    """Write the fresh sample, or with `flag` the later sample it names."""
    fixed = read_ids("dev_ids.txt")
    # An id with white space at either end cannot be written one per line (the reader strips lines).
    golds = load_gold(source / "arms_deals_dev.jsonl")
    candidates = sorted(g.id for g in golds if len(g.text) <= MAX_CHARS and g.id == g.id.strip())
    if flag is None:
        fresh = random.Random(SEED).sample([i for i in candidates if i not in fixed], SIZE)
        (ROOT / "eval" / "fresh_dev_ids.txt").write_text("\n".join(fresh) + "\n", encoding="utf-8")
        print(f"{len(fresh)} of {len(candidates)} short dev articles not in the fixed subset -> eval/fresh_dev_ids.txt")
        return
    seen = fixed | read_ids("fresh_dev_ids.txt")
    for place, (name, file, size) in enumerate(LATER, start=1):
        if name == flag:
            sample = random.Random(SEED + place).sample([i for i in candidates if i not in seen], size)
            (ROOT / "eval" / file).write_text("\n".join(sample) + "\n", encoding="utf-8")
            print(f"{len(sample)} short dev articles in none of the samples before -> eval/{file}")
            return
        seen |= read_ids(file)
    raise SystemExit(f"unknown flag {flag}; known: {', '.join(n for n, _, _ in LATER)}")


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0] if args else "../shared/eval"), flags[0] if flags else None)
