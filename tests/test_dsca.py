"""Eleven real DSCA notices (public domain) through the recorded embedded model.

Record again with `pytest -m cassette --record-mode=rewrite` (see conftest.py).
"""

from __future__ import annotations

import re

import pytest

from arms_extract import Extraction, Extractor, Stage
from arms_extract.batch.inputs import read_articles
from arms_extract.core.normalize import country_code, parse_money
from arms_extract.evaluation.evalset import STATED_COST

from .conftest import FIXTURES
from .helpers import assert_grounded

pytestmark = pytest.mark.cassette

NOTICES = {item.article.id: item.article for item in read_articles(FIXTURES / "dsca_sample.jsonl") if item.article}
DATASET_COUNTRY = {
    "dsca-66": "Singapore",
    "dsca-75": "South Korea",
    "dsca-147": "Thailand",
    "dsca-138": "United Arab Emirates",
    "dsca-174": "United Kingdom",
    "dsca-192": "Turkey",
    "dsca-228": "Greece",
    "dsca-219": "Saudi Arabia",
}


@pytest.fixture(scope="module")
def notices(extractor: Extractor, vcr_for_module) -> dict[str, Extraction]:  # type: ignore[no-untyped-def]
    results = {}
    for notice_id, article in NOTICES.items():
        with vcr_for_module(f"dsca/{notice_id}.yaml"):
            results[notice_id] = extractor.extract(article)
    return results


def test_every_notice_yields_a_grounded_us_sale_notified_to_congress(notices: dict[str, Extraction]) -> None:
    for notice_id, extraction in notices.items():
        assert extraction.sales, notice_id
        assert_grounded(extraction)
        sale = extraction.sales[0]
        assert sale.seller_country == "USA", notice_id
        assert sale.stage is Stage.notified_to_congress, notice_id


@pytest.mark.parametrize("notice_id", sorted(DATASET_COUNTRY))
def test_buyer_country_matches_the_dataset(notices: dict[str, Extraction], notice_id: str) -> None:
    expected = country_code(DATASET_COUNTRY[notice_id])
    assert expected is not None
    assert notices[notice_id].sales[0].buyer_country == expected


def test_buyers_without_a_dataset_country(notices: dict[str, Extraction]) -> None:
    assert notices["dsca-257"].sales[0].buyer_country == "TWN"  # TECRO
    assert notices["dsca-306"].sales[0].buyer_country == "MEX"
    assert notices["dsca-335"].sales[0].buyer_country == "IRQ"


def test_value_is_the_cost_the_notice_states(notices: dict[str, Extraction]) -> None:
    for notice_id, extraction in notices.items():
        stated = {parse_money(m).amount for m in STATED_COST.findall(extraction.article.text)}  # type: ignore[union-attr]
        value = extraction.sales[0].value
        assert value is not None, notice_id
        assert value.currency == "USD" and value.usd == value.amount, notice_id
        assert value.amount in stated, (notice_id, value.amount, stated)


def test_items_carry_the_stated_quantities(notices: dict[str, Extraction]) -> None:
    with_quantity = 0
    for extraction in notices.values():
        for item in extraction.sales[0].items:
            if item.quantity is not None:
                with_quantity += 1
                quantity_text = next(s.text for s in item.evidence if s is not item.evidence[0])
                assert str(item.quantity) in quantity_text.replace(",", "") or not quantity_text[0].isdigit()
    assert with_quantity >= 6


def test_dsca_template_claims_are_flagged(notices: dict[str, Extraction]) -> None:
    template = re.compile(r"basic military balance|no difficulty absorbing|foreign policy and national security", re.I)
    flagged = 0
    for extraction in notices.values():
        for claim in extraction.claims:
            if template.search(claim.content):
                assert claim.is_boilerplate, claim.content
                flagged += 1
    assert flagged >= 3
