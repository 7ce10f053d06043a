"""The article's own words for how a transfer stands: new or second-hand, licensed production,
done / planned / hypothetical / denied / cancelled. Sentences from the corpus articles
(tests/fixtures/corpus_articles.jsonl) and the seeds."""

from __future__ import annotations

import pytest

from arms_extract.core.assemble import no_sale_reason
from arms_extract.core.transfer_terms import condition, context, licensed_production, quantity_kind


def _whole(text: str) -> list[tuple[int, int]]:
    return [(0, len(text))]


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("The Brazilian government has approved the sale of three second hand Super Tucano aircraft to Nigeria.",
         "Super Tucano", ("second_hand", "second hand")),
        ("These aircraft are expected to be transferred from the current inventory of the Brazilian Air Force.",
         "aircraft", ("second_hand", "from the current inventory of")),
        ("Bell Helicopter will soon deliver five refurbished Huey II helicopters to Uganda's military.",
         "Huey II", ("refurbished", "refurbished")),
        ("Algeria has agreed to acquire one new Project 22160 patrol vessel from Russia.",
         "Project 22160", ("new", "new")),
        ("The New Zealand Navy will buy Project 22160 patrol vessels.", "Project 22160", None),
    ],
)  # fmt: skip
def test_new_second_hand_and_refurbished(text: str, item: str, expected: tuple[str, str] | None) -> None:
    found = condition(text, _whole(text), [text.index(item)])
    assert (found and (found.value, text[found.start : found.end])) == expected


def test_licensed_production_and_local_assembly() -> None:
    text = (
        "Algeria has agreed to acquire one new Project 22160 patrol vessel from Russia and build another three locally."
    )
    found = licensed_production(text, _whole(text))
    assert found is not None and text[found.start : found.end] == "build another three locally"
    text = "India will produce the rifles under licence at Korwa."
    assert licensed_production(text, _whole(text)) is not None
    text = "The missiles were built in Arizona."
    assert licensed_production(text, _whole(text)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Egypt's military has taken delivery of at least 12 Ka-52 attack helicopters from Russia.", "done"),
        ("Egypt has agreed to acquire Ka-52K attack helicopters but has not yet signed a contract.", "planned"),
        ("The US has halted deliveries of F-35 jets to Turkey.", "cancelled"),
        ("Ankara won't buy Patriot missiles, the minister said.", "denied"),
        ("The Pentagon could sell more F-16s to Taiwan.", "hypothetical"),
        ("The tanks arrived by sea.", None),
    ],
)
def test_done_planned_hypothetical_denied_cancelled(text: str, expected: str | None) -> None:
    found = context(text, _whole(text))
    assert (found.value if found else None) == expected


def test_an_article_without_a_sale_says_why() -> None:
    assert no_sale_reason([], []) == "no transfer named: the model found no sale"
    dropped = ["dropped sales[0]: no weapon, no price and no deal stage; not an arms sale"]
    assert "not an arms sale" in (no_sale_reason([], dropped) or "")
    injected = ["dropped sale-1: its evidence is text addressed to an AI model"]
    assert "addressed to an AI model" in (no_sale_reason([], injected) or "")


@pytest.mark.parametrize(
    ("text", "number", "expected"),
    [
        ("Egypt's military has taken delivery of at least 12 Ka-52 attack helicopters from Russia.", "12", "delivered"),
        ("In 2015 Egypt agreed to acquire 46 conventional Ka-52 Alligator helicopters.", "46", "ordered"),
        ("Russia handed over the first 3 of the 46 Ka-52s ordered in 2015.", "3", "delivered"),
        ("Russia handed over the first 3 of the 46 Ka-52s ordered in 2015.", "46", "ordered"),
        ("The 12 aircraft will support operations against Boko Haram.", "12", None),
    ],
)
def test_a_quantity_counts_orders_or_deliveries_by_the_nearest_cue(text: str, number: str, expected: str) -> None:
    start = text.index(number)
    found = quantity_kind(text, (0, len(text)), (start, start + len(number)))
    assert (found.value if found else None) == expected
