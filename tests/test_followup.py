"""Questions back to the model about a sale with no seller (core/followup.py), and how a run asks
them: after the article's request, one short request per such sale, through the same client,
cache and recordings. The pipeline tests talk HTTP to the FAKE server of fake_openai_server.py."""

from __future__ import annotations

import json

from arms_extract import BackendSettings, Extractor
from arms_extract.backends._transport import RetryPolicy
from arms_extract.core.answer import ArticleAnswer
from arms_extract.core.assemble import assemble
from arms_extract.core.followup import seller_questions, with_sellers
from arms_extract.records import Article

from .answers import answer
from .fake_openai_server import Step, completion, fake_openai_server

# From a dev article (Reuters, May 2018), shortened.
TEXT = (
    "MOSCOW (Reuters) - Russia is not in talks with the Syrian government about supplying advanced S-300 "
    "ground-to-air missiles, the Izvestia daily cited a top Kremlin aide as saying on Friday."
)
# The model's seller is a country the article never names: assembly drops it.
FIRST = ArticleAnswer(sales=[answer("the United States", "the Syrian government", "S-300 ground-to-air missiles")])


def test_a_sale_left_without_a_seller_gets_a_question_naming_its_items_and_buyer() -> None:
    article = Article(id="x", text=TEXT)
    sales, _, actors, warnings = assemble(article, FIRST)
    assert sales[0].seller is None and any("'the United States': not found" in w for w in warnings)
    [question] = seller_questions(FIRST, sales, {a.id: a for a in actors})
    assert question.index == 0
    assert "who supplies the S-300 ground-to-air missiles to" in question.text
    assert "Syria" in question.text


def test_a_sale_with_a_seller_gets_no_question() -> None:
    first = ArticleAnswer(sales=[answer("Russia", "the Syrian government", "S-300 ground-to-air missiles")])
    sales, _, actors, _ = assemble(Article(id="x", text=TEXT), first)
    assert sales[0].seller_country == "RUS"
    assert seller_questions(first, sales, {a.id: a for a in actors}) == []


def test_the_answer_amends_the_sale_it_was_asked_about_and_goes_through_assembly() -> None:
    amended = with_sellers(FIRST, {0: ("Russia", None)})
    [sale], _, _, _ = assemble(Article(id="x", text=TEXT), amended)
    assert (sale.seller_country, sale.buyer_country) == ("RUS", "SYR")
    # A name the article does not hold is dropped like any other.
    [sale], _, _, warnings = assemble(Article(id="x", text=TEXT), with_sellers(FIRST, {0: ("France", None)}))
    assert sale.seller is None and any("'France': not found" in w for w in warnings)


def test_a_sale_code_built_from_a_list_is_asked_about_by_its_first_weapon() -> None:
    text = (
        "France will sell 12 Rafale jets to Qatar, Paris said. "
        "Separately, Egypt took delivery of 46 MiG-29 fighters last year, officials in Russia said."
    )
    article = Article(id="x", text=text)
    first = ArticleAnswer(sales=[answer("France", "Qatar", "Rafale jets")])
    sales, _, actors, _ = assemble(article, first)
    assert [(s.found_by, s.seller_country, s.buyer_country) for s in sales] == [
        ("model", "FRA", "QAT"),
        ("listed", None, "EGY"),
    ]
    [question] = seller_questions(first, sales, {a.id: a for a in actors})
    assert question.index is None and text[question.listed_at :].startswith("MiG-29 fighters")
    assert "who supplies the MiG-29 fighters to Egypt?" in question.text
    sales, _, _, _ = assemble(article, first, {question.listed_at: "Russia"})
    assert [(s.found_by, s.seller_country, s.buyer_country) for s in sales] == [
        ("model", "FRA", "QAT"),
        ("listed", "RUS", "EGY"),
    ]


def test_the_buyer_assembly_found_stays_the_buyer_when_the_seller_is_answered() -> None:
    """From a dev article: the model gave "Poland" as seller and "Polish Armed Forces" (not in the
    article) as buyer; assembly read Poland as the buyer, and asked who supplies the helicopters."""
    text = "Poland is to acquire two Black Hawk helos this year, officials said. Lockheed Martin said they are ready."
    article = Article(id="x", text=text)
    first = ArticleAnswer(sales=[answer("Poland", "Polish Armed Forces", "Black Hawk helos")])
    sales, _, actors, _ = assemble(article, first)
    assert (sales[0].seller, sales[0].buyer_country) == (None, "POL")
    [question] = seller_questions(first, sales, {a.id: a for a in actors})
    assert question.buyer == "Poland"
    [sale], _, _, _ = assemble(article, with_sellers(first, {0: ("Lockheed Martin", question.buyer)}))
    assert (sale.seller, sale.buyer_country) == ("lockheed-martin", "POL")


def _settings(url: str, **overrides: object) -> BackendSettings:
    fast = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.05, total_wait=1)
    return BackendSettings(base_url=url, model="fake", retry=fast, timeout=2.0, **overrides)  # type: ignore[arg-type]


FIRST_JSON = FIRST.model_dump_json()


def test_a_run_asks_about_the_seller_after_the_article_and_keeps_the_answer() -> None:
    with (
        fake_openai_server(completion(FIRST_JSON), completion(json.dumps({"seller": "Russia"}))) as fake,
        Extractor(settings=_settings(fake.url)) as extractor,
    ):
        extraction = extractor.extract(TEXT)
    [sale] = extraction.sales
    assert (sale.seller_country, sale.buyer_country) == ("RUS", "SYR")
    assert extraction.provenance.usage.requests == 2
    assert any(w == "sales[0].seller asked again: 'Russia'" for w in extraction.warnings)
    first, question = fake.requests
    # The question repeats the article's request word for word and adds itself after the article,
    # so a server reuses what it has read.
    asked = question["json"]["messages"]
    assert asked[0] == first["json"]["messages"][0]
    assert asked[-1]["content"].startswith(first["json"]["messages"][-1]["content"] + "\n\nQuestion: ")
    assert question["json"]["max_tokens"] == 60


def test_a_failed_question_keeps_the_article_with_a_warning() -> None:
    with (
        fake_openai_server(completion(FIRST_JSON), Step(status=400, body='{"error": "bad request"}')) as fake,
        Extractor(settings=_settings(fake.url)) as extractor,
    ):
        extraction = extractor.extract(TEXT)
    [sale] = extraction.sales
    assert sale.seller is None and sale.buyer_country == "SYR"
    assert any("sales[0].seller: the question about it failed: " in w for w in extraction.warnings)


def test_questions_can_be_turned_off() -> None:
    with (
        fake_openai_server(completion(FIRST_JSON)) as fake,
        Extractor(settings=_settings(fake.url, ask_sellers=False)) as extractor,
    ):
        extraction = extractor.extract(TEXT)
    assert extraction.sales[0].seller is None and len(fake.requests) == 1
