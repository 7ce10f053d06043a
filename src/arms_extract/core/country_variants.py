"""Demonyms, capitals and other spellings of each country, from the countryinfo package.

pycountry knows a country's names; news also writes its people's adjective ("Syrian",
"Belarusian"), its capital as the government ("Ankara wants", "talks with Tehran") and initials
or long official forms ("U.K.", "Republic of China"). The hand table in `normalize` keeps what
news writes that no table has ("Kremlin", "u.s.", French and Spanish names) and wins over these.

Left out: forms of three letters or fewer (initials and codes are words far more often: "AND",
"Lao"), and forms that are also a person's name, a common word, a ship or a city of another
country ("Hamilton", "Victoria", "Nassau", "Santiago", "Island" for Iceland, "Dominique" for
Dominica), or that name two places ("Jerusalem"), or a state that is gone ("Yugoslavia").
Where two territories share a demonym, the more populous one has it ("American" is the United
States, not the Northern Mariana Islands).
"""

from __future__ import annotations

from functools import lru_cache

from countryinfo import all_countries

_NOT_A_COUNTRY = frozenset(
    form.casefold()
    for form in (
        # Capitals that are names, words, ships or other places.
        "Douglas",
        "Hamilton",
        "Kingston",
        "Kingstown",
        "Victoria",
        "City of Victoria",
        "George Town",
        "Georgetown",
        "Jamestown",
        "Stanley",
        "Plymouth",
        "Nassau",
        "Santiago",
        "San José",
        "San Juan",
        "Saint-Denis",
        "Saint-Pierre",
        "The Valley",
        "Marigot",
        "Malé",
        "Sucre",
        "Praia",
        "Diego Garcia",
        "Edinburgh",
        "Gibraltar",
        "West Island",
        "Road Town",
        "Cockburn Town",
        "Panama City",
        "Guatemala City",
        "Kuwait City",
        "Mexico City",
        # Seats of more than one government or of alliances.
        "Jerusalem",
        "Ramallah",
        "Brussels",
        "Willemstad",
        "Belgrade",
        # Shared by two countries.
        "Congolese",
        "Channel Islander",
        # Other spellings that are English words, first names or surnames, or a state that is gone.
        "Island",
        "Reunion",
        "Dominique",
        "Mann",
        "Mannin",
        "Prathet",
        "Viti",
        "Guiana",
        "Yugoslavia",
    )
)


def _flat(value: object) -> list[str]:
    """The strings in a countryinfo field, which may be a string, a list or nested lists."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list):
        return [text for element in value for text in _flat(element)]
    return []


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Lower-cased capitals of all countries, kept or not: a capital is also part of many names."""
    # A city-state's capital is its name ("Singapore"): never only a city.
    return frozenset(
        form.casefold()
        for country in all_countries()
        for form in _flat(country.capital())
        if form and form != "None" and form.casefold() != str(country.name()).casefold()
    )


@lru_cache(maxsize=1)
def country_variants() -> dict[str, str]:
    """Lower-cased form -> ISO 3166-1 alpha-3, for every demonym, capital and other spelling."""
    found: dict[str, tuple[int, str]] = {}
    for country in all_countries():
        try:
            code = country.iso()["alpha3"]
            population = int(country.population() or 0)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        # One demonym field may hold two ("Bosnian,Herzegovinian"); names hold commas of their own.
        demonyms = [part.strip() for text in _flat(country.demonym()) for part in text.split(",")]
        forms = demonyms + _flat(country.capital()) + _flat(country.alt_spellings())
        for form in forms:
            key = form.casefold()
            # Index forms ("Korea, Republic of") are never written in news.
            if len(key) <= 3 or key in _NOT_A_COUNTRY or "/" in key or "," in key or key == "none":
                continue
            if key not in found or found[key][0] < population:
                found[key] = (population, code)
    return {key: code for key, (_, code) in found.items()}
