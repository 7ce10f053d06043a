"""The seed articles through the real HTTP path, replayed from recordings of the embedded model.

Record again with `pytest -m cassette --record-mode=rewrite` (see conftest.py).
"""

from __future__ import annotations

import json

import pytest

from arms_extract import ActorKind, Article, Extraction, Extractor, Stage
from arms_extract.batch.inputs import read_articles

from .conftest import FIXTURES, SEEDS, seed_text
from .helpers import all_spans, assert_grounded, injected_seed

pytestmark = pytest.mark.cassette


def actor_named(extraction: Extraction, *needles: str):  # type: ignore[no-untyped-def]
    for actor in extraction.actors:
        names = " | ".join([actor.name, *actor.aliases]).casefold()
        if all(n.casefold() in names for n in needles):
            return actor
    raise AssertionError(f"no actor named {needles}: {[a.name for a in extraction.actors]}")


@pytest.fixture(scope="module")
def seed_000(extractor: Extractor, vcr_for_module) -> Extraction:  # type: ignore[no-untyped-def]
    with vcr_for_module("seed_000.yaml"):
        return extractor.extract(seed_text("000_"))


@pytest.fixture(scope="module")
def seed_003(extractor: Extractor, vcr_for_module) -> Extraction:  # type: ignore[no-untyped-def]
    with vcr_for_module("seed_003.yaml"):
        return extractor.extract(seed_text("003_"))


def test_seed_000_tomahawk_sale(seed_000: Extraction) -> None:
    assert len(seed_000.sales) == 1
    sale = seed_000.sales[0]
    assert (sale.seller_country, sale.buyer_country) == ("USA", "JPN")
    tomahawks = [i for i in sale.items if "tomahawk" in i.name.casefold() and "missile" in i.name.casefold()]
    assert [i.quantity for i in tomahawks] == [400]
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (2.35e9, "USD", 2.35e9)
    assert sale.stage is Stage.notified_to_congress
    assert_grounded(seed_000)


def test_seed_003_amraam_sale(seed_003: Extraction) -> None:
    assert len(seed_003.sales) == 1
    sale = seed_003.sales[0]
    assert (sale.seller_country, sale.buyer_country) == ("USA", "JPN")
    designations = {d for item in sale.items for d in item.designations}
    assert {"AIM-120D-3", "AIM-120C-8"} <= designations
    amraams = [i for i in sale.items if {"AIM-120D-3", "AIM-120C-8"} & set(i.designations)]
    assert all(i.quantity == 1200 and i.quantity_qualifier == "up to" for i in amraams)
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (3.64e9, "USD", 3.64e9)
    assert sale.stage is Stage.notified_to_congress
    assert_grounded(seed_003)


def test_seed_actors_have_the_right_kind(seed_000: Extraction, seed_003: Extraction) -> None:
    for extraction in (seed_000, seed_003):
        state = actor_named(extraction, "department of state")
        assert (state.kind, state.country) == (ActorKind.government_body, "USA")
        assert actor_named(extraction, "united states").kind is ActorKind.country
        assert actor_named(extraction, "japan").kind is ActorKind.country
    dsca = actor_named(seed_003, "defense security cooperation agency")
    assert (dsca.kind, dsca.country) == (ActorKind.government_body, "USA")
    assert actor_named(seed_000, "zakharova").kind is ActorKind.person
    assert actor_named(seed_000, "kostyukov").kind is ActorKind.person


def test_seed_claims_are_grounded_and_attributed(seed_000: Extraction, seed_003: Extraction) -> None:
    for extraction in (seed_000, seed_003):
        assert extraction.claims
        actor_ids = {a.id for a in extraction.actors}
        for claim in extraction.claims:
            assert claim.speaker is None or claim.speaker in actor_ids
            assert claim.content in extraction.article.text


def test_provenance_is_filled(seed_000: Extraction) -> None:
    provenance = seed_000.provenance
    assert provenance.model == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert provenance.prompt_version
    assert provenance.usage.prompt_tokens > 500
    assert provenance.usage.completion_tokens > 50
    assert provenance.usage.requests == provenance.usage.reasks + 1


def test_no_sale_article_yields_no_sale(extractor: Extractor, vcr_for_module) -> None:  # type: ignore[no-untyped-def]
    [item] = list(read_articles(FIXTURES / "no_sale_article.json"))
    assert item.article is not None
    with vcr_for_module("no_sale.yaml"):
        extraction = extractor.extract(item.article)
    assert extraction.sales == []
    for span in all_spans(extraction):
        assert extraction.article.text[span.start : span.end] == span.text


def test_cli_json_on_a_seed(model_backend, vcr_for_module, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The CLI's JSON contract, on the recorded seed 000 exchange, plus a bad file beside it."""
    from typer.testing import CliRunner

    from arms_extract.cli import app

    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe\x00\x00binary")
    seed = next(SEEDS.glob("000_*.txt"))
    args = ["extract", "--json", "--base-url", model_backend.base_url, "--model", model_backend.model]
    with vcr_for_module("seed_000.yaml", replay_only=True):
        result = CliRunner().invoke(app, [*args, str(seed), str(broken)])
    assert result.exit_code == 1, result.output
    assert f"{broken}: looks like a binary file" in result.stderr
    [record] = json.loads(result.stdout)
    text = record["article"]["text"]
    [sale] = record["sales"]
    assert (sale["seller_country"], sale["buyer_country"]) == ("USA", "JPN")
    assert sale["value"] == {
        "amount": 2.35e9,
        "currency": "USD",
        "usd": 2.35e9,
        "qualifier": sale["value"]["qualifier"],
        "evidence": sale["value"]["evidence"],
        "usd_evidence": None,  # a dollar amount is its own; only a conversion the article writes has one
    }
    assert any(item["quantity"] == 400 for item in sale["items"])
    assert sale["stage"] == "notified_to_congress"
    for span in sale["evidence"]:
        assert text[span["start"] : span["end"]] == span["text"]
    for claim in record["claims"]:
        assert claim["speaker_name"] and claim["content"]
    for actor in record["actors"]:
        assert {"name", "kind", "country"} <= actor.keys()


async def test_async_extractor_replays_the_same_exchange(model_backend, vcr_for_module) -> None:  # type: ignore[no-untyped-def]
    from arms_extract import AsyncExtractor

    async with AsyncExtractor(settings=model_backend) as extractor:
        with vcr_for_module("seed_003.yaml", replay_only=True):
            extraction = await extractor.extract(seed_text("003_"))
    [sale] = extraction.sales
    assert (sale.buyer_country, sale.value.usd if sale.value else None) == ("JPN", 3.64e9)
    assert_grounded(extraction)


@pytest.fixture(scope="module")
def injected(extractor: Extractor, vcr_for_module) -> Extraction:  # type: ignore[no-untyped-def]
    with vcr_for_module("seed_000_injected.yaml"):
        return extractor.extract(injected_seed())


def test_prompt_injection_does_not_change_the_records(injected: Extraction) -> None:
    """Instructions inside the article are data: the real sale is still there, in JSON."""
    tomahawk = [s for s in injected.sales if s.buyer_country == "JPN" and any(i.quantity == 400 for i in s.items)]
    assert tomahawk, injected.sales
    assert tomahawk[0].value is not None and tomahawk[0].value.usd == 2.35e9
    assert_grounded(injected)


def test_the_injection_is_reported_and_nothing_it_asks_for_is_kept(injected: Extraction) -> None:
    assert any(w.startswith("text addressed to an AI model at characters") for w in injected.warnings)
    assert all(sale.buyer_country != "FRA" for sale in injected.sales)
    assert all(item.quantity != 99 for sale in injected.sales for item in sale.items)


def test_values_the_injection_asks_for_are_not_invented(injected: Extraction) -> None:
    # The injected sentence is in the text, so a sale quoting it would be grounded; what must
    # never appear is a value that is not in the article at all.
    for sale in injected.sales:
        for item in sale.items:
            for span in item.evidence:
                assert injected.article.text[span.start : span.end] == span.text


def test_article_in_another_language_is_grounded_or_empty(extractor: Extractor, vcr_for_module) -> None:  # type: ignore[no-untyped-def]
    text = (FIXTURES / "french_article.txt").read_text(encoding="utf-8")
    with vcr_for_module("french_article.yaml"):
        extraction = extractor.extract(text)
    if extraction.sales:
        assert_grounded(extraction)
    for sale in extraction.sales:
        assert sale.buyer_country in (None, "JPN")
        assert sale.seller_country in (None, "USA")
        if sale.value is not None:
            assert (sale.value.amount, sale.value.currency) == (2.35e9, "USD")
        assert all(item.quantity in (None, 400) for item in sale.items)


def test_batch_file_round_trip(tmp_path, vcr_for_module) -> None:  # type: ignore[no-untyped-def]
    """prepare -> answers from the embedded model (recorded) -> collect gives the same records as run."""
    import httpx2 as httpx

    from arms_extract import BackendSettings
    from arms_extract.batch.batchfile import collect, prepare

    from .conftest import EMBEDDED_MODEL, REPLAY_URL

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed.txt").write_text(seed_text("000_"), encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    settings = BackendSettings(base_url="http://batch/v1", model=EMBEDDED_MODEL)
    requests = tmp_path / "requests.jsonl"
    prepared = prepare([inputs], requests, settings)
    assert (prepared.articles, prepared.requests, len(prepared.errors)) == (1, 1, 1)
    [line] = [json.loads(x) for x in requests.read_text().splitlines()]
    assert (line["method"], line["url"]) == ("POST", "/v1/chat/completions")
    results = tmp_path / "results.jsonl"
    with vcr_for_module("seed_000.yaml", replay_only=True), httpx.Client() as client:
        answer = client.post(REPLAY_URL.removesuffix("/v1") + line["url"], json=line["body"], timeout=10)
    results.write_text(
        json.dumps({"custom_id": line["custom_id"], "response": {"status_code": 200, "body": answer.json()}}) + "\n"
    )
    collected = collect(results, requests, tmp_path / "out", settings)
    assert (collected.ok, collected.rerun) == (1, [])
    [sale] = [json.loads(x) for x in (tmp_path / "out" / "sales.jsonl").read_text().splitlines()]
    assert (sale["seller_country"], sale["buyer_country"], sale["value"]["usd"]) == ("USA", "JPN", 2.35e9)
    # A result that fails validation is listed for a normal re-run, not kept.
    broken = json.loads(results.read_text())
    broken["response"]["body"]["choices"][0]["message"]["content"] = '{"sales": "nope"}'
    results.write_text(json.dumps(broken) + "\n")
    collected = collect(results, requests, tmp_path / "out2", settings)
    assert collected.ok == 0 and len(collected.rerun) == 1
    [rerun] = [json.loads(x) for x in (tmp_path / "out2" / "rerun.jsonl").read_text().splitlines()]
    assert rerun["text"] == seed_text("000_")


def test_non_ascii_article_offsets_are_code_points(extractor: Extractor, vcr_for_module) -> None:  # type: ignore[no-untyped-def]
    """Offsets count Python code points: after a flag emoji (two astral code points) and CJK
    text, every span still reproduces its text, and the sale's numbers are read."""
    text = (FIXTURES / "non_ascii_article.txt").read_text(encoding="utf-8")
    with vcr_for_module("non_ascii_article.yaml"):
        extraction = extractor.extract(Article(id="non-ascii", text=text))
    assert_grounded(extraction)
    assert any(span.start > text.index("🚀") for span in all_spans(extraction))
    assert any(sale.buyer_country == "JPN" for sale in extraction.sales)
