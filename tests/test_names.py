"""Countries and organisations found by code (core/names.py)."""

from arms_extract.core.names import names_in


def _found(text: str) -> list[tuple[str, str, str | None]]:
    return [(n.text, n.kind, n.country) for n in names_in(text)]


def test_countries_by_name_short_form_and_capital_but_not_by_demonym() -> None:
    text = "The U.S. and Japan agreed; Moscow objected, and Russian officials said South Korea would wait."
    assert _found(text) == [
        ("U.S.", "country", "USA"),
        ("Japan", "country", "JPN"),
        ("Moscow", "country", "RUS"),
        ("South Korea", "country", "KOR"),
    ]


def test_a_capital_inside_a_longer_name_is_no_country() -> None:
    text = "The Stockholm International Peace Research Institute counts what Ankara bought."
    assert _found(text) == [("Ankara", "country", "TUR")]


def test_organisations_by_the_word_that_ends_their_name() -> None:
    text = (
        "The Ministry of Defence chose Rafael Advanced Defense Systems over Lockheed Martin Corp. "
        "and the Indian Air Force agreed."
    )
    assert _found(text) == [
        ("Ministry of Defence", "government_body", None),
        ("Rafael Advanced Defense Systems", "company", None),
        ("Lockheed Martin Corp.", "company", None),
        ("Indian Air Force", "military", None),
    ]


def test_every_name_is_the_articles_own_text() -> None:
    text = "Le ministère a dit que la France et l\u2019Allemagne achèteront 20 Rafale. The Egyptian Navy waits."
    for name in names_in(text):
        assert text[name.start : name.end] == name.text
