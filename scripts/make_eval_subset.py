"""Choose the fixed evaluation subset and copy it into the repository (run once; the choice is committed).

    python scripts/make_eval_subset.py ../shared/eval

From arms_deals_dev.jsonl: 30 articles with a deal and 10 without (2 of them
failed scrapes of site boilerplate), drawn with a fixed seed among articles of
at most 6,000 characters (one request each on the embedded model; the median
article has 1,900). From dsca_notices.jsonl: 20 notices with a title naming
buyer and weapon and a stated cost, none of the 11 in tests/fixtures/dsca_sample.jsonl
(those were used to develop the pipeline).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.evaluation.evalset import load_gold  # noqa: E402

SEED = 20261122
MAX_CHARS = 6000


def main(source: Path) -> None:
    rng = random.Random(SEED)
    dev_rows = {json.loads(line)["id"]: line for line in (source / "arms_deals_dev.jsonl").open(encoding="utf-8")}
    golds = load_gold(source / "arms_deals_dev.jsonl")
    short = [g for g in golds if len(g.text) <= MAX_CHARS]
    deals = sorted(g.id for g in short if g.has_deal)
    scrapes = sorted(g.id for g in short if not g.has_deal and len(g.text) < 200)
    no_deals = sorted(g.id for g in short if not g.has_deal and len(g.text) >= 800 and not g.labels)
    dev_ids = rng.sample(deals, 30) + rng.sample(scrapes, 2) + rng.sample(no_deals, 8)

    known = {json.loads(line)["id"] for line in (ROOT / "tests/fixtures/dsca_sample.jsonl").open(encoding="utf-8")}
    dsca_rows = {json.loads(line)["id"]: line for line in (source / "dsca_notices.jsonl").open(encoding="utf-8")}
    notices = load_gold(source / "dsca_notices.jsonl")
    usable = sorted(
        n.id
        for n in notices
        if n.id not in known
        and len(n.text) <= MAX_CHARS
        and {lb.tag for lb in n.labels} >= {"Buyer Country", "Weapon", "Price"}
    )
    dsca_ids = rng.sample(usable, 20)

    for name, ids, rows in (("dev", dev_ids, dev_rows), ("dsca", dsca_ids, dsca_rows)):
        (ROOT / "eval" / f"{name}_ids.txt").write_text("\n".join(ids) + "\n", encoding="utf-8")
        fixture = ROOT / "tests" / "fixtures" / f"eval_{name}.jsonl"
        fixture.write_text("".join(rows[i].rstrip("\n") + "\n" for i in ids), encoding="utf-8")
        print(f"{name}: {len(ids)} articles -> eval/{name}_ids.txt, {fixture.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval"))
