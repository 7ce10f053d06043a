"""A value is read from its own words: never from a number inside a designation, money only with its
currency next to it, and one-word dates kept (issue 11, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from arms_extract.core.answer import ArticleAnswer, ItemAnswer, SaleAnswer
from arms_extract.core.assemble import assemble
from arms_extract.core.normalize import count_of_item, parse_money, parse_quantity
from arms_extract.records import Article


def one_sale(text: str, published: dt.date | None = None, **fields: object):  # type: ignore[no-untyped-def]
    base: dict[str, object] = {"seller": None, "buyer": None, "items": [], "value": None, "date": None}
    base["status"] = None
    base.update(fields)
    answer = ArticleAnswer(sales=[SaleAnswer.model_validate(base)])
    sales, _, _, warnings = assemble(Article(id="t", text=text, published=published), answer)
    return sales, warnings


@pytest.mark.parametrize(
    ("phrase", "amount", "currency"),
    [
        ("F-35 fighter jets worth $4.6 billion", 4.6e9, "USD"),
        ("32 F-35 jets for 4.6 billion dollars", 4.6e9, "USD"),
        ("€108 million (U.S. $134 million)", 108e6, "EUR"),
        ("1.5 billion Australian dollars", 1.5e9, "AUD"),
        ("USD 4m", 4e6, "USD"),
    ],
)
def test_money_is_the_number_next_to_its_currency(phrase: str, amount: float, currency: str) -> None:
    parsed = parse_money(phrase)
    assert parsed is not None and (parsed.amount, parsed.currency) == (amount, currency)


@pytest.mark.parametrize("phrase", ["F-35 jets, $ undisclosed", "the 2023 deal in dollars"])
def test_money_without_a_currency_next_to_a_number_is_none(phrase: str) -> None:
    assert parse_money(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("F-35", None), ("two F-16s", 2), ("KIV-78s", None), ("Su-30MKI", None), ("4th and 5th generation", None),
     ("Type 052D", None), ("32 F-35A", 32), ("twelve MiG-29s", 12)],
)  # fmt: skip
def test_a_number_inside_a_designation_is_not_a_count(phrase: str, value: int | None) -> None:
    parsed = parse_quantity(phrase)
    assert (parsed.value if parsed else None) == value


def test_a_sale_reads_its_value_and_quantity_from_their_own_words() -> None:
    text = "Poland will buy 32 F-35 fighter jets worth $4.6 billion from the United States."
    sales, _ = one_sale(
        text,
        seller="the United States",
        buyer="Poland",
        items=[ItemAnswer(name="F-35 fighter jets", quantity="F-35")],
        value="F-35 fighter jets worth $4.6 billion",
    )
    [sale] = sales
    assert sale.value is not None and sale.value.amount == 4.6e9
    # "F-35" is a name, not 35 jets; the count is the number written before the item.
    assert sale.items[0].quantity == 32
    assert [span.text for span in sale.items[0].evidence] == ["F-35 fighter jets", "32"]


def test_a_designation_on_the_next_line_of_a_dsca_notice_is_not_a_quantity() -> None:
    # dsca-101 (a US Government work): the item got 78, from "KIV-78s".
    text = (
        "The Government of Finland has requested a possible sale of follow-on equipment and support for "
        "Finland's F-18 Mid-Life Upgrade (MLU) Program, consisting of F-18C/D Fleet Retrofit Kits of the "
        "following systems: 69 KIV-78s (Mode 5 Identification Friend or Foe), 69 AN/APX-11-30s (Combined "
        "Interrogator/Transponders), and 32 SUU-63 pylons, for an estimated cost of $170 million."
    )
    sales, warnings = one_sale(
        text, buyer="Finland", items=[ItemAnswer(name="F-18C/D Fleet Retrofit Kits", quantity="KIV-78s")],
        value="$170 million",
    )  # fmt: skip
    [sale] = sales
    assert sale.items[0].quantity is None
    assert any("KIV-78s" in w and "not a number" in w for w in warnings)


@pytest.mark.parametrize(("date", "iso"), [("Monday", None), ("2023", "2023"), ("yesterday", "2024-11-19")])
def test_a_one_word_date_is_kept(date: str, iso: str | None) -> None:
    text = f"Japan signed a deal {date} to buy 400 Tomahawk cruise missiles worth $2.35 billion."
    sales, warnings = one_sale(
        text, dt.date(2024, 11, 20), buyer="Japan", value="$2.35 billion", date=date,
        items=[ItemAnswer(name="Tomahawk cruise missiles", quantity="400")],
    )  # fmt: skip
    [sale] = sales
    assert sale.date is not None and (sale.date.text, sale.date.iso) == (date, iso)
    assert not any("not found" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "name", "count"),
    [
        ("Poland's armed forces are to acquire 16 new helicopters this year.", "helicopters", "16"),
        ("the first two of 25 Australian F/A-18A Hornet fighter aircraft", "F/A-18A Hornet", "25"),
        ("the country aims to purchase 210 infantry fighting vehicles", "210 infantry fighting vehicles", "210"),
        ("Japan will buy up to 1,200 AIM-120D-3 missiles", "AIM-120D-3 missiles", "up to 1,200"),
        ("the purchase of 11 CH-47 helicopters in 2011", "CH-47 helicopters", "11"),
        # A year is no count, nor is a number three words away.
        ("first delivered in 2016 CH-47 helicopters", "CH-47 helicopters", None),
        ("bought 40 of the new Leopard tanks", "Leopard tanks", None),
        ("sold 3 to them helicopters", "helicopters", None),
    ],
)
def test_the_count_an_item_mention_carries(text: str, name: str, count: str | None) -> None:
    start = text.index(name)
    found = count_of_item(text, start, start + len(name))
    assert (text[found[0] : found[1]] if found else None) == count


def test_a_percentage_is_not_a_count() -> None:
    assert parse_quantity("40 percent of the European market") is None
    assert parse_quantity("12 per cent") is None


def test_an_item_without_a_count_takes_the_one_written_on_another_mention_close_by() -> None:
    text = (
        "Turkey has started to receive the second batch of CH-47 Chinook heavy transportation helicopters. "
        "The initial agreement with Boeing on the purchase of 11 CH-47 helicopters dates from 2011."
    )
    sales, _ = one_sale(
        text,
        buyer="Turkey",
        items=[ItemAnswer(name="CH-47 Chinook heavy transportation helicopters", quantity=None)],
        status="receive",
    )
    [sale] = sales
    assert sale.items[0].quantity == 11
    assert sale.items[0].evidence[1].text == "11"
