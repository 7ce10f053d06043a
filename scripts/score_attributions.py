"""Score the grammar's attributions alone (no model) against PolNeAR's human annotations.

    python scripts/score_attributions.py [--data ../shared/eval/polnear_dev.jsonl] [--held]

The articles are split once by a seeded shuffle: the 20 of the fixed, recorded
subset (tests/fixtures/eval_polnear.jsonl: the first 20 of at most 8,000 characters), 20 held apart (their figures are
printed only with --held, to check at the end that the rules were not tuned to
what they were tried on) and the rest, for working on the rules.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.core.attribution import find_attributions  # noqa: E402
from arms_extract.evaluation.claims import ClaimCounts, PredictedClaim  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402

SEED = 13
FIXED, HELD = 20, 20


MAX_FIXED_CHARS = 8000  # the recorded subset keeps to articles the model reads in one or two requests


def split(lengths: dict[str, int]) -> dict[str, list[str]]:
    """The fixed subset, the held-apart sample and the working rest, by a seeded shuffle of the ids."""
    shuffled = sorted(lengths)
    random.Random(SEED).shuffle(shuffled)
    fixed = [i for i in shuffled if lengths[i] <= MAX_FIXED_CHARS][:FIXED]
    others = [i for i in shuffled if i not in fixed]
    return {"fixed": fixed, "held": others[:HELD], "rest": others[HELD:]}


def write_fixture(golds_path: Path, ids: list[str], out: Path) -> None:
    """The fixed subset's articles, as the dataset has them, in the split's order."""
    lines = {json.loads(line)["id"]: line for line in golds_path.read_text(encoding="utf-8").splitlines() if line}
    out.write_text("".join(lines[i] + "\n" for i in ids), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "polnear_dev.jsonl")
    parser.add_argument("--held", action="store_true", help="also score the held-apart sample")
    parser.add_argument("--show", type=int, default=0, help="print this many missed and spurious examples")
    parser.add_argument("--write-fixture", type=Path, help="write the fixed subset's articles here (JSONL)")
    args = parser.parse_args()
    golds = {g.id: g for g in load_gold(args.data)}
    parts = split({i: len(g.text) for i, g in golds.items()})
    if args.write_fixture:
        write_fixture(args.data, parts["fixed"], args.write_fixture)
    for name, ids in parts.items():
        if name == "held" and not args.held:
            continue
        counts = ClaimCounts()
        missed, spurious = [], []
        for article_id in ids:
            gold = golds[article_id]
            found = find_attributions(gold.text)
            predicted = [PredictedClaim(a.content, a.source, a.cue) for a in found]
            pairs = counts.add(gold.attributions, predicted)
            text = gold.text
            matched_gold = {g for g, _ in pairs}
            matched_pred = {p for _, p in pairs}
            for g, attribution in enumerate(gold.attributions):
                if g not in matched_gold:
                    cue = " ".join(text[a:b] for a, b in attribution.cue)
                    content = " ".join(text[a:b] for a, b in attribution.content)
                    missed.append(f"{attribution.source_text!r} [{cue}] {content[:90]!r}")
            for p, claim in enumerate(predicted):
                if p not in matched_pred:
                    spurious.append(f"[{text[slice(*claim.cue)]}] {text[slice(*claim.content)][:90]!r}")
        print(name, len(ids), json.dumps(counts.scores()))
        if args.show and name == "rest":
            print("missed:", *missed[: args.show], sep="\n  ")
            print("spurious:", *spurious[: args.show], sep="\n  ")


if __name__ == "__main__":
    main()
