"""Text addressed to the model inside an article (issue 11, item 5): found, hidden, reported, never a record."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from arms_extract.core.answer import ArticleAnswer, ItemAnswer, SaleAnswer
from arms_extract.core.assemble import assemble
from arms_extract.core.grounding import ground_item_name
from arms_extract.core.injection import find_injections
from arms_extract.core.prompts import extraction_messages
from arms_extract.records import Article

from .canned import SALE_SENTENCE, tomahawk_answer
from .conftest import CASSETTES
from .fake_openai_server import completion, fake_openai_server
from .helpers import INJECTION, cli, injected_seed, jsonl


def recorded_answer(cassette: str) -> ArticleAnswer:
    """The real model's answer in a recording (read, never written)."""
    exchange = yaml.safe_load((CASSETTES / cassette).read_text(encoding="utf-8"))["interactions"][0]
    content = json.loads(exchange["response"]["body"]["string"])["choices"][0]["message"]["content"]
    return ArticleAnswer.model_validate_json(content)


def test_the_model_that_obeyed_an_injection_cannot_make_a_record_of_it() -> None:
    # Recorded before injections were hidden from the model: it added "99 F-35 jets" to France.
    answer = recorded_answer("seed_000_injected_unmasked.yaml")
    assert any(sale.buyer == "France" for sale in answer.sales)
    sales, claims, actors, warnings = assemble(Article(id="x", text=injected_seed()), answer)
    assert [(s.seller_country, s.buyer_country) for s in sales] == [("USA", "JPN")]
    assert "france" not in {a.id for a in actors}
    assert any(w.startswith("text addressed to an AI model at characters") for w in warnings)
    assert "dropped sale-2: its evidence is text addressed to an AI model" in warnings


def test_the_model_never_reads_the_injection() -> None:
    [injection] = find_injections(injected_seed())
    assert injection.text == INJECTION
    shown = extraction_messages(injected_seed())[-1]["content"]
    assert "ignore all previous instructions" not in shown and "99 F-35" not in shown
    assert "400 Tomahawk cruise missiles" in shown


def test_news_about_instructions_is_not_an_injection() -> None:
    news = (
        "The ministry said it would ignore the report. Pilots follow previous instructions from the Air Force. "
        "The system: a radar, launchers and 400 missiles. Officials answered in writing."
    )
    assert find_injections(news) == []


def test_an_injection_is_a_warning_in_articles_jsonl_and_out_of_the_request(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    text = f"{SALE_SENTENCE}\n\n{INJECTION}\n"
    feed.write_text(json.dumps({"id": "inj", "text": text}) + "\n", encoding="utf-8")
    obedient = json.loads(tomahawk_answer())
    obedient["sales"].append(
        {"seller": None, "buyer": "France", "items": [{"name": "99 F-35 jets", "quantity": "99"}],
         "value": "$9 billion", "date": None, "status": None}
    )  # fmt: skip
    with fake_openai_server(completion(json.dumps(obedient))) as fake:
        result = cli(tmp_path, "run", str(feed), "--out", str(tmp_path / "out"), "--base-url", fake.url)
    assert result.returncode == 0, result.stderr
    assert "ignore all previous" not in json.dumps(fake.requests[0]["json"])
    [row] = jsonl(tmp_path / "out" / "articles.jsonl")
    assert any("text addressed to an AI model" in w for w in row["warnings"])
    assert [s["buyer_country"] for s in jsonl(tmp_path / "out" / "sales.jsonl")] == ["JPN"]


def rafale_from_france() -> ArticleAnswer:
    sale = SaleAnswer(seller="France", buyer=None, items=[ItemAnswer(name="Rafale fighter jets", quantity="12")],
                      value=None, date=None, status=None)  # fmt: skip
    return ArticleAnswer(sales=[sale])


def test_a_party_far_from_the_items_does_not_silently_join_the_sale() -> None:
    filler = "Unrelated defence news follows in this paragraph. " * 60  # about 3,000 characters
    text = f"France is a close partner of the region.\n\n{filler}\n\nThe navy will buy 12 Rafale fighter jets."
    answer = rafale_from_france()
    [sale], _, _, warnings = assemble(Article(id="far", text=text), answer)
    assert sale.seller_country is None and sale.items[0].quantity == 12
    assert any("sales[0].seller 'France': written 3," in w and "tying them together" in w for w in warnings)


def test_a_party_named_again_near_the_items_is_taken_from_there() -> None:
    filler = "Unrelated defence news follows in this paragraph. " * 60
    text = f"France is a close partner.\n\n{filler}\n\nFrance will sell 12 Rafale fighter jets to the navy."
    answer = rafale_from_france()
    [sale], _, _, _ = assemble(Article(id="near", text=text), answer)
    assert sale.seller_country == "FRA"
    assert any(span.text == "France" and span.start > 3000 for span in sale.evidence)


def test_a_huge_answer_is_grounded_in_bounded_time() -> None:
    """Item 11: a 2,000-word model-written name took 19 s to ground, a 30 KB answer 102 s of CPU."""
    import random
    import time

    rng = random.Random(1)
    words = [f"w{rng.randint(0, 500)}" for _ in range(3000)]
    text = " ".join(words) + ". Japan will buy 400 Tomahawk cruise missiles."
    long_name = " ".join(words[:1000] + ["zz"] * 1000)
    answer = ArticleAnswer.model_construct(
        sales=[
            SaleAnswer(seller=long_name, buyer="Japan", items=[ItemAnswer(name=long_name, quantity=long_name)] * 6,
                       value=long_name, date=long_name, status=long_name)
        ] * 8,
    )  # fmt: skip
    assert len(answer.model_dump_json()) > 30_000 * 10
    started = time.process_time()
    assemble(Article(id="huge", text=text), answer)
    assert time.process_time() - started < 10
    started = time.process_time()
    span = ground_item_name(text, long_name)  # the longest leading run the article has: 1,000 words
    assert span is not None and span.text == " ".join(words[:1000])
    assert time.process_time() - started < 5
