from __future__ import annotations

from arms_extract.core.people import personal_name, quoted_people, title_before

from .conftest import seed_text

SEED_000 = seed_text("000_")
SEED_003 = seed_text("003_")


def test_quoted_people_in_seed_000() -> None:
    spans = quoted_people(SEED_000)
    assert [s.text for s in spans] == ["Igor Kostyukov", "Fumio Kishida", "Maria Zakharova", "Lloyd Austin"]
    for span in spans:
        assert SEED_000[span.start : span.end] == span.text


def test_titles_written_before_names() -> None:
    titles = {s.text: title_before(SEED_000, s) for s in quoted_people(SEED_000)}
    assert titles["Maria Zakharova"].text == "Russian Foreign Ministry spokeswoman"  # type: ignore[union-attr]
    assert titles["Igor Kostyukov"].text == (  # type: ignore[union-attr]
        "the head of the Main Intelligence Directorate (GRU) of the Russian General Staff"
    )
    assert titles["Lloyd Austin"].text == "Pentagon chief"  # type: ignore[union-attr]
    text = "On Monday, Rajnath Singh said so."
    [span] = quoted_people(text)
    assert title_before(text, span) is None


def test_personal_name_drops_the_title() -> None:
    assert personal_name("Secretary of State Antony Blinken") == "Antony Blinken"
    assert personal_name("Mr Blinken") == "Blinken"
    assert personal_name("Maria Zakharova") == "Maria Zakharova"
