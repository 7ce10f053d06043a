"""Share of sale fields that are correct, null or wrong on the seeds and the DSCA sample.

    python scripts/score_sales.py            # replay the recorded cassettes (no model needed)
    python scripts/score_sales.py --live     # ask the embedded model (slow; nothing else running)

Gold values: the seeds' known sales; for the DSCA notices the dataset's
`country` (or the recipient named in the title where the dataset has none),
the cost the notice states ("estimated cost of $X million"), seller USA and
stage notified_to_congress. A field counts as correct when the first sale
has the gold value, null when it has none, wrong otherwise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vcr  # noqa: E402

from arms_extract import BackendSettings, Extraction, Extractor  # noqa: E402
from arms_extract.batch.inputs import read_articles  # noqa: E402
from arms_extract.core.normalize import country_code, parse_money  # noqa: E402
from arms_extract.evaluation.evalset import STATED_COST  # noqa: E402
from tests.recordings import EMBEDDED_MODEL, REPLAY_URL, json_body_matcher  # noqa: E402

TITLE_BUYERS = {"dsca-257": "TWN", "dsca-306": "MEX", "dsca-335": "IRQ"}
FIELDS = ("seller_country", "buyer_country", "value", "stage", "quantity")


def cases() -> list[tuple[str, str, object, dict[str, object]]]:
    """(cassette name, article id, article, gold fields)."""
    out: list[tuple[str, str, object, dict[str, object]]] = []
    seeds = {
        "seed_000": ("000_", {"quantity": 400, "value": 2.35e9}),
        "seed_003": ("003_", {"quantity": 1200, "value": 3.64e9}),
    }
    for cassette, (prefix, gold) in seeds.items():
        path = next((ROOT / "seeds").glob(f"{prefix}*.txt"))
        common = {"seller_country": "USA", "buyer_country": "JPN", "stage": "notified_to_congress"}
        out.append((cassette, path.stem, path.read_text(encoding="utf-8"), common | gold))
    sample = ROOT / "tests" / "fixtures" / "dsca_sample.jsonl"
    raw = {json.loads(line)["id"]: json.loads(line) for line in sample.read_text().splitlines()}
    for item in read_articles(sample):
        article = item.article
        assert article is not None
        country = raw[article.id].get("country")
        stated = [parse_money(m) for m in STATED_COST.findall(article.text)]
        gold = {
            "seller_country": "USA",
            "buyer_country": country_code(country) if country else TITLE_BUYERS.get(article.id),
            "value": stated[0].amount if stated and stated[0] else None,
            "stage": "notified_to_congress",
        }
        out.append((f"dsca/{article.id}", article.id, article, gold))
    return out


def observed(extraction: Extraction, field: str) -> object:
    if not extraction.sales:
        return None
    sale = extraction.sales[0]
    if field == "value":
        return sale.value.amount if sale.value else None
    if field == "stage":
        return None if sale.stage.value == "unknown" else sale.stage.value
    if field == "quantity":
        quantities = [i.quantity for i in sale.items if i.quantity is not None]
        return quantities[0] if quantities else None
    return getattr(sale, field)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--live", action="store_true", help="use the embedded model, not the cassettes")
    args = parser.parse_args()
    settings = None if args.live else BackendSettings(base_url=REPLAY_URL, model=EMBEDDED_MODEL)
    recorder = vcr.VCR(
        cassette_library_dir=str(ROOT / "cassettes"),
        record_mode="none",
        match_on=["method", "path", "json_body"],
    )
    recorder.register_matcher("json_body", json_body_matcher)
    tally: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
    seconds: list[float] = []
    tokens: list[int] = []
    with Extractor(settings=settings) as extractor:
        for cassette, article_id, article, gold in cases():
            if args.live:
                extraction = extractor.extract(article)  # type: ignore[arg-type]
            else:
                with recorder.use_cassette(f"{cassette}.yaml"):
                    extraction = extractor.extract(article)  # type: ignore[arg-type]
            usage = extraction.provenance.usage
            seconds.append(extraction.provenance.seconds)
            tokens.append(usage.prompt_tokens + usage.completion_tokens)
            verdicts = []
            for field, expected in gold.items():
                got = observed(extraction, field)
                verdict = "null" if got is None else ("correct" if got == expected else "wrong")
                tally[field][verdict] += 1
                verdicts.append(f"{field}={verdict}" + (f"({got}!={expected})" if verdict == "wrong" else ""))
            print(f"{article_id}: " + " ".join(verdicts))
    print("\n| field | correct | null | wrong |")
    print("|---|---|---|---|")
    total: Counter[str] = Counter()
    for field, counts in tally.items():
        total.update(counts)
        print(f"| {field} | {counts['correct']} | {counts['null']} | {counts['wrong']} |")
    n = sum(total.values())
    print(
        f"| all | {total['correct']} ({total['correct'] / n:.0%}) | {total['null']} ({total['null'] / n:.0%}) "
        f"| {total['wrong']} ({total['wrong'] / n:.0%}) |"
    )
    if args.live:
        median_seconds, median_tokens = statistics.median(seconds), statistics.median(tokens)
        print(f"\nmedian seconds per article {median_seconds:.1f}, median tokens {median_tokens:.0f}")
    else:
        print(f"\nmedian tokens per article (as recorded) {statistics.median(tokens):.0f}")


if __name__ == "__main__":
    main()
