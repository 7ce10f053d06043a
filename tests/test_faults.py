"""Faults on the wire and in the model's answers, against the FAKE server in fake_openai_server.py.

Each test scripts the fake server, runs one real extraction over HTTP, and
checks that the result is either a correct Extraction or a clear failure.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from arms_extract import BackendSettings, ExtractionFailed, Extractor
from arms_extract.backends._transport import RetryPolicy
from arms_extract.cache import AnswerCache

from .canned import tomahawk_answer
from .fake_openai_server import Step, completion, fake_openai_server

ARTICLE = "The United States has agreed to sell Japan 400 Tomahawk cruise missiles worth $2.35 billion."
GOOD = tomahawk_answer(seller="The United States", status="agreed to sell")
INVENTED = GOOD.replace("$2.35 billion", "$9.99 billion")
FAST = RetryPolicy(attempts=4, initial_wait=0.01, max_wait=0.3, total_wait=10)
SECRET_KEY = "sk-test-DO-NOT-LEAK-1234567890"


def settings(url: str, **overrides: object) -> BackendSettings:
    base: dict[str, object] = {"base_url": url, "model": "fake", "retry": FAST, "timeout": 2.0}
    base.update(overrides)
    return BackendSettings(**base)  # type: ignore[arg-type]


def extract(url: str, **overrides: object):  # type: ignore[no-untyped-def]
    with Extractor(settings=settings(url, **overrides)) as extractor:
        return extractor.extract(ARTICLE)


def assert_tomahawk_sale(extraction) -> None:  # type: ignore[no-untyped-def]
    [sale] = extraction.sales
    assert (sale.buyer_country, sale.value.usd, sale.items[0].quantity) == ("JPN", 2.35e9, 400)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_http_errors_are_retried(status: int) -> None:
    with fake_openai_server(Step(status=status), Step(status=status), completion(GOOD)) as fake:
        extraction = extract(fake.url)
    assert_tomahawk_sale(extraction)
    assert len(fake.requests) == 3
    # Transport retries are not re-asks: the model was asked once.
    assert extraction.provenance.usage.reasks == 0


def test_retry_after_is_honoured() -> None:
    with fake_openai_server(Step(status=429, headers={"Retry-After": "0.25"}), completion(GOOD)) as fake:
        started = time.monotonic()
        extraction = extract(fake.url)
        elapsed = time.monotonic() - started
    assert_tomahawk_sale(extraction)
    assert elapsed >= 0.25


def test_dropped_connection_is_retried() -> None:
    with fake_openai_server(Step(drop=True), completion(GOOD)) as fake:
        assert_tomahawk_sale(extract(fake.url))
    assert len(fake.requests) == 2


def test_answer_slower_than_the_timeout_is_retried() -> None:
    with fake_openai_server(Step(delay=1.5, content=GOOD), completion(GOOD)) as fake:
        assert_tomahawk_sale(extract(fake.url, timeout=0.5))
    assert len(fake.requests) == 2


def test_permanent_server_error_fails_the_article_clearly() -> None:
    with fake_openai_server(Step(status=500)) as fake, pytest.raises(ExtractionFailed) as error:
        extract(fake.url)
    assert "HTTP 500" in str(error.value)
    assert len(fake.requests) == FAST.attempts


def test_invalid_json_is_re_asked_and_error_bodies_never_reach_a_prompt() -> None:
    steps = (
        Step(status=503, body='{"error": "UPSTREAM-BODY-MARKER overloaded"}'),
        completion('{"sales": [ oops'),
        completion(GOOD),
    )
    with fake_openai_server(*steps) as fake:
        extraction = extract(fake.url)
    assert_tomahawk_sale(extraction)
    assert extraction.provenance.usage.reasks == 1
    assert extraction.provenance.usage.requests == 2
    reask = fake.requests[2]["json"]["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"sales": [ oops'}
    for request in fake.requests:
        assert "UPSTREAM-BODY-MARKER" not in json.dumps(request["json"])


def test_schema_violation_is_re_asked() -> None:
    with fake_openai_server(completion('{"sales": "none"}'), completion(GOOD)) as fake:
        extraction = extract(fake.url)
    assert_tomahawk_sale(extraction)
    assert extraction.provenance.usage.reasks == 1


def test_invented_value_is_dropped_without_a_re_ask_by_default() -> None:
    """One request: the value the article does not hold is dropped and named, the rest kept; the
    sale's price is then the one the article writes with its items, never the invented one."""
    with fake_openai_server(completion(INVENTED), completion(GOOD)) as fake:
        extraction = extract(fake.url)
    assert len(fake.requests) == 1
    [sale] = extraction.sales
    assert (sale.buyer_country, sale.items[0].quantity) == ("JPN", 400)
    assert sale.value is not None and sale.value.evidence.text == "$2.35 billion"
    assert any("'$9.99 billion': not found in the article" in w for w in extraction.warnings)
    assert extraction.provenance.usage.reasks == 0


def test_invented_value_is_re_asked_with_the_reason() -> None:
    with fake_openai_server(completion(INVENTED), completion(GOOD)) as fake:
        extraction = extract(fake.url, reask_ungrounded=True)
    assert_tomahawk_sale(extraction)
    feedback = fake.requests[1]["json"]["messages"][-1]["content"]
    assert "sales[0].value = '$9.99 billion' is not in the article" in feedback
    assert extraction.provenance.usage.prompt_tokens == 200


def test_value_still_invented_after_re_asks_is_dropped_not_kept() -> None:
    with fake_openai_server(completion(INVENTED)) as fake:
        extraction = extract(fake.url, max_reasks=2, reask_ungrounded=True)
    assert len(fake.requests) == 3
    [sale] = extraction.sales
    assert sale.value is not None and sale.value.evidence.text == "$2.35 billion"  # written with the items
    assert sale.items[0].quantity == 400
    assert any("'$9.99 billion': not found in the article" in w for w in extraction.warnings)
    assert extraction.provenance.usage.reasks == 2


def test_truncated_answer_fails_clearly() -> None:
    with (
        fake_openai_server(completion(GOOD[:50], finish_reason="length")) as fake,
        pytest.raises(ExtractionFailed, match="cut off"),
    ):
        extract(fake.url)


def test_empty_choices_fail_clearly() -> None:
    with (
        fake_openai_server(Step(empty_choices=True)) as fake,
        pytest.raises(ExtractionFailed, match="no answer"),
    ):
        extract(fake.url)


def test_a_client_error_fails_at_once_with_the_servers_reason() -> None:
    body = json.dumps({"error": {"message": "the request exceeds the available context size", "code": 400}})
    with (
        fake_openai_server(Step(status=400, body=body)) as fake,
        pytest.raises(ExtractionFailed, match="HTTP 400: .*exceeds the available context size"),
    ):
        extract(fake.url)
    assert len(fake.requests) == 1  # a 400 is not retried


def test_an_answer_without_the_fields_a_server_may_leave_out_is_read() -> None:
    # Some servers send no id, creation time or usage; the answer is what matters.
    answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": GOOD}, "finish_reason": "stop"}]}
    with fake_openai_server(Step(body=json.dumps(answer))) as fake:
        extraction = extract(fake.url)
    assert_tomahawk_sale(extraction)
    assert extraction.provenance.usage.prompt_tokens == 0


def test_an_answer_that_is_not_json_fails_clearly() -> None:
    # A proxy in front of the model server answering 200 with its own HTML page.
    with (
        fake_openai_server(Step(body="<html><body>Gateway login</body></html>")) as fake,
        pytest.raises(ExtractionFailed, match="not a chat completion"),
    ):
        extract(fake.url)
    assert len(fake.requests) == 1  # neither a transport retry nor a re-ask: the server did answer


def test_template_markers_in_an_article_reach_the_model_verbatim() -> None:
    # instructor renders messages as Jinja templates when it is given a validation context;
    # the article text must reach the model as written, and "{{" must not fail the article.
    article = ARTICLE + " Code names: {{ text }}, {# draft #}, {% raw %} and a lone {{."
    with fake_openai_server(completion(GOOD)) as fake, Extractor(settings=settings(fake.url)) as extractor:
        extraction = extractor.extract(article)
    assert_tomahawk_sale(extraction)
    assert article in fake.requests[0]["json"]["messages"][-1]["content"]


def test_request_headers_name_the_client_and_carry_a_key_only_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-test")
    with fake_openai_server(completion(GOOD)) as fake:
        extract(fake.url)
    sent = {name.lower(): value for name, value in fake.requests[0]["headers"].items()}
    assert "authorization" not in sent  # a local server needs no key, and none is made up
    assert sent["user-agent"].startswith("arms-extract")
    assert sent["openai-organization"] == "org-test"


def test_api_key_is_sent_but_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with fake_openai_server(Step(status=401, body=f'{{"error": "bad key {SECRET_KEY}"}}')) as fake:
        with pytest.raises(ExtractionFailed) as error:
            extract(fake.url, api_key=SECRET_KEY)
        sent = {name.lower(): value for name, value in fake.requests[0]["headers"].items()}
        assert sent["authorization"] == f"Bearer {SECRET_KEY}"
    assert SECRET_KEY not in str(error.value)
    assert SECRET_KEY not in repr(settings(fake.url, api_key=SECRET_KEY))
    assert SECRET_KEY not in caplog.text
    with fake_openai_server(completion(GOOD)) as fake:
        extraction = extract(fake.url, api_key=SECRET_KEY)
    assert SECRET_KEY not in extraction.model_dump_json()


def test_cassettes_carry_no_credentials() -> None:
    import re

    import yaml

    from .conftest import CASSETTES

    secret_headers = {"authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"}
    cassettes = sorted(CASSETTES.rglob("*.yaml"))
    assert len(cassettes) > 10
    for cassette in cassettes:
        text = cassette.read_text(encoding="utf-8")
        # Article texts may say "authorization"; headers and key-shaped strings may not appear.
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.casefold() for name in interaction["request"]["headers"]}
            assert not headers & secret_headers, (cassette, headers & secret_headers)
        assert not re.search(r"bearer\s+\S", text, re.IGNORECASE), cassette
        assert not re.search(r"\bsk-[A-Za-z0-9_-]{16,}", text), cassette


def test_an_answer_kept_without_a_re_ask_is_not_served_to_a_run_that_re_asks(tmp_path: Path) -> None:
    """The two policies give different answers to one request, so they share no cached answer."""
    cache = AnswerCache(tmp_path / "answers.sqlite")
    with fake_openai_server(completion(INVENTED), completion(GOOD)) as fake:
        dropped = "'$9.99 billion': not found in the article"
        with Extractor(settings=settings(fake.url), cache=cache) as lenient:
            assert any(dropped in w for w in lenient.extract(ARTICLE).warnings)
        with Extractor(settings=settings(fake.url, reask_ungrounded=True), cache=cache) as strict:
            for extraction in (strict.extract(ARTICLE), strict.extract(ARTICLE)):  # asked, then its own, cached
                assert_tomahawk_sale(extraction)
                assert not any(dropped in w for w in extraction.warnings)  # not the first run's answer
        with Extractor(settings=settings(fake.url), cache=cache) as lenient:
            assert any(dropped in w for w in lenient.extract(ARTICLE).warnings)  # its own answer, cached
    assert len(fake.requests) == 2
