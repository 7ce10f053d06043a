"""How big review.html gets and how fast it opens for a large run.

    python scripts/bench_review.py [--articles 5000] [--out out/bench-review]

The run is made of real recorded extractions (the fixed dev and DSCA subsets, replayed from
their cassettes without a model: 60 articles), each copied under a new id until there are
--articles of them, with one failed article in every hundred. The system Chromium opens the
page from disk; the figures are the file size, the time until the first screen is drawn (the
list and the first article), and the time to open an article, filter and search.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import vcr  # noqa: E402

from arms_extract import Article, BackendSettings, Extraction, Extractor  # noqa: E402
from arms_extract.batch.store import RunStore  # noqa: E402
from arms_extract.evaluation.evalset import load_gold  # noqa: E402
from arms_extract.review import write_review_page  # noqa: E402
from tests.recordings import CASSETTES, EMBEDDED_MODEL, FIXTURES, REPLAY_URL, json_body_matcher  # noqa: E402


def recorded_extractions() -> list[Extraction]:
    matching = ["method", "path", "json_body"]
    recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", match_on=matching)
    recorder.register_matcher("json_body", json_body_matcher)
    found = []
    with Extractor(settings=BackendSettings(base_url=REPLAY_URL, model=EMBEDDED_MODEL)) as extractor:
        for name in ("dev", "dsca"):
            with recorder.use_cassette(f"eval_{name}.yaml", allow_playback_repeats=True):
                for gold in load_gold(FIXTURES / f"eval_{name}.jsonl"):
                    article = Article(id=gold.id, text=gold.text, published=gold.published)
                    try:
                        found.append(extractor.extract(article))
                    except Exception as exc:  # an article that failed when recorded fails again: skip it
                        print(f"skipped {gold.id}: {exc}", file=sys.stderr)
    return found


def build_run(out: Path, count: int) -> None:
    shutil.rmtree(out, ignore_errors=True)
    extractions = recorded_extractions()
    print(f"{len(extractions)} recorded extractions")
    with RunStore(out, lock=True) as store:
        for n in range(count):
            if n % 100 == 99:
                store.write_failed(f"failed-{n}", f"failed-{n}", f"feed.jsonl:{n}", "the model answered no JSON")
                continue
            base = extractions[n % len(extractions)]
            article = base.article.model_copy(update={"id": f"{base.article.id} #{n}"})
            store.write_ok(f"{article.id}@bench", base.model_copy(update={"article": article}), cached=False)


def measure(page_path: Path, count: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        started = time.perf_counter()
        tab.goto(page_path.as_uri())
        tab.wait_for_selector("body[data-ready='1']")
        wall = time.perf_counter() - started
        ready = tab.evaluate("() => window.reviewReady")
        print(f"first screen: {ready / 1000:.2f} s after navigation start ({wall:.2f} s wall, load included)")
        timings = tab.evaluate(
            """(last) => {
              const t0 = performance.now();
              location.hash = '';
              document.querySelector('#list li:last-child').click();
              const t1 = performance.now();
              const select = document.getElementById('f-buyer');
              select.value = select.options[1].value;
              select.dispatchEvent(new Event('change'));
              const t2 = performance.now();
              select.value = '';
              const search = document.getElementById('search');
              search.value = 'f-16';
              search.dispatchEvent(new Event('input'));
              const t3 = performance.now();
              return {open: t1 - t0, filter: t2 - t1, search: t3 - t2,
                      shown: document.getElementById('list-count').textContent};
            }""",
            count - 1,
        )
        print(
            f"open an article: {timings['open']:.0f} ms; filter by buyer: {timings['filter']:.0f} ms; "
            f"search: {timings['search']:.0f} ms ({timings['shown']})"
        )
        memory = tab.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
        if memory:
            print(f"JavaScript heap: {memory / 1e6:.0f} MB")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench-review")
    args = parser.parse_args()
    started = time.perf_counter()
    build_run(args.out, args.articles)
    built = time.perf_counter()
    page = write_review_page(args.out)
    written = time.perf_counter()
    print(f"{args.articles} articles; run built in {built - started:.1f} s")
    print(f"review.html: {page.stat().st_size / 1e6:.1f} MB, written in {written - built:.1f} s")
    measure(page, args.articles)


if __name__ == "__main__":
    main()
