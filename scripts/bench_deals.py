"""How clustering sales into deals scales: seconds and memory for synthetic sales.

    python scripts/bench_deals.py [--sales 10000 50000 100000]

Synthetic sales: 150 recipients, 25 suppliers, 3,000 systems written as designations ("XK-123")
or names, dates over 25 years, a quarter without quantity or value; each real deal is reported
one to six times, as news reports a deal. The figures show whether blocking keeps the cost near
linear (comparing every pair of 100,000 sales would be 5 billion comparisons).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from arms_extract.corpus._refs import SaleRef  # noqa: E402
from arms_extract.corpus.deals import build_deals  # noqa: E402
from arms_extract.records import Stage  # noqa: E402

COUNTRIES = [f"C{n:02d}" for n in range(150)]
STAGES = [Stage.approved, Stage.notified_to_congress, Stage.contract_signed, Stage.delivered, Stage.unknown]


def synthetic_sales(count: int, seed: int = 7) -> list[SaleRef]:
    rng = random.Random(seed)
    systems = [f"{rng.choice('ABFKMSTX')}{rng.choice('ABFKMSTX')}-{n}" for n in range(3000)]
    sales: list[SaleRef] = []
    deal = 0
    while len(sales) < count:
        deal += 1
        supplier, recipient = rng.choice(COUNTRIES[:25]), rng.choice(COUNTRIES)
        system = rng.choice(systems)
        quantity = rng.choice([None, rng.randint(1, 400)])
        usd = rng.choice([None, rng.uniform(1e6, 5e9)])
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 25 * 365))
        for report in range(rng.randint(1, 6)):
            published = start + dt.timedelta(days=rng.randint(0, 700))
            sales.append(
                SaleRef(
                    uid=f"sale-{deal}-{report}",
                    article_key=f"a{deal}-{report}",
                    article_id=f"a{deal}-{report}",
                    published=published,
                    supplier=supplier if rng.random() > 0.1 else None,
                    recipient=recipient,
                    items=((system, (system,), quantity if rng.random() > 0.25 else None),),
                    value=(usd, "USD", usd) if usd and rng.random() > 0.25 else None,
                    stage=rng.choice(STAGES),
                    date=None,
                    evidence=(),
                )
            )
    return sales[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    args = parser.parse_args()
    for count in args.sales:
        sales = synthetic_sales(count)
        tracemalloc.start()
        started = time.perf_counter()
        deals = build_deals(sales)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{count:>7,} sales -> {len(deals):,} deals in {seconds:.2f} s "
            f"({seconds / count * 1e6:.0f} µs per sale), peak memory {peak / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()
