"""Arms makers and the country each is based in: where a weapon comes from when the article
names its maker but no supplying country ("Saab has received a contract for IDAS-2 systems for
India", "Lockheed Martin F-16V fighters").

A transfer's supplier is the country of the company that produces the weapon; this is how SIPRI
codes suppliers. The table holds large producers whose home country is one and undisputed
(SIPRI Top 100 arms-producing companies and well-known exporters); groups owned across borders
(Airbus, MBDA, KNDS, EuroSpike, Eurofighter, NHIndustries) are left out of it, since their
country is a choice, not a fact (they are known as makers, with the countries that own them, in
`_HOMES`: a state buys from them, and no other state sells what they make); so are design
bureaus whose name is also a model's ("Antonov An-26"), as an old airframe may come from any
former owner, and names that are also a type or a word ("Kalashnikov" rifles are made in many
countries; "Indra" is also an exercise). A hit is always a span of the article: the maker's name
as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

# "name | other name | ... = ISO 3166-1 alpha-3", one maker a line. Names match as whole words,
# case-sensitively (so "Bell" the maker, not "bell"; "BAE" not "bae").
_TABLE = """
Lockheed Martin | Lockheed = USA
Boeing = USA
Raytheon | RTX = USA
Northrop Grumman | Northrop = USA
General Dynamics = USA
General Atomics = USA
Textron | Bell Helicopter | Bell Textron = USA
Sikorsky = USA
L3Harris | L3 Technologies | Harris Corporation = USA
Huntington Ingalls Industries | Huntington Ingalls = USA
Leidos = USA
AeroVironment | Insitu | Sierra Nevada Corporation | Beechcraft = USA
Lenco Industries | Navistar Defense | Orbital ATK = USA
Leonardo DRS | DRS Technologies = USA
Oshkosh Defense | AM General = USA
BAE Systems = GBR
Rolls-Royce = GBR
Babcock = GBR
QinetiQ | Cobham | Ultra Electronics | Martin-Baker | Meggitt = GBR
Thales = FRA
Dassault Aviation | Dassault = FRA
Naval Group | DCNS = FRA
Nexter = FRA
Safran = FRA
Arquus | Renault Trucks Defense = FRA
Rheinmetall = DEU
Krauss-Maffei Wegmann | KMW = DEU
ThyssenKrupp Marine Systems | TKMS = DEU
Diehl Defence | Diehl = DEU
Hensoldt | Atlas Elektronik = DEU
Heckler & Koch = DEU
Lürssen | Lurssen = DEU
Leonardo | Finmeccanica | AgustaWestland | Fincantieri | Iveco Defence Vehicles = ITA
Alenia Aermacchi | Alenia | Aermacchi | Agusta | Oto Melara | OTO Melara | Beretta = ITA
Saab = SWE
Kockums | Bofors | BAE Systems Hägglunds | Hägglunds = SWE
Kongsberg = NOR
Nammo = NOR
Patria | Sako = FIN
Damen = NLD
Navantia | Indra Sistemas = ESP
FN Herstal | John Cockerill | CMI Defence = BEL
Steyr Mannlicher | Glock = AUT
Czechoslovak Group | Omnipol | Aero Vodochody | Excalibur Army = CZE
Polska Grupa Zbrojeniowa | PGZ | Bumar | PZL Mielec = POL
Yugoimport = SRB
Hellenic Aerospace Industry = GRC
Pilatus = CHE
RUAG | Mowag = CHE
Rafael Advanced Defense Systems | Rafael = ISR
Elbit Systems | Elbit = ISR
IMI Systems | Israel Shipyards = ISR
Israel Aerospace Industries | IAI = ISR
Israel Military Industries | IWI = ISR
Rosoboronexport | Rostec = RUS
Almaz-Antey | Uralvagonzavod | Kalashnikov Concern = RUS
United Aircraft Corporation | Sukhoi | Mikoyan | Irkut | Russian Helicopters = RUS
Tactical Missiles Corporation | KTRV = RUS
United Shipbuilding Corporation | Sevmash | Admiralty Shipyards | Kurganmashzavod = RUS
NPO Mashinostroyeniya | Izhmash = RUS
Kazspetsexport = KAZ
Ukroboronprom | Ukrspecexport | Motor Sich = UKR
Norinco | NORINCO | China North Industries = CHN
China Aerospace Science and Technology Corporation | CASC = CHN
China Shipbuilding Industry Corporation | CSIC = CHN
China Electronics Technology Group | CETC = CHN
Chengdu Aircraft | Shenyang Aircraft | Hongdu = CHN
Pakistan Ordnance Factories | Heavy Industries Taxila | Pakistan Aeronautical Complex = PAK
PT PAL | PT Pindad | Pindad | PT Dirgantara Indonesia | Indonesian Aerospace = IDN
Aviation Industry Corporation of China | AVIC = CHN
CASIC | China Aerospace Science and Industry Corporation = CHN
Poly Technologies = CHN
China State Shipbuilding Corporation | CSSC = CHN
Hanwha = KOR
Hyundai Rotem = KOR
Korea Aerospace Industries | KAI = KOR
Daewoo Shipbuilding | DSME | Hyundai Heavy Industries = KOR
LIG Nex1 | Poongsan | Samsung Techwin = KOR
Mitsubishi Heavy Industries = JPN
Kawasaki Heavy Industries | ShinMaywa | Japan Marine United = JPN
Hindustan Aeronautics | HAL = IND
Bharat Electronics | Bharat Dynamics = IND
Mazagon Dock | Garden Reach Shipbuilders | Goa Shipyard | Cochin Shipyard = IND
Ordnance Factory Board | Tata Advanced Systems | Bharat Forge = IND
Aselsan | Roketsan | Otokar | FNSS | Havelsan = TUR
Turkish Aerospace Industries | Turkish Aerospace | TUSAS = TUR
Baykar | Nurol Makina = TUR
Embraer | Avibras | Helibras = BRA
CAE | Bombardier | Colt Canada = CAN
General Dynamics Land Systems-Canada | General Dynamics Land Systems Canada | GDLS-Canada = CAN
Denel | Paramount Group = ZAF
ST Engineering | Singapore Technologies = SGP
Austal = AUS
EDGE Group | Abu Dhabi Ship Building = ARE
Saudi Arabian Military Industries | SAMI = SAU
"""


def _parse(table: str) -> list[tuple[str, str]]:
    pairs = []
    for line in table.strip().splitlines():
        names, code = line.rsplit("=", 1)
        pairs += [(name.strip(), code.strip()) for name in names.split("|")]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


_MAKERS = _parse(_TABLE)
# Whole names only: not "Bell" in "Bellingcat" nor "Saab" in "Saab-340" (a model), but the first
# of two makers joined by a hyphen ("Finmeccanica-Alenia Aermacchi") is a name.
_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name, _ in _MAKERS) + r")(?![\w]|-(?![A-Z][a-z]))")
_COUNTRY = {name: code for name, code in _MAKERS}


# Makers owned across borders: no one country, but a maker all the same (a state buys from them),
# with the countries that own them.
_HOMES = {
    "Airbus": {"FRA", "DEU", "ESP", "GBR"},
    "MBDA": {"FRA", "GBR", "ITA", "DEU"},
    "KNDS": {"FRA", "DEU"},
    "Eurofighter": {"DEU", "GBR", "ITA", "ESP"},
    "NHIndustries": {"FRA", "ITA", "DEU", "NLD"},
    "EuroSpike": {"DEU", "ISR"},
}
_MULTINATIONAL = re.compile(r"(?<![\w-])(" + "|".join(_HOMES) + r")(?![\w-])")


def is_maker(phrase: str) -> bool:
    """Whether `phrase` names an arms maker, of one country or of several."""
    return bool(maker_homes_in(phrase))


def multinational_in(phrase: str) -> bool:
    """Whether `phrase` names a maker owned across borders (a rival of no one country's)."""
    return _MULTINATIONAL.search(phrase) is not None


def maker_homes_in(phrase: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, the countries it belongs to) of each maker named in `phrase`, of one country
    or owned across borders, in order."""
    found = [(start, end, frozenset({code})) for start, end, code in makers_in(phrase)]
    found += [(m.start(1), m.end(1), frozenset(_HOMES[m.group(1)])) for m in _MULTINATIONAL.finditer(phrase)]
    return sorted(found)


def makers_in(phrase: str) -> list[tuple[int, int, str]]:
    """(start, end, country) of each maker named in `phrase`, in order."""
    return [(m.start(1), m.end(1), _COUNTRY[m.group(1)]) for m in _PATTERN.finditer(phrase)]


@lru_cache(maxsize=1024)
def maker_country(name: str) -> str | None:
    """The country of the maker a company's name is, or begins with ("Saab Group", "Lockheed
    Martin Aeronautics"); None for any other name."""
    found = makers_in(name.strip())
    if not found:
        return None
    start, _, code = found[0]
    before = name.strip()[:start].strip()
    return code if before in ("", "the", "The") else None
