"""A company's country as the article writes it next to the name (core/nationality.py)."""

from __future__ import annotations

import pytest

from arms_extract.core.answer import ArticleAnswer, ItemAnswer, SaleAnswer
from arms_extract.core.assemble import assemble
from arms_extract.core.grounding import find_all
from arms_extract.core.nationality import company_country
from arms_extract.records import Article

# Sentences from the dev news articles (../shared/eval/arms_deals_dev.jsonl), a few shortened.
CASES = [
    ("The tender was won by the Slovak company Letecké opravovne Trenčín (LOTN). LOTN shall work", "LOTN", "SVK"),
    ("The initial agreement with Boeing, an American multinational corporation, on the purchase", "Boeing", "USA"),
    ("a joint venture between Germany's Diehl BGT Defence, and Israel\u2019s Rafael.", "Rafael", "ISR"),
    ("The Black Hawk is produced by Lockheed Martin's Polish subsidiary PZL Mielec.", "PZL Mielec", "POL"),
    ("Russia's Almaz-Antey will supply the systems.", "Almaz-Antey", "RUS"),
    ("US-based Textron will deliver the boats.", "Textron", "USA"),
    # Two countries on one name say nothing certain.
    ("signed with Turkish-Qatari armored vehicles manufacturer BMC, which has", "BMC", None),
    # A verb or a preposition ends the search: Poland is the buyer here, not the company's country.
    ("Poland signed a contract with the company (LOTN) on Monday.", "LOTN", None),
    ("to purchase Spike missiles from EuroSpike GmbH.", "EuroSpike GmbH", None),
    ("Israel said. Lockheed Martin will build them.", "Lockheed Martin", None),
    # The acronym in brackets before the apposition; the headline above the name is no part of it.
    (
        "German firm receives contract to configure Pakistani ATR-72s\n\nRheinland Air Service (RAS), a German "
        "firm specializing in airliner maintenance, was awarded a contract by the Pakistan Navy.",
        "Rheinland Air Service",
        "DEU",
    ),
    ("Orders for Polish Black Hawks\n\nLockheed Martin will build them.", "Lockheed Martin", None),
]


@pytest.mark.parametrize(("text", "name", "expected"), CASES)
def test_company_country_as_written(text: str, name: str, expected: str | None) -> None:
    assert company_country(text, find_all(text, name)) == expected


def test_a_company_seller_gets_the_country_the_article_gives_it() -> None:
    text = (
        "Turkey has started to receive the second batch of CH-47 Chinook helicopters. The initial agreement "
        "with Boeing, an American multinational corporation, on the purchase of 11 CH-47 helicopters dates from 2011."
    )
    item = ItemAnswer(name="CH-47 Chinook helicopters", quantity=None)
    answer = ArticleAnswer(
        sales=[SaleAnswer(seller="Boeing", buyer="Turkey", items=[item], value=None, date=None, status=None)]
    )
    [sale], _, actors, _ = assemble(Article(id="x", text=text), answer)
    assert (sale.seller_country, sale.buyer_country) == ("USA", "TUR")
    boeing = next(a for a in actors if a.name == "Boeing")
    assert boeing.country == "USA"
