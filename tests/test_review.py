"""The review page in a real browser (the system Chromium, driven by Playwright), and the
Label Studio / doccano exports read back as gold.

The page is built from recorded runs: the two seeds, a DSCA notice, the French article, an
article with accents, CJK and emoji (nested spans), the injected seed (warnings), one article
whose records were edited by this test to add a crossing span (named "crossing (constructed)"),
and a failed article. Screenshots go to test-artifacts/review/ (see the README).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arms_extract import Actor, ActorKind, Article, Extraction, Extractor, Provenance, Span
from arms_extract.batch.inputs import read_articles
from arms_extract.batch.store import RunStore
from arms_extract.evaluation.evalset import load_gold
from arms_extract.review import export_doccano, export_label_studio, write_review_page
from arms_extract.review._highlights import highlights

from .conftest import FIXTURES, seed_text
from .helpers import injected_seed

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "review"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FAILED_ERROR = "broken.txt: looks like a binary file (NUL bytes), not text"


def _crossing(extraction: Extraction) -> Extraction:
    """The non-ASCII article with one more actor mention that crosses the speaker/cue boundary."""
    text = extraction.article.text
    start = text.index("Defense said")
    mention = Span(start=start, end=start + len("Defense said"), text="Defense said")
    actor = extraction.actors[0].model_copy(update={"id": "crossing", "mentions": [mention]})
    article = extraction.article.model_copy(update={"id": "crossing (constructed)"})
    return extraction.model_copy(update={"article": article, "actors": [*extraction.actors, actor]})


@pytest.fixture(scope="module")
def extractions(extractor: Extractor, vcr_for_module) -> dict[str, Extraction]:  # type: ignore[no-untyped-def]
    notice = next(item.article for item in read_articles(FIXTURES / "dsca_sample.jsonl") if item.article)
    recorded = {
        "seed_000.yaml": Article(id="seed-000", text=seed_text("000_")),
        "seed_003.yaml": Article(id="seed-003", text=seed_text("003_")),
        f"dsca/{notice.id}.yaml": notice,
        "french_article.yaml": Article(id="french", text=(FIXTURES / "french_article.txt").read_text("utf-8")),
        "non_ascii_article.yaml": Article(id="non-ascii", text=(FIXTURES / "non_ascii_article.txt").read_text("utf-8")),
        "seed_000_injected.yaml": Article(id="injected", text=injected_seed()),
    }
    found = {}
    for cassette, article in recorded.items():
        with vcr_for_module(cassette, replay_only=True):
            extraction = extractor.extract(article)
        found[extraction.article.id] = extraction
    found["crossing (constructed)"] = _crossing(found["non-ascii"])
    return found


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, extractions: dict[str, Extraction]) -> Path:
    out = tmp_path_factory.mktemp("review-run")
    with RunStore(out, lock=True) as store:
        for article_id, extraction in extractions.items():
            store.write_ok(f"{article_id}@test", extraction, cached=False, file=f"{article_id}.txt")
        store.write_failed("broken.txt#0", "broken", "broken.txt", FAILED_ERROR, file="broken.txt")
    write_review_page(out)
    return out


def test_the_page_is_one_file_that_asks_for_nothing(run_dir: Path) -> None:
    html = (run_dir / "review.html").read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "http://" not in html.split("<script>")[-1]
    assert "default-src 'none'" in html  # the browser itself refuses any request the page might make


def test_what_code_found_says_so_on_the_page(tmp_path: Path, extractions: dict[str, Extraction]) -> None:
    """A sale, or an item of the model's sale, that code found in the article is marked for the reviewer."""
    seed = extractions["seed-000"]
    sale = seed.sales[0]
    joined = sale.model_copy(update={"items": [i.model_copy(update={"found_by": "listed"}) for i in sale.items]})
    own = sale.model_copy(update={"id": "sale-9", "found_by": "listed"})
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("seed@test", seed.model_copy(update={"sales": [joined, own]}), cached=False, file="seed.txt")
    html = write_review_page(tmp_path).read_text(encoding="utf-8")
    assert html.count("the article's list of counted weapons") == 1  # the sale code found
    assert html.count(" (listed)") == len(sale.items)  # the items code added to the model's sale


def test_a_price_shows_the_articles_conversion(tmp_path: Path, extractions: dict[str, Extraction]) -> None:
    seed = extractions["seed-000"]
    sale = seed.sales[0]
    assert sale.value is not None
    euros = sale.value.model_copy(update={"amount": 108e6, "currency": "EUR", "usd": 134e6})
    with RunStore(tmp_path, lock=True) as store:
        converted = seed.model_copy(update={"sales": [sale.model_copy(update={"value": euros})]})
        store.write_ok("seed@test", converted, cached=False, file="seed.txt")
    html = write_review_page(tmp_path).read_text(encoding="utf-8")
    assert "108,000,000 EUR (134,000,000 USD as the article converts it)" in html


def test_a_folder_without_a_run_is_a_clear_error(tmp_path: Path) -> None:
    from arms_extract import InputError

    with pytest.raises(InputError, match="no run here"):
        write_review_page(tmp_path)


# -- exports and the round trip ----------------------------------------------------------------


def _accepted(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a reviewer who accepts every prediction exports from Label Studio."""
    return [task | {"annotations": [{"result": task["predictions"][0]["result"]}]} for task in tasks]


def test_label_studio_export_accepted_as_is_is_gold_equal_to_the_records(
    run_dir: Path, tmp_path: Path, extractions: dict[str, Extraction]
) -> None:
    path = tmp_path / "tasks.json"
    count, config = export_label_studio(run_dir, path)
    assert count == len(extractions) and "<Labels" in config.read_text()
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for task in tasks:
        text = task["data"]["text"]
        for result in task["predictions"][0]["result"]:
            if result["type"] == "labels":
                assert text[result["value"]["start"] : result["value"]["end"]] == result["value"]["text"]
    # Unreviewed tasks are not gold.
    from arms_extract import InputError

    with pytest.raises(InputError, match="no task has an annotation"):
        load_gold(path)
    path.write_text(json.dumps(_accepted(tasks), ensure_ascii=False), encoding="utf-8")
    golds = {gold.id: gold for gold in load_gold(path)}
    non_ascii = golds["non-ascii"]
    assert non_ascii.kind == "reviewed" and non_ascii.skipped_labels == 0
    assert {(label.tag, label.text) for label in non_ascii.labels} == {
        ("Buyer", "Japan"), ("Buyer Country", "Japan"), ("Quantity", "12"),
        ("Weapon", "Patriot PAC-3 MSE interceptors"), ("Seller", "the United States"),
        ("Seller Country", "the United States"), ("Price", "$300 million"),
    }  # fmt: skip
    claims = extractions["non-ascii"].claims
    assert len(non_ascii.attributions) == len(claims)
    text = non_ascii.text
    assert {text[a:b] for g in non_ascii.attributions for a, b in g.content} == {c.content for c in claims}
    assert {g.source_text for g in non_ascii.attributions} == {c.speaker_span.text for c in claims if c.speaker_span}


def test_doccano_export_reads_back_the_same_gold(run_dir: Path, tmp_path: Path) -> None:
    tasks_path, doccano_path = tmp_path / "tasks.json", tmp_path / "doccano.jsonl"
    export_label_studio(run_dir, tasks_path)
    tasks_path.write_text(json.dumps(_accepted(json.loads(tasks_path.read_text("utf-8")))), encoding="utf-8")
    assert export_doccano(run_dir, doccano_path) == 7
    from_label_studio = {g.id: g for g in load_gold(tasks_path)}
    from_doccano = {g.id: g for g in load_gold(doccano_path)}
    assert from_doccano.keys() == from_label_studio.keys()
    for article_id, gold in from_doccano.items():
        other = from_label_studio[article_id]
        assert sorted(gold.labels, key=repr) == sorted(other.labels, key=repr), article_id
        assert gold.attributions == other.attributions, article_id


def test_a_corrected_export_scores_the_run_through_eval(
    run_dir: Path, tmp_path: Path, vcr_for_module, model_backend
) -> None:  # type: ignore[no-untyped-def]
    """Round trip: export -> a reviewer deletes the price and labels a weapon the records missed ->
    `arms-extract eval` on the file measures the pipeline against it: the price is no longer gold,
    weapon recall drops, and everything the reviewer accepted scores perfectly."""
    from typer.testing import CliRunner

    from arms_extract.cli import app

    out = tmp_path / "one"
    with RunStore(out, lock=True) as store, RunStore(run_dir) as source:
        for key, extraction in source.extractions():
            if extraction.article.id == "seed-003":
                store.write_ok(key, extraction, cached=False)
    path = tmp_path / "tasks.json"
    export_label_studio(out, path)
    [task] = _accepted(json.loads(path.read_text("utf-8")))
    result = task["annotations"][0]["result"]
    prices = [r["id"] for r in result if r["type"] == "labels" and r["value"]["labels"] == ["Price"]]
    assert prices, "seed 003 states a price"
    result = [r for r in result if prices[0] not in (r.get("id"), r.get("from_id"), r.get("to_id"))]
    text = task["data"]["text"]
    missed = "advanced air-to-air missiles"
    start = text.index(missed)
    assert not any(r["type"] == "labels" and r["value"]["start"] == start for r in result)
    value = {"start": start, "end": start + len(missed), "text": missed, "labels": ["Weapon"]}
    result.append({"id": "added", "from_name": "label", "to_name": "text", "type": "labels", "value": value})
    task["annotations"][0]["result"] = result
    path.write_text(json.dumps([task]), encoding="utf-8")

    args = ["eval", str(path), "--out", str(tmp_path / "eval"), "--no-baseline", "--no-cache", "--quiet"]
    args += ["--base-url", model_backend.base_url, "--model", model_backend.model]
    with vcr_for_module("seed_003.yaml", replay_only=True):
        outcome = CliRunner().invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())["systems"]["pipeline"]
    assert metrics["deal_detection"]["tp"] == 1
    tags = metrics["token_f1"]["tags"]
    assert tags["Price"]["gold"] == 0 and tags["Price"]["predicted"] > 0  # tokens of "$3.64 billion"
    assert tags["Weapon"]["precision"] == 1.0 and tags["Weapon"]["recall"] < 1.0
    assert tags["Buyer Country"]["f1"] == tags["Seller Country"]["f1"] == 1.0
    assert metrics["claims"]["f1"] == 1.0


# -- the page in a browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("ARMS_EXTRACT_REQUIRE_BROWSER"):
            pytest.fail("no chromium on PATH; .ci/run installs it (apt-get install chromium)")
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


class Page:
    """One browser tab on review.html that records console errors and every request it makes."""

    def __init__(self, browser: Any, run_dir: Path, name: str) -> None:
        self.tab = browser.new_page(viewport={"width": 1400, "height": 900})
        self.name = name
        self.url = (run_dir / "review.html").as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("request", lambda r: self.requests.append(r.url))

    def open(self, n: int | None = None) -> None:
        self.tab.goto(self.url + (f"#a{n}" if n is not None else ""))
        self.tab.wait_for_selector("body[data-ready='1']")

    def finish(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(ARTIFACTS / f"{self.name}.png"), full_page=False)
        assert self.errors == [], self.errors
        assert all(url.startswith(self.url.split("#")[0]) for url in self.requests), self.requests
        self.tab.close()


def _position(run_dir: Path, article_id: str) -> int:
    with RunStore(run_dir) as store:
        ids = [row["id"] for row in store.article_rows()]
    return ids.index(article_id)


_SPAN_TEXTS = """() => {
  const detail = JSON.parse(document.getElementById('d' + location.hash.slice(2)).textContent);
  const marks = [...document.querySelectorAll('#text mark')];
  return detail.spans.map((_, i) => marks.filter((m) => m.dataset.spans.split(' ').includes(String(i)))
    .map((m) => m.textContent).join(''));
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    "article_id", ["seed-000", "seed-003", "dsca-66", "french", "non-ascii", "crossing (constructed)", "injected"]
)
def test_every_evidence_span_is_highlighted_with_exactly_its_text(
    browser: Any, run_dir: Path, extractions: dict[str, Extraction], article_id: str
) -> None:
    extraction = extractions.get(article_id) or next(
        iter(e for e in extractions.values() if e.article.id == article_id)
    )
    expected = [h.text for h in highlights(extraction)]
    assert expected, article_id
    page = Page(browser, run_dir, f"spans-{article_id.split(' ')[0]}")
    page.open(_position(run_dir, article_id))
    assert page.tab.evaluate(_SPAN_TEXTS) == expected
    # The page's text is the article's text, character for character.
    assert (
        page.tab.inner_text("#text") == extraction.article.text
        or page.tab.evaluate("() => document.getElementById('text').textContent") == extraction.article.text
    )
    page.finish()


def _union_text(text: str, spans: list[tuple[int, int]]) -> str:
    covered = sorted({i for a, b in spans for i in range(a, b)})
    return "".join(text[i] for i in covered)


@pytest.mark.browser
def test_clicking_a_sale_highlights_its_spans_and_a_highlight_shows_its_records(
    browser: Any, run_dir: Path, extractions: dict[str, Extraction]
) -> None:
    extraction = extractions["non-ascii"]
    page = Page(browser, run_dir, "click-sale")
    page.open(_position(run_dir, "non-ascii"))
    page.tab.click(".card.sale")
    on = page.tab.evaluate("() => [...document.querySelectorAll('#text mark.on')].map((m) => m.textContent).join('')")
    sale_spans = [(h.start, h.end) for h in highlights(extraction) if h.record == "sale-1"]
    assert on == _union_text(extraction.article.text, sale_spans)
    # A click on the price shows every record it supports: the sale and the claim whose content holds it.
    page.tab.click("#text mark.k-value")
    cards = page.tab.evaluate("() => [...document.querySelectorAll('.card.on .rid')].map((e) => e.textContent)")
    assert "sale-1" in cards and "claim-1" in cards
    page.finish()


@pytest.mark.browser
def test_a_legend_chip_hides_and_shows_its_kind(
    browser: Any, run_dir: Path, extractions: dict[str, Extraction]
) -> None:
    page = Page(browser, run_dir, "legend")
    page.open(_position(run_dir, "seed-000"))
    actor_spans = [h for h in highlights(extractions["seed-000"]) if h.kind == "actor"]
    assert actor_spans and page.tab.locator("#text mark.k-actor").count() > 0
    page.tab.click("#legend .chip[data-kind=actor]")
    marks = page.tab.evaluate("() => [...document.querySelectorAll('#text mark')].map((m) => m.title).join('\\n')")
    assert "actor:" not in marks and page.tab.inner_text("#text") == extractions["seed-000"].article.text
    page.tab.click("#legend .chip[data-kind=actor]")
    assert page.tab.locator("#text mark.k-actor").count() > 0
    page.finish()


def _shown_ids(page: Page) -> list[str]:
    return page.tab.evaluate("() => [...document.querySelectorAll('#list li')].map((e) => e.dataset.id)")


@pytest.mark.browser
def test_filters_and_search_narrow_the_list(browser: Any, run_dir: Path, extractions: dict[str, Extraction]) -> None:
    page = Page(browser, run_dir, "filters")
    page.open()
    assert len(_shown_ids(page)) == len(extractions) + 1
    page.tab.select_option("#f-buyer", "JPN")
    expected = [i for i, e in extractions.items() if any(s.buyer_country == "JPN" for s in e.sales)]
    assert sorted(_shown_ids(page)) == sorted(expected) and len(expected) >= 3
    page.tab.select_option("#f-buyer", "")
    page.tab.select_option("#f-status", "failed")
    assert _shown_ids(page) == ["broken"]
    assert FAILED_ERROR in page.tab.inner_text("#list")
    page.tab.click("#list li")
    assert FAILED_ERROR in page.tab.inner_text("#warnings")
    page.tab.select_option("#f-status", "")
    page.tab.fill("#search", "patriot")
    assert sorted(_shown_ids(page)) == ["crossing (constructed)", "non-ascii"]
    page.tab.fill("#search", "")
    page.tab.check("#f-warned")
    warned = [i for i, e in extractions.items() if e.warnings]
    assert sorted(_shown_ids(page)) == sorted(warned)
    page.finish()


@pytest.mark.browser
def test_the_warnings_panel_lists_what_was_dropped(
    browser: Any, run_dir: Path, extractions: dict[str, Extraction]
) -> None:
    for article_id in ("non-ascii", "injected"):
        page = Page(browser, run_dir, f"warnings-{article_id}")
        page.open(_position(run_dir, article_id))
        shown = page.tab.evaluate("() => [...document.querySelectorAll('#warning-list li')].map((e) => e.textContent)")
        assert shown == extractions[article_id].warnings and shown
        provenance = page.tab.inner_text("#provenance")
        assert extractions[article_id].provenance.prompt_version in provenance
        page.finish()
    assert any("dropped" in w and "not found in the article" in w for w in extractions["non-ascii"].warnings)
    assert any("AI model" in w for w in extractions["injected"].warnings)


HOSTILE = 'Japan buys jets.</script><script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }} &amp;'


@pytest.mark.browser
def test_article_text_that_looks_like_html_stays_text(browser: Any, tmp_path: Path) -> None:
    """An article can hold '</script>' or an <img onerror>: it is shown as written and never runs."""
    start = HOSTILE.index("<img")
    mention = Span(start=start, end=start + 30, text=HOSTILE[start : start + 30])
    hostile = Extraction(
        article=Article(id="<b>hostile</b>", text=HOSTILE),
        actors=[Actor(id="x", name="<script>alert(2)</script>", kind=ActorKind.other, mentions=[mention])],
        warnings=["dropped sales[0].buyer '</script><script>alert(3)</script>': not found in the article"],
        provenance=Provenance(model="m", backend="b", prompt_version="p"),
    )
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("hostile@1", hostile, cached=False)
    write_review_page(tmp_path)
    page = Page(browser, tmp_path, "hostile")
    dialogs: list[str] = []
    page.tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.open(0)
    assert page.tab.evaluate("() => document.getElementById('text').textContent") == HOSTILE
    assert page.tab.evaluate("() => document.querySelectorAll('#text img, #cards script, #text script').length") == 0
    assert "alert(3)" in page.tab.inner_text("#warnings") and "<b>hostile</b>" in page.tab.inner_text("#list")
    assert dialogs == []
    page.finish()


@pytest.mark.browser
def test_a_long_article_with_thousands_of_spans_opens_in_seconds(browser: Any, tmp_path: Path) -> None:
    """42,000 mentions in a 920,000-character article: the text is drawn by one sweep over the span
    boundaries: 0.86 s here. (A search of every span for every piece, as first written, took 1.8 s
    for 20,000 spans and 28.8 s for these.)"""
    sentence = "Japan will buy F-35 jets from the United States, officials said. "
    text = sentence * 14_000
    spans = []
    for n in range(0, len(text), len(sentence)):
        for word in ("Japan", "F-35", "United States"):
            start = n + sentence.index(word)
            spans.append(Span(start=start, end=start + len(word), text=word))
    long = Extraction(
        article=Article(id="long", text=text),
        actors=[Actor(id="a", name="Japan", kind=ActorKind.country, mentions=spans)],
        provenance=Provenance(model="m", backend="b", prompt_version="p"),
    )
    with RunStore(tmp_path, lock=True) as store:
        store.write_ok("long@1", long, cached=False)
    write_review_page(tmp_path)
    page = Page(browser, tmp_path, "long")
    page.open(0)
    seconds = page.tab.evaluate(
        "() => { const t = performance.now(); document.querySelector('#list li').click(); "
        "return (performance.now() - t) / 1000; }"
    )
    assert page.tab.locator("#text mark").count() == len(spans) == 42_000
    assert seconds < 3, seconds
    page.finish()
