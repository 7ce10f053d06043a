"""How many of the weapons code lists (core/listed_items.py) are annotated weapons, and how many of
the amounts their sentences write as a price are annotated prices, with no model.

    python scripts/listed_precision.py [--exclude eval/dev_ids.txt ...]

Reads ../shared/eval/arms_deals_dev.jsonl; counted ("three RPB 33 patrol boats") and uncounted
("T-90 main battle tanks") names are reported apart; amounts by the wording that makes them a
price ("worth $3.3 billion" before, "a $950 million contract" after). Pass the sample id files to
keep the fixed, working and fresh samples out, so the figure is on articles no rule was written from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.core.assemble._sales import DEAL_AFTER, PRICE_BEFORE  # noqa: E402
from arms_extract.core.listed_items import listed_items  # noqa: E402
from arms_extract.core.normalize import converted_amount, money_spans, parse_money, text_before  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402
from arms_extract.evaluation.scoring import _same_price, gold_values  # noqa: E402
from arms_extract.evaluation.weapon_match import same_weapon  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "arms_deals_dev.jsonl")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    excluded = {line.strip() for path in args.exclude for line in path.read_text().splitlines() if line.strip()}
    counts = {"counted": [0, 0], "uncounted": [0, 0]}
    prices = {"price word before": [0, 0], "deal word after": [0, 0]}
    articles = 0
    for gold in load_gold(args.data):
        if gold.id in excluded:
            continue
        articles += 1
        values = gold_values(gold)
        weapons = [name for cluster in values.weapon for name in cluster]
        listed = listed_items(gold.text, news=True)
        for item in listed:
            name = gold.text[slice(*item.name)]
            kind = "counted" if item.count is not None else "uncounted"
            counts[kind][0 if any(same_weapon(name, w) for w in weapons) else 1] += 1
        for start, end in {item.sentence for item in listed}:
            # The one amount of a listed weapon's sentence, as ListedSales.price_in reads it.
            spans = money_spans(gold.text, start, end)
            if len(spans) == 2 and converted_amount(gold.text, spans[0][1]) == spans[1]:
                spans = spans[:1]
            money = (
                parse_money(gold.text[slice(*spans[0])], text_before(gold.text, spans[0][0]))
                if len(spans) == 1
                else None
            )
            if money is None:
                continue
            if PRICE_BEFORE.search(gold.text, max(start, spans[0][0] - 40), spans[0][0]):
                kind = "price word before"
            elif DEAL_AFTER.match(gold.text, spans[0][1]):
                kind = "deal word after"
            else:
                continue
            annotated = any(_same_price((money.amount, money.currency), price) for price in values.price)
            prices[kind][0 if annotated else 1] += 1
    print(f"{articles} articles")
    for kind, (annotated, other) in counts.items():
        print(f"  {kind:9} {annotated} annotated weapons, {other} not annotated")
    for kind, (annotated, other) in prices.items():
        print(f"  amount, {kind}: {annotated} annotated prices, {other} not annotated")


if __name__ == "__main__":
    main()
