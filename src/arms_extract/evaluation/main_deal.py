"""The main deal a news article's file name codes: `..._A_<recipient>_B_<supplier>`.

The thesis data names each article's main deal with SIPRI-style country codes
("FRG" Germany, "CHI" China, "KOS" South Korea). A code whose country is not
certain from the data ("MAL": Malaysia or Mali?) is left out, never guessed,
and an article with such a code is not counted.
"""

from __future__ import annotations

import re

# SIPRI-style code -> ISO 3166-1 alpha-3, for the codes of arms_deals_dev.jsonl whose country is clear.
_CODES = dict(
    pair.split("=")
    for pair in (
        "AFG=AFG ALG=DZA ANG=AGO ARG=ARG AUS=AUS AZB=AZE BAH=BHR BAN=BGD BEL=BEL BF=BFA BLR=BLR BOL=BOL "
        "BOT=BWA BRA=BRA BUL=BGR CAN=CAN CHA=TCD CHI=CHN COL=COL CRO=HRV CZR=CZE ECU=ECU EGY=EGY EST=EST "
        "ETH=ETH FIN=FIN FJI=FJI FRA=FRA FRG=DEU GAB=GAB GEO=GEO GHA=GHA GRE=GRC GUY=GUY HUN=HUN IND=IND "
        "INS=IDN IRA=IRN IRQ=IRQ ISR=ISR ITA=ITA IVO=CIV JAP=JPN KAZ=KAZ KEN=KEN KOS=KOR KUW=KWT LAT=LVA "
        "LEB=LBN LES=LSO LUX=LUX MLI=MLI MOR=MAR MOZ=MOZ MTG=MNE MYA=MMR NAM=NAM NET=NLD NIG=NGA NOR=NOR "
        "NZ=NZL PAK=PAK PAN=PAN PAP=PNG PHI=PHL POL=POL QAT=QAT ROM=ROU RUS=RUS SA=ZAF SAU=SAU SEN=SEN "
        "SER=SRB SIN=SGP SLK=SVK SOM=SOM SPA=ESP SRI=LKA SWE=SWE SYR=SYR TAI=TWN TAN=TZA THA=THA TRI=TTO "
        "TUN=TUN TUR=TUR UAE=ARE UGA=UGA UK=GBR UKR=UKR URU=URY US=USA USA=USA UZB=UZB YEM=YEM ZAM=ZMB"
    ).split()
)
_CODED = re.compile(r"_A_([A-Z]+)_B_([A-Z]+)")


def coded_pair(article_id: str) -> tuple[str, str] | None:
    """(buyer, seller) as ISO alpha-3 from an id ending `_A_<recipient>_B_<supplier>`; None if not coded."""
    match = _CODED.search(article_id)
    if match is None:
        return None
    buyer, seller = _CODES.get(match.group(1)), _CODES.get(match.group(2))
    return (buyer, seller) if buyer and seller else None


class MainDealCounts:
    """How many coded articles have a sale with both parties right, and how many only reversed;
    also among the coded articles whose gold marks a deal at all (a code on a page with no deal
    in its text, such as a cookie wall, cannot be found by any system)."""

    def __init__(self) -> None:
        self.coded = self.right = self.reversed = 0
        self.coded_with_deal = self.right_with_deal = 0

    def add(self, article_id: str, pairs: list[tuple[str | None, str | None]], has_deal: bool = True) -> None:
        expected = coded_pair(article_id)
        if expected is None:
            return
        self.coded += 1
        self.coded_with_deal += has_deal
        if expected in pairs:
            self.right += 1
            self.right_with_deal += has_deal
        elif (expected[1], expected[0]) in pairs:
            self.reversed += 1

    def scores(self) -> dict[str, float | int]:
        return {
            "coded": self.coded,
            "both_right": self.right,
            "share": round(self.right / self.coded, 4) if self.coded else 0.0,
            "reversed": self.reversed,
            "coded_with_deal": self.coded_with_deal,
            "both_right_with_deal": self.right_with_deal,
        }
