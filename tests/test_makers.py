"""Arms makers' home countries (core/makers.py): a sale's supplier when the article names the maker
but no supplying country. Texts are from dev news articles."""

from __future__ import annotations

import pytest

from arms_extract.core.makers import maker_country, makers_in
from arms_extract.records import Sale

from .answers import answer, assembled


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Saab", "SWE"),
        ("Lockheed Martin Aeronautics", "USA"),
        ("the Damen Shipyards Group", "NLD"),
        ("Denel Dynamics", "ZAF"),
        ("Airbus Helicopters", None),  # owned across borders: no single country
        ("Antonov", None),  # a design bureau whose name is also a model's
        ("Rafael Nadal", "ISR"),  # a name is read as written: the table holds makers, and a party is one
        ("Boeing's rival", "USA"),
        ("a Saab unit", None),  # the maker's name must begin it
        ("Kalashnikov", None),  # a rifle type made in many countries, unlike the "Kalashnikov Concern"
        ("Kalashnikov Concern", "RUS"),
        ("Finmeccanica-Alenia Aermacchi", "ITA"),  # two makers joined by a hyphen
        ("Saab-340", None),  # a model, not the maker
        ("Lenco Industries, Inc.", "USA"),
        ("Leonardo DRS", "USA"),  # the longer name wins: the American arm
        ("BAE Systems H\u00e4gglunds", "SWE"),  # where it is made, as SIPRI codes suppliers
    ],
)
def test_a_makers_country(name: str, country: str | None) -> None:
    assert maker_country(name) == country


def test_makers_in_a_phrase_as_whole_words() -> None:
    phrase = "offers by Lockheed Martin, Leonardo and Airbus Helicopters; not Saabs or a bell"
    assert [(phrase[a:b], code) for a, b, code in makers_in(phrase)] == [
        ("Lockheed Martin", "USA"),
        ("Leonardo", "ITA"),
    ]


def sale_of(text: str, seller: str | None, buyer: str | None, item: str) -> Sale:
    [sale], _ = assembled(text, answer(seller, buyer, item))
    return sale


SAAB = (
    "Saab has been awarded a follow-on contract from India's Hindustan Aeronautics Limited (HAL) for IDAS-2 "
    "self-protection systems for the Dhruv helicopters it is building for the Indian Army.\n\n"
    "\u201cThis order strengthens our position,\u201d said Trevor Raman, head of Saab Grintek Defence."
)


def test_a_maker_named_as_seller_gives_its_country_and_stays_itself() -> None:
    sale = sale_of(
        SAAB, seller="Saab", buyer="Hindustan Aeronautics Limited (HAL)", item="IDAS-2 self-protection systems"
    )
    assert (sale.seller_country, sale.buyer_country, sale.seller_inferred) == ("SWE", "IND", False)
    # The seller is Saab where the article names it, not Saab Grintek Defence named further down.
    assert sale.seller == "saab"


def test_the_one_maker_of_the_items_sentence_is_the_implied_seller() -> None:
    sale = sale_of(SAAB, seller=None, buyer="India", item="IDAS-2 self-protection systems")
    assert (sale.seller_country, sale.seller_inferred) == ("SWE", True)
    assert sale.seller_inference is not None and "Saab has been awarded" in sale.seller_inference.text


def test_a_maker_written_on_the_item_is_the_implied_seller() -> None:
    text = (
        "NATO member Slovakia is on track to purchase 14 Lockheed Martin F-16V fighters to replace its MiG-29 "
        "jets, a defence ministry official said Saturday."
    )
    sale = sale_of(text, seller=None, buyer="Slovakia", item="F-16V fighters")
    assert (sale.seller_country, sale.buyer_country, sale.seller_inferred) == ("USA", "SVK", True)


def test_the_one_maker_of_the_items_sentence_implies_the_seller_with_no_verb_of_supply() -> None:
    """ "the roll out of the first operational F-35A Lightning II for the Royal Netherlands Air Force
    (RNLAF) at Lockheed Martin (NYSE: LMT) in Fort Worth": the maker is where the item is made."""
    text = (
        "Dutch and American officials celebrated the roll out of the first operational F-35A Lightning II for "
        "the Royal Netherlands Air Force (RNLAF) at Lockheed Martin (NYSE: LMT) in Fort Worth, Texas."
    )
    sale = sale_of(text, seller=None, buyer="Royal Netherlands Air Force", item="F-35A Lightning II")
    assert (sale.buyer_country, sale.seller_country, sale.seller_inferred) == ("NLD", "USA", True)


def test_makers_of_several_countries_in_the_sentence_imply_no_seller() -> None:
    text = (
        "The aircraft will include two Black Hawk helos, and the remaining 14 will be selected among offers "
        "that were submitted by Lockheed Martin, Leonardo and Airbus Helicopters, the minister told Poland's PAP."
    )
    sale = sale_of(text, seller=None, buyer="Poland", item="Black Hawk helos")
    assert sale.seller_country is None


def test_a_maker_of_the_buyers_own_country_is_no_supplier() -> None:
    text = "Denel Dynamics has received another order for its Seeker 400 UAV from South Africa's air force."
    sale = sale_of(text, seller=None, buyer="South Africa", item="Seeker 400 UAV")
    assert (sale.seller_country, sale.buyer_country) == (None, "ZAF")


def test_a_maker_on_another_mention_of_the_model_close_by_is_the_implied_seller() -> None:
    text = (
        "PARIS \u2015 The French Air Force has taken delivery of a second C-130J Super Hercules transport plane, "
        "the Armed Forces Ministry said.\n\n\u201cThe second C-130J Super Hercules and its crew arrived Thursday at "
        "Orleans air base from the Lockheed Martin plant at Marietta,\u201d the ministry said."
    )
    sale = sale_of(text, seller=None, buyer="The French Air Force", item="C-130J Super Hercules transport plane")
    assert (sale.buyer_country, sale.seller_country, sale.seller_inferred) == ("FRA", "USA", True)
    assert sale.seller_inference is not None and "Lockheed Martin plant" in sale.seller_inference.text
