from __future__ import annotations

import datetime as dt

import pytest

from arms_extract.core.normalize import (
    category_of,
    converted_amount,
    country_code,
    country_in,
    designations_in,
    is_associated,
    is_boilerplate,
    known_body,
    money_spans,
    parse_money,
    parse_quantity,
    resolve_date,
    stage_of,
)
from arms_extract.records import DatePrecision, Stage


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Japan", "JPN"),
        ("the United States", "USA"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("America", "USA"),
        ("Washington", "USA"),
        ("Britain", "GBR"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Taiwan", "TWN"),
        ("TECRO", "TWN"),
        ("Japanese", "JPN"),
        ("Indian", "IND"),
        ("Emirati", "ARE"),
        ("Government of Japan", "JPN"),
        ("Japan's", "JPN"),
        ("Saudi Arabia", "SAU"),
        ("Germany", "DEU"),
        ("Burkina Faso", "BFA"),
    ],
)
def test_country_codes(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize("name", ["Lockheed Martin", "the Pentagon", "", None, "missiles", "Renamo"])
def test_not_countries_stay_null(name: str | None) -> None:
    assert country_code(name) is None


def test_country_in_a_longer_phrase() -> None:
    assert country_in("Burkina Faso's Air Force") == "BFA"
    assert country_in("the US State Department") == "USA"
    assert country_in("Russian Foreign Ministry spokeswoman") == "RUS"
    assert country_in("the South Korean Navy") == "KOR"
    # Two different countries: ambiguous, so no answer rather than a guess.
    assert country_in("France and Germany") is None
    assert country_in("Lockheed Martin") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        # Initials whose last full stop a sentence's end or the cleaning takes.
        ("U.K.", "GBR"),
        ("the U.K.", "GBR"),
        ("U.A.E.", "ARE"),
        # Demonyms, capitals and spellings from countryinfo that the hand table never had.
        ("Syrian", "SYR"),
        ("Belarusian", "BLR"),
        ("Venezuelan", "VEN"),
        ("Ankara", "TUR"),
        ("Tehran", "IRN"),
        ("Abu Dhabi", "ARE"),
        ("Republic of China", "TWN"),
        ("People's Republic of China", "CHN"),
        ("DPRK", "PRK"),
    ],
)
def test_country_variants_news_writes(name: str, code: str) -> None:
    assert country_in(name) == code


@pytest.mark.parametrize(
    "name", ["Hamilton", "Victoria", "Nassau", "Jerusalem", "Congolese", "Lao", "Island", "Dominique", "Reunion"]
)
def test_variants_that_are_names_words_or_shared_are_no_country(name: str) -> None:
    assert country_code(name) is None


def test_a_capital_that_begins_a_longer_name_is_no_country() -> None:
    assert country_in("Stockholm International Peace Research Institute (SIPRI)") is None
    assert country_in("the Paris Air Show") is None
    assert country_in("Ankara's defence ministry") == "TUR"
    # A city-state's capital is its name.
    assert country_in("Republic of Singapore Air Force") == "SGP"


@pytest.mark.parametrize("region", ["Latin America", "South America", "North American Aerospace Defense Command"])
def test_a_region_named_after_america_is_not_the_united_states(region: str) -> None:
    assert country_in(region) is None
    assert country_in(f"arms sales to {region} and Russia") == "RUS"


@pytest.mark.parametrize(
    ("phrase", "amount", "currency", "usd", "qualifier"),
    [
        ("$2.35 billion", 2.35e9, "USD", 2.35e9, None),
        ("US$593 million", 593e6, "USD", 593e6, None),
        ("€1.2bn", 1.2e9, "EUR", None, None),
        ("£300m", 300e6, "GBP", None, None),
        ("Rs 500 crore", 5e9, "INR", None, None),
        ("2.35 bn dollars", 2.35e9, "USD", 2.35e9, None),
        ("an estimated cost of $2.43 billion", 2.43e9, "USD", 2.43e9, "estimated"),
        ("up to $3.64 billion", 3.64e9, "USD", 3.64e9, "up to"),
        ("about $1,200,000", 1.2e6, "USD", 1.2e6, "about"),
        ("$45 million", 45e6, "USD", 45e6, None),
        ("2,35 milliards de dollars", 2.35e9, "USD", 2.35e9, None),
        ("1,5 millions d'euros", 1.5e6, "EUR", None, None),
        ("$1,200 million", 1.2e9, "USD", 1.2e9, None),
        ("14.5 billion koruna", 14.5e9, "CZK", None, None),
        ("300 million forints", 300e6, "HUF", None, None),
        ("1.2 billion lei", 1.2e9, "RON", None, None),
        ("R175 million", 175e6, "ZAR", None, None),
        ("R19 989 941", 19_989_941, "ZAR", None, None),
        # Dollars of other countries by their prefix; each had been read as US (or Australian) dollars.
        ("CN$704 million", 704e6, "CAD", None, None),
        ("CA$10 million", 10e6, "CAD", None, None),
        ("AU$1.2 billion", 1.2e9, "AUD", None, None),
        ("NT$3 billion", 3e9, "TWD", None, None),
        ("R$ 2 billion", 2e9, "BRL", None, None),
        ("A$50 billion", 50e9, "AUD", None, None),
    ],
)
def test_money(phrase: str, amount: float, currency: str, usd: float | None, qualifier: str | None) -> None:
    parsed = parse_money(phrase)
    assert parsed is not None
    assert (parsed.amount, parsed.currency, parsed.usd, parsed.qualifier) == (
        amount,
        currency,
        usd,
        qualifier,
    )


def test_money_qualifier_from_preceding_context() -> None:
    parsed = parse_money("$2.35 billion", context="equipment at an estimated cost of ")
    assert parsed is not None and parsed.qualifier == "estimated"


@pytest.mark.parametrize(
    "phrase", ["2.35 billion", "a lot of money", "", None, "400 missiles", "R550 Magic missiles", "R-27 missiles"]
)
def test_money_without_currency_or_amount_is_null(phrase: str | None) -> None:
    """Also an R that is part of a model's name: "R550 Magic", "R-27"."""
    assert parse_money(phrase) is None


@pytest.mark.parametrize(
    ("phrase", "value", "qualifier"),
    [
        ("400", 400, None),
        ("up to 1,200", 1200, "up to"),
        ("Seventy (70)", 70, None),
        ("two", 2, None),
        ("a dozen", 12, None),
        ("twenty-four", 24, None),
        ("as many as 36", 36, "up to"),
        ("about 50", 50, "about"),
        ("10 to 12", 12, "range"),
        ("at least 3", 3, "at least"),
    ],
)
def test_quantities(phrase: str, value: int, qualifier: str | None) -> None:
    parsed = parse_quantity(phrase)
    assert parsed is not None
    assert (parsed.value, parsed.qualifier) == (value, qualifier)


@pytest.mark.parametrize("phrase", ["several", "", None, "many missiles", "1.5%"])
def test_quantities_that_stay_null(phrase: str | None) -> None:
    parsed = parse_quantity(phrase)
    assert parsed is None or parsed.value is None


def test_dates_resolve_against_publication() -> None:
    published = dt.date(2024, 11, 20)
    assert resolve_date("on November 17", published).iso == "2024-11-17"
    # A month and day after publication belong to the previous year.
    assert resolve_date("December 3", published).iso == "2023-12-03"
    assert resolve_date("January 3", dt.date(2025, 1, 4)).iso == "2025-01-03"
    assert resolve_date("last month", published).iso == "2024-10"
    last_month = resolve_date("last month", published)
    assert last_month.precision is DatePrecision.month
    assert resolve_date("In February of this year", published).iso == "2024-02"
    assert resolve_date("yesterday", published).iso == "2024-11-19"


def test_dates_never_invent_a_year() -> None:
    resolved = resolve_date("November 17", None)
    assert resolved is not None
    assert resolved.iso is None
    assert resolved.precision is DatePrecision.day
    assert resolve_date("August 2019", None).iso == "2019-08"
    assert resolve_date("in 2022", None).iso == "2022"
    assert resolve_date("soon", None).iso is None


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        (
            "The DSCA delivered the required certification notifying Congress of this possible sale",
            Stage.notified_to_congress,
        ),
        ("The State Department has approved a possible sale", Stage.approved),
        ("India signed a contract with Dassault for 36 Rafale jets", Stage.contract_signed),
        ("The first two aircraft were delivered in March", Stage.delivered),
        ("The deal was cancelled after the coup", Stage.cancelled),
        ("The Government of Japan has requested to buy 400 missiles", Stage.requested),
        ("Vale did not immediately respond to requests for comment", Stage.unknown),
        ("Tanks rolled through the parade", Stage.unknown),
    ],
)
def test_stage(text: str, stage: Stage) -> None:
    assert stage_of(text) is stage


def test_notification_is_not_a_contract() -> None:
    assert stage_of("DSCA notified Congress of the possible sale; no contract has been signed yet") is (
        Stage.notified_to_congress
    )


def test_designations_and_categories() -> None:
    assert designations_in("AIM-120D-3 and AIM-120C-8 missiles") == ["AIM-120D-3", "AIM-120C-8"]
    assert designations_in("F-16 Block 70 aircraft") == ["F-16 Block 70"]
    assert designations_in("Tomahawk cruise missiles") == []
    # The Russian bureaus write their prefixes in mixed case.
    russian = ["MiG-29M", "Su-30MKI", "Mi-35M", "Ka-52K"]
    assert designations_in("MiG-29M/M2 fighters, Su-30MKI, Mi-35M and Ka-52K") == russian
    assert designations_in("Covid-19 and Top-100") == []
    assert category_of("Tomahawk cruise missiles") == "missile"
    assert category_of("AH-64E Apache helicopters") == "helicopter"
    assert category_of("a train") is None


def test_associated_equipment_is_not_a_major_item() -> None:
    for name in (
        "spare parts",
        "spares",
        "replacement parts",
        "personnel training",
        "related equipment",
        "technical support",
    ):
        assert is_associated(name)
    for name in ("Tomahawk cruise missiles", "AIM-120D-3", "Tomahawk tactical control systems"):
        assert not is_associated(name)


def test_known_bodies_merge_aliases() -> None:
    names = ["the State Department", "the US State Department", "the Department of State"]
    assert {known_body(n).name for n in names} == {"US Department of State"}  # type: ignore[union-attr]
    assert known_body("DSCA").country == "USA"  # type: ignore[union-attr]
    assert known_body("Main Intelligence Directorate (GRU)").country == "RUS"  # type: ignore[union-attr]
    assert known_body("Lockheed Martin") is None


def test_dsca_boilerplate() -> None:
    assert is_boilerplate("The proposed sale will not alter the basic military balance in the region.")
    assert is_boilerplate("Japan will have no difficulty absorbing this equipment into its armed forces.")
    assert is_boilerplate("This sale is consistent with U.S. foreign policy and national security goals")
    assert not is_boilerplate("Russia was going to monitor US plans to deploy hypersonic missiles in Japan")


def test_short_tokens_are_not_iso_codes_unless_aliased() -> None:
    assert country_code("SA") is None
    assert country_code("IT") is None
    assert country_code("UAE") == "ARE"
    assert country_in("Brazil\u2019s Vale SA") == "BRA"


def test_thousands_grouped_with_spaces() -> None:
    assert parse_money("$92 556 056").amount == 92_556_056
    assert parse_money("$9\u00a0201\u00a0176").amount == 9_201_176
    assert parse_quantity("more than 1 500").value == 1500
    assert parse_quantity("12 155mm howitzers").value == 12  # not "12155"


def test_guns_and_named_drones_are_weapons() -> None:
    assert category_of("hunting and sporting guns") == "small arms"
    assert category_of("Heron TP") == "aircraft"
    assert category_of("Wing Loong II") == "aircraft"
    assert category_of("gunmen") is None  # an attack is not a sale


def test_what_is_no_weapon_system() -> None:
    from arms_extract.core.normalize import is_not_materiel

    # Support and services, kept as associated equipment with the sale.
    for name in ("facilities infrastructure", "hangar construction", "software support", "containers"):
        assert is_associated(name), name
    # Money, budget lines, treaties, talks and words that name nothing: not items at all.
    for name in ("Foreign Military Financing", "US military aid", "estimated cost", "more", "the others",
                 "defense and security cooperation", "Egypt\u2013Israel Peace Treaty",
                 "hunting and sporting guns", "civilian helicopters", "183 847", "Gwadar port",
                 "Chinese investment", "gas pipeline"):  # fmt: skip
        assert is_not_materiel(name), name
    # A weapon word or a designation keeps an item whatever else its name says.
    for name in ("F-35 program funds", "Black Hawk helicopters", "AIM-120D-3", "direction finding systems",
                 "low-cost interceptors", "OSPREY Class Mine Hunting Ships", "submarine hunting aircraft",
                 "civilian and military helicopters", "port security boats", "transport aircraft"):  # fmt: skip
        assert not is_not_materiel(name), name


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("a deal worth about 13.5 billion zloty (U.S. $3.3 billion).", ["13.5 billion zloty", "$3.3 billion"]),
        ("two fast patrol craft for around 7 million euros", ["7 million euros"]),
        ("F-35 jets worth $4.6bn and 12 tanks", ["$4.6bn"]),  # a count or a designation is no amount
        ("budgets $52 million for helicopters and $9.5 million for vessels", ["$52 million", "$9.5 million"]),
        ("300 soldiers and 12 F-16s", []),
    ],
)
def test_amounts_of_money_written_in_a_text(text: str, amounts: list[str]) -> None:
    assert [text[a:b] for a, b in money_spans(text)] == amounts


@pytest.mark.parametrize(
    ("text", "converted"),
    [
        ("a deal worth €108 million (U.S. $134 million) to purchase", "$134 million"),
        ("worth more than 14.5 billion koruna (US $635 million).", "$635 million"),
        ("about 13.5 billion zloty (about $3.3 billion)", "$3.3 billion"),
        ("€108 million (a record) and $134 million", None),
        ("€108 million ($134 million for the missiles alone)", None),
        ("€108 million, or $134 million", None),
    ],
)
def test_an_amount_converted_in_brackets_right_after_another(text: str, converted: str | None) -> None:
    first = money_spans(text)[0]
    found = converted_amount(text, first[1])
    assert (text[slice(*found)] if found else None) == converted


def test_helos_and_choppers_are_helicopters() -> None:
    assert category_of("50 Caracal helos") == category_of("Mi-17 choppers") == "helicopter"
