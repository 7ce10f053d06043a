"""Count articles of the evaluation data in which injection.py finds text addressed to a model.

    python scripts/scan_injections.py [../shared/eval/*.jsonl]

Every hit on real news is a false positive (a stretch hidden from the model that the reader
needed): the patterns are kept to wording that this data never uses.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.core.injection import find_injections  # noqa: E402

DEFAULT = sorted((ROOT.parent / "shared" / "eval").glob("*.jsonl"))


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or DEFAULT
    total = hits = 0
    for path in paths:
        articles = found = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            articles += 1
            injections = find_injections(record["text"])
            if injections:
                found += 1
                print(f"  {record['id']}: {injections[0].text[:100]!r}")
        print(f"{path.name}: {found} of {articles} articles")
        total, hits = total + articles, hits + found
    print(f"all: {hits} of {total} articles")


if __name__ == "__main__":
    main()
